/**
 * Rate limits of the public join route, counted in `join_limits` by the shared fixed-window counter
 * (src/server/limits/window-counter.ts).
 *
 * The limits, and why:
 * - Per client address, 60 requests in 10 minutes. Workers at one stall often share one public
 *   address (mobile carriers' NAT), and a worker's own retries count too: wide enough for a queue of
 *   colleagues on one carrier, narrow enough that one source cannot fill a stall with junk.
 * - Per join link (stall), 600 requests in 10 minutes. The busiest stalls see a few hundred sign-ups
 *   in a lunch break; a printed poster is public, so this caps what a leaked link can do.
 * Keys are `a:` + a pseudonym of the address (addresses are not stored raw) and `t:` + the stall id.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema';
import { countInWindow } from '../limits/window-counter';

/** One limit: at most `max` requests per key in each window of `windowMs`. */
export interface JoinLimits {
  windowMs: number;
  perAddress: number;
  perToken: number;
}

/** The limits above. */
export const DEFAULT_JOIN_LIMITS: JoinLimits = { windowMs: 10 * 60_000, perAddress: 60, perToken: 600 };

/** Counts one request against each key; refuses with the seconds to wait when any key is over its limit. */
export function countJoinRequest(
  db: Kysely<Database>,
  keys: { key: string; max: number }[],
  windowMs: number,
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; retryAfter: number }> {
  return countInWindow(db, 'join_limits', keys, windowMs, now);
}
