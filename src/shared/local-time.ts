/** The device's local day and time: a record's day is the local day it was made on. */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Today's date on this machine's clock, `YYYY-MM-DD`. */
export function localToday(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * `2026-11-05T12:30:05.123+08:00`: local time with its offset, naming the same instant, so the date
 * part is the local day (records' `createdAt`, sync's `sentAt`, the last success shown).
 */
export function localIsoWithOffset(at: Date | number = new Date()): string {
  const d = typeof at === 'number' ? new Date(at) : at;
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${localToday(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
