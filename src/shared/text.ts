/**
 * The one rule for free text (usernames, people's names, employer, org and stall names and
 * locations, notice versions), run by the form, the outbox and the server alike:
 * - NFC, trimmed, runs of white space (spaces, tabs, line breaks, as a paste from a spreadsheet
 *   brings them) collapsed to one space: these fields are one line;
 * - no other control characters (NUL, escape, C1 controls…) anywhere;
 * - no unpaired surrogates (they cannot be stored as UTF-8, and PostgreSQL refuses them, as it refuses NUL);
 * - no format characters (bidi overrides and isolates, zero-width spaces, BOM, soft hyphen, tags),
 *   except ZWNJ and ZWJ, which Persian, Indic scripts and emoji need;
 * - at most `MAX_MARKS` combining marks in a row (Vietnamese and Tibetan stacks fit; "Zalgo" does not);
 * - lengths counted in code points, so a rare character beyond the BMP counts once.
 * Where a field is also a spreadsheet cell that people print and export (org and stall names,
 * locations), text that a spreadsheet would run as a formula is refused too (see `looksLikeFormula`).
 */

/** Most combining marks allowed after one base character. */
export const MAX_MARKS = 4;

/** What is wrong with a string, in the order the rule checks. */
export type TextProblem = 'empty' | 'too_long' | 'control' | 'surrogate' | 'format' | 'marks' | 'formula';
export type TextResult = { ok: true; value: string } | { ok: false; problem: TextProblem };

export interface TextRule {
  /** Longest value, in code points. */
  max: number;
  /** Shortest value, in code points (default 1; 0 lets an empty string through as ''). */
  min?: number;
  /** Refuse values a spreadsheet would run as a formula. */
  noFormula?: boolean;
}

const CONTROL = /\p{Cc}/u;
const SPACES = /[\t\n\v\f\r\p{Zs}\u2028\u2029]+/gu;
const SURROGATE = /\p{Cs}/u;
// Every format character but ZWNJ (U+200C) and ZWJ (U+200D).
const FORMAT = /(?![\u200C\u200D])\p{Cf}/u;
const MARK_RUN = new RegExp(`\\p{M}{${MAX_MARKS + 1},}`, 'u');
// A leading =, +, -, @ (ASCII or full-width) starts a formula in Excel, WPS and LibreOffice
// (OWASP "CSV injection"); tab and carriage return are already refused as control characters.
const FORMULA = /^[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/u;

/** Would a spreadsheet treat this cell as a formula? */
export function looksLikeFormula(value: string): boolean {
  return FORMULA.test(value);
}

/** Length in code points. */
export function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** Applies the free-text rule: the cleaned value, or the first problem found. */
export function cleanText(raw: string, rule: TextRule): TextResult {
  // Unpaired surrogates first: normalize() would keep them, and they must never reach a store.
  if (SURROGATE.test(raw)) return { ok: false, problem: 'surrogate' };
  const value = raw.normalize('NFC').replace(SPACES, ' ').trim();
  if (CONTROL.test(value)) return { ok: false, problem: 'control' };
  if (FORMAT.test(value)) return { ok: false, problem: 'format' };
  if (MARK_RUN.test(value)) return { ok: false, problem: 'marks' };
  const length = codePoints(value);
  if (length < (rule.min ?? 1)) return { ok: false, problem: 'empty' };
  if (length > rule.max) return { ok: false, problem: 'too_long' };
  if (rule.noFormula && looksLikeFormula(value)) return { ok: false, problem: 'formula' };
  return { ok: true, value };
}
