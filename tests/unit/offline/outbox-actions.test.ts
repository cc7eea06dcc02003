import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDB } from '../../../src/offline/db';
import { discardRejected, saveAsNew } from '../../../src/offline/outbox-actions';
import { OutboxStateError, applyResults, enqueue, findByIdNumber, getEntry, takePending } from '../../../src/offline/outbox';
import { ownCounts, tallyFor } from '../../../src/offline/outbox-counts';
import { saveSession } from '../../../src/offline/session';
import { STALL, consultation, enrollment, freshIndexedDB } from './fixtures';

const A = { id: 'user-a', username: 'a', role: 'staff' as const, orgId: 'o1' };
const B = { id: 'user-b', username: 'b', role: 'staff' as const, orgId: 'o2' };

beforeEach(freshIndexedDB);
afterEach(closeDB);

describe('a rejected record always has a way out', () => {
  it('id_conflict: saved as new, the same fields go out under a new id and the old entry is retired', async () => {
    await saveSession('t', A);
    const r = enrollment(1);
    const other = await enqueue(enrollment(2));
    await enqueue(r);
    await applyResults([{ id: r.id, status: 'rejected', reason: { code: 'id_conflict', field: 'id', message: 'x' } }]);
    const old = (await getEntry(r.id))!.record;
    const fresh = await saveAsNew(r.id);
    expect(fresh.id).not.toBe(r.id);
    expect(fresh.record).toEqual({ ...old, id: fresh.id });
    expect(fresh).toMatchObject({ status: 'pending', owner: A.id });
    expect(await getEntry(r.id)).toBeUndefined();
    expect((await takePending(10)).map((e) => e.id).sort()).toEqual([other.id, fresh.id].sort());
    await expect(saveAsNew(other.id)).rejects.toBeInstanceOf(OutboxStateError);
  });

  it('discards only a rejected record, and nothing else', async () => {
    await saveSession('t', A);
    const keep = await enqueue(consultation());
    const r = await enqueue(enrollment(3));
    await expect(discardRejected(r.id)).rejects.toBeInstanceOf(OutboxStateError);
    await applyResults([{ id: r.id, status: 'rejected', reason: { code: 'out_of_window', field: 'createdAt', message: 'x' } }]);
    await discardRejected(r.id);
    expect(await getEntry(r.id)).toBeUndefined();
    expect(await getEntry(keep.id)).toMatchObject({ status: 'pending' });
    expect(await ownCounts(A.id)).toEqual({ pending: 1, sent: 0, rejected: 0, others: 0 });
  });
});

describe('records belong to who saved them', () => {
  it('another user sees only a count, and never finds them by ID number', async () => {
    await saveSession('ta', A);
    const r = await enqueue(enrollment(4));
    await saveSession('tb', B);
    expect(await ownCounts(B.id)).toEqual({ pending: 0, sent: 0, rejected: 0, others: 1 });
    expect(await takePending(10, B.id)).toEqual([]);
    expect(await findByIdNumber(r.record!.kind === 'enrollment' ? r.record!.person.idNumber : '')).toBeUndefined();
    // B may enroll the same person (the server will answer existing_member): A's record is not B's to see.
    await enqueue(enrollment(4));
    expect(await ownCounts(B.id)).toMatchObject({ pending: 1, others: 1 });
  });

  it('the tally keeps an existing_member apart from the joins, also when a replay says so', async () => {
    await saveSession('ta', A);
    const a = await enqueue(enrollment(5));
    const b = await enqueue(enrollment(6));
    const c = await enqueue(enrollment(7));
    await applyResults([
      { id: a.id, status: 'existing_member' },
      { id: b.id, status: 'duplicate', outcome: 'existing_member' },
      { id: c.id, status: 'duplicate', outcome: 'accepted' },
    ]);
    expect(await tallyFor(STALL, '2026-11-05')).toEqual({ enrolled: 1, existing: 2, consultations: 0 });
  });
});
