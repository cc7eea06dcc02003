/**
 * `GET /api/stalls/:id/today` (signed in, stall in scope): the stall's counts for today in the
 * configured time zone, read from the daily counters (a few rows, never the records).
 */
import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod/mini';
import type { StallToday } from '../../shared/stall-today';
import { currentUser, requireRole } from '../auth/middleware';
import { requireStallInScope } from '../auth/scope';
import type { AppDeps } from '../deps';
import type { AppEnv } from '../http/env';
import { ApiError } from '../http/errors';
import { today } from '../time';

const stallIdSchema = z.uuid();

export function stallTodayRoutes(deps: AppDeps): Hono<AppEnv> {
  const db = deps.storage.db;
  return new Hono<AppEnv>().get('/stalls/:id/today', requireRole(), async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    if (!stallIdSchema.safeParse(id).success) throw new ApiError(404, 'unknown_stall', { zh: '摊位不存在', en: 'No such stall' });
    await requireStallInScope(db, user, id);
    const day = today(deps.config.timeZone);
    const rows = await db
      .selectFrom('daily_counts')
      .select([
        'channel',
        sql<number | string>`sum(enrolled)`.as('enrolled'),
        sql<number | string>`sum(existing)`.as('existing'),
        sql<number | string>`sum(consultations)`.as('consultations'),
      ])
      .where('stall_id', '=', id)
      .where('day', '=', day)
      .groupBy('channel')
      .execute();
    const body: StallToday = { stallId: id, day, enrolled: 0, existing: 0, consultations: 0, self: 0 };
    for (const r of rows) {
      if (r.channel === 'self') body.self += Number(r.enrolled) + Number(r.existing);
      else {
        body.enrolled += Number(r.enrolled);
        body.existing += Number(r.existing);
      }
      body.consultations += Number(r.consultations);
    }
    return c.json(body);
  });
}
