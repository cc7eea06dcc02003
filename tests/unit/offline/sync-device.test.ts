import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDB } from '../../../src/offline/db';
import { enqueue, getEntry } from '../../../src/offline/outbox';
import { counts } from '../../../src/offline/outbox-counts';
import { getLastSyncAt, getSession, saveSession } from '../../../src/offline/session';
import { createSyncEngine } from '../../../src/offline/sync-engine';
import { deviceSyncDeps } from '../../../src/offline/sync-device';
import { processLock } from '../../../src/offline/sync-lock';
import { consultation, enrollment, freshIndexedDB, installLocalStorage } from './fixtures';
import { FakeServer, json, status } from './sync-fakes';


const user = { id: 'u1', username: 'staff1', role: 'staff' as const, orgId: 'o1' };

function deviceEngine(server: FakeServer) {
  return createSyncEngine(
    deviceSyncDeps({ fetch: server.fetch, baseUrl: 'http://sync.test', lock: processLock(`device-${Math.random()}`), channel: undefined }),
  );
}

beforeEach(async () => {
  await freshIndexedDB();
  installLocalStorage();
});
afterEach(async () => {
  await closeDB();
});

describe('sync engine on the device outbox (fake-indexeddb)', () => {
  it('keeps only a receipt of sent records, and the reason of rejected ones', async () => {
    await saveSession('token-one-aaaaaaaaaaaaaaaaaaaa', user);
    const a = enrollment(1);
    const b = enrollment(2);
    const c = consultation('health');
    for (const r of [a, b, c]) await enqueue(r);
    const server = new FakeServer().then(() =>
      json({
        serverTime: new Date().toISOString(),
        results: [
          { id: a.id, status: 'accepted' },
          { id: b.id, status: 'rejected', reason: { code: 'forbidden_stall', field: 'stallId', message: '此摊位不属于您所在组织的范围' } },
          { id: c.id, status: 'duplicate' },
        ],
      }),
    );
    const engine = deviceEngine(server);
    expect(await engine.syncNow()).toEqual({ kind: 'done', sent: 3 });

    const deviceId = (await getSession())!.deviceId;
    expect(server.seen[0]!.body.deviceId).toBe(deviceId);
    expect(server.seen[0]!.token).toBe('token-one-aaaaaaaaaaaaaaaaaaaa');

    const sentA = await getEntry(a.id);
    expect(sentA).toMatchObject({ status: 'sent', attempts: 0, receipt: { id: a.id, maskedName: '张*', occupation: 'courier', status: 'accepted' } });
    const stored = JSON.stringify(sentA);
    expect(stored).not.toContain(a.person.idNumber);
    expect(stored).not.toContain('13812345678');
    expect(await getEntry(c.id)).toMatchObject({ status: 'sent', receipt: { status: 'duplicate', topic: 'health' } });
    expect(await getEntry(b.id)).toMatchObject({ status: 'rejected', reason: { code: 'forbidden_stall', field: 'stallId' }, record: { id: b.id } });
    expect(await counts()).toEqual({ pending: 0, sent: 2, rejected: 1 });
    expect(await getLastSyncAt()).toBe(engine.getState().lastSuccessAt);
  });

  it('a 401 marks the session expired and keeps every record; signing in again resumes', async () => {
    await saveSession('token-one-aaaaaaaaaaaaaaaaaaaa', user);
    for (let i = 1; i <= 3; i++) await enqueue(enrollment(i));
    const server = new FakeServer().then(status(401));
    const engine = deviceEngine(server);
    expect(await engine.syncNow()).toEqual({ kind: 'needs-sign-in' });
    expect((await getSession())?.expired).toBe(true);
    expect(engine.getState().needsSignIn).toBe(true);
    expect(await counts()).toEqual({ pending: 3, sent: 0, rejected: 0 });

    // Still expired: no request at all.
    expect(await engine.syncNow()).toEqual({ kind: 'needs-sign-in' });
    expect(server.seen).toHaveLength(1);

    await saveSession('token-two-bbbbbbbbbbbbbbbbbbbb', user);
    expect(await engine.syncNow()).toEqual({ kind: 'done', sent: 3 });
    expect(server.seen.map((r) => r.token)).toEqual(['token-one-aaaaaaaaaaaaaaaaaaaa', 'token-two-bbbbbbbbbbbbbbbbbbbb']);
    expect(engine.getState().needsSignIn).toBe(false);
    expect(await counts()).toEqual({ pending: 0, sent: 3, rejected: 0 });
  });

  it('a refusal that races a new sign-in does not expire the new session', async () => {
    await saveSession('token-one-aaaaaaaaaaaaaaaaaaaa', user);
    await enqueue(enrollment(1));
    const server = new FakeServer().then(async () => {
      await saveSession('token-two-bbbbbbbbbbbbbbbbbbbb', user);
      return json({ error: { code: 'unauthorized', message: 'sign in' } }, 401);
    });
    const engine = deviceEngine(server);
    await engine.syncNow();
    expect((await getSession())?.expired).toBeUndefined();
    expect(await engine.syncNow()).toEqual({ kind: 'done', sent: 1 });
  });

  it('without a session, records wait and sign-in is asked for', async () => {
    await enqueue(enrollment(1));
    const server = new FakeServer();
    const engine = deviceEngine(server);
    expect(await engine.syncNow()).toEqual({ kind: 'needs-sign-in' });
    expect(engine.getState()).toMatchObject({ needsSignIn: true, waiting: 1 });
    expect(server.seen).toHaveLength(0);
  });
});
