/** Mainland mobile numbers: what people type (spaces, dashes, +86, full-width digits) becomes 11 digits. */

export type PhoneErrorCode = 'phone_required' | 'phone_format';
export type PhoneResult = { ok: true; value: string } | { ok: false; code: PhoneErrorCode };

/** A mainland mobile number, 11 digits. */
export const MOBILE_RE = /^1[3-9]\d{9}$/;

/** Normalizes a typed phone number to 11 digits, or says why it cannot be one; formatting is never a reason to refuse. */
export function normalizePhone(raw: string): PhoneResult {
  const s = raw.normalize('NFKC').replace(/[\s\-‐‑‒–—.()]/g, '');
  if (s === '') return { ok: false, code: 'phone_required' };
  const national = s.replace(/^(?:\+86|0086|86(?=\d{11}$))/, '');
  return MOBILE_RE.test(national) ? { ok: true, value: national } : { ok: false, code: 'phone_format' };
}

/** Which part of the mobile-number rule a typed number breaks, so the message can say exactly that. */
export type PhoneProblem =
  | { kind: 'chars' }
  | { kind: 'length'; n: number }
  | { kind: 'first' }
  | { kind: 'second'; digit: string };

/** The first broken part of the rule, or null when the number is fine (or empty: that is "required"). */
export function phoneProblem(raw: string): PhoneProblem | null {
  const s = raw.normalize('NFKC').replace(/[\s\-‐‑‒–—.()]/g, '');
  if (s === '') return null;
  const national = s.replace(/^(?:\+86|0086|86(?=\d{11}$))/, '');
  if (MOBILE_RE.test(national)) return null;
  if (!/^\d+$/.test(national)) return { kind: 'chars' };
  if (national.length !== 11) return { kind: 'length', n: national.length };
  if (national[0] !== '1') return { kind: 'first' };
  return { kind: 'second', digit: national[1]! };
}
