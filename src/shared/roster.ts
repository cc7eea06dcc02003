/**
 * The member roster's query (GET /api/members.xlsx, DESIGN.md "HTTP API"): the stats range (`from`,
 * `to`, inclusive local days, at most MAX_STATS_DAYS apart), the reason the admin gives (required,
 * audited), `full=1` for unmasked ID numbers and phones, and `lang` of the headers and names.
 */
import { z } from 'zod/mini';
import type { MessageKey } from './i18n';
import { langSchema, rangeChecks, statsDaySchema } from './stats';
import { cleanText } from './text';

/** Shortest and longest reason, in code points. */
export const REASON_MIN = 2;
export const REASON_MAX = 200;

const issue = (message: MessageKey, code: string) => ({ message, params: { code } });

/** The reason: one line of text by the free-text rule, 2–200 code points. */
export const exportReasonSchema = z.pipe(
  z.string(issue('stats.reason_required', 'invalid_reason')),
  z.transform((raw: string, ctx) => {
    const res = cleanText(raw, { max: REASON_MAX, min: REASON_MIN });
    if (res.ok) return res.value;
    ctx.issues.push({ code: 'custom', input: raw, ...issue('stats.reason_required', 'invalid_reason') });
    return z.NEVER;
  }),
);

/** `full=`: `1` for the full ID numbers and phones, `0` (the default) for masked ones. */
const fullSchema = z.pipe(
  z.string(),
  z.transform((text: string, ctx): boolean => {
    if (text === '1') return true;
    if (text === '0') return false;
    ctx.issues.push({ code: 'custom', input: text, ...issue('stats.full_invalid', 'invalid_full') });
    return z.NEVER;
  }),
);

/** The query of GET /api/members.xlsx; the server fills a missing `to` with today and a missing `from` with `to`. */
export const rosterQuerySchema = z
  .object({
    from: z.optional(statsDaySchema),
    to: z.optional(statsDaySchema),
    reason: exportReasonSchema,
    full: z._default(fullSchema, false),
    lang: z._default(langSchema, 'zh'),
  })
  .check(...rangeChecks);

export type RosterQuery = z.output<typeof rosterQuerySchema>;
