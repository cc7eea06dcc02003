/**
 * The stats contract (GET /api/stats, DESIGN.md "HTTP API"): the group keys, and the rows and totals
 * the server answers, as zod/mini schemas the dashboard and the exports can parse with.
 */
import { z } from 'zod/mini';
import type { MessageKey } from './i18n';
import { isCalendarDate } from './id-number';
import { CHANNELS, OCCUPATIONS } from './records';

/** What rows can be grouped by, in the order of a row's key columns (and of the sort). */
export const STATS_GROUP_KEYS = ['day', 'district', 'street', 'stall', 'occupation', 'channel'] as const;
export type StatsGroupKey = (typeof STATS_GROUP_KEYS)[number];

/** The longest `from`..`to` range one query may ask for, in days (both ends included). */
export const MAX_STATS_DAYS = 366;

/** The three counts of a row and of the totals. */
export const statsCountsSchema = z.object({
  /** New members. */
  enrolled: z.number(),
  /** Sign-ups of people who were already members. */
  existing: z.number(),
  consultations: z.number(),
});

/**
 * One row: for each group key asked for, its columns (`day`; `districtId` and `district`; `streetId`
 * and `street`; `stallId` and `stall`; `occupation`; `channel`), then the counts. `districtId` and
 * `streetId` are null for a stall that hangs directly off a higher org; `occupation` is null for
 * consultations.
 */
export const statsRowSchema = z.object({
  day: z.optional(z.string()),
  districtId: z.optional(z.nullable(z.string())),
  district: z.optional(z.nullable(z.string())),
  streetId: z.optional(z.nullable(z.string())),
  street: z.optional(z.nullable(z.string())),
  stallId: z.optional(z.string()),
  stall: z.optional(z.string()),
  occupation: z.optional(z.nullable(z.enum(OCCUPATIONS))),
  channel: z.optional(z.enum(CHANNELS)),
  enrolled: z.number(),
  existing: z.number(),
  consultations: z.number(),
});

/** The answer to GET /api/stats. */
export const statsResponseSchema = z.object({
  rows: z.array(statsRowSchema),
  totals: statsCountsSchema,
});

export type StatsCounts = z.output<typeof statsCountsSchema>;
export type StatsRow = z.output<typeof statsRowSchema>;
export type StatsResponse = z.output<typeof statsResponseSchema>;

/** Whole days from one `YYYY-MM-DD` to another, both included (1 for the same day). */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/**
 * An issue whose `params.code` is the API error code and whose other params fill the message, so the
 * server answers `invalid_day` / `invalid_range` / `range_too_long` / `invalid_group` with the reason.
 */
const issue = (message: MessageKey, params: Record<string, string | number>) => ({
  message,
  params,
});

export const statsDaySchema = z.string().check(z.refine(isCalendarDate, issue('stats.day_invalid', { code: 'invalid_day' })));

/** `group=`: a comma list of keys (blanks and repeats ignored), to the keys in canonical order. */
const groupSchema = z.pipe(
  z.string(),
  z.transform((text: string, ctx) => {
    const parsed = parseStatsGroup(text);
    if (parsed.ok) return parsed.keys;
    ctx.issues.push({ code: 'custom', input: text, ...issue('stats.group_invalid', { code: 'invalid_group', key: parsed.bad.slice(0, 40) }) });
    return z.NEVER;
  }),
);

/** The query fields every stats answer takes; the server fills a missing `to` with today and a missing `from` with `to` before parsing. */
const statsQueryShape = {
  from: z.optional(statsDaySchema),
  to: z.optional(statsDaySchema),
  group: z.optional(groupSchema),
};

type RangeQuery = { from?: string | undefined; to?: string | undefined };
/** `from` no later than `to`, and at most MAX_STATS_DAYS days: run even when a group key failed, so a range problem is said too. */
export const rangeChecks = [
  z.refine<RangeQuery>((q) => !q.from || !q.to || q.from <= q.to, { ...issue('stats.range_order', { code: 'invalid_range' }), path: ['from'], when: (p) => isRangeShape(p.value) }),
  z.refine<RangeQuery>((q) => !q.from || !q.to || q.from > q.to || daysInRange(q.from, q.to) <= MAX_STATS_DAYS, {
    ...issue('stats.range_too_long', { code: 'range_too_long', max: MAX_STATS_DAYS }),
    path: ['to'],
    when: (p) => isRangeShape(p.value),
  }),
];
const isRangeShape = (v: unknown): boolean => {
  if (typeof v !== 'object' || v === null) return false;
  const { from, to } = v as Record<string, unknown>;
  return (from === undefined || (typeof from === 'string' && isCalendarDate(from))) && (to === undefined || (typeof to === 'string' && isCalendarDate(to)));
};

/** The query of GET /api/stats: `from`, `to` (inclusive local days), `group`. */
export const statsQuerySchema = z.object(statsQueryShape).check(...rangeChecks);

/** Languages of an export's headers and names. */
export const EXPORT_LANGS = ['zh', 'en'] as const;

export const langSchema = z.pipe(
  z.string(),
  z.transform((text: string, ctx): ExportLang => {
    const lang = EXPORT_LANGS.find((l) => l === text);
    if (lang) return lang;
    ctx.issues.push({ code: 'custom', input: text, ...issue('stats.lang_invalid', { code: 'invalid_lang' }) });
    return z.NEVER;
  }),
);
export type ExportLang = (typeof EXPORT_LANGS)[number];

/** The query of GET /api/stats.csv and .xlsx: the stats query plus `lang` (zh by default). */
export const statsExportQuerySchema = z.object({ ...statsQueryShape, lang: z._default(langSchema, 'zh') }).check(...rangeChecks);

export type StatsQueryInput = z.output<typeof statsQuerySchema>;

/** The group keys in a `group=` list, deduplicated and in canonical order; `{ bad }` names the first unknown one. */
export function parseStatsGroup(text: string | undefined): { ok: true; keys: StatsGroupKey[] } | { ok: false; bad: string } {
  const asked = new Set<string>();
  for (const part of (text ?? '').split(',')) {
    const key = part.trim();
    if (key === '') continue;
    if (!STATS_GROUP_KEYS.some((k) => k === key)) return { ok: false, bad: key };
    asked.add(key);
  }
  return { ok: true, keys: STATS_GROUP_KEYS.filter((k) => asked.has(k)) };
}
