/**
 * Calendar days in the configured time zone, through Intl (the ICU data Node ships), so a "day" is
 * never a UTC day: 23:30 +08:00 is that day in Asia/Shanghai, 16:30Z the next one.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', calendar: 'gregory' });
    formatters.set(timeZone, f);
  }
  return f;
}

const MINUTE = 60_000;
const memo = new Map<string, Map<number, string>>();

/**
 * The local calendar day (`YYYY-MM-DD`) of an instant in `timeZone`. Remembered per minute (time-zone
 * changes fall on whole minutes), since a batch's records cluster in a few lunch-time minutes and
 * asking Intl costs more than the rest of a record's bookkeeping.
 */
export function localDay(instant: Date | number, timeZone: string): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const minute = Math.floor(ms / MINUTE);
  let days = memo.get(timeZone);
  if (!days) memo.set(timeZone, (days = new Map()));
  let day = days.get(minute);
  if (day === undefined) {
    if (days.size >= 10_000) days.clear();
    day = askIntl(ms, timeZone);
    days.set(minute, day);
  }
  return day;
}

function askIntl(instant: number, timeZone: string): string {
  let year = '';
  let month = '';
  let day = '';
  for (const part of dayFormatter(timeZone).formatToParts(instant)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}`;
}

/** Today in `timeZone`. */
export function today(timeZone: string, now: Date = new Date()): string {
  return localDay(now, timeZone);
}

/** Is `s` a real `YYYY-MM-DD` calendar day? */
export function isDay(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD`; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The day `n` days after `day` (`YYYY-MM-DD`). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter of the full local date and time in `timeZone`, made once per zone (making one costs far more than using it). */
function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, calendar: 'gregory', hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    offsetFormatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in milliseconds (Asia/Shanghai: +8 h). */
function offsetAt(instant: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of offsetFormatter(timeZone).formatToParts(instant)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(instant / 1000) * 1000;
}

/** The instant local day `day` begins (its midnight) in `timeZone`: day ranges as instants, join-link expiry. */
export function dayStart(day: string, timeZone: string): Date {
  const naive = Date.parse(`${day}T00:00:00Z`);
  const first = naive - offsetAt(naive, timeZone);
  // Across a DST change the offset at midnight differs from the one at the first guess: look again.
  return new Date(naive - offsetAt(first, timeZone));
}
