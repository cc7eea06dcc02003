/**
 * The lock-out across two real app server processes on one PostgreSQL database, as behind a load
 * balancer (one trusted proxy hop, so X-Forwarded-For names the client): guesses spread over both
 * servers add up, the lock holds on both, and the admin's known device passes on both. PostgreSQL
 * only by nature: the embedded engine belongs to one process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERNAME_LIMIT } from '../../../src/server/auth/throttle';
import { startServerProcess, type ServerProcess } from '../../support/server-process';
import { dropTestStore, testConfig } from '../support/engines';
import { openStorage } from '../../../src/server/storage/open';
import { serverEnv } from '../support/sync-server';

const onPostgres = Boolean(process.env.DATABASE_URL);
if (!onPostgres) console.info('lock-out on two app servers: skipped, PostgreSQL only (set DATABASE_URL to run it)');

const ATTACKS = 200;
const ADDRESSES = 50;

describe.skipIf(!onPostgres)('lock-out on two app servers sharing one PostgreSQL [postgres]', () => {
  const config = testConfig('postgres');
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    // An empty store of its own: both servers start on it at once, and the first start makes `admin`.
    await (await openStorage({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir })).close();
    servers.push(...(await Promise.all([0, 1].map(() => startServerProcess({ ...serverEnv(config), RUHUI_TRUST_PROXY: '1' })))));
  });
  afterAll(async () => {
    for (const s of servers) await s.kill();
    await dropTestStore(config);
  });

  const signIn = (s: ServerProcess, password: string, address: string, cookie?: string) =>
    fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address, ...(cookie ? { Cookie: cookie } : {}) },
      body: JSON.stringify({ username: 'admin', password }),
    });

  it(`${ATTACKS} wrong passwords for admin from ${ADDRESSES} addresses over both servers: locked on both, the known device passes on both`, async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const first = await signIn(a, config.adminPassword!, '192.0.2.10');
    expect(first.status).toBe(200);
    const known = first.headers.get('set-cookie')!.split(';')[0]!;

    // Guesses alternate between the servers, from 50 addresses; ten at a time, as a botnet would.
    const statuses: number[] = [];
    for (let i = 0; i < ATTACKS; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, k) => signIn((i + k) % 2 ? b : a, `guess-${i + k}-password`, `198.51.100.${(i + k) % ADDRESSES}`)),
      );
      statuses.push(...batch.map((r) => r.status));
    }
    // Both servers count into one set of counters: at most USERNAME_LIMIT guesses were checked in all.
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(USERNAME_LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(ATTACKS - USERNAME_LIMIT);

    for (const s of [a, b]) {
      // An unknown device is refused on either server, with the right password…
      const refused = await signIn(s, config.adminPassword!, '203.0.113.9');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // …and the known device gets in on either, at once.
      expect((await signIn(s, config.adminPassword!, '198.51.100.3', known)).status).toBe(200);
    }
  });
});
