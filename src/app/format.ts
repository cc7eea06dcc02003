/** Small helpers for records and screens: ids, local times with their offset, short times. */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2026-11-05T12:30:05.123+08:00`: the device's local time with its offset, so the record's day is known. */
export function localIsoWithOffset(d: Date = new Date()): string {
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** A v4 UUID; falls back to getRandomValues where randomUUID is missing (plain-http LAN addresses). */
export function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `12:30` for today, `11-04 12:30` otherwise: how a stall worker reads a time. */
export function shortTime(iso: string, today: string): string {
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 16);
  return day === today ? time : `${day.slice(5)} ${time}`;
}
