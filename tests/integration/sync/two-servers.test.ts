/**
 * Two real app server processes on one PostgreSQL database, as behind a load balancer: devices sync
 * through both at once (alternating batch by batch, replaying batches to the other server, retrying
 * on the other when one fails), one server is SIGKILLed mid-run and started again. Exactly-once must
 * hold across them (every record stored once, every person a member once) and the daily counters must
 * equal a count of the stored records. Sessions and sign-in failures are shared too. PostgreSQL only
 * by nature: the embedded engine belongs to one process.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERNAME_LIMIT } from '../../../src/server/auth/throttle';
import { openStorage, type Storage } from '../../../src/server/storage/open';
import { syncResponseSchema, type SyncResult } from '../../../src/shared/records';
import { consultation, enrollment, syncBody, syncInit } from '../../support/records';
import { startServerProcess, type ServerProcess } from '../../support/server-process';
import { dropTestStore, testConfig } from '../support/engines';
import { FIXTURE_PASSWORD } from '../support/fixtures';
import { seedStore, serverEnv, type SeededStore } from '../support/sync-server';
import { storeCounts } from './helpers';

const onPostgres = Boolean(process.env.DATABASE_URL);
if (!onPostgres) console.info('two app servers on one PostgreSQL: skipped, PostgreSQL only (set DATABASE_URL to run it)');

const DEVICES = 6;
const BATCHES = 10;
const PER_BATCH = 10;
/** Persons 0..SHARED-1 are enrolled on every device: one of them joins, the rest are existing members. */
const SHARED = 4;
const AT = '2026-05-01T12:30:00+08:00';

describe.skipIf(!onPostgres)('two app servers on one PostgreSQL [postgres]', () => {
  const config = testConfig('postgres');
  let seeded: SeededStore;
  // Slot 0 is killed mid-run and replaced; slot 1 runs throughout.
  const servers: (ServerProcess | undefined)[] = [undefined, undefined];
  const started: ServerProcess[] = [];
  let storage: Storage;

  const start = async (slot: number) => {
    const s = await startServerProcess(serverEnv(config));
    started.push(s);
    servers[slot] = s;
    return s;
  };

  beforeAll(async () => {
    seeded = await seedStore(config);
    // Both start at once: migrations and first-start set-up run under the database's lock.
    await Promise.all([start(0), start(1)]);
    storage = await openStorage({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir });
  });
  afterAll(async () => {
    for (const s of started) await s.kill();
    await storage?.close();
    await dropTestStore(config);
  });

  it('shares sessions and sign-in failures between the servers', async () => {
    const [a, b] = servers as ServerProcess[];
    const login = (s: ServerProcess, password: string) =>
      fetch(`${s.url}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: seeded.supervisor.username, password }) });
    const signedIn = await login(a, FIXTURE_PASSWORD);
    expect(signedIn.status).toBe(200);
    const { token } = (await signedIn.json()) as { token: string };
    expect((await fetch(`${b.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    // Signed out on B: the token is dead on A too.
    expect((await fetch(`${b.url}/api/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${a.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    // Failures alternate between the servers and add up: the next attempt, on either, is refused.
    for (let i = 0; i < USERNAME_LIMIT; i++) expect((await login(i % 2 ? b : a, 'wrong-password-1')).status).toBe(401);
    const refused = await login(b, FIXTURE_PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('stores every record exactly once and keeps the counters equal to the records, with one server killed mid-run', async () => {
    const devices = Array.from({ length: DEVICES }, (_, d) =>
      Array.from({ length: BATCHES }, (_, b) =>
        Array.from({ length: PER_BATCH }, (_, k) => {
          const j = b * PER_BATCH + k;
          if (j % 3 === 2) return consultation({ stallId: seeded.stallId, createdAt: AT });
          const n = j < SHARED * 3 ? j : 10_000 * (d + 1) + j;
          return enrollment({ stallId: seeded.stallId, n, createdAt: AT, channel: 'staff' });
        }),
      ),
    );
    const sent = devices.flat(2);
    const persons = new Set(sent.filter((r) => r.kind === 'enrollment').map((r) => (r as ReturnType<typeof enrollment>).person.idNumber));

    let done = 0;
    let killed: Promise<unknown> | undefined;
    let victim: ServerProcess | undefined;
    const answers = new Map<string, SyncResult['status'][]>();
    let replays = 0;

    /** One POST to a slot's server; undefined when the server is gone or refuses (the device retries). */
    const post = async (slot: number, body: string) => {
      const server = servers[slot];
      if (!server) return undefined;
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${server.url}/api/sync`, syncInit(body, seeded.staff.auth));
        text = await res.text();
      } catch {
        // Connection refused or reset: the server was killed, maybe after committing.
        return undefined;
      }
      // 503 is the only refusal allowed (the device retries); anything else but 200 fails the test.
      if (res.status === 503) return undefined;
      expect(res.status, text).toBe(200);
      return syncResponseSchema.parse(JSON.parse(text));
    };
    const send = async (d: number, b: number) => {
      const body = JSON.stringify(syncBody(devices[d]![b]!, { deviceId: `device-${d}` }));
      // Alternate: device d's batch b goes to server (d + b) % 2; after a failure, to the other.
      for (let attempt = 0; ; attempt++) {
        expect(attempt, 'a batch kept failing').toBeLessThan(50);
        const answer = await post((d + b + attempt) % 2, body);
        if (!answer) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        for (const r of answer.results) answers.set(r.id, [...(answers.get(r.id) ?? []), r.status]);
        return;
      }
    };
    const device = async (d: number) => {
      for (let b = 0; b < BATCHES; b++) {
        await send(d, b);
        done++;
        // Halfway through the whole run, server 0 dies without warning and a new one takes its place.
        if (done === Math.floor((DEVICES * BATCHES) / 2) && !killed) {
          victim = servers[0]!;
          servers[0] = undefined;
          killed = victim.kill().then(() => start(0));
        }
        // Every third batch is replayed (a lost response), through the other server.
        if (b % 3 === 1) {
          replays++;
          const body = JSON.stringify(syncBody(devices[d]![b]!, { deviceId: `device-${d}` }));
          const again = (await post((d + b + 1) % 2, body)) ?? (await post((d + b) % 2, body));
          if (again) expect(new Set(again.results.map((r) => r.status))).toEqual(new Set(['duplicate']));
        }
      }
    };
    await Promise.all(Array.from({ length: DEVICES }, (_, d) => device(d)));
    expect(killed, 'server 0 was killed mid-run').toBeDefined();
    await killed;
    expect(started).toHaveLength(3);
    // The killed one, whichever of the first two it was to finish starting.
    expect(victim!.child.signalCode).toBe('SIGKILL');
    expect(replays).toBeGreaterThan(0);

    // Every record got a "sent" answer and none was refused.
    expect(answers.size).toBe(sent.length);
    for (const statuses of answers.values()) for (const s of statuses) expect(['accepted', 'existing_member', 'duplicate']).toContain(s);

    // Exactly once: one row per record id, one member per person, each person joined by one record.
    const counts = await storeCounts(storage);
    expect(counts.records).toBe(sent.length);
    expect(counts.members).toBe(persons.size);
    const ids = await storage.db.selectFrom('records').select('id').execute();
    expect(new Set(ids.map((r) => r.id))).toEqual(new Set(sent.map((r) => r.id)));
    const joined = await storage.db
      .selectFrom('records')
      .select(['person_hash', sql<string | number>`count(*)`.as('n')])
      .where('kind', '=', 'enrollment')
      .where('outcome', '=', 'accepted')
      .groupBy('person_hash')
      .execute();
    expect(joined).toHaveLength(persons.size);
    expect(joined.every((r) => Number(r.n) === 1)).toBe(true);

    // The counters equal a count of the stored records, key by key.
    const fromRecords = await storage.db
      .selectFrom('records')
      .select([
        'day',
        'stall_id',
        sql<string>`coalesce(occupation, '')`.as('occupation'),
        'channel',
        sql<string | number>`sum(case when kind = 'enrollment' and outcome = 'accepted' then 1 else 0 end)`.as('enrolled'),
        sql<string | number>`sum(case when outcome = 'existing_member' then 1 else 0 end)`.as('existing'),
        sql<string | number>`sum(case when kind = 'consultation' then 1 else 0 end)`.as('consultations'),
      ])
      .groupBy(['day', 'stall_id', sql`coalesce(occupation, '')`, 'channel'])
      .execute();
    const counters = await storage.db.selectFrom('daily_counts').selectAll().execute();
    const key = (r: { day: string; stall_id: string; occupation: string; channel: string }) => `${r.day}|${r.stall_id}|${r.occupation}|${r.channel}`;
    const expected = new Map(fromRecords.map((r) => [key(r), [Number(r.enrolled), Number(r.existing), Number(r.consultations)]]));
    const actual = new Map(counters.map((r) => [key(r), [r.enrolled, r.existing, r.consultations]]));
    expect(actual).toEqual(expected);
    expect(counts.enrolled).toBe(persons.size);
    expect(counts.enrolled + counts.existing + counts.consultations).toBe(sent.length);
  });
});
