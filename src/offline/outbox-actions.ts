/**
 * What a person may do with records the server will not take as they are, and with records of
 * others left on the device. Every rejected record has a way out: fixed and sent again (outbox.ts
 * `requeue`), saved as a new record when its id is taken (`saveAsNew`), or discarded after a
 * confirmation (`discardRejected`). Besides that, only the saver's own undo of a consultation just
 * tapped (`undoUnsent`) removes a record, and only while it has certainly not left the device. A supervisor may take over others' records for stalls in their scope (`adoptRecords`),
 * by an explicit action: they then go out under the supervisor's session.
 */
import type { Lang } from '../shared/i18n';
import type { RecordT } from '../shared/records';
import { getDB, tallyKind, type OutboxEntry } from './db';
import { DuplicatePersonError, OutboxStateError, pendingEntry, samePerson, validated, write } from './outbox';
import { notify } from './outbox-channel';
import { holdSyncLock, type HoldSyncLock } from './sync-lock';
import { newId as makeId } from '../shared/record-id';

/**
 * A rejected record saved again under a new id (an `id_conflict`: the id is taken by other content
 * on the server): the same fields, pending, same owner; the old entry is retired in the same
 * transaction. Returns the new entry.
 */
export async function saveAsNew(id: string, options: { lang?: Lang; newId?: string } = {}): Promise<OutboxEntry> {
  const newId = options.newId ?? makeId();
  // Validated before the write transaction opens: the check loads its schemas on first use, and an
  // IndexedDB transaction that waits on anything but its own requests commits under us.
  const before = await (await getDB()).get('outbox', id);
  if (!before?.record || before.status !== 'rejected') throw new OutboxStateError(`record ${id} is not waiting for a fix`);
  const record: RecordT = await validated({ ...before.record, id: newId }, options.lang ?? 'zh');
  const entry = await write(async (store) => {
    const current = await store.get(id);
    if (!current?.record || current.status !== 'rejected') throw new OutboxStateError(`record ${id} is not waiting for a fix`);
    await store.delete(id);
    const existing = await samePerson(store, record, current.owner, newId);
    if (existing) throw new DuplicatePersonError(existing);
    const next = pendingEntry(record, current.owner, current.day);
    await store.add(next);
    return next;
  });
  notify();
  return entry;
}

/** Removes a rejected record from the device for good (the UI confirms first, saying what is lost). */
export async function discardRejected(id: string): Promise<void> {
  await write(async (store) => {
    const current = await store.get(id);
    if (!current || current.status !== 'rejected') throw new OutboxStateError(`record ${id} is not a rejected record`);
    await store.delete(id);
  });
  notify();
}

/**
 * What an undo did: `removed` (it never left the device), `sent` (the server answered for it: kept),
 * `maybe-sent` (a send was tried and its answer may have been lost: kept, the server may have it),
 * `gone` (no such record here), `busy` (a sync pass held the records past the wait: kept).
 */
export type UndoResult = 'removed' | 'sent' | 'maybe-sent' | 'gone' | 'busy';

/**
 * The saver's undo of a consultation just tapped. Holds the sync lock while it looks, so no pass can
 * be sending it meanwhile: removes it only if it is still pending, was never tried (attempts 0) and
 * belongs to the user signed in now; a record that was sent, or may have been, is kept and the
 * answer says so. `signal` ends the wait for a running pass (then `busy`).
 */
export async function undoUnsent(id: string, options: { signal?: AbortSignal; lock?: HoldSyncLock } = {}): Promise<UndoResult> {
  const lock = options.lock ?? holdSyncLock();
  const held = await lock(async () => {
    const owner = (await (await getDB()).get('session', 'current'))?.user.id;
    return write(async (store): Promise<UndoResult> => {
      const current = await store.get(id);
      if (!current) return 'gone';
      if (current.kind !== 'consultation' || owner === undefined || current.owner !== owner) throw new OutboxStateError(`record ${id} is not this user's consultation`);
      if (current.status !== 'pending') return 'sent';
      if (current.attempts > 0) return 'maybe-sent';
      await store.delete(id);
      return 'removed';
    });
  }, options.signal);
  if (!held.acquired) return 'busy';
  if (held.value === 'removed') notify();
  return held.value;
}

/**
 * Hands others' waiting records (pending or rejected) for `stallIds` to `owner`, who then sends them
 * under their own session; a rejected one goes back to pending. Returns how many changed hands.
 */
export async function adoptRecords(owner: string, stallIds: ReadonlySet<string>): Promise<number> {
  const n = await write(async (store) => {
    let changed = 0;
    let cursor = await store.openCursor();
    while (cursor) {
      const e = cursor.value;
      if (e.owner !== owner && e.record && e.status !== 'sent' && stallIds.has(e.stallId)) {
        const { reason: _reason, ...rest } = e;
        const next: OutboxEntry = { ...rest, owner, status: 'pending', updatedAt: Date.now() };
        await cursor.update({ ...next, tally: tallyKind(next) });
        changed++;
      }
      cursor = await cursor.continue();
    }
    return changed;
  });
  if (n > 0) notify();
  return n;
}

/** The stalls of others' waiting records (to ask the server which of them are in one's scope). */
export async function othersStalls(owner: string): Promise<{ stallIds: string[]; from: string | undefined }> {
  const ids = new Set<string>();
  let from: string | undefined;
  await write(async (store) => {
    let cursor = await store.openCursor();
    while (cursor) {
      const e = cursor.value;
      if (e.owner !== owner && e.status !== 'sent') {
        ids.add(e.stallId);
        if (!from || e.day < from) from = e.day;
      }
      cursor = await cursor.continue();
    }
  });
  return { stallIds: [...ids], from };
}
