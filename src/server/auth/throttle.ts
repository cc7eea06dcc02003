/**
 * Sign-in throttling that an attacker cannot turn against the real user (OWASP, "Slow Down Online
 * Guessing Attacks with Device Cookies"). A sign-in is judged by one of two sets of counters:
 *
 * - **A known device** (a valid device cookie for this username, src/server/auth/device-cookie.ts) is
 *   judged by that cookie's own failures only. Failures from anywhere else, however many, never lock
 *   it out: the admin's phone still signs in while someone hammers `admin` from fifty addresses.
 *   Should the cookie itself fail too often (it was stolen with the phone, say), it stops counting as
 *   known and the attempt falls back to the rules for unknown devices.
 * - **An unknown device** (no cookie, a forged or another user's, or a locked one) is throttled per
 *   username and per client address at once.
 *
 * Each counter allows some failures for free, then locks for a window that doubles with each further
 * failure, up to a cap: after the limit, 1 minute, 2, 4, … 60. Failures are remembered for a day.
 * - Per username, 5 free. A person mistypes two or three times; five leaves room for that. A guesser
 *   then gets about 35 tries a day on one account (5 + 6 doublings + one an hour), hopeless against
 *   an 8-character minimum; the real user signs in from their own device meanwhile.
 * - Per client address, 30 free. A stall team may sit behind one mobile-carrier NAT (many staff, one
 *   address), so the limit is wide; it still cuts a single source's spraying across usernames.
 * - Per device cookie, 5 free, as for a username.
 * A refused attempt (429 with Retry-After) is not counted: waiting out Retry-After always works, and a
 * flood of refused requests costs reads only.
 *
 * Attempts are rows in `login_attempts`, written before the password check and removed when it
 * succeeds, so concurrent guesses count against each other (no burst slips through between a check
 * and a write) and every app server behind a load balancer sees the same counts. Keys are pseudonyms
 * (usernames, addresses and device nonces are not stored raw).
 */
import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { pseudonym } from '../audit';
import type { Database } from '../storage/schema';

/** How long a failure is remembered. */
export const FAILURE_MEMORY_MS = 24 * 3_600_000;
/** The first lock, once a counter's free failures are used up; each further failure doubles it. */
export const FIRST_LOCK_MS = 60_000;
/** The longest lock one failure brings. */
export const MAX_LOCK_MS = 60 * 60_000;
/** Free failures per username from unknown devices. */
export const USERNAME_LIMIT = 5;
/** Free failures per client address from unknown devices. */
export const ADDRESS_LIMIT = 30;
/** Free failures per device cookie before it no longer counts as a known device. */
export const DEVICE_LIMIT = 5;

/** What a counter is kept for. */
export type LockKind = 'username' | 'address' | 'device';

/** One sign-in attempt being counted. */
export interface Attempt {
  /** Its rows, one per key. */
  rowIds: string[];
  /** Whether it came from a known device (judged by the device cookie's counter only). */
  trusted: boolean;
  /** The key a success forgives: the device's, or the username's. */
  forgiveKey: string;
  /** What this attempt, if it fails, locks (to audit once, when the lock starts, not per refusal). */
  locksOnFailure: LockKind[];
}

/** Either the attempt may go ahead, or the caller must wait `retryAfter` seconds. */
export type AttemptStart = { ok: true; attempt: Attempt } | { ok: false; retryAfter: number };

/** Who is signing in: the normalized username, the client address when known, and a verified device. */
export interface Who {
  username: string;
  address?: string;
  /** The nonce of a device cookie already verified for this username (device-cookie.ts). */
  device?: string;
}

interface Limit {
  key: string;
  limit: number;
  kind: LockKind;
}

/** The lock after `failures` failures for a counter with `limit` free ones: 0, then 1, 2, 4 … 60 minutes. */
export function lockMs(failures: number, limit: number): number {
  if (failures < limit) return 0;
  return Math.min(FIRST_LOCK_MS * 2 ** Math.min(failures - limit, 30), MAX_LOCK_MS);
}

/** The counters an attempt is judged by. */
function limitsFor(key: Buffer, who: Who, trusted: boolean): Limit[] {
  if (trusted) return [{ key: `d:${pseudonym(key, `device:${who.device}`)}`, limit: DEVICE_LIMIT, kind: 'device' }];
  const limits: Limit[] = [{ key: `u:${pseudonym(key, `username:${who.username}`)}`, limit: USERNAME_LIMIT, kind: 'username' }];
  if (who.address) limits.push({ key: `a:${pseudonym(key, `address:${who.address}`)}`, limit: ADDRESS_LIMIT, kind: 'address' });
  return limits;
}

/**
 * Counts an attempt and decides whether it may go ahead. Call `succeeded` after a correct password; a
 * failed one simply stays counted. A refusal writes nothing.
 */
export async function beginAttempt(db: Kysely<Database>, key: Buffer, who: Who, now: Date = new Date()): Promise<AttemptStart> {
  const cutoff = new Date(now.getTime() - FAILURE_MEMORY_MS).toISOString();
  /** The failures remembered for a counter (other than `exclude`), and the latest one's time. */
  const failures = async (l: Limit, exclude: string[]) => {
    const row = await db
      .selectFrom('login_attempts')
      .select([sql<number | string>`count(*)`.as('n'), sql<string | null>`max(at)`.as('last')])
      .where('key', '=', l.key)
      .where('at', '>', cutoff)
      .$if(exclude.length > 0, (q) => q.where('id', 'not in', exclude))
      .executeTakeFirstOrThrow();
    return { n: Number(row.n), last: row.last };
  };
  /** Seconds the counters still lock (0: none does), and each counter's failures. */
  const check = async (limits: Limit[], exclude: string[]) => {
    let wait = 0;
    const counts: number[] = [];
    for (const l of limits) {
      const { n, last } = await failures(l, exclude);
      counts.push(n);
      const until = last ? Date.parse(last) + lockMs(n, l.limit) : 0;
      if (until > now.getTime()) wait = Math.max(wait, Math.max(Math.ceil((until - now.getTime()) / 1000), 1));
    }
    return { wait, counts };
  };

  // 1. Already locked? Answer from a read. A device cookie that is itself locked counts for nothing.
  let trusted = who.device !== undefined;
  let limits = limitsFor(key, who, trusted);
  let first = await check(limits, []);
  if (trusted && first.wait > 0) {
    trusted = false;
    limits = limitsFor(key, who, false);
    first = await check(limits, []);
  }
  if (first.wait > 0) return { ok: false, retryAfter: first.wait };

  // 2. Count this attempt, then look again: concurrent attempts see each other's rows, so a burst
  //    cannot all pass between one check and its write.
  const id = crypto.randomUUID();
  const rowIds = limits.map((_, i) => `${id}:${i}`);
  await db.deleteFrom('login_attempts').where('at', '<=', cutoff).execute();
  await db
    .insertInto('login_attempts')
    .values(limits.map((l, i) => ({ id: rowIds[i]!, key: l.key, at: now.toISOString() })))
    .execute();
  const second = await check(limits, rowIds);
  if (second.wait > 0) {
    await db.deleteFrom('login_attempts').where('id', 'in', rowIds).execute();
    return { ok: false, retryAfter: second.wait };
  }
  const locksOnFailure = limits.filter((l, i) => first.counts[i]! + 1 === l.limit).map((l) => l.kind);
  return { ok: true, attempt: { rowIds, trusted, forgiveKey: limits[0]!.key, locksOnFailure } };
}

/**
 * A correct password: this attempt is not a failure, and the earlier failures of the counter it was
 * judged by first are forgiven: the device's, or (from an unknown device) the username's, since the
 * owner got in. The address's failures stay: one good account must not wash away a spray against
 * others from the same source.
 */
export async function succeeded(db: Kysely<Database>, attempt: Attempt): Promise<void> {
  await db.deleteFrom('login_attempts').where('id', 'in', attempt.rowIds).execute();
  await db.deleteFrom('login_attempts').where('key', '=', attempt.forgiveKey).execute();
}
