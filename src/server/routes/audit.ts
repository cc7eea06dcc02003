import { Hono } from 'hono';
import { z } from 'zod/mini';
import type { AuditEntry } from '../../shared/accounts';
import { AUDIT_PAGE_DEFAULT, auditQuerySchema, type AuditPage } from '../../shared/paging';
import type { AppDeps } from '../deps';
import { auditEntries } from '../audit';
import { currentUser, requireRole } from '../auth/middleware';
import { decodeCursor, encodeCursor } from '../http/cursor';
import type { AppEnv } from '../http/env';
import { readQuery } from '../http/validate';
import { addDays, dayStart, today } from '../time';

/** Where an audit page ended: the last entry's time and id (entries go newest first, then by id). */
const auditKeys = z.tuple([z.iso.datetime(), z.uuid()]);

/**
 * `GET /api/audit?from=&to=&userId=&action=&cursor=&limit=` (admin): entries of those local days
 * (default the last 7), newest first, in pages: `{ items, next, hasMore }`; `next` leads on from the
 * last entry (keyset: rows written meanwhile never shift a page). An admin of the root sees
 * everything; an admin lower down sees what users of their subtree did.
 */
export function auditRoutes({ storage, config }: AppDeps): Hono<AppEnv> {
  const db = storage.db;
  return new Hono<AppEnv>().get('/audit', requireRole('admin'), async (c) => {
    const user = currentUser(c);
    const q = readQuery(c, auditQuerySchema);
    const after = q.cursor === undefined ? null : decodeCursor('audit', auditKeys, q.cursor);
    const limit = q.limit ?? AUDIT_PAGE_DEFAULT;
    const to = q.to ?? (q.from && q.from > today(config.timeZone) ? q.from : today(config.timeZone));
    const from = q.from ?? addDays(to, -6);
    // One row more than the page: whether there is more is known, not guessed from a full page.
    const rows = await auditEntries(db, user, {
      from: dayStart(from, config.timeZone),
      before: dayStart(addDays(to, 1), config.timeZone),
      userId: q.userId,
      action: q.action,
      after,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const hasMore = rows.length > limit && last !== undefined;
    const items: AuditEntry[] = page.map((r) => ({ at: r.at, userId: r.user_id, action: r.action, target: r.target }));
    const answer: AuditPage = { items, next: hasMore ? encodeCursor('audit', [last.at, last.id]) : null, hasMore };
    return c.json(answer);
  });
}
