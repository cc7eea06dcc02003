/**
 * When to try again: exponential backoff with full jitter (delay = random(0, min(cap, base·2^attempt))),
 * and the server's `Retry-After` as a floor. Pure functions, so the policy is tested without a clock.
 * 356 stalls coming back online at once must not arrive in step: jitter spreads them.
 */

/** Backoff parameters, in milliseconds. */
export interface BackoffPolicy {
  /** The first retry's ceiling. */
  baseMs: number;
  /** No exponential delay grows past this: a stall waits at most this long between tries. */
  capMs: number;
  /** A `Retry-After` longer than this (a misconfigured proxy, a date far away) is shortened to it. */
  maxRetryAfterMs: number;
}

/** A stall's phone: first retry within 1 s, never more than a minute apart, never parked past 10 min. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000, maxRetryAfterMs: 10 * 60_000 };

/** The exponential ceiling for `attempt` (0 for the first retry): min(cap, base·2^attempt). */
export function backoffCeiling(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exp = policy.baseMs * 2 ** Math.max(0, Math.min(attempt, 52));
  return Math.min(policy.capMs, exp);
}

/** Full jitter: a uniform delay in [0, ceiling), so clients that failed together retry apart. */
export function fullJitter(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * backoffCeiling(attempt, policy));
}

/**
 * `Retry-After` as milliseconds from `nowMs`: delay-seconds (`120`) or an HTTP-date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`); a date in the past is 0. Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only a date that names a day and a time zone: Date.parse would read "5" or "-1" as a year.
  if (!/[a-z]{3}/i.test(text) || !/\d{1,2}:\d{2}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The wait before retry number `attempt`: full jitter, but never sooner than the server asked (capped). */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const jittered = fullJitter(attempt, policy, random);
  if (retryAfterMs === undefined) return jittered;
  return Math.max(Math.min(retryAfterMs, policy.maxRetryAfterMs), jittered);
}
