/**
 * `GET /api/stats?from=&to=&group=` (supervisor, admin): counts of the caller's org subtree, read from
 * the daily counters. `from`/`to` are inclusive local days (default: today in the configured time
 * zone; `from` alone runs to today, `to` alone is that one day), at most MAX_STATS_DAYS apart;
 * `group` is a comma list of day, district, street, stall, occupation, channel (repeats ignored; none
 * gives one row, the totals).
 */
import { Hono } from 'hono';
import { z } from 'zod/mini';
import { t, type MessageKey } from '../../shared/i18n';
import { MAX_STATS_DAYS, parseStatsGroup } from '../../shared/stats';
import { currentUser, requireRole } from '../auth/middleware';
import type { AppEnv } from '../http/env';
import { badRequest } from '../http/errors';
import { readQuery } from '../http/validate';
import { readStats } from '../stats/query';
import type { Storage } from '../storage/open';
import { daysBetween, isDay, today } from '../time';

const querySchema = z.object({
  from: z.optional(z.string()),
  to: z.optional(z.string()),
  group: z.optional(z.string()),
});

const both = (key: MessageKey, params?: Record<string, string | number>) => ({ zh: t('zh', key, params), en: t('en', key, params) });

/** The stats route: query checked here, rows read by `stats/query.ts`. */
export function statsRoutes(deps: { storage: Storage; timeZone: string }): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/stats', requireRole('supervisor', 'admin'), async (c) => {
    const q = readQuery(c, querySchema);
    for (const day of [q.from, q.to]) {
      if (day !== undefined && !isDay(day)) throw badRequest(both('stats.day_invalid'), 'invalid_day');
    }
    const to = q.to ?? today(deps.timeZone);
    const from = q.from ?? to;
    if (from > to) throw badRequest(both('stats.range_order'), 'invalid_range');
    if (daysBetween(from, to) + 1 > MAX_STATS_DAYS) throw badRequest(both('stats.range_too_long', { max: MAX_STATS_DAYS }), 'range_too_long');
    const group = parseStatsGroup(q.group);
    if (!group.ok) throw badRequest(both('stats.group_invalid', { key: group.bad.slice(0, 40) }), 'invalid_group');
    return c.json(await readStats(deps.storage.db, currentUser(c), { from, to, group: group.keys }));
  });
}
