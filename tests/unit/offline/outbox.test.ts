import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyResults, DuplicatePersonError, enqueue, findByIdNumber, getEntry, listByStatus, noteAttempt, OutboxQuotaError, OutboxStateError, RecordInvalidError, requeue, takePending } from '../../../src/offline/outbox';
import { onOutboxChange } from '../../../src/offline/outbox-channel';
import { counts, tallyFor } from '../../../src/offline/outbox-counts';
import { detectClearedData, acknowledgeClearedData, PENDING_MARKER_KEY } from '../../../src/offline/outbox-marker';
import { closeDB } from '../../../src/offline/db';
import { AT, OTHER_STALL, STALL, consultation, enrollment, freshIndexedDB, installLocalStorage, residentId, type LocalStorageFake } from './fixtures';

let marker: LocalStorageFake;

beforeEach(async () => {
  await freshIndexedDB();
  marker = installLocalStorage();
});
afterEach(async () => {
  await closeDB();
  vi.restoreAllMocks();
});


describe('enqueue', () => {
  it('queues a valid record as pending, normalized by the shared schema', async () => {
    const input = enrollment(1, {});
    input.person.idNumber = input.person.idNumber.toLowerCase();
    const entry = await enqueue(input);
    expect(entry).toMatchObject({ id: input.id, kind: 'enrollment', stallId: STALL, day: '2026-11-05', status: 'pending', attempts: 0 });
    const stored = await getEntry(input.id);
    expect(stored?.record).toMatchObject({ person: { phone: '13812345678', idNumber: input.person.idNumber.toUpperCase() } });
    expect(await counts()).toEqual({ pending: 1, sent: 0, rejected: 0 });
  });

  it('refuses an invalid record before queuing it, with the field and a message', async () => {
    const bad = enrollment(1);
    bad.person.idNumber = bad.person.idNumber.slice(0, 17) + (bad.person.idNumber[17] === '0' ? '1' : '0');
    const error = await enqueue(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordInvalidError);
    expect((error as RecordInvalidError).reason).toMatchObject({ code: 'id_checksum', field: 'person.idNumber' });
    const en = (await enqueue(bad, { lang: 'en' }).catch((e: unknown) => e)) as RecordInvalidError;
    expect(en.reason.message).toMatch(/check character/);
    expect(await counts()).toEqual({ pending: 0, sent: 0, rejected: 0 });
  });

  it('refuses a record without both consents', async () => {
    const noConsent = enrollment(1, { consent: { join: true, sensitiveInfo: false, noticeVersion: '2026-11-v1', at: AT } });
    const error = (await enqueue(noConsent).catch((e: unknown) => e)) as RecordInvalidError;
    expect(error.reason).toMatchObject({ code: 'consent_required', field: 'consent.sensitiveInfo' });
  });

  it('flags the same person twice on this device, unless allowed', async () => {
    const first = enrollment(7);
    await enqueue(first);
    const again = enrollment(7);
    const error = await enqueue(again).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicatePersonError);
    expect((error as DuplicatePersonError).existing.id).toBe(first.id);
    expect((await findByIdNumber(residentId(7).toLowerCase()))?.id).toBe(first.id);
    expect(await findByIdNumber(residentId(7), first.id)).toBeUndefined();
    expect(await findByIdNumber(residentId(8))).toBeUndefined();
    await enqueue(again, { allowSamePerson: true });
    expect((await counts()).pending).toBe(2);
  });

  it('refuses the same record id twice and keeps the first', async () => {
    const record = enrollment(1);
    await enqueue(record);
    await expect(enqueue({ ...record, person: { ...record.person, idNumber: residentId(2), gender: 'female' } })).rejects.toThrow();
    expect((await getEntry(record.id))?.record).toMatchObject({ person: { idNumber: residentId(1) } });
    expect((await counts()).pending).toBe(1);
  });

  it('announces every change', async () => {
    const seen = vi.fn();
    const off = onOutboxChange(seen);
    await enqueue(consultation());
    expect(seen).toHaveBeenCalledTimes(1);
    off();
    await enqueue(consultation());
    expect(seen).toHaveBeenCalledTimes(1);
  });
});

describe('two tabs', () => {
  it('announces changes on the ruhui-outbox channel, which other tabs (and the worker) hear', async () => {
    const otherTab = new BroadcastChannel('ruhui-outbox');
    const heard = new Promise<unknown>((resolve) => (otherTab.onmessage = (e: MessageEvent) => resolve(e.data)));
    await enqueue(consultation());
    expect(await heard).toEqual({ type: 'outbox-changed' });
    otherTab.close();
  });

  it('the same person saved from two tabs at once is queued once', async () => {
    const results = await Promise.allSettled([enqueue(enrollment(9)), enqueue(enrollment(9))]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(DuplicatePersonError);
    expect((await counts()).pending).toBe(1);
  });

  it('concurrent writes lose nothing', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? enqueue(consultation()) : enqueue(enrollment(i + 1)))));
    expect(await counts()).toEqual({ pending: 50, sent: 0, rejected: 0 });
  });
});

describe('tally and counts', () => {
  it('counts enrollments and consultations per stall and local day; rejected ones wait to be fixed', async () => {
    const a = enrollment(1);
    await enqueue(a);
    await enqueue(enrollment(2));
    await enqueue(enrollment(3, { createdAt: '2026-11-06T09:00:00+08:00', consent: { join: true, sensitiveInfo: true, noticeVersion: 'v', at: AT } }));
    await enqueue(enrollment(4, { stallId: OTHER_STALL }));
    await enqueue(consultation('legal'));
    await enqueue(consultation('health'));
    expect(await tallyFor(STALL, '2026-11-05')).toEqual({ enrolled: 2, existing: 0, consultations: 2 });
    expect(await tallyFor(STALL, '2026-11-06')).toEqual({ enrolled: 1, existing: 0, consultations: 0 });
    expect(await tallyFor(OTHER_STALL, '2026-11-05')).toEqual({ enrolled: 1, existing: 0, consultations: 0 });

    await applyResults([{ id: a.id, status: 'rejected', reason: { code: 'forbidden_stall', field: 'stallId', message: 'x' } }]);
    expect(await tallyFor(STALL, '2026-11-05')).toEqual({ enrolled: 1, existing: 0, consultations: 2 });
    expect(await counts()).toEqual({ pending: 5, sent: 0, rejected: 1 });
  });

  it('sent records still count in the tally', async () => {
    const a = enrollment(1);
    await enqueue(a);
    await applyResults([{ id: a.id, status: 'accepted' }]);
    expect(await tallyFor(STALL, '2026-11-05')).toEqual({ enrolled: 1, existing: 0, consultations: 0 });
  });
});

describe('sync hand-off', () => {
  it('takePending gives the oldest first, up to the limit', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = consultation();
      ids.push(c.id);
      await enqueue(c);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect((await takePending(3)).map((e) => e.id)).toEqual(ids.slice(0, 3));
    expect((await takePending(3))[0]?.record).toBeDefined();
    expect((await listByStatus('pending')).map((e) => e.id)).toEqual([...ids].reverse());
    expect((await listByStatus('pending', { oldestFirst: true, limit: 2 })).map((e) => e.id)).toEqual(ids.slice(0, 2));
  });

  it('applyResults keeps only a receipt for accepted, duplicate and existing_member: no ID number or phone left', async () => {
    const a = enrollment(1);
    const b = enrollment(2, { person: { ...enrollment(2).person, name: '欧阳娜娜', occupation: 'food_delivery' } });
    const c = enrollment(3);
    const d = consultation('mutual_aid');
    for (const r of [a, b, c, d]) await enqueue(r);
    const changed = await applyResults([
      { id: a.id, status: 'accepted' },
      { id: b.id, status: 'existing_member' },
      { id: c.id, status: 'duplicate' },
      { id: d.id, status: 'accepted' },
      { id: 'not-on-this-device', status: 'accepted' },
    ]);
    expect(changed).toBe(4);
    expect(await counts()).toEqual({ pending: 0, sent: 4, rejected: 0 });
    const sentB = await getEntry(b.id);
    expect(sentB).toMatchObject({
      status: 'sent',
      receipt: { id: b.id, kind: 'enrollment', maskedName: '欧***', occupation: 'food_delivery', at: AT, status: 'existing_member' },
    });
    expect(sentB?.record).toBeUndefined();
    expect((await getEntry(d.id))?.receipt).toMatchObject({ kind: 'consultation', topic: 'mutual_aid', status: 'accepted' });
    for (const r of [a, b, c]) {
      const text = JSON.stringify(await getEntry(r.id));
      expect(text).not.toContain(r.person.idNumber);
      expect(text).not.toContain('13812345678');
      expect(text).not.toContain('5678');
    }
    // Nothing left to find by ID number: the index held only the dropped records.
    expect(await findByIdNumber(a.person.idNumber)).toBeUndefined();
  });

  it('applyResults is idempotent: a replayed result changes nothing', async () => {
    const a = enrollment(1);
    await enqueue(a);
    await applyResults([{ id: a.id, status: 'accepted' }]);
    const before = await getEntry(a.id);
    expect(await applyResults([{ id: a.id, status: 'accepted' }])).toBe(0);
    expect(await applyResults([{ id: a.id, status: 'rejected', reason: { code: 'x', message: 'y' } }])).toBe(0);
    expect(await getEntry(a.id)).toEqual(before);
  });

  it('a rejected record keeps its data and the reason, opens for a fix and goes back to pending', async () => {
    const a = enrollment(1);
    await enqueue(a);
    const reason = { code: 'id_checksum', field: 'person.idNumber', message: '身份证号校验位不正确' };
    await applyResults([{ id: a.id, status: 'rejected', reason }]);
    const rejected = (await listByStatus('rejected'))[0];
    expect(rejected).toMatchObject({ id: a.id, status: 'rejected', reason });
    expect(rejected?.record).toMatchObject({ kind: 'enrollment', person: { idNumber: a.person.idNumber } });

    const fixed = { ...a, person: { ...a.person, name: '张三丰' } };
    const entry = await requeue(a.id, fixed);
    expect(entry).toMatchObject({ status: 'pending', record: { person: { name: '张三丰' } } });
    expect(entry.reason).toBeUndefined();
    expect(await counts()).toEqual({ pending: 1, sent: 0, rejected: 0 });
    expect((await takePending(10)).map((e) => e.id)).toEqual([a.id]);
  });

  it('requeue refuses records that are not waiting for a fix, and invalid fixes', async () => {
    const a = enrollment(1);
    await enqueue(a);
    await expect(requeue(a.id, a)).rejects.toBeInstanceOf(OutboxStateError);
    await expect(requeue('missing', { ...a, id: 'missing' })).rejects.toBeInstanceOf(RecordInvalidError);
    await applyResults([{ id: a.id, status: 'rejected', reason: { code: 'x', message: 'y' } }]);
    await expect(requeue(a.id, { ...a, person: { ...a.person, phone: '12345' } })).rejects.toBeInstanceOf(RecordInvalidError);
    await expect(requeue(a.id, { ...a, id: crypto.randomUUID() })).rejects.toBeInstanceOf(OutboxStateError);
    expect((await getEntry(a.id))?.status).toBe('rejected');
  });

  it('noteAttempt counts sends of pending records', async () => {
    const a = consultation();
    await enqueue(a);
    await noteAttempt([a.id, 'unknown']);
    await noteAttempt([a.id]);
    expect((await getEntry(a.id))?.attempts).toBe(2);
  });
});

describe('storage trouble', () => {
  it('a full device surfaces as OutboxQuotaError and loses nothing saved before', async () => {
    const kept = enrollment(1);
    await enqueue(kept);
    const add = vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const error = await enqueue(enrollment(2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboxQuotaError);
    add.mockRestore();
    expect(await counts()).toEqual({ pending: 1, sent: 0, rejected: 0 });
    expect((await getEntry(kept.id))?.record).toBeDefined();
    // Room again: the same record saves.
    await enqueue(enrollment(2));
    expect((await counts()).pending).toBe(2);
  });

  it('a quota failure reported on the request (AbortError with the transaction error) is recognized too', async () => {
    const add = vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (this: IDBObjectStore) {
      const abort = new DOMException('aborted', 'AbortError');
      throw Object.assign(abort, { inner: new DOMException('full', 'QuotaExceededError') });
    });
    await expect(enqueue(consultation())).rejects.toBeInstanceOf(OutboxQuotaError);
    add.mockRestore();
    expect((await counts()).pending).toBe(0);
  });

  it('keeps a marker of waiting records outside IndexedDB and warns when the database was cleared', async () => {
    await enqueue(consultation());
    const b = consultation();
    await enqueue(b);
    // The marker follows each change by itself, after the commit.
    await marker.until(PENDING_MARKER_KEY, '2');
    await applyResults([{ id: b.id, status: 'accepted' }]);
    await marker.until(PENDING_MARKER_KEY, '1');
    expect(await detectClearedData()).toBe(0);

    // The browser clears site data except the marker (or the database alone is evicted).
    await freshIndexedDB();
    expect(await detectClearedData()).toBe(1);
    await acknowledgeClearedData();
    expect(await detectClearedData()).toBe(0);
    expect(marker.get(PENDING_MARKER_KEY)).toBe('0');
  });
});
