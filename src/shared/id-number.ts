/**
 * ID numbers by type: PRC resident ID (GB 11643-1999), the residence permit of Hong Kong, Macau and
 * Taiwan residents, and the foreigner's permanent residence ID (18-digit and older 15-character forms).
 * Pure functions: the form runs them on every keystroke.
 */
import { localToday } from './local-time';

/** The identity documents we accept, in the order the form offers them. */
export const ID_TYPES = ['resident', 'hkmotw_permit', 'foreign_permanent'] as const;
export type IdType = (typeof ID_TYPES)[number];

/** Is `v` one of our ID types? (Input from the network or storage is unknown until checked.) */
export function isIdType(v: unknown): v is IdType {
  return ID_TYPES.some((type) => type === v);
}

/** Why an ID number was refused; each code has a message in the i18n catalogue (`validation.<code>`). */
export type IdErrorCode = 'id_required' | 'id_format' | 'id_checksum' | 'id_birth_date' | 'id_type_mismatch';

/** What a valid number tells us; `birthDate`/`gender` are absent when the number does not carry them. */
export interface IdInfo {
  value: string;
  birthDate?: string;
  gender?: 'male' | 'female';
}

export type IdParseResult = ({ ok: true } & IdInfo) | { ok: false; code: IdErrorCode };

/** Where a number being typed stands: nothing yet, so far so good, definitely wrong, or complete and valid. */
export type IdProgress =
  | { state: 'empty' }
  | { state: 'incomplete' }
  | { state: 'invalid'; code: IdErrorCode }
  | ({ state: 'valid' } & IdInfo);

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
const PERMIT_PREFIXES = ['810000', '820000', '830000'];

/** The ISO 7064 MOD 11-2 check character ('0'–'9' or 'X') for the first 17 digits of an 18-character ID. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** What the user typed, made comparable: full-width characters folded (NFKC), whitespace removed, upper-case. */
export function cleanIdInput(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** Is `s` a real `YYYY-MM-DD` calendar date? */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Full years of age on `day` for someone born on `birthDate` (both `YYYY-MM-DD`); a 29 February birthday counts from 1 March. */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [dy, dm, dd] = day.split('-').map(Number) as [number, number, number];
  return dy - by - (dm < bm || (dm === bm && dd < bd) ? 1 : 0);
}

/** A birth date printed in a number is believable: a real date, from 1900 on, not after today. */
function plausibleBirthDate(date: string, today: string): boolean {
  return isCalendarDate(date) && date >= '1900-01-01' && date <= today;
}

/** The 15-character foreign permanent residence ID prints YYMMDD: the most recent century that makes its holder at least 16 today. */
function oldForeignBirthDate(yymmdd: string, today: string): string {
  const yy = Number(yymmdd.slice(0, 2));
  const year = 2000 + yy <= Number(today.slice(0, 4)) - 16 ? 2000 + yy : 1900 + yy;
  return `${year}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
}

/** Checks an 18-character number (prefix rules already passed): date, then check character. */
function check18(s: string, today: string): IdProgress {
  const birthDate = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  if (s.length >= 14 && !plausibleBirthDate(birthDate, today)) return { state: 'invalid', code: 'id_birth_date' };
  if (s.length < 18) return { state: 'incomplete' };
  if (idCheckChar(s) !== s[17]) return { state: 'invalid', code: 'id_checksum' };
  return { state: 'valid', value: s, birthDate, gender: Number(s[16]) % 2 === 1 ? 'male' : 'female' };
}

/** Is `s` a prefix of an 18-character form: 17 digits then a digit or X? */
function prefix18(s: string): boolean {
  return /^\d{0,17}$/.test(s) || /^\d{17}[\dX]$/.test(s);
}

/** Which document a typed prefix belongs to: its type, `pending` when one more character will tell, or null for none. */
function prefixType(idType: IdType, s: string): IdType | 'pending' | null {
  if (/^[1-6]/.test(s)) return 'resident';
  if (/^8[123]/.test(s)) return 'hkmotw_permit';
  if (s === '8') return 'pending';
  if (/^9/.test(s) || (idType === 'foreign_permanent' && /^[A-Z]/.test(s))) return 'foreign_permanent';
  return null;
}

/**
 * Checks an ID number as it is typed: `incomplete` while nothing is wrong yet, `invalid` as soon as the
 * typed prefix can no longer become valid, `valid` with birth date and gender once complete.
 */
export function idNumberProgress(idType: IdType, raw: string, today: string = localToday()): IdProgress {
  const s = cleanIdInput(raw);
  if (s === '') return { state: 'empty' };
  if (!isIdType(idType)) return { state: 'invalid', code: 'id_format' };
  const kind = prefixType(idType, s);
  if (kind === null) return { state: 'invalid', code: 'id_format' };
  if (kind === 'pending') return { state: 'incomplete' };
  if (kind !== idType) return { state: 'invalid', code: 'id_type_mismatch' };

  if (/^[A-Z]/.test(s)) {
    // The older 15-character foreign permanent residence ID: nationality, 4 digits, YYMMDD, 2 digits.
    if (!/^[A-Z]{1,3}$/.test(s) && !/^[A-Z]{3}\d{1,12}$/.test(s)) return { state: 'invalid', code: 'id_format' };
    if (s.length < 13) return { state: 'incomplete' };
    const birthDate = oldForeignBirthDate(s.slice(7, 13), today);
    if (!plausibleBirthDate(birthDate, today)) return { state: 'invalid', code: 'id_birth_date' };
    return s.length < 15 ? { state: 'incomplete' } : { state: 'valid', value: s, birthDate };
  }

  if (!prefix18(s)) return { state: 'invalid', code: 'id_format' };
  if (idType === 'hkmotw_permit' && !PERMIT_PREFIXES.some((p) => p.startsWith(s.slice(0, 6)))) {
    return { state: 'invalid', code: 'id_format' };
  }
  return check18(s, today);
}

/** Validates a complete ID number of `idType`: the normalized value with what it tells, or the first problem. */
export function parseIdNumber(idType: IdType, raw: string, today: string = localToday()): IdParseResult {
  const p = idNumberProgress(idType, raw, today);
  switch (p.state) {
    case 'empty':
      return { ok: false, code: 'id_required' };
    case 'incomplete':
      return { ok: false, code: 'id_format' };
    case 'invalid':
      return { ok: false, code: p.code };
    case 'valid': {
      const { state: _state, ...info } = p;
      return { ok: true, ...info };
    }
  }
}
