import 'fake-indexeddb/auto';
import { deleteDB, openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB_NAME, DB_VERSION, closeDB, getDB, onDbEvent } from '../../../src/offline/db';
import { UNKNOWN_OWNER, enqueue, findByIdNumber, listByStatus, takePending } from '../../../src/offline/outbox';
import { counts, ownCounts, tallyFor } from '../../../src/offline/outbox-counts';
import { getChosenStall } from '../../../src/offline/stalls';
import { getSession } from '../../../src/offline/session';
import { AT, STALL, consultation, enrollment, freshIndexedDB } from './fixtures';

beforeEach(freshIndexedDB);
afterEach(closeDB);

/** Version 1 exactly as it shipped: outbox (by-status), session, stalls, meta; entries without day or queuedAt. */
async function openV1() {
  return openDB(DB_NAME, 1, {
    upgrade(db) {
      db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('by-status', 'status');
      db.createObjectStore('session');
      db.createObjectStore('stalls', { keyPath: 'id' });
      db.createObjectStore('meta');
    },
  });
}

describe('schema migrations', () => {
  it('upgrading from version 1 keeps every record, session and setting, and indexes them', async () => {
    const v1 = await openV1();
    const pending = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? consultation('health') : enrollment(i + 1)));
    const rejected = enrollment(100);
    for (const record of pending) {
      await v1.put('outbox', { id: record.id, kind: record.kind, stallId: STALL, createdAt: AT, status: 'pending', record, attempts: 0, updatedAt: 1 });
    }
    await v1.put('outbox', {
      id: rejected.id, kind: 'enrollment', stallId: STALL, createdAt: AT, status: 'rejected', record: rejected,
      reason: { code: 'id_checksum', field: 'person.idNumber', message: 'x' }, attempts: 1, updatedAt: 1,
    });
    await v1.put('outbox', {
      id: 'sent-1', kind: 'enrollment', stallId: STALL, createdAt: AT, status: 'sent',
      receipt: { id: 'sent-1', kind: 'enrollment', maskedName: '李*', occupation: 'courier', at: AT, status: 'accepted' }, attempts: 1, updatedAt: 1,
    });
    const user = { id: 'u1', username: 'staff1', role: 'staff', orgId: 'o1' };
    await v1.put('session', { token: 't', user, deviceId: 'd1', signedInAt: AT }, 'current');
    await v1.put('stalls', { id: STALL, name: '望京摊位', orgId: 'o1', date: '2026-11-05' });
    await v1.put('meta', STALL, 'stallId');
    v1.close();

    const db = await getDB();
    expect(db.version).toBe(DB_VERSION);
    expect(await db.count('outbox')).toBe(42);
    expect(await counts()).toEqual({ pending: 40, sent: 1, rejected: 1 });
    expect((await takePending(500)).map((e) => e.id).sort()).toEqual(pending.map((r) => r.id).sort());
    expect(await tallyFor(STALL, '2026-11-05')).toEqual({ enrolled: 31, existing: 0, consultations: 10 });
    expect((await findByIdNumber(rejected.person.idNumber))?.id).toBe(rejected.id);
    expect((await listByStatus('rejected'))[0]?.reason?.code).toBe('id_checksum');
    for (const e of await takePending(500)) {
      expect(e.day).toBe('2026-11-05');
      expect(e.queuedAt).toBe(Date.parse(AT));
    }
    expect((await getSession())?.user).toEqual(user);
    expect((await getChosenStall())?.name).toBe('望京摊位');
    // Saved under the session of the time: they belong to the user signed in when the upgrade ran.
    expect(await ownCounts('u1')).toEqual({ pending: 40, sent: 1, rejected: 1, others: 0 });
  });

  it('upgrading from version 3 keeps every record; with nobody signed in they are nobody’s until adopted', async () => {
    const v3 = await openDB(DB_NAME, 3, {
      upgrade(db) {
        const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
        outbox.createIndex('by-status', 'status');
        outbox.createIndex('by-status-queued', ['status', 'queuedAt']);
        outbox.createIndex('by-stall-day', ['stallId', 'day']);
        outbox.createIndex('by-id-number', 'record.person.idNumber');
        outbox.createIndex('by-stall-day-kind-status', ['stallId', 'day', 'kind', 'status']);
        db.createObjectStore('session');
        db.createObjectStore('stalls', { keyPath: 'id' });
        db.createObjectStore('meta');
      },
    });
    const base = { stallId: STALL, day: '2026-11-05', createdAt: AT, queuedAt: Date.parse(AT), attempts: 0, updatedAt: 1 };
    const waiting = [enrollment(1), enrollment(2), consultation('legal')];
    for (const record of waiting) await v3.put('outbox', { ...base, id: record.id, kind: record.kind, status: 'pending', record });
    await v3.put('outbox', { ...base, id: 'was-member', kind: 'enrollment', status: 'sent',
      receipt: { id: 'was-member', kind: 'enrollment', maskedName: '王*', occupation: 'courier', at: AT, status: 'existing_member' } });
    v3.close();

    expect(await counts()).toEqual({ pending: 3, sent: 1, rejected: 0 });
    // Whoever signs in next sees them as others' records, and the engine sends none under them.
    expect(await ownCounts('u2')).toEqual({ pending: 0, sent: 0, rejected: 0, others: 3 });
    expect(await takePending(500, 'u2')).toEqual([]);
    expect((await takePending(500, UNKNOWN_OWNER)).length).toBe(3);
    // The tally keeps an already-member apart from the joins.
    expect(await tallyFor(STALL, '2026-11-05')).toEqual({ enrolled: 2, existing: 1, consultations: 1 });
  });

  it('upgrading from version 2 keeps every record and counts the tally from the new index', async () => {
    const v2 = await openDB(DB_NAME, 2, {
      upgrade(db) {
        const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
        outbox.createIndex('by-status', 'status');
        outbox.createIndex('by-status-queued', ['status', 'queuedAt']);
        outbox.createIndex('by-stall-day', ['stallId', 'day']);
        outbox.createIndex('by-id-number', 'record.person.idNumber');
        db.createObjectStore('session');
        db.createObjectStore('stalls', { keyPath: 'id' });
        db.createObjectStore('meta');
      },
    });
    const queuedAt = Date.parse(AT);
    const base = { stallId: STALL, day: '2026-11-05', createdAt: AT, queuedAt, attempts: 0, updatedAt: 1 };
    const pending = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? consultation('health') : enrollment(i + 1)));
    for (const record of pending) await v2.put('outbox', { ...base, id: record.id, kind: record.kind, status: 'pending', record });
    const rejected = enrollment(200);
    await v2.put('outbox', {
      ...base, id: rejected.id, kind: 'enrollment', status: 'rejected', record: rejected,
      reason: { code: 'id_checksum', field: 'person.idNumber', message: 'x' },
    });
    await v2.put('outbox', {
      ...base, id: 'sent-1', kind: 'consultation', status: 'sent',
      receipt: { id: 'sent-1', kind: 'consultation', topic: 'health', at: AT, status: 'accepted' },
    });
    await v2.put('outbox', { ...base, id: 'other-day', kind: 'enrollment', day: '2026-11-06', status: 'sent',
      receipt: { id: 'other-day', kind: 'enrollment', maskedName: '李*', occupation: 'courier', at: AT, status: 'accepted' } });
    await v2.put('meta', STALL, 'stallId');
    v2.close();

    const db = await getDB();
    expect(db.version).toBe(DB_VERSION);
    expect([...db.transaction('outbox').store.indexNames]).toContain('by-stall-day-kind-status');
    expect(await db.count('outbox')).toBe(15);
    expect(await counts()).toEqual({ pending: 12, sent: 2, rejected: 1 });
    expect(await tallyFor(STALL, '2026-11-05')).toEqual({ enrolled: 8, existing: 0, consultations: 5 });
    expect(await tallyFor(STALL, '2026-11-06')).toEqual({ enrolled: 1, existing: 0, consultations: 0 });
    expect((await findByIdNumber(rejected.person.idNumber))?.id).toBe(rejected.id);
  });
});

describe('connections', () => {
  it('steps aside for a newer version opened in another tab, and says so when it cannot reopen', async () => {
    await getDB();
    const events: string[] = [];
    const off = onDbEvent((e) => events.push(e));
    // "Another tab", after an app update, upgrades: our open connection must not block it.
    const future = await openDB(DB_NAME, DB_VERSION + 1, { blocked: () => events.push('other-tab-blocked') });
    expect(future.version).toBe(DB_VERSION + 1);
    expect(events).toEqual([]);
    future.close();
    // This (old) tab can no longer open the database: it reports `outdated` so the UI asks for a reload.
    await expect(getDB()).rejects.toMatchObject({ name: 'VersionError' });
    expect(events).toEqual(['outdated']);
    off();
  });

  it('reopens lazily after another tab deleted the database', async () => {
    const first = await getDB();
    await enqueue(consultation());
    await deleteDB(DB_NAME);
    const second = await getDB();
    expect(second).not.toBe(first);
    expect(second.version).toBe(DB_VERSION);
    expect((await counts()).pending).toBe(0);
  });
});
