/**
 * The stats contract (GET /api/stats, DESIGN.md "HTTP API"): the group keys, and the rows and totals
 * the server answers, as zod/mini schemas the dashboard and the exports can parse with.
 */
import { z } from 'zod/mini';
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
