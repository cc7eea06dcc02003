/**
 * The dashboard's calls: stats rows, today's stalls of the caller's scope, and the downloads (stats
 * CSV / XLSX). Answers are checked against the shared schemas on arrival; a
 * download is fetched with the bearer token and handed to the browser as a file.
 */
import { z } from 'zod/mini';
import { stallViewSchema } from '../../shared/accounts';
import type { Lang } from '../../shared/i18n';
import { NEXT_CURSOR_HEADER, collectPages, withCursor } from '../../shared/paging';
import { statsResponseSchema, type StatsGroupKey, type StatsResponse } from '../../shared/stats';

/** A refused or failed call, with the server's message (already in the user's language). */
export class DashboardApiError extends Error {
  override readonly name = 'DashboardApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

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
  const headers = { Authorization: `Bearer ${token}`, 'Accept-Language': lang === 'en' ? 'en' : 'zh-CN' };

  async function fetchOk(path: string): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(path, { headers });
    } catch (error) {
      throw new DashboardApiError(0, 'network', error instanceof Error ? error.message : 'network error');
    }
    if (!res.ok) {
      const parsed = errorSchema.safeParse(await res.json().catch(() => undefined));
      throw parsed.success
        ? new DashboardApiError(res.status, parsed.data.error.code, parsed.data.error.message)
        : new DashboardApiError(res.status, `http_${res.status}`, res.statusText || String(res.status));
    }
    return res;
  }

  async function json<T>(schema: z.ZodMiniType<T>, path: string): Promise<T> {
    const res = await fetchOk(path);
    const parsed = schema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new DashboardApiError(res.status, 'bad_response', 'unexpected response');
    return parsed.data;
  }

  /** Fetches a download and saves it under the server's file name. */
  async function download(path: string, fallbackName: string): Promise<void> {
    const res = await fetchOk(path);
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    // Give the browser time to start the download before the blob goes.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  return {
    stats: (ask: StatsAsk): Promise<StatsResponse> => json(statsResponseSchema, `/api/stats?${queryOf(ask)}`),
    /** Every stall of a day in scope, all pages. */
    stallsOn: (day: string) =>
      collectPages(async (cursor) => {
        const res = await fetchOk(withCursor(`/api/stalls?${new URLSearchParams({ from: day, to: day })}`, cursor));
        const parsed = z.array(stallViewSchema).safeParse(await res.json().catch(() => undefined));
        if (!parsed.success) throw new DashboardApiError(res.status, 'bad_response', 'unexpected response');
        return { items: parsed.data, next: res.headers.get(NEXT_CURSOR_HEADER) };
      }),
    exportStats: (ask: StatsAsk, format: 'csv' | 'xlsx') =>
      download(`/api/stats.${format}?${queryOf(ask, { lang })}`, `ruhui-stats.${format}`),
    /** The member roster (admins): audited with the reason, masked unless `full`. */
    exportRoster: (ask: { from: string; to: string; reason: string; full: boolean }) =>
      download(
        `/api/members.xlsx?${new URLSearchParams({ from: ask.from, to: ask.to, reason: ask.reason, full: ask.full ? '1' : '0', lang })}`,
        'ruhui-members.xlsx',
      ),
  };
}

export type DashboardApi = ReturnType<typeof dashboardApi>;
