/**
 * The dashboard's calls: stats rows, today's stalls of the caller's scope, and the downloads (stats
 * CSV / XLSX, the admin's member roster). Through the one client (../http.ts); a download is fetched
 * with the bearer token and handed to the browser as a file.
 */
import { stallViewSchema } from '../../shared/accounts';
import type { Lang } from '../../shared/i18n/define';
import { statsResponseSchema, type StatsGroupKey, type StatsResponse } from '../../shared/stats';
import { call, callAllPages, download, type CallInit } from '../http';

/** What a stats view asks for. */
export interface StatsAsk {
  from: string;
  to: string;
  group: StatsGroupKey[];
}

const queryOf = (ask: StatsAsk, extra: Record<string, string> = {}) =>
  new URLSearchParams({ from: ask.from, to: ask.to, group: ask.group.join(','), ...extra }).toString();

/** The dashboard API bound to one token and language. */
export function dashboardApi(token: string, lang: Lang) {
  const init: CallInit = { token, lang };
  return {
    stats: (ask: StatsAsk): Promise<StatsResponse> => call(statsResponseSchema, `/api/stats?${queryOf(ask)}`, init),
    /** Every stall of a day in scope, all pages. */
    stallsOn: (day: string) => callAllPages(stallViewSchema, `/api/stalls?${new URLSearchParams({ from: day, to: day })}`, init),
    exportStats: (ask: StatsAsk, format: 'csv' | 'xlsx') => download(`/api/stats.${format}?${queryOf(ask, { lang })}`, init, `ruhui-stats.${format}`),
    /** The member roster (admins): audited with the reason, masked unless `full`. */
    exportRoster: (ask: { from: string; to: string; reason: string; full: boolean }) =>
      download(
        `/api/members.xlsx?${new URLSearchParams({ from: ask.from, to: ask.to, reason: ask.reason, full: ask.full ? '1' : '0', lang })}`,
        init,
        'ruhui-members.xlsx',
      ),
  };
}

export type DashboardApi = ReturnType<typeof dashboardApi>;
