/**
 * `GET /api/stalls/:id/today` (signed in, stall in scope): the stall's counts for today in the
 * configured time zone, read from the daily counters (a few rows, never the records).
 */
import { Hono } from 'hono';
import { z } from 'zod/mini';
import type { StallToday } from '../../shared/stall-today';
import { currentUser, requireRole } from '../auth/middleware';
import { requireStallInScope } from '../auth/scope';
import type { AppDeps } from '../deps';
import type { AppEnv } from '../http/env';
import { ApiError } from '../http/errors';
import { stallToday } from '../stalls/service';
import { today } from '../time';

const stallIdSchema = z.uuid();

export function stallTodayRoutes(deps: AppDeps): Hono<AppEnv> {
  const db = deps.storage.db;
  return new Hono<AppEnv>().get('/stalls/:id/today', requireRole(), async (c) => {
    const user = currentUser(c);
    const id = c.req.param('id');
    if (!stallIdSchema.safeParse(id).success) throw new ApiError(404, 'unknown_stall', { zh: '摊位不存在', en: 'No such stall' });
    await requireStallInScope(db, user, id);
    const body: StallToday = await stallToday(db, id, today(deps.config.timeZone));
    return c.json(body);
  });
}
