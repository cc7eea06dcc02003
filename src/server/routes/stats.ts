/**
 * `GET /api/stats?from=&to=&group=` (supervisor, admin): counts of the caller's org subtree, read from
 * the daily counters. `from`/`to` are inclusive local days (default: today in the configured time
 * zone; `from` alone runs to today, or is that one day when later; `to` alone is that one day), at
 * most MAX_STATS_DAYS apart; `group` is a comma list of day, district, street, stall, occupation,
 * channel (repeats ignored; none gives one row, the totals). The query is `statsQuerySchema`
 * (src/shared/stats.ts).
 *
 * `GET /api/stats.csv` and `GET /api/stats.xlsx` take the same query plus `lang` (zh, en) and stream
 * the same rows as a download (`stats/export.ts`). Each export is audited before its first byte: who,
 * which format, which range and grouping.
 */
import { Hono, type Context } from 'hono';
import { statsExportQuerySchema, statsQuerySchema } from '../../shared/stats';
import { audit } from '../audit';
import { currentUser, requireRole } from '../auth/middleware';
import type { AppEnv } from '../http/env';
import { validQuery } from '../http/validate';
import { exportFileName, statsCsv, statsXlsx } from '../stats/export';
import { readStats, streamStats } from '../stats/query';
import type { Storage } from '../storage/open';
import { today } from '../time';

/** Fills the server's defaults into a stats query's raw strings: `to` today (or `from` when that is later), `from` = `to`. */
export function withDefaultRange(timeZone: string) {
  return (raw: Record<string, string>): Record<string, string> => {
    const now = today(timeZone);
    const to = raw.to ?? (raw.from !== undefined && raw.from > now ? raw.from : now);
    return { ...raw, to, from: raw.from ?? to };
  };
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A streamed download: a plain body stream, so response middleware (compression) can wrap it. */
function download(c: Context<AppEnv>, body: ReadableStream<Uint8Array>, type: string, fileName: string): Response {
  c.header('Content-Type', type);
  c.header('Content-Disposition', `attachment; filename="${fileName}"`);
  return c.body(body);
}

/** The stats routes: queries checked by the shared schemas, rows read by `stats/query.ts`. */
export function statsRoutes(deps: { storage: Storage; timeZone: string }): Hono<AppEnv> {
  const db = deps.storage.db;
  const defaults = withDefaultRange(deps.timeZone);
  const supervisors = requireRole('supervisor', 'admin');
  // `from` and `to` below are always set: withDefaultRange fills them before parsing.
  return new Hono<AppEnv>()
    .get('/stats', supervisors, validQuery(statsQuerySchema, defaults), async (c) => {
      const q = c.req.valid('query');
      return c.json(await readStats(db, currentUser(c), { from: q.from!, to: q.to!, group: q.group ?? [] }));
    })
    .get('/stats.csv', supervisors, validQuery(statsExportQuerySchema, defaults), async (c) => {
      const q = c.req.valid('query');
      const query = { from: q.from!, to: q.to!, group: q.group ?? [] };
      const user = currentUser(c);
      await audit(db, { userId: user.id, action: 'stats.export', target: `stats.csv:${query.from}..${query.to}:${query.group.join(',')}` });
      return download(c, statsCsv(streamStats(db, user, query), query.group, q.lang), 'text/csv; charset=utf-8', exportFileName(query.from, query.to, 'csv'));
    })
    .get('/stats.xlsx', supervisors, validQuery(statsExportQuerySchema, defaults), async (c) => {
      const q = c.req.valid('query');
      const query = { from: q.from!, to: q.to!, group: q.group ?? [] };
      const user = currentUser(c);
      await audit(db, { userId: user.id, action: 'stats.export', target: `stats.xlsx:${query.from}..${query.to}:${query.group.join(',')}` });
      return download(c, statsXlsx(streamStats(db, user, query), query.group, q.lang), XLSX_TYPE, exportFileName(query.from, query.to, 'xlsx'));
    });
}
