/**
 * Sign-in throttling: too many failed sign-ins for one username, or from one client address, within a
 * window answer 429 with Retry-After, before any password is checked.
 *
 * The limits, and why:
 * - Per username, 5 failures in 15 minutes. A person mistypes a password two or three times; five
 *   leaves room for that. Against guessing it allows 20 tries an hour, 480 a day, for one account:
 *   hopeless against an 8-character minimum. The cost is that someone can keep one account locked by
 *   failing on purpose; the owner still waits at most 15 minutes after the attacks stop, and an admin
 *   sees the failures in the audit log.
 * - Per client address, 30 failures in 15 minutes. A stall team may sit behind one mobile-carrier NAT
 *   (many staff, one address) and sign in together in the morning, so the limit is wide; it still cuts
 *   a single source's guessing across many usernames (spraying) to 120 an hour.
 *
 * Attempts are rows in `login_attempts`, written before the password check and removed when it
 * succeeds, so concurrent guesses count against each other (no burst slips through between a check
 * and a write) and every app server behind a load balancer sees the same counts. Keys are pseudonyms
 * (usernames and addresses are not stored raw). A refused (429) attempt is not counted: waiting out
 * Retry-After always works.
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { pseudonym } from '../audit';
import type { Database } from '../storage/schema';

/** The window failures are counted in. */
export const THROTTLE_WINDOW_MS = 15 * 60_000;
/** Failures per username within the window before sign-in is refused. */
export const USERNAME_LIMIT = 5;
/** Failures per client address within the window before sign-in is refused. */
export const ADDRESS_LIMIT = 30;

/** One sign-in attempt being counted. */
export interface Attempt {
  /** Its rows, one per key. */
  rowIds: string[];
  /** Its keys, the username's first. */
  keys: string[];
  /** What this attempt, if it fails, locks for the rest of the window (to audit once, not per refusal). */
  locksOnFailure: ('username' | 'address')[];
}

/** Either the attempt may go ahead, or the caller must wait `retryAfter` seconds. */
export type AttemptStart = { ok: true; attempt: Attempt } | { ok: false; retryAfter: number };

type Limit = { key: string; limit: number; kind: 'username' | 'address' };

/**
 * Seconds until `limit` is no longer reached for a key, given the other attempts in the window (oldest
 * first), or 0 when this attempt may go ahead.
 */
function waitFor(others: { at: string }[], limit: number, now: Date): number {
  if (others.length < limit) return 0;
  // Allowed again once enough of the oldest have left the window to bring the count below the limit.
  const freeing = others[others.length - limit]!;
  return Math.max(Math.ceil((Date.parse(freeing.at) + THROTTLE_WINDOW_MS - now.getTime()) / 1000), 1);
}

/**
 * Counts an attempt for `username` (normalized) and `address` (when known) and decides whether it may
 * go ahead. Call `succeeded` after a correct password; a failed one simply stays counted. A refusal
 * writes nothing, so a flood of refused requests costs reads only.
 */
export async function beginAttempt(
  db: Kysely<Database>,
  key: Buffer,
  who: { username: string; address?: string },
  now: Date = new Date(),
): Promise<AttemptStart> {
  const limits: Limit[] = [{ key: `u:${pseudonym(key, `username:${who.username}`)}`, limit: USERNAME_LIMIT, kind: 'username' }];
  if (who.address) limits.push({ key: `a:${pseudonym(key, `address:${who.address}`)}`, limit: ADDRESS_LIMIT, kind: 'address' });
  const cutoff = new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString();
  const others = (l: Limit, exclude: string[]) =>
    db
      .selectFrom('login_attempts')
      .select('at')
      .where('key', '=', l.key)
      .where('at', '>', cutoff)
      .$if(exclude.length > 0, (q) => q.where('id', 'not in', exclude))
      .orderBy('at')
      .limit(l.limit + 64)
      .execute();

  // 1. Already locked? Answer from a read.
  let retryAfter = 0;
  const counts: number[] = [];
  for (const l of limits) {
    const rows = await others(l, []);
    counts.push(rows.length);
    retryAfter = Math.max(retryAfter, waitFor(rows, l.limit, now));
  }
  if (retryAfter > 0) return { ok: false, retryAfter };

  // 2. Count this attempt, then look again: concurrent attempts see each other's rows, so a burst
  //    cannot all pass between one check and its write.
  const id = crypto.randomUUID();
  const rowIds = limits.map((_, i) => `${id}:${i}`);
  await db.deleteFrom('login_attempts').where('at', '<=', cutoff).execute();
  await db
    .insertInto('login_attempts')
    .values(limits.map((l, i) => ({ id: rowIds[i]!, key: l.key, at: now.toISOString() })))
    .execute();
  for (const l of limits) retryAfter = Math.max(retryAfter, waitFor(await others(l, rowIds), l.limit, now));
  if (retryAfter > 0) {
    await db.deleteFrom('login_attempts').where('id', 'in', rowIds).execute();
    return { ok: false, retryAfter };
  }
  const locksOnFailure = limits.filter((l, i) => counts[i]! + 1 === l.limit).map((l) => l.kind);
  return { ok: true, attempt: { rowIds, keys: limits.map((l) => l.key), locksOnFailure } };
}

/**
 * A correct password: this attempt is not a failure, and the username's earlier failures are
 * forgiven (the owner got in). The address's other failures stay: one good account must not wash away
 * a spray against others from the same source.
 */
export async function succeeded(db: Kysely<Database>, attempt: Attempt): Promise<void> {
  await db.deleteFrom('login_attempts').where('id', 'in', attempt.rowIds).execute();
  await db.deleteFrom('login_attempts').where('key', '=', attempt.keys[0]!).execute();
}
