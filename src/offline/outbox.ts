/**
 * The domain outbox: every record made on this device, with where it stands. Not a request queue:
 * staff see, count and fix what is in it. Records are validated with the shared schema before they
 * are queued; every write resolves only after its transaction committed (durability `strict`);
 * once the server has a record, only a receipt stays (no ID number, no phone).
 *
 * Two tabs (and the service worker) may write at once: each change is one transaction, and every
 * change is announced (`outbox-channel.ts`), which also updates the count kept outside IndexedDB
 * (`outbox-marker.ts`). The counts and the tally are read in `outbox-counts.ts`.
 */
import type { IDBPObjectStore } from 'idb';
import { cleanIdInput } from '../shared/id-number';
import type { Lang } from '../shared/i18n';
import { maskName } from '../shared/mask';
import type { Reason, RecordT, SyncResult } from '../shared/records';
import { getDB, tallyKind, UNKNOWN_OWNER, type OutboxEntry, type OutboxStatus, type Receipt, type RuhuiDB } from './db';

import { notify } from './outbox-channel';
import { ownerRange, statusRange } from './outbox-counts';

export type { OutboxEntry, OutboxStatus, Receipt } from './db';
export { UNKNOWN_OWNER } from './db';

// ---------------------------------------------------------------------------------------------------
// Errors the UI tells apart

/** The device is out of storage: the record was not saved; everything saved before is intact. */
export class OutboxQuotaError extends Error {
  override readonly name = 'OutboxQuotaError';
  constructor(options?: { cause?: unknown }) {
    super('Device storage is full', options);
  }
}

/** The record failed the shared schema: `reason` says which field and why, in the caller's language. */
export class RecordInvalidError extends Error {
  override readonly name = 'RecordInvalidError';
  constructor(readonly reason: Reason) {
    super(reason.message);
  }
}

/** This person (same ID number) already has a record on this device that still holds their data. */
export class DuplicatePersonError extends Error {
  override readonly name = 'DuplicatePersonError';
  constructor(readonly existing: OutboxEntry) {
    super('This person already has a record on this device');
  }
}

/** The entry is not in a state that allows the change (e.g. requeue of a record that was not rejected). */
export class OutboxStateError extends Error {
  override readonly name = 'OutboxStateError';
}

const nameOf = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'name' in e && typeof e.name === 'string' ? e.name : undefined;

/** Is this (or what it wraps) a QuotaExceededError? Browsers report it on the request, or as the transaction's error behind an AbortError. */
export function isQuotaError(error: unknown, txError?: unknown): boolean {
  if (nameOf(error) === 'QuotaExceededError' || nameOf(txError) === 'QuotaExceededError') return true;
  if (typeof error === 'object' && error !== null) {
    for (const key of ['cause', 'inner', 'error'] as const) {
      const inner: unknown = (error as Record<string, unknown>)[key];
      if (inner !== error && nameOf(inner) === 'QuotaExceededError') return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Writes

export type OutboxStore = IDBPObjectStore<RuhuiDB, ['outbox'], 'outbox', 'readwrite'>;

/** Runs `fn` in one strict read-write transaction and resolves after it committed; maps quota failures (also outbox-actions.ts's). */
export async function write<T>(fn: (store: OutboxStore) => Promise<T>): Promise<T> {
  const db = await getDB();
  const tx = db.transaction('outbox', 'readwrite', { durability: 'strict' });
  let result: T;
  try {
    result = await fn(tx.objectStore('outbox'));
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already aborted by the failed request.
    }
    await tx.done.catch(() => undefined);
    throw isQuotaError(error, tx.error) ? new OutboxQuotaError({ cause: error }) : error;
  }
  try {
    await tx.done;
  } catch (error) {
    throw isQuotaError(error, tx.error) ? new OutboxQuotaError({ cause: error }) : error;
  }
  return result;
}

/**
 * The record checked by the shared schema, or RecordInvalidError. The schemas load with the first
 * record (the form that makes it has them already): the app frame and the worker read the outbox without them.
 */
export async function validated(input: unknown, lang: Lang): Promise<RecordT> {
  const { validateRecord } = await import('../shared/records');
  const checked = validateRecord(input, lang);
  if (!checked.ok) throw new RecordInvalidError(checked.reason);
  return checked.record;
}

/** The same person in one owner's records (another user's records are not theirs to see). */
export async function samePerson(store: OutboxStore, record: RecordT, owner: string, exceptId?: string): Promise<OutboxEntry | undefined> {
  if (record.kind !== 'enrollment') return undefined;
  const found = await store.index('by-id-number').getAll(record.person.idNumber);
  return found.find((e) => e.id !== exceptId && e.owner === owner);
}

/** The signed-in user's id, or UNKNOWN_OWNER with nobody signed in. */
async function currentOwner(): Promise<string> {
  return (await (await getDB()).get('session', 'current'))?.user.id ?? UNKNOWN_OWNER;
}

/** Options of enqueue/requeue. */
export interface QueueOptions {
  /** Language of a validation reason. Default zh. */
  lang?: Lang;
  /** Queue even when this person already has a record on this device. Default false. */
  allowSamePerson?: boolean;
  /** Who saves it (user id). Default: the user signed in on this device now. */
  owner?: string;
}

/** A new pending entry for `record` (already checked), saved by `owner`; `day` defaults to the record's. */
export function pendingEntry(record: RecordT, owner: string, day: string = record.createdAt.slice(0, 10)): OutboxEntry {
  const now = Date.now();
  return {
    id: record.id,
    kind: record.kind,
    stallId: record.stallId,
    day,
    createdAt: record.createdAt,
    queuedAt: now,
    status: 'pending',
    record,
    attempts: 0,
    updatedAt: now,
    owner,
    tally: record.kind === 'consultation' ? 'consultation' : 'joined',
  };
}

/**
 * Validates `input` with the shared schema and queues the normalized record as pending. Resolves with
 * the entry once the transaction has committed. Throws RecordInvalidError, DuplicatePersonError
 * (checked in the same transaction, so two tabs cannot both queue one person), OutboxQuotaError.
 */
export async function enqueue(input: unknown, options: QueueOptions = {}): Promise<OutboxEntry> {
  const record = await validated(input, options.lang ?? 'zh');
  const owner = options.owner ?? (await currentOwner());
  const entry = pendingEntry(record, owner);
  await write(async (store) => {
    if (!options.allowSamePerson) {
      const existing = await samePerson(store, record, owner);
      if (existing) throw new DuplicatePersonError(existing);
    }
    await store.add(entry);
  });
  notify();
  return entry;
}

/** A rejected record, fixed, goes back to pending (same id). Throws OutboxStateError unless it was rejected. */
export async function requeue(id: string, fixedRecord: unknown, options: QueueOptions = {}): Promise<OutboxEntry> {
  const record = await validated(fixedRecord, options.lang ?? 'zh');
  if (record.id !== id) throw new OutboxStateError(`record id ${record.id} is not ${id}`);
  const entry = await write(async (store) => {
    const current = await store.get(id);
    if (!current || current.status !== 'rejected') throw new OutboxStateError(`record ${id} is not waiting for a fix`);
    if (!options.allowSamePerson) {
      const existing = await samePerson(store, record, current.owner, id);
      if (existing) throw new DuplicatePersonError(existing);
    }
    // Same id, owner, place in the queue and attempts; the fixed record, pending again.
    const { reason: _reason, ...rest } = current;
    const next: OutboxEntry = { ...rest, ...pendingEntry(record, current.owner), queuedAt: current.queuedAt, attempts: current.attempts };
    await store.put(next);
    return next;
  });
  notify();
  return entry;
}

/** A result of POST /api/sync for one record, as the sync engine hands it over. */
export type ApplyResult = Pick<SyncResult, 'id' | 'status' | 'reason' | 'outcome'>;

function receiptOf(entry: OutboxEntry, record: RecordT, status: Receipt['status'], outcome: Receipt['outcome']): Receipt {
  const first = status === 'duplicate' && outcome ? { outcome } : {};
  return record.kind === 'enrollment'
    ? { id: entry.id, kind: 'enrollment', maskedName: maskName(record.person.name), occupation: record.person.occupation, at: record.createdAt, status, ...first }
    : { id: entry.id, kind: 'consultation', topic: record.topic, at: record.createdAt, status, ...first };
}

/**
 * Applies the server's per-record results in one transaction: accepted, duplicate and existing_member
 * become `sent`, keeping only the receipt (the record, with its ID number and phone, is dropped);
 * rejected becomes `rejected` with the reason. Unknown ids are ignored. Returns how many entries changed.
 */
export async function applyResults(results: readonly ApplyResult[]): Promise<number> {
  if (results.length === 0) return 0;
  const changed = await write(async (store) => {
    const entries = await Promise.all(results.map((r) => store.get(r.id)));
    const now = Date.now();
    const writes: Promise<unknown>[] = [];
    results.forEach((result, i) => {
      const entry = entries[i];
      if (!entry?.record) return; // unknown, or already sent
      if (result.status === 'rejected') {
        if (entry.status !== 'pending') return;
        const reason: Reason = result.reason ?? { code: 'invalid_record', message: '' };
        writes.push(store.put({ ...entry, status: 'rejected', reason, updatedAt: now, tally: 'none' }));
        return;
      }
      const { record, reason: _reason, ...rest } = entry;
      const receipt = receiptOf(entry, record, result.status, result.outcome);
      writes.push(store.put({ ...rest, status: 'sent', receipt, updatedAt: now, tally: tallyKind({ kind: entry.kind, status: 'sent', receipt }) }));
    });
    await Promise.all(writes);
    return writes.length;
  });
  if (changed > 0) notify();
  return changed;
}

/** Counts one more send attempt for each of these pending records (the sync engine's bookkeeping). */
export async function noteAttempt(ids: readonly string[]): Promise<void> {
  await write(async (store) => {
    const now = Date.now();
    for (const id of ids) {
      const entry = await store.get(id);
      if (entry?.status === 'pending') await store.put({ ...entry, attempts: entry.attempts + 1, updatedAt: now });
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// Reads

/**
 * Up to `limit` pending entries, oldest queued first, with their records: the sync engine's next
 * batch. With `owner`, only that user's: what may go out under their session.
 */
export async function takePending(limit: number, owner?: string): Promise<OutboxEntry[]> {
  const db = await getDB();
  if (owner !== undefined) return db.getAllFromIndex('outbox', 'by-owner-status-queued', ownerRange(owner, 'pending'), limit);
  return db.getAllFromIndex('outbox', 'by-status-queued', statusRange('pending'), limit);
}

/** Entries of one status, newest first unless `oldestFirst`; at most `limit` (default 500). */
export async function listByStatus(
  status: OutboxStatus,
  options: { limit?: number; oldestFirst?: boolean; owner?: string } = {},
): Promise<OutboxEntry[]> {
  const limit = options.limit ?? 500;
  const db = await getDB();
  const out: OutboxEntry[] = [];
  const store = db.transaction('outbox').store;
  const direction = options.oldestFirst ? 'next' : 'prev';
  let cursor =
    options.owner !== undefined
      ? await store.index('by-owner-status-queued').openCursor(ownerRange(options.owner, status), direction)
      : await store.index('by-status-queued').openCursor(statusRange(status), direction);
  while (cursor && out.length < limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

/** One entry by record id. */
export async function getEntry(id: string): Promise<OutboxEntry | undefined> {
  return (await getDB()).get('outbox', id);
}

/**
 * A record of the signed-in user on this device for the same ID number (pending or rejected: sent
 * ones keep no ID number), except `exceptId`. Other users' records are not theirs to see.
 */
export async function findByIdNumber(idNumber: string, exceptId?: string): Promise<OutboxEntry | undefined> {
  const key = cleanIdInput(idNumber);
  if (!key) return undefined;
  const owner = await currentOwner();
  const found = await (await getDB()).getAllFromIndex('outbox', 'by-id-number', key);
  return found.find((e) => e.id !== exceptId && e.owner === owner);
}

