/**
 * The outbox's numbers: counts per status (all, or one user's against the others'), pending counts
 * for the sync engine, and a stall's tally for a day. Index counts only: no record is read.
 */
import { getDB, type OutboxStatus } from './db';

/** Key ranges of the status and owner indexes (also outbox.ts's reads). */
export const statusRange = (status: OutboxStatus) => IDBKeyRange.bound([status, -Infinity], [status, Infinity]);
export const ownerRange = (owner: string, status: OutboxStatus) => IDBKeyRange.bound([owner, status, -Infinity], [owner, status, Infinity]);

/** How many entries are in each status. */
export interface OutboxCounts {
  pending: number;
  sent: number;
  rejected: number;
}

async function readCounts(): Promise<OutboxCounts> {
  const index = (await getDB()).transaction('outbox').store.index('by-status');
  const [pending, sent, rejected] = await Promise.all([index.count('pending'), index.count('sent'), index.count('rejected')]);
  return { pending, sent, rejected };
}

/** A read started in the current synchronous run (e.g. by every listener of one change): shared. */
let countsNow: Promise<OutboxCounts> | null = null;

/**
 * Counts per status, read in one transaction. Calls in one synchronous run (a change's listeners and
 * the marker) share one read, which starts after that change: an index count walks the whole range.
 */
export function counts(): Promise<OutboxCounts> {
  if (countsNow) return countsNow;
  const read = readCounts();
  countsNow = read;
  queueMicrotask(() => {
    if (countsNow === read) countsNow = null;
  });
  return read;
}

/** How many entries are pending (with `owner`, that user's): one index count (the sync engine asks before every batch). */
export async function countPending(owner?: string): Promise<number> {
  if (owner !== undefined) return (await getDB()).countFromIndex('outbox', 'by-owner-status-queued', ownerRange(owner, 'pending'));
  return (await getDB()).countFromIndex('outbox', 'by-status', 'pending');
}

/** One user's counts per status, and how many records of other users (or nobody's) wait on this device. */
export interface OwnCounts extends OutboxCounts {
  others: number;
}

/**
 * `owner`'s counts per status and the others' waiting (pending or rejected) records: counts only,
 * never their contents. With `owner` null (an admin, who sends nothing) every waiting record is others'.
 */
export async function ownCounts(owner: string | null): Promise<OwnCounts> {
  const store = (await getDB()).transaction('outbox').store;
  if (owner === null) {
    const all = store.index('by-status');
    const [p, r] = await Promise.all([all.count('pending'), all.count('rejected')]);
    return { pending: 0, sent: 0, rejected: 0, others: p + r };
  }
  const mine = store.index('by-owner-status-queued');
  const all = store.index('by-status');
  const [pending, sent, rejected, allPending, allRejected] = await Promise.all([
    mine.count(ownerRange(owner, 'pending')),
    mine.count(ownerRange(owner, 'sent')),
    mine.count(ownerRange(owner, 'rejected')),
    all.count('pending'),
    all.count('rejected'),
  ]);
  return { pending, sent, rejected, others: allPending + allRejected - pending - rejected };
}

/** A stall's numbers for a day on this device, as the seed report counts them. */
export interface Tally {
  /** New members (and sign-ups not yet answered by the server). */
  enrolled: number;
  /** Sign-ups the server answered as already members: not joins. */
  existing: number;
  consultations: number;
}

/**
 * Sign-ups and consultations made on this device (by anyone) for `stallId` on local `day`: new
 * members, already-members and consultations apart; rejected records (still to be fixed) are not
 * counted. Three index counts in one transaction: no record is read.
 */
export async function tallyFor(stallId: string, day: string): Promise<Tally> {
  const index = (await getDB()).transaction('outbox').store.index('by-stall-day-tally');
  const [enrolled, existing, consultations] = await Promise.all(
    (['joined', 'existing', 'consultation'] as const).map((k) => index.count(IDBKeyRange.only([stallId, day, k]))),
  );
  return { enrolled: enrolled!, existing: existing!, consultations: consultations! };
}
