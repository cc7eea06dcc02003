/**
 * The device database `ruhui`: one typed schema for everything this device keeps.
 *
 * - `outbox`  every record made here, keyed by record id, with its status (pending → sent | rejected);
 *             once sent only a receipt is kept (no ID number or phone). See outbox.ts.
 * - `session` the device session (bearer token, user, device id). See session.ts.
 * - `stalls`  the stalls of the user's org, cached for offline use. See stalls.ts.
 * - `meta`    small values: the device id, the chosen stall, the last successful sync.
 *
 * Upgrades are cumulative (`if (oldVersion < n)`), so a device that skipped versions still ends up
 * with every step, and no step ever drops a record. When another tab needs a newer version we close
 * our connection (`blocking`) and reopen lazily on the next call, so an app update never strands
 * a waiting record. Nothing outside src/offline touches IndexedDB.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { Occupation, Reason, RecordT, SyncStatus, Topic } from '../shared/records';
import type { StallView, UserView } from '../shared/accounts';

/** The database's name on every device. */
export const DB_NAME = 'ruhui';
/** The current schema version; bump it and add an `if (oldVersion < n)` step, never edit an old step. */
export const DB_VERSION = 4;

/** Where a record stands on this device. */
export type OutboxStatus = 'pending' | 'sent' | 'rejected';

/** What the device keeps of a record the server has taken: enough to show, nothing to misuse. */
export interface Receipt {
  id: string;
  kind: RecordT['kind'];
  /** `张*`; enrollments only. */
  maskedName?: string;
  occupation?: Occupation;
  topic?: Topic;
  /** The record's createdAt. */
  at: string;
  status: Exclude<SyncStatus, 'rejected'>;
  /** On a `duplicate`: what the record was the first time (the server says so since v4). */
  outcome?: 'accepted' | 'existing_member';
}

/**
 * How a record counts in the tally: a new member (pending ones too, until the server says
 * otherwise), an already-member, a consultation, or not at all (rejected, still to be fixed).
 */
export type TallyKind = 'joined' | 'existing' | 'consultation' | 'none';

/** The owner of records saved before owners were kept and with nobody signed in: nobody's, until adopted. */
export const UNKNOWN_OWNER = '';

/** One record in the outbox. `record` is present while pending or rejected, and dropped once sent. */
export interface OutboxEntry {
  id: string;
  kind: RecordT['kind'];
  stallId: string;
  /** The local day of `createdAt` (`YYYY-MM-DD`, the date as written with its offset). */
  day: string;
  createdAt: string;
  /** When it was queued (ms since epoch): the sync engine sends oldest first. */
  queuedAt: number;
  status: OutboxStatus;
  record?: RecordT;
  receipt?: Receipt;
  reason?: Reason;
  /** How many times the sync engine has sent it. */
  attempts: number;
  updatedAt: number;
  /**
   * v4: the user id of who saved it: it is sent only under their session (or adopted by an explicit
   * action). Entries from before v4 belong to the user signed in when the upgrade ran, else UNKNOWN_OWNER.
   */
  owner: string;
  /** v4: how it counts in the tally (kept in step with status and receipt). */
  tally: TallyKind;
}

/** The signed-in user as the server describes it (`POST /api/auth/login`). */
/** The signed-in user, as the API shows one. */
export type SessionUser = UserView;

/** The device session: kept for weeks; `expired` once the server refused the token (records stay). */
export interface DeviceSession {
  token: string;
  user: SessionUser;
  deviceId: string;
  signedInAt: string;
  orgName?: string;
  expired?: boolean;
}

/** A stall as `GET /api/me` lists it, kept on the device (a stall cached before join links has none). */
export type CachedStall = Pick<StallView, 'id' | 'name' | 'orgId' | 'date'> & Partial<Pick<StallView, 'joinUrl' | 'joinToken'>> & { location?: string };

/** Keys of the `meta` store and the type each holds. */
export interface MetaValues {
  deviceId: string;
  stallId: string;
  lastSyncAt: string;
}
export type MetaKey = keyof MetaValues;

/** Version 3 (current). */
export interface RuhuiDB extends DBSchema {
  outbox: {
    key: string;
    value: OutboxEntry;
    indexes: {
      /** v1: counts per status. */
      'by-status': OutboxStatus;
      /** v2: oldest first within a status. */
      'by-status-queued': [OutboxStatus, number];
      /** v2: today's tally of one stall. */
      'by-stall-day': [string, string];
      /** v2: the same person twice on this device (only records still holding their data). */
      'by-id-number': string;
      /** v3: the tally counted per kind and status, without reading records. */
      'by-stall-day-kind-status': [string, string, RecordT['kind'], OutboxStatus];
      /** v4: one user's records by status, oldest first: what the engine may send under their session. */
      'by-owner-status-queued': [string, OutboxStatus, number];
      /** v4: the tally: new members, already-members and consultations apart. */
      'by-stall-day-tally': [string, string, TallyKind];
    };
  };
  session: { key: 'current'; value: DeviceSession };
  stalls: { key: string; value: CachedStall };
  meta: { key: MetaKey; value: MetaValues[MetaKey] };
}

type UpgradeTx = IDBPTransaction<RuhuiDB, ArrayLike<StoreNames<RuhuiDB>>, 'versionchange'>;

/** Brings a database at `oldVersion` to DB_VERSION inside the open's upgrade transaction. */
async function upgrade(db: IDBPDatabase<RuhuiDB>, oldVersion: number, tx: UpgradeTx): Promise<void> {
  if (oldVersion < 1) {
    const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
    outbox.createIndex('by-status', 'status');
    db.createObjectStore('session');
    db.createObjectStore('stalls', { keyPath: 'id' });
    db.createObjectStore('meta');
  }
  if (oldVersion < 2) {
    // v2 sends oldest first, tallies per stall and day, and finds a person by ID number. v1 entries
    // had neither `day` nor `queuedAt`: backfill both from createdAt before indexing.
    const outbox = tx.objectStore('outbox');
    outbox.createIndex('by-status-queued', ['status', 'queuedAt']);
    outbox.createIndex('by-stall-day', ['stallId', 'day']);
    outbox.createIndex('by-id-number', 'record.person.idNumber');
    let cursor = await outbox.openCursor();
    while (cursor) {
      const entry = cursor.value;
      const day = entry.day ?? entry.createdAt.slice(0, 10);
      const queuedAt = entry.queuedAt ?? (Date.parse(entry.createdAt) || 0);
      if (entry.day !== day || entry.queuedAt !== queuedAt) await cursor.update({ ...entry, day, queuedAt });
      cursor = await cursor.continue();
    }
  }
  if (oldVersion < 3) {
    // v3 counts the tally with index counts instead of reading every record of the stall and day.
    tx.objectStore('outbox').createIndex('by-stall-day-kind-status', ['stallId', 'day', 'kind', 'status']);
  }
  if (oldVersion < 4) {
    // v4 keeps who saved each record. Older entries belong to whoever is signed in on the device now
    // (the last user to sign in; records were always saved under the session of the time); with nobody
    // signed in they are nobody's: shown to every user as others' records, sent only once adopted.
    const outbox = tx.objectStore('outbox');
    outbox.createIndex('by-owner-status-queued', ['owner', 'status', 'queuedAt']);
    outbox.createIndex('by-stall-day-tally', ['stallId', 'day', 'tally']);
    const session = await tx.objectStore('session').get('current');
    const owner = session?.user.id ?? UNKNOWN_OWNER;
    let cursor = await outbox.openCursor();
    while (cursor) {
      const entry = cursor.value as Omit<OutboxEntry, 'owner' | 'tally'> & Partial<Pick<OutboxEntry, 'owner' | 'tally'>>;
      await cursor.update({ ...entry, owner: entry.owner ?? owner, tally: entry.tally ?? tallyKind(entry) });
      cursor = await cursor.continue();
    }
  }
}

/** How an entry counts in the tally, from its status and receipt. */
export function tallyKind(entry: Pick<OutboxEntry, 'kind' | 'status' | 'receipt'>): TallyKind {
  if (entry.status === 'rejected') return 'none';
  if (entry.kind === 'consultation') return 'consultation';
  const r = entry.receipt;
  return r && (r.status === 'existing_member' || r.outcome === 'existing_member') ? 'existing' : 'joined';
}

/**
 * What the database layer tells the UI: another tab holds an old version open (`blocked`), the
 * browser closed us (`closed`), another tab already runs a newer app version (`outdated`: reload),
 * or the database is open again (`open`: all clear).
 */
export type DbEvent = 'blocked' | 'closed' | 'outdated' | 'open';
const dbListeners = new Set<(event: DbEvent) => void>();

/** Subscribes to database events (e.g. to ask the user to close other tabs). Returns an unsubscribe. */
export function onDbEvent(listener: (event: DbEvent) => void): () => void {
  dbListeners.add(listener);
  return () => dbListeners.delete(listener);
}
const emit = (event: DbEvent) => dbListeners.forEach((l) => l(event));

let opening: Promise<IDBPDatabase<RuhuiDB>> | null = null;

/** The open database, opened (and upgraded) on first use and reopened after another tab made us close it. */
export function getDB(): Promise<IDBPDatabase<RuhuiDB>> {
  if (opening) return opening;
  const attempt = openDB<RuhuiDB>(DB_NAME, DB_VERSION, {
    upgrade: (db, oldVersion, _newVersion, tx) => {
      // A failed step aborts the whole upgrade: the database stays at its old version, records intact.
      upgrade(db, oldVersion, tx).catch(() => tx.abort());
    },
    blocked: () => emit('blocked'),
    blocking: () => {
      // A newer version (another tab, after an update) waits for us: step aside, reopen lazily.
      void attempt.then((db) => db.close());
      if (opening === attempt) opening = null;
    },
    terminated: () => {
      // The browser closed the connection (storage cleared, or a crash): reopen on the next call.
      if (opening === attempt) opening = null;
      emit('closed');
    },
  });
  opening = attempt;
  attempt.then(
    () => emit('open'),
    () => undefined,
  );
  attempt.catch((error: unknown) => {
    if (opening === attempt) opening = null;
    if (error instanceof Error && error.name === 'VersionError') emit('outdated');
  });
  return attempt;
}

/** Closes the connection (tests; signing out keeps the database). The next call reopens it. */
export async function closeDB(): Promise<void> {
  const current = opening;
  opening = null;
  if (current) (await current.catch(() => null))?.close();
}

/** Reads one meta value. */
export async function getMeta<K extends MetaKey>(key: K): Promise<MetaValues[K] | undefined> {
  return (await (await getDB()).get('meta', key)) as MetaValues[K] | undefined;
}

/** Writes one meta value. */
export async function setMeta<K extends MetaKey>(key: K, value: MetaValues[K]): Promise<void> {
  await (await getDB()).put('meta', value, key);
}
