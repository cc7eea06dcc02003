/**
 * The domain outbox: every record made on this device, with where it stands. Not a request queue:
 * staff see, count and fix what is in it. Records are validated with the shared schema before they
 * are queued; every write resolves only after its transaction committed (durability `strict`);
 * once the server has a record, only a receipt stays (no ID number, no phone).
 *
 * Two tabs (and the service worker) may write at once: each change is one transaction, and every
 * change is announced on the `ruhui-outbox` BroadcastChannel so all tabs refresh their tally and
 * queue. A count of waiting records is also kept outside IndexedDB (localStorage), so a database
 * found empty while records were waiting can be reported as data the browser cleared.
 */
import type { IDBPObjectStore } from 'idb';
import { cleanIdInput } from '../shared/id-number';
import type { Lang } from '../shared/i18n';
import { maskName } from '../shared/mask';
import { validateRecord, type Reason, type RecordT, type SyncResult } from '../shared/records';
import { getDB, type OutboxEntry, type OutboxStatus, type Receipt, type RuhuiDB } from './db';

export type { OutboxEntry, OutboxStatus, Receipt } from './db';

/** The name of the channel on which every outbox change is announced. */
export const OUTBOX_CHANNEL = 'ruhui-outbox';
/** localStorage key of the count of records waiting (pending or rejected) after the last change. */
export const PENDING_MARKER_KEY = 'ruhui.pendingMarker';

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
// Change announcements

type ChangeListener = () => void;
const listeners = new Set<ChangeListener>();
let channel: BroadcastChannel | null = null;

function getChannel(): BroadcastChannel | null {
  if (channel || typeof BroadcastChannel === 'undefined') return channel;
  channel = new BroadcastChannel(OUTBOX_CHANNEL);
  // Node (unit tests) would otherwise stay alive for an open channel.
  (channel as BroadcastChannel & { unref?: () => void }).unref?.();
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'outbox-changed') {
      for (const listener of listeners) listener();
      // The change may come from the service worker, which has no localStorage to keep the marker in.
      void refreshPendingMarker();
    }
  };
  return channel;
}

/** Calls `listener` after every outbox change in this tab, another tab, or the service worker. Returns an unsubscribe. */
export function onOutboxChange(listener: ChangeListener): () => void {
  listeners.add(listener);
  getChannel();
  return () => listeners.delete(listener);
}

function notify(): void {
  for (const listener of listeners) listener();
  getChannel()?.postMessage({ type: 'outbox-changed' });
  void refreshPendingMarker();
}

// ---------------------------------------------------------------------------------------------------
// Writes

type OutboxStore = IDBPObjectStore<RuhuiDB, ['outbox'], 'outbox', 'readwrite'>;

/** Runs `fn` in one strict read-write transaction and resolves after it committed; maps quota failures. */
async function write<T>(fn: (store: OutboxStore) => Promise<T>): Promise<T> {
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

async function validated(input: unknown, lang: Lang): Promise<RecordT> {
  const checked = validateRecord(input, lang);
  if (!checked.ok) throw new RecordInvalidError(checked.reason);
  return checked.record;
}

async function samePerson(store: OutboxStore, record: RecordT, exceptId?: string): Promise<OutboxEntry | undefined> {
  if (record.kind !== 'enrollment') return undefined;
  const found = await store.index('by-id-number').getAll(record.person.idNumber);
  return found.find((e) => e.id !== exceptId);
}

/** Options of enqueue/requeue. */
export interface QueueOptions {
  /** Language of a validation reason. Default zh. */
  lang?: Lang;
  /** Queue even when this person already has a record on this device. Default false. */
  allowSamePerson?: boolean;
}

/**
 * Validates `input` with the shared schema and queues the normalized record as pending. Resolves with
 * the entry once the transaction has committed. Throws RecordInvalidError, DuplicatePersonError
 * (checked in the same transaction, so two tabs cannot both queue one person), OutboxQuotaError.
 */
export async function enqueue(input: unknown, options: QueueOptions = {}): Promise<OutboxEntry> {
  const record = await validated(input, options.lang ?? 'zh');
  const now = Date.now();
  const entry: OutboxEntry = {
    id: record.id,
    kind: record.kind,
    stallId: record.stallId,
    day: record.createdAt.slice(0, 10),
    createdAt: record.createdAt,
    queuedAt: now,
    status: 'pending',
    record,
    attempts: 0,
    updatedAt: now,
  };
  await write(async (store) => {
    if (!options.allowSamePerson) {
      const existing = await samePerson(store, record);
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
      const existing = await samePerson(store, record, id);
      if (existing) throw new DuplicatePersonError(existing);
    }
    const { reason: _reason, ...rest } = current;
    const next: OutboxEntry = {
      ...rest,
      kind: record.kind,
      stallId: record.stallId,
      day: record.createdAt.slice(0, 10),
      createdAt: record.createdAt,
      status: 'pending',
      record,
      updatedAt: Date.now(),
    };
    await store.put(next);
    return next;
  });
  notify();
  return entry;
}

/** A result of POST /api/sync for one record, as the sync engine hands it over. */
export type ApplyResult = Pick<SyncResult, 'id' | 'status' | 'reason'>;

function receiptOf(entry: OutboxEntry, record: RecordT, status: Receipt['status']): Receipt {
  return record.kind === 'enrollment'
    ? { id: entry.id, kind: 'enrollment', maskedName: maskName(record.person.name), occupation: record.person.occupation, at: record.createdAt, status }
    : { id: entry.id, kind: 'consultation', topic: record.topic, at: record.createdAt, status };
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
        writes.push(store.put({ ...entry, status: 'rejected', reason, updatedAt: now }));
        return;
      }
      const { record, reason: _reason, ...rest } = entry;
      writes.push(store.put({ ...rest, status: 'sent', receipt: receiptOf(entry, record, result.status), updatedAt: now }));
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

const statusRange = (status: OutboxStatus) => IDBKeyRange.bound([status, -Infinity], [status, Infinity]);

/** Up to `limit` pending entries, oldest queued first, with their records: the sync engine's next batch. */
export async function takePending(limit: number): Promise<OutboxEntry[]> {
  const db = await getDB();
  return db.getAllFromIndex('outbox', 'by-status-queued', statusRange('pending'), limit);
}

/** Entries of one status, newest first unless `oldestFirst`; at most `limit` (default 500). */
export async function listByStatus(
  status: OutboxStatus,
  options: { limit?: number; oldestFirst?: boolean } = {},
): Promise<OutboxEntry[]> {
  const limit = options.limit ?? 500;
  const db = await getDB();
  const out: OutboxEntry[] = [];
  const index = db.transaction('outbox').store.index('by-status-queued');
  let cursor = await index.openCursor(statusRange(status), options.oldestFirst ? 'next' : 'prev');
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

/** How many entries are pending: one index count (the sync engine asks before every batch). */
export async function countPending(): Promise<number> {
  return (await getDB()).countFromIndex('outbox', 'by-status', 'pending');
}

/** A stall's numbers for a day, as the seed report counts them. */
export interface Tally {
  enrolled: number;
  consultations: number;
}

/**
 * Enrollments and consultations made on this device for `stallId` on local `day`; rejected records
 * (still to be fixed) are not counted. Four index counts in one transaction: no record is read.
 */
export async function tallyFor(stallId: string, day: string): Promise<Tally> {
  const index = (await getDB()).transaction('outbox').store.index('by-stall-day-kind-status');
  const count = (kind: RecordT['kind'], status: OutboxStatus) => index.count(IDBKeyRange.only([stallId, day, kind, status]));
  const [enrolledPending, enrolledSent, consultPending, consultSent] = await Promise.all([
    count('enrollment', 'pending'),
    count('enrollment', 'sent'),
    count('consultation', 'pending'),
    count('consultation', 'sent'),
  ]);
  return { enrolled: enrolledPending + enrolledSent, consultations: consultPending + consultSent };
}

/** A record on this device for the same ID number (pending or rejected: sent ones keep no ID number), except `exceptId`. */
export async function findByIdNumber(idNumber: string, exceptId?: string): Promise<OutboxEntry | undefined> {
  const key = cleanIdInput(idNumber);
  if (!key) return undefined;
  const found = await (await getDB()).getAllFromIndex('outbox', 'by-id-number', key);
  return found.find((e) => e.id !== exceptId);
}

// ---------------------------------------------------------------------------------------------------
// The marker outside IndexedDB

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

async function writeMarker(store: Storage): Promise<void> {
  try {
    const c = await counts();
    store.setItem(PENDING_MARKER_KEY, String(c.pending + c.rejected));
  } catch {
    // The marker is a safety net; failing to update it must never fail a save.
  }
}

let markerRun: Promise<void> | null = null;
let markerAgain: Promise<void> | null = null;

/**
 * Writes the count of waiting (pending + rejected) records to localStorage; a no-op where there is
 * none (service worker). Coalesced: at most one count in flight, and calls meanwhile share one more
 * that starts after it, so the marker always ends on the latest state.
 */
export function refreshPendingMarker(): Promise<void> {
  const store = storage();
  if (!store) return Promise.resolve();
  if (!markerRun) {
    const run = writeMarker(store).finally(() => {
      if (markerRun === run) markerRun = null;
    });
    markerRun = run;
    return run;
  }
  markerAgain ??= markerRun.then(() => {
    markerAgain = null;
    return refreshPendingMarker();
  });
  return markerAgain;
}

/**
 * How many waiting records this device had according to the marker, when the outbox is now empty
 * (the browser cleared site data); 0 when nothing is missing, and then the marker is brought up to
 * date (the service worker may have sent records while no page was open).
 */
export async function detectClearedData(): Promise<number> {
  const store = storage();
  const marked = Number(store?.getItem(PENDING_MARKER_KEY) ?? 0);
  if (!(marked > 0)) return 0;
  const total = await (await getDB()).count('outbox');
  if (total === 0) return marked;
  await refreshPendingMarker();
  return 0;
}

/** The staff has seen the warning: the marker follows the outbox again. */
export async function acknowledgeClearedData(): Promise<void> {
  storage()?.removeItem(PENDING_MARKER_KEY);
  await refreshPendingMarker();
}
