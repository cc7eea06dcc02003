/** Masked forms of personal data for screens, receipts and logs: enough to recognize, not enough to misuse. */

const stars = (n: number) => '*'.repeat(Math.max(n, 0));

/** Keeps the first `head` and last `tail` characters (code points) and stars the rest; short values are starred whole. */
function keepEnds(value: string, head: number, tail: number): string {
  const chars = [...value];
  if (chars.length <= head + tail) return stars(chars.length);
  return chars.slice(0, head).join('') + stars(chars.length - head - tail) + chars.slice(chars.length - tail).join('');
}

/** '张三' → '张*', '欧阳娜娜' → '欧***', a one-character name → '*'. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? stars(chars.length) : chars[0] + stars(chars.length - 1);
}

/** 18 characters → first 6 + 8 stars + last 4; the 15-character form → first 3 + 8 stars + last 4. */
export function maskId(idNumber: string): string {
  return keepEnds(idNumber, idNumber.length >= 18 ? 6 : 3, 4);
}

/** '13812345678' → '138****5678'. */
export function maskPhone(phone: string): string {
  return keepEnds(phone, 3, 4);
}
