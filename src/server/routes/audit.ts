import { Hono } from 'hono';
import { dayRangeQuerySchema, type AuditEntry } from '../../shared/accounts';
import type { AppDeps } from '../app';
import { currentUser, requireRole } from '../auth/middleware';
import { coversWholeTree, subtreePattern } from '../auth/scope';
import type { AppEnv } from '../http/env';
import { readQuery } from '../http/validate';
import { addDays, dayStart, today } from '../time';

/** Most entries one answer holds, newest first. */
export const AUDIT_LIMIT = 10_000;

/**
 * `GET /api/audit?from=&to=` (admin): entries of those local days (default the last 7), newest first.
 * An admin of the root sees everything; an admin lower down sees what users of their subtree did.
 */
export function auditRoutes({ storage, config }: AppDeps): Hono<AppEnv> {
  const db = storage.db;
  return new Hono<AppEnv>().get('/audit', requireRole('admin'), async (c) => {
    const user = currentUser(c);
    const q = readQuery(c, dayRangeQuerySchema);
    const to = q.to ?? (q.from && q.from > today(config.timeZone) ? q.from : today(config.timeZone));
    const from = q.from ?? addDays(to, -6);
    let query = db
      .selectFrom('audit')
      .leftJoin('users', 'users.id', 'audit.user_id')
      .leftJoin('orgs', 'orgs.id', 'users.org_id')
      .select(['audit.at', 'audit.user_id', 'audit.action', 'audit.target'])
      .where('audit.at', '>=', dayStart(from, config.timeZone).toISOString())
      .where('audit.at', '<', dayStart(addDays(to, 1), config.timeZone).toISOString());
    if (!coversWholeTree(user)) query = query.where('orgs.path', 'like', subtreePattern(user));
    const rows = await query.orderBy('audit.at', 'desc').orderBy('audit.id').limit(AUDIT_LIMIT).execute();
    const answer: AuditEntry[] = rows.map((r) => ({ at: r.at, userId: r.user_id, action: r.action, target: r.target }));
    return c.json(answer);
  });
}
