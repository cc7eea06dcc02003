/**
 * The sync engine against the real server, through a proxy that breaks things: every case ends with
 * the server counting exactly what the device saved, nothing lost, nothing doubled, and the device
 * holding only receipts.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { closeDB, DB_NAME } from '../../../src/offline/db';
import { counts } from '../../../src/offline/outbox-counts';
import { getSession, saveSession } from '../../../src/offline/session';
import type { SyncEngine } from '../../../src/offline/sync-engine';
import { processLock } from '../../../src/offline/sync-lock';
import { consultation, enrollment } from '../../support/records';
import { describeEachServerEngine } from '../../support/server-store';
import { allSent, api, deviceEngine, deviceEntries, freshDevice, queueRecords, signIn, startWorld, until, type RemoteWorld } from './world';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let world: RemoteWorld;
let engines: SyncEngine[] = [];
/** Server totals before the test: each test compares what it added. */
let before: { enrolled: number; existing: number; consultations: number };

function engine(...args: Parameters<typeof deviceEngine> extends [unknown, ...infer R] ? R : never): SyncEngine {
  const e = deviceEngine(world, ...args);
  engines.push(e);
  return e;
}

/** The device sent everything it saved, the server counted each record once, the device keeps only receipts. */
async function expectCountedOnce(saved: { enrollments: number; consultations: number }) {
  const device = await counts();
  expect(device).toEqual({ pending: 0, rejected: 0, sent: saved.enrollments + saved.consultations });
  const after = await world.totals();
  expect({
    enrolled: after.enrolled - before.enrolled,
    existing: after.existing - before.existing,
    consultations: after.consultations - before.consultations,
  }).toEqual({ enrolled: saved.enrollments, existing: 0, consultations: saved.consultations });
  const entries = await deviceEntries();
  expect(entries.filter((e) => e.record !== undefined)).toEqual([]);
  expect(entries.every((e) => e.receipt !== undefined)).toBe(true);
}

const receiptStatuses = async () => {
  const tally: Record<string, number> = {};
  for (const e of await deviceEntries()) tally[e.receipt?.status ?? e.status] = (tally[e.receipt?.status ?? e.status] ?? 0) + 1;
  return tally;
};

describeEachServerEngine('sync engine against the real server, with faults', (serverEngine) => {
  beforeAll(async () => {
    world = await startWorld(serverEngine);
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  beforeEach(async () => {
    await freshDevice();
    await signIn(world);
    before = await world.totals();
    world.proxy.counts.received = world.proxy.counts.forwarded = world.proxy.counts.refused = 0;
    world.proxy.counts.dropped = world.proxy.counts.badGateway = 0;
  });

  afterEach(async () => {
    for (const e of engines) e.stop();
    engines = [];
    await closeDB();
  });

  it('a request that fails before reaching the server is sent again', async () => {
    const saved = await queueRecords(world, 40);
    world.proxy.inject({ kind: 'refuse' }, { kind: 'refuse' });
    engine().start();
    await allSent();
    expect(world.proxy.counts).toMatchObject({ refused: 2, forwarded: 1 });
    expect(await receiptStatuses()).toEqual({ accepted: 40 });
    await expectCountedOnce(saved);
  });

  it('the server commits but the answer is lost: the retry yields duplicate, counted once', async () => {
    const saved = await queueRecords(world, 40);
    world.proxy.inject({ kind: 'drop-response' });
    engine().start();
    await allSent();
    expect(world.proxy.counts).toMatchObject({ dropped: 1, forwarded: 2 });
    // The first answer said "accepted"; the device never heard it, and the replay says "duplicate".
    expect(await receiptStatuses()).toEqual({ duplicate: 40 });
    await expectCountedOnce(saved);
  });

  it('an answer slower than the request timeout: the retry yields duplicate, counted once', async () => {
    const saved = await queueRecords(world, 20);
    world.proxy.inject({ kind: 'delay-response', ms: 2_500 });
    engine({ timeoutMs: 1_000 }).start();
    await allSent();
    expect(await receiptStatuses()).toEqual({ duplicate: 20 });
    await expectCountedOnce(saved);
  });

  it('the server is killed (SIGKILL) mid-batch and restarted on the same data folder', async () => {
    const saved = await queueRecords(world, 1_200);
    const restartsBefore = world.restarts;
    world.proxy.inject(
      { kind: 'pass' },
      {
        kind: 'then',
        action: async () => {
          await world.kill();
          await sleep(500);
          await world.restart();
        },
      },
    );
    const e = engine();
    e.start();
    await allSent();
    expect(world.restarts).toBe(restartsBefore + 1);
    // While the server was down the engine kept trying (the proxy answered 502 or the answer was cut).
    expect(world.proxy.counts.received).toBeGreaterThan(3);
    expect(e.getState().lastError).toBeUndefined();
    await expectCountedOnce(saved);
  });

  it('the server is killed after committing a batch and before answering, then restarted', async () => {
    const saved = await queueRecords(world, 700);
    const restartsBefore = world.restarts;
    world.proxy.inject({
      kind: 'drop-response',
      then: async () => {
        await world.kill();
        await sleep(300);
        await world.restart();
      },
    });
    engine().start();
    await allSent();
    expect(world.restarts).toBe(restartsBefore + 1);
    expect(await receiptStatuses()).toEqual({ duplicate: 500, accepted: 200 });
    await expectCountedOnce(saved);
  });

  it('two tabs sync one outbox at once, even without a shared lock: each record counted once', async () => {
    const saved = await queueRecords(world, 1_100);
    // Separate locks: both really send, racing with the same records.
    const a = engine();
    const b = engine();
    a.start();
    b.start();
    await allSent();
    await until(() => !a.getState().syncing && !b.getState().syncing, 10_000, 'both engines to settle');
    // Both sent (more requests than the three batches): some records reached the server twice.
    expect(world.proxy.counts.forwarded).toBeGreaterThan(3);
    await expectCountedOnce(saved);
  });

  it('two tabs under one lock: one sends, the other leaves it to the first', async () => {
    const saved = await queueRecords(world, 1_100);
    const lock = processLock(`tabs-${Math.random()}`);
    const a = engine({ lock });
    const b = engine({ lock });
    const [ra, rb] = await Promise.all([a.syncNow(), b.syncNow()]);
    expect([ra.kind, rb.kind].sort()).toEqual(['busy', 'done']);
    expect(world.proxy.counts.forwarded).toBe(3);
    await expectCountedOnce(saved);
  });

  it('an IndexedDB upgrade arrives while records wait (queued by the previous app version)', async () => {
    await freshDevice();
    // The previous app version: schema 1, entries without `day` or `queuedAt`, its tab still open.
    const old = await openDB(DB_NAME, 1, {
      upgrade(db) {
        db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('by-status', 'status');
        db.createObjectStore('session');
        db.createObjectStore('stalls', { keyPath: 'id' });
        db.createObjectStore('meta');
      },
      blocking() {
        old.close();
      },
    });
    await old.put('session', { token: world.staff.token, user: world.staff.user, deviceId: 'old-device', signedInAt: new Date().toISOString() }, 'current');
    const records = [
      ...Array.from({ length: 30 }, (_, i) => enrollment({ stallId: world.stallId, n: 900_000 + i })),
      ...Array.from({ length: 5 }, () => consultation({ stallId: world.stallId })),
    ];
    for (const record of records) {
      await old.put('outbox', {
        id: record.id,
        kind: record.kind,
        stallId: record.stallId,
        createdAt: record.createdAt,
        status: 'pending',
        record,
        attempts: 0,
        updatedAt: Date.now(),
      } as never);
    }
    // The new version opens (and upgrades) the database on its first call, and syncs.
    const e = engine();
    e.start();
    await allSent();
    expect((await getSession())?.deviceId).toBe('old-device');
    await expectCountedOnce({ enrollments: 30, consultations: 5 });
  });

  it('a refused session pauses with every record kept; signing in again resumes', async () => {
    const saved = await queueRecords(world, 30);
    // A lost device: the admin ends every session of the user.
    await api(world.server.url, `/api/users/${world.staff.user.id}/revoke`, { token: world.adminToken, body: {} });
    const e = engine();
    e.start();
    await until(() => e.getState().needsSignIn, 10_000, 'needs sign-in');
    expect(await counts()).toMatchObject({ pending: 30 });
    expect((await getSession())?.expired).toBe(true);

    const fresh = await api<{ token: string; user: typeof world.staff.user }>(world.server.url, '/api/auth/login', {
      body: { username: world.staff.user.username, password: 'staff-password-1' },
    });
    world.staff = fresh;
    await saveSession(fresh.token, fresh.user);
    e.trigger('session');
    await allSent();
    expect(e.getState().needsSignIn).toBe(false);
    await expectCountedOnce(saved);
  });
});
