/** People's names: any script, middle dots, rare characters beyond the BMP; never refused for being non-Latin. */
import { cleanText } from './text';

export type NameErrorCode = 'name_required' | 'name_too_long' | 'name_chars';
export type NameResult = { ok: true; value: string } | { ok: false; code: NameErrorCode };

/** The longest name we store, in code points. */
export const NAME_MAX = 50;

// Middle dots people type in transliterated names (•, ・, ‧, ･, ∙, ⋅), all stored as U+00B7.
const DOTS = /[\u2022\u30FB\u2027\uFF65\u2219\u22C5]/g;
// Letters and combining marks of any script, 〇, the middle dot, space, hyphen, apostrophes, ZWNJ/ZWJ.
const ALLOWED = /^[\p{L}\p{M}\u3007\u00B7 '\u2019\-\u200C\u200D]+$/u;

/** Trims, collapses inner whitespace, NFC-normalizes and unifies middle dots; then checks length (1–50 code points) and characters. */
export function normalizeName(raw: string): NameResult {
  // The free-text rule first (control and format characters, surrogates, piled-up marks), then a name's own.
  const text = cleanText(raw, { max: Number.MAX_SAFE_INTEGER, min: 0 });
  if (!text.ok) return { ok: false, code: 'name_chars' };
  const value = text.value
    .normalize('NFC')
    .replace(DOTS, '\u00B7')
    .replace(/[\u2010\u2011]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
  if (value === '') return { ok: false, code: 'name_required' };
  if (!ALLOWED.test(value) || !/[\p{L}\u3007]/u.test(value)) return { ok: false, code: 'name_chars' };
  if ([...value].length > NAME_MAX) return { ok: false, code: 'name_too_long' };
  return { ok: true, value };
}
