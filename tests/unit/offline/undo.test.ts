/**
 * The undo of a consultation just tapped: it removes the record only while it has certainly not left
 * the device (pending, never tried, under the sync lock), only for its saver; a record the server
 * answered, or may have received, stays, and the answer says which.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDB } from '../../../src/offline/db';
import { undoUnsent } from '../../../src/offline/outbox-actions';
import { OutboxStateError, applyResults, enqueue, getEntry, noteAttempt } from '../../../src/offline/outbox';
import { tallyFor } from '../../../src/offline/outbox-counts';
import { saveSession } from '../../../src/offline/session';
import { holdSyncLock, processLock } from '../../../src/offline/sync-lock';
import { STALL, consultation, enrollment, freshIndexedDB } from './fixtures';

const A = { id: 'user-a', username: 'a', role: 'staff' as const, orgId: 'o1' };
const B = { id: 'user-b', username: 'b', role: 'staff' as const, orgId: 'o1' };

beforeEach(freshIndexedDB);
afterEach(closeDB);

describe('undo of a consultation', () => {
  it('removes an unsent consultation of its saver, and nothing else', async () => {
    await saveSession('t', A);
    const keep = await enqueue(consultation());
    const c = await enqueue(consultation());
    const day = c.day;
    expect((await tallyFor(STALL, day)).consultations).toBe(2);
    expect(await undoUnsent(c.id)).toBe('removed');
    expect(await getEntry(c.id)).toBeUndefined();
    expect(await getEntry(keep.id)).toMatchObject({ status: 'pending' });
    expect((await tallyFor(STALL, day)).consultations).toBe(1);
    expect(await undoUnsent(c.id)).toBe('gone');
  });

  it('keeps a consultation the server answered (sent or rejected), and says so', async () => {
    await saveSession('t', A);
    const sent = await enqueue(consultation());
    const rejected = await enqueue(consultation());
    await applyResults([
      { id: sent.id, status: 'accepted' },
      { id: rejected.id, status: 'rejected', reason: { code: 'out_of_window', field: 'createdAt', message: 'x' } },
    ]);
    expect(await undoUnsent(sent.id)).toBe('sent');
    expect(await undoUnsent(rejected.id)).toBe('sent');
    expect(await getEntry(sent.id)).toMatchObject({ status: 'sent' });
    expect(await getEntry(rejected.id)).toMatchObject({ status: 'rejected' });
  });

  it('keeps a consultation whose send was tried (its answer may have been lost after the server stored it)', async () => {
    await saveSession('t', A);
    const c = await enqueue(consultation());
    await noteAttempt([c.id]);
    expect(await undoUnsent(c.id)).toBe('maybe-sent');
    expect(await getEntry(c.id)).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('is not for another user’s record, nor for an enrollment', async () => {
    await saveSession('ta', A);
    const c = await enqueue(consultation());
    const e = await enqueue(enrollment(11));
    await expect(undoUnsent(e.id)).rejects.toBeInstanceOf(OutboxStateError);
    await saveSession('tb', B);
    await expect(undoUnsent(c.id)).rejects.toBeInstanceOf(OutboxStateError);
    expect(await getEntry(c.id)).toMatchObject({ status: 'pending' });
    expect(await getEntry(e.id)).toMatchObject({ status: 'pending' });
  });

  it('waits for a sync pass holding the records, then sees what it did: sent during the wait means kept', async () => {
    await saveSession('t', A);
    const c = await enqueue(consultation());
    const name = 'undo-test-lock';
    const pass = processLock(name);
    let release!: () => void;
    const passDone = pass(async () => {
      await new Promise<void>((resolve) => (release = resolve));
      await applyResults([{ id: c.id, status: 'accepted' }]);
    });
    const undo = undoUnsent(c.id, { lock: holdSyncLock(name) });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await getEntry(c.id)).toMatchObject({ status: 'pending' });
    release();
    await passDone;
    expect(await undo).toBe('sent');
    expect(await getEntry(c.id)).toMatchObject({ status: 'sent' });
  });

  it('gives up waiting when asked (busy), removing nothing', async () => {
    await saveSession('t', A);
    const c = await enqueue(consultation());
    const name = 'undo-test-lock-2';
    let release!: () => void;
    const passDone = processLock(name)(() => new Promise<void>((resolve) => (release = resolve)));
    const stop = new AbortController();
    const undo = undoUnsent(c.id, { lock: holdSyncLock(name), signal: stop.signal });
    stop.abort();
    expect(await undo).toBe('busy');
    release();
    await passDone;
    expect(await getEntry(c.id)).toMatchObject({ status: 'pending' });
  });
});
