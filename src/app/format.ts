/** How a screen shows a time. */

/** `12:30` for today, `11-04 12:30` otherwise: how a stall worker reads a time. */
export function shortTime(iso: string, today: string): string {
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 16);
  return day === today ? time : `${day.slice(5)} ${time}`;
}
