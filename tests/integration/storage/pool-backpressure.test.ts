/**
 * PostgreSQL's connection pool pushes back: when too many requests already wait for a connection, or
 * one has waited too long, the next gets 503 with Retry-After at once and nothing is written, instead
 * of hanging until the client's own time-out. PostgreSQL only by nature: the embedded engine has one
 * connection and no pool (its sync route is bounded by the gate, tested in sync/overload.test.ts).
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app';
import { deriveKeys } from '../../../src/server/secrets';
import { openStorage, type Storage } from '../../../src/server/storage/open';
import { consultation, syncBody, syncInit } from '../../support/records';
import { dropTestStore, testConfig } from '../support/engines';
import { DAY, seedWorld, storeCounts, type World } from '../sync/helpers';

const onPostgres = Boolean(process.env.DATABASE_URL);
if (!onPostgres) console.info('pool backpressure: skipped, PostgreSQL only (set DATABASE_URL to run it)');

describe.skipIf(!onPostgres)('PostgreSQL pool backpressure [postgres]', () => {
  const config = testConfig('postgres');
  let storage: Storage;
  let w: World;
  let release: () => void;
  let held: Promise<void>;

  const open = async (poolWaitMs: number) => {
    storage = await openStorage({
      databaseUrl: config.databaseUrl,
      databaseSchema: config.databaseSchema,
      dataDir: config.dataDir,
      poolSize: 1,
      maxPoolWaiting: 1,
      poolWaitMs,
    });
    w = await seedWorld(storage);
    return createApp({ config, storage, keys: deriveKeys(config.secret!) });
  };
  /** Takes the pool's only connection until `release()`. */
  const holdTheConnection = async () => {
    let taken!: () => void;
    const isTaken = new Promise<void>((r) => (taken = r));
    const gate = new Promise<void>((r) => (release = r));
    held = storage.db.transaction().execute(async (trx) => {
      await sql`SELECT 1`.execute(trx);
      taken();
      await gate;
    });
    await isTaken;
  };
  const waitForWaiting = async (n: number) => {
    while (storage.poolLoad!().waiting < n) await new Promise((r) => setImmediate(r));
  };

  beforeEach(() => {
    release = () => {};
    held = Promise.resolve();
  });
  afterEach(async () => {
    release();
    await held;
    await storage.close();
    await dropTestStore(config);
  });

  it('refuses with 503 and Retry-After once the waiting line is full, writes nothing, and serves those already waiting', async () => {
    const app = await open(30_000);
    await holdTheConnection();
    const waiting = app.request('/api/me', { headers: w.users.cityStaff.auth });
    await waitForWaiting(1);

    const refused = await app.request('/api/me', { headers: w.users.cityStaff.auth });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: { code: 'unavailable', message: '服务器繁忙，请稍后再试' } });
    const batch = syncBody([consultation({ stallId: w.stalls.jianwai.id, createdAt: `${DAY}T12:00:00+08:00` })]);
    const refusedSync = await app.request('/api/sync', syncInit(batch, w.users.cityStaff.auth, { 'Accept-Language': 'en' }));
    expect(refusedSync.status).toBe(503);
    expect(await refusedSync.json()).toMatchObject({ error: { code: 'unavailable', message: 'The server is busy; please try again shortly' } });

    release();
    await held;
    expect((await waiting).status).toBe(200);
    expect((await storeCounts(storage)).records).toBe(0);
    // The refused device retries and its record is stored once.
    expect((await app.request('/api/sync', syncInit(batch, w.users.cityStaff.auth))).status).toBe(200);
    expect(await storeCounts(storage)).toMatchObject({ records: 1, consultations: 1 });
  });

  it('refuses with 503 a request that waited too long for a connection, instead of hanging', async () => {
    const app = await open(200);
    await holdTheConnection();
    const answer = await app.request('/api/me', { headers: w.users.cityStaff.auth });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    release();
    await held;
    expect((await app.request('/api/me', { headers: w.users.cityStaff.auth })).status).toBe(200);
  });
});
