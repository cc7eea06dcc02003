/**
 * `GET /api/members.xlsx?from=&to=&reason=&full=&lang=` (admin): the roster of new members of the
 * caller's org subtree in the range (`roster/query.ts`), decrypted here and streamed as XLSX
 * (`roster/export.ts`). The query is `rosterQuerySchema` (src/shared/roster.ts): the reason is
 * required. Each export counts against the admin's limit (429 with Retry-After past it) and is
 * audited before its first byte: who (the entry's user), which range, masked or full, and the reason
 * (never any member's data).
 */
import { Hono } from 'hono';
import { t } from '../../shared/i18n';
import { rosterQuerySchema } from '../../shared/roster';
import { audit } from '../audit';
import { currentUser, requireRole } from '../auth/middleware';
import type { AppDeps } from '../deps';
import { ApiError } from '../http/errors';
import type { AppEnv } from '../http/env';
import { validQuery } from '../http/validate';
import { rosterFileName, rosterXlsx } from '../roster/export';
import { streamRoster } from '../roster/query';
import { countExport, DEFAULT_EXPORT_LIMITS } from '../roster/rate-limit';
import { withDefaultRange } from './stats';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function memberRoutes(deps: Pick<AppDeps, 'storage' | 'keys' | 'config' | 'exportLimits'>): Hono<AppEnv> {
  const db = deps.storage.db;
  const limits = { ...DEFAULT_EXPORT_LIMITS, ...deps.exportLimits };
  return new Hono<AppEnv>().get('/members.xlsx', requireRole('admin'), validQuery(rosterQuerySchema, withDefaultRange(deps.config.timeZone)), async (c) => {
    const q = c.req.valid('query');
    const user = currentUser(c);
    const range = { from: q.from!, to: q.to! };
    const counted = await countExport(db, `u:${user.id}`, limits);
    if (!counted.ok) {
      const minutes = Math.ceil(counted.retryAfter / 60);
      throw new ApiError(
        429,
        'rate_limited',
        { zh: t('zh', 'stats.export_throttled', { minutes }), en: t('en', 'stats.export_throttled', { minutes }) },
        { 'Retry-After': String(counted.retryAfter) },
      );
    }
    await audit(db, {
      userId: user.id,
      action: 'members.export',
      target: `members.xlsx:${range.from}..${range.to}:${q.full ? 'full' : 'masked'}:${q.reason}`,
    });
    c.header('Content-Type', XLSX_TYPE);
    c.header('Content-Disposition', `attachment; filename="${rosterFileName(range.from, range.to)}"`);
    return c.body(rosterXlsx(streamRoster(db, deps.keys.personEncryption, user, range), q.lang, q.full));
  });
}
