/**
 * The record window: the one place that decides when a record may be dated. A record made at a stall
 * happened on the stall's date in the configured time zone; 12 hours of slack either side absorb a
 * device clock that is wrong by hours or a stall that runs past midnight, and nothing more, so a
 * record can never land on (and change the counts of) a day far from its stall's.
 */
import { addDays, dayStart } from '../time';

/** Slack on each side of the stall's day. */
export const WINDOW_SLACK_MS = 12 * 3_600_000;

/** An interval of instants, ms since epoch, `from` inclusive, `to` exclusive. */
export interface TimeWindow {
  from: number;
  to: number;
}

/** The window of a stall dated `date` (`YYYY-MM-DD`) in `timeZone`. */
export function stallWindow(date: string, timeZone: string): TimeWindow {
  return {
    from: dayStart(date, timeZone).getTime() - WINDOW_SLACK_MS,
    to: dayStart(addDays(date, 1), timeZone).getTime() + WINDOW_SLACK_MS,
  };
}

/** Is instant `ms` inside `w`? */
export function inWindow(ms: number, w: TimeWindow): boolean {
  return ms >= w.from && ms < w.to;
}

/**
 * The window of a self-registration through a stall's join link: from the start of the stall's day
 * to the link's expiry (DESIGN.md). A poster printed early does not take sign-ups before the day.
 */
export function joinWindow(date: string, expiresAt: Date, timeZone: string): TimeWindow {
  return { from: dayStart(date, timeZone).getTime(), to: expiresAt.getTime() };
}
