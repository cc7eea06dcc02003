/**
 * Benchmarks P5, P6 and the roster.
 *
 * P5: GET /api/stats for a city supervisor, the event-day query of the live view (one day, by stall),
 * on a store of 10,000 vs 1,000,000 records (in-process app, SQLite; PostgreSQL too when DATABASE_URL
 * is set). The event day is the same in both stores (356 stalls, 5,000 records); the rest is
 * history on 180 earlier event days. Goal: the 1 M store answers within 1.5× the 10 k one. A 30-day
 * query by district is shown beside it without a goal: its range holds more counters in the bigger
 * store, so its cost grows with them, as designed (days × stalls), not with the records.
 *
 * P6: peak memory growth of a real server process while it streams a year's stats of 356 stalls a
 * day, grouped by day, district, street and stall (130k rows), as CSV and as XLSX. Goal: ≤ 50 MB
 * each, of the resident set (sampled from /proc every 20 ms). Beside it, from the server's own
 * probe (memory-probe.ts): heap growth (V8 heap used + Buffers, garbage included) and, in a second
 * download with a collection every 100 ms, live growth (what the export holds). All from a baseline
 * taken after a full collection in the server. A live growth that rises with the rows is rows held;
 * a resident set far above it is garbage not yet collected (and SQLite's page cache, up to 16 MB).
 * On SQLite, and on PostgreSQL too when DATABASE_URL is set.
 *
 * Roster: the same server streams GET /api/members.xlsx of 100,000 new members (full values):
 * time and peak memory growth.
 *
 * Stores are seeded by multi-row inserts straight into the tables (records, counters, stalls), not
 * through sync, so a million records take seconds. `RUHUI_BENCH_SCALE` (e.g. 0.1) scales every count
 * down; the report prints the factor.
 */
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { PostgresAdapter, sql, type Insertable, type Kysely } from 'kysely';
import { createApp } from '../../src/server/app';
import { bootstrap } from '../../src/server/bootstrap';
import { deriveKeys } from '../../src/server/secrets';
import { openStorage, type Engine, type Storage } from '../../src/server/storage/open';
import type { Database, DailyCountsTable, RecordsTable } from '../../src/server/storage/schema';
import { encryptPerson } from '../../src/server/sync/person';
import { OCCUPATIONS } from '../../src/shared/records';
import { dropTestStore, testConfig } from '../integration/support/engines';
import { addOrg, addUser, rootOrg, type FixtureOrg } from '../integration/support/fixtures';
import { serverEnv } from '../integration/support/sync-server';
import { startServerProcess } from '../support/server-process';
import { testPerson } from '../support/records';
import type { BenchFigure, BenchReport } from './report';

const SCALE = Number(process.env.RUHUI_BENCH_SCALE ?? '1');
const scaled = (n: number) => Math.max(1, Math.round(n * SCALE));
const STALLS = 356;
const DISTRICTS = 16;
const EVENT_DAY = '2026-06-30';

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => bytes / 2 ** 20;

/** 16 districts and 356 streets under the root. */
export async function seedPlaces(storage: Storage): Promise<{ city: FixtureOrg; streets: FixtureOrg[] }> {
  const city = await rootOrg(storage);
  const districts: FixtureOrg[] = [];
  for (let d = 0; d < DISTRICTS; d++) districts.push(await addOrg(storage, city, 'district', `第${d + 1}区总工会`, `d${d}`));
  const streets: FixtureOrg[] = [];
  for (let s = 0; s < STALLS; s++) streets.push(await addOrg(storage, districts[s % DISTRICTS]!, 'street', `第${s + 1}街道总工会`, `s${s}`));
  return { city, streets };
}

/**
 * Inserts `rows` into `table`: each slice of `per` rows as one JSON document the store unpacks itself
 * (PostgreSQL `json_populate_recordset`, SQLite `json_each`), ten slices a transaction. Far cheaper
 * than multi-row INSERTs with a parameter per value, so a million records seed in seconds.
 */
export async function insertAll<T extends keyof Database>(db: Kysely<Database>, table: T, rows: Insertable<Database[T]>[], per = 5_000): Promise<void> {
  if (rows.length === 0) return;
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const columns = Object.keys(rows[0]!);
  const list = sql.join(columns.map((c) => sql.ref(c)));
  const values = postgres ? list : sql.join(columns.map((c) => sql`value ->> ${sql.lit(c)}`));
  for (let i = 0; i < rows.length; i += per * 10) {
    await db.transaction().execute(async (trx) => {
      for (let j = i; j < Math.min(rows.length, i + per * 10); j += per) {
        const json = JSON.stringify(rows.slice(j, j + per));
        const from = postgres ? sql`json_populate_recordset(NULL::${sql.table(table)}, ${json}::json)` : sql`json_each(${json})`;
        await sql`INSERT INTO ${sql.table(table)} (${list}) SELECT ${values} FROM ${from}`.execute(trx);
      }
    });
  }
}

/** One stall per street on each of `days`: their ids by day. */
export async function seedStalls(db: Kysely<Database>, streets: FixtureOrg[], days: string[]): Promise<Map<string, { id: string; orgId: string }[]>> {
  const byDay = new Map<string, { id: string; orgId: string }[]>();
  const rows = [];
  const now = new Date().toISOString();
  for (const day of days) {
    const list = streets.map((s, i) => ({ id: crypto.randomUUID(), orgId: s.id, name: `摊位${i + 1}` }));
    byDay.set(day, list);
    for (const s of list) rows.push({ id: s.id, name: s.name, org_id: s.orgId, date: day, location: null, created_by: 'bench', created_at: now });
  }
  await insertAll(db, 'stalls', rows);
  return byDay;
}

/** Records spread over the stalls of `days` (enrollments and consultations), and their counters. */
function makeRecords(stalls: Map<string, { id: string; orgId: string }[]>, days: string[], count: number, person?: (n: number) => string | null, offset = 0) {
  const records: Insertable<RecordsTable>[] = [];
  const counters = new Map<string, DailyCountsTable>();
  const now = new Date().toISOString();
  for (let i = 0; i < count; i++) {
    const day = days[i % days.length]!;
    const list = stalls.get(day)!;
    const stall = list[Math.floor(i / days.length) % list.length]!;
    const consult = person === undefined && i % 3 === 2;
    const occupation = consult ? '' : OCCUPATIONS[i % 4]!;
    const channel = i % 5 === 0 && !consult ? 'self' : 'staff';
    const createdAt = `${addDays(day, -1)}T${String(16 + (i % 8)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00.000Z`;
    records.push({
      id: crypto.randomUUID(), kind: consult ? 'consultation' : 'enrollment', stall_id: stall.id, org_id: stall.orgId, channel,
      occupation: consult ? null : occupation, topic: consult ? 'legal' : null, outcome: 'accepted', day, created_at: createdAt,
      device_created_at: createdAt, received_at: now, device_id: 'bench',
      person_hash: consult ? null : `h${offset + i}`, person_enc: consult ? null : (person?.(offset + i) ?? 'v1.bench'),
      services: consult ? null : '["legal_aid","health_check"]', consent: null, fingerprint: `f${offset + i}`,
    });
    const key = `${day}|${stall.id}|${occupation}|${channel}`;
    const c = counters.get(key) ?? { day, stall_id: stall.id, occupation, channel, enrolled: 0, existing: 0, consultations: 0 };
    if (consult) c.consultations++;
    else c.enrolled++;
    counters.set(key, c);
  }
  return { records, counters: [...counters.values()] };
}

async function seedRecords(
  db: Kysely<Database>,
  stalls: Map<string, { id: string; orgId: string }[]>,
  days: string[],
  count: number,
  person?: (n: number) => string | null,
  withCounters = true,
) {
  // In slices of 100k, so a million rows never sit in memory as objects at once (counters of a slice
  // are summed into the table by the same key: each slice's keys are added as fresh rows or upserted).
  const SLICE = 100_000;
  const all = new Map<string, DailyCountsTable>();
  for (let done = 0; done < count; done += SLICE) {
    const { records, counters } = makeRecords(stalls, days, Math.min(SLICE, count - done), person, done);
    await insertAll(db, 'records', records);
    for (const c of counters) {
      const key = `${c.day}|${c.stall_id}|${c.occupation}|${c.channel}`;
      const had = all.get(key);
      if (had) {
        had.enrolled += c.enrolled;
        had.consultations += c.consultations;
      } else all.set(key, c);
    }
  }
  if (withCounters) await insertAll(db, 'daily_counts', [...all.values()]);
  return all.size;
}

/** P5 on one engine and one store size: the two queries' medians (ms) and the counter rows. */
async function p5Store(engine: Engine, total: number) {
  const config = testConfig(engine);
  const storage = await openStorage({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir, poolSize: 4 });
  try {
    await bootstrap(storage, config);
    const { city, streets } = await seedPlaces(storage);
    const history = Array.from({ length: 180 }, (_, i) => addDays(EVENT_DAY, -1 - i));
    const stalls = await seedStalls(storage.db, streets, [EVENT_DAY, ...history]);
    const eventRecords = scaled(5_000);
    const seedStart = performance.now();
    let counters = await seedRecords(storage.db, stalls, [EVENT_DAY], eventRecords);
    counters += await seedRecords(storage.db, stalls, history, total - eventRecords);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    if (engine === 'postgres') await sql`ANALYZE`.execute(storage.db);
    const supervisor = await addUser(storage, city, 'supervisor');
    const app = createApp({ config, storage, keys: deriveKeys(config.secret!) });
    const time = async (path: string) => {
      const ms: number[] = [];
      for (let i = 0; i < 25; i++) {
        const t0 = performance.now();
        const res = await app.request(path, { headers: supervisor.auth });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
        if (i >= 5) ms.push(performance.now() - t0);
      }
      return median(ms);
    };
    const eventDay = await time(`/api/stats?from=${EVENT_DAY}&to=${EVENT_DAY}&group=stall`);
    const month = await time(`/api/stats?from=${addDays(EVENT_DAY, -29)}&to=${EVENT_DAY}&group=district`);
    return { eventDay, month, counters, seedSeconds };
  } finally {
    await storage.close();
    await dropTestStore(config);
  }
}

async function p5(engine: Engine): Promise<{ text: string; figures: BenchFigure[] }> {
  const small = await p5Store(engine, scaled(10_000));
  const big = await p5Store(engine, scaled(1_000_000));
  const ratio = big.eventDay / small.eventDay;
  const text = [
    `  P5 ${engine}: ${scaled(10_000).toLocaleString('en-US')} records (${small.counters.toLocaleString('en-US')} counter rows, seeded in ${small.seedSeconds.toFixed(1)} s) vs ` +
      `${scaled(1_000_000).toLocaleString('en-US')} (${big.counters.toLocaleString('en-US')} counter rows, seeded in ${big.seedSeconds.toFixed(1)} s)`,
    `    event day by stall: ${small.eventDay.toFixed(2)} ms vs ${big.eventDay.toFixed(2)} ms (ratio ${ratio.toFixed(2)})`,
    `    30 days by district: ${small.month.toFixed(2)} ms vs ${big.month.toFixed(2)} ms (ratio ${(big.month / small.month).toFixed(2)}; grows with the counters in range)`,
  ].join('\n');
  return {
    text,
    figures: [
      {
        id: `P5.${engine}.ratio`, what: `GET /api/stats event day by stall, median of 20, ${engine}: 1 M vs 10 k stored records${SCALE !== 1 ? ` (scale ${SCALE})` : ''}`,
        value: big.eventDay, unit: 'ms', baseline: { what: '10 k records', value: small.eventDay, unit: 'ms' }, ratio, goal: '≤ 1.5×', met: ratio <= 1.5,
      },
      {
        id: `P5.${engine}.month`, what: `GET /api/stats 30 days by district, ${engine}: 1 M vs 10 k (no goal: more counters in range)`,
        value: big.month, unit: 'ms', baseline: { what: '10 k records', value: small.month, unit: 'ms' }, ratio: big.month / small.month,
      },
    ],
  };
}

/** Resident set (VmRSS) of a process, bytes. */
function rss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

type Probed = { cmd: string; heap: number; live: number };

/** Asks the server's memory probe (memory-probe.ts) to `mark` or for its `peak`. */
function probe(child: ChildProcess, message: { cmd: 'mark' | 'peak'; liveEveryMs?: number }): Promise<Probed> {
  return new Promise((resolve) => {
    const onMessage = (m: Probed) => {
      if (m.cmd !== message.cmd) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/** Reads `url` to its end (dropping the body): seconds and bytes. */
async function fetchAll(url: string, auth: { Authorization: string }, onChunk: () => void) {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { ...auth, 'Accept-Encoding': 'identity' } });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  let bytes = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    onChunk();
  }
  return { seconds: (performance.now() - t0) / 1000, bytes };
}

/**
 * Downloads `url` twice from the server process `child`. First as a client would, sampling the
 * server's memory: time, bytes, peak RSS growth (from /proc, every 20 ms and at every chunk) and
 * peak heap growth (V8 heap used + Buffers, garbage included, from the server's probe). Then again
 * with the probe collecting garbage every 100 ms: peak live growth, what the export holds. All
 * growths are from a baseline taken right after a full collection in the server.
 */
export async function download(url: string, auth: { Authorization: string }, child: ChildProcess) {
  const pid = child.pid!;
  // Let the process settle, collect its garbage, then take the baseline.
  await new Promise((r) => setTimeout(r, 500));
  const mark = await probe(child, { cmd: 'mark' });
  const base = rss(pid);
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, rss(pid))), 20);
  const { seconds, bytes } = await fetchAll(url, auth, () => (peak = Math.max(peak, rss(pid))));
  clearInterval(timer);
  const inside = await probe(child, { cmd: 'peak' });

  const liveMark = await probe(child, { cmd: 'mark', liveEveryMs: 100 });
  await fetchAll(url, auth, () => {});
  const live = await probe(child, { cmd: 'peak' });
  return { seconds, bytes, growth: peak - base, heap: inside.heap - mark.heap, live: live.live - liveMark.live };
}

/** P6 and the roster on one engine: a server process on a store seeded with a year of counters and 100k members. */
export async function exportsAndRoster(engine: Engine): Promise<{ text: string; figures: BenchFigure[] }> {
  const config = testConfig(engine);
  const keys = deriveKeys(config.secret!);
  const storage = await openStorage({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir, poolSize: 4 });
  const days = Array.from({ length: 365 }, (_, i) => addDays('2026-01-01', i));
  const members = scaled(100_000);
  let admin, supervisor, statRows: number;
  try {
    await bootstrap(storage, config);
    const { city, streets } = await seedPlaces(storage);
    const stalls = await seedStalls(storage.db, streets, days);
    // A year of counters for every stall of every day (four occupation × channel keys each), no records needed by the stats.
    const counters: DailyCountsTable[] = [];
    for (const day of days) {
      for (const s of stalls.get(day)!) {
        for (let k = 0; k < 4; k++) counters.push({ day, stall_id: s.id, occupation: OCCUPATIONS[k]!, channel: k % 2 ? 'self' : 'staff', enrolled: 10 + k, existing: k, consultations: 20 });
      }
    }
    await insertAll(storage.db, 'daily_counts', counters);
    statRows = days.length * STALLS;
    // 100k new members over the 30 days of June, persons encrypted as sync stores them.
    const june = days.filter((d) => d.startsWith('2026-06'));
    // (The year's counters above stand for them in the stats.)
    await seedRecords(storage.db, stalls, june, members, (n) => encryptPerson(keys.personEncryption, testPerson(n)), false);
    if (engine === 'postgres') await sql`ANALYZE`.execute(storage.db);
    admin = await addUser(storage, city, 'admin');
    supervisor = await addUser(storage, city, 'supervisor');
  } finally {
    await storage.close();
  }
  const probeFile = fileURLToPath(new URL('./memory-probe.ts', import.meta.url));
  const server = await startServerProcess({ ...serverEnv(config), RUHUI_LOG: 'warn' }, 30_000, { nodeArgs: ['--expose-gc', '--import', probeFile], ipc: true });
  try {
    const q = 'from=2026-01-01&to=2026-12-31&group=day,district,street,stall';
    const csv = await download(`${server.url}/api/stats.csv?${q}`, supervisor.auth, server.child);
    const xlsx = await download(`${server.url}/api/stats.xlsx?${q}`, supervisor.auth, server.child);
    const roster = await download(`${server.url}/api/members.xlsx?from=2026-06-01&to=2026-06-30&full=1&reason=${encodeURIComponent('基准测试')}`, admin.auth, server.child);
    const growth = (d: { growth: number; heap: number; live: number }) =>
      `RSS growth ${mb(d.growth).toFixed(1)} MB (heap ${mb(d.heap).toFixed(1)} MB, live ${mb(d.live).toFixed(1)} MB)`;
    const text = [
      `  P6 (${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'} server process): a year of ${STALLS} stalls a day, ${statRows.toLocaleString('en-US')} rows`,
      `    CSV: ${(csv.bytes / 1e6).toFixed(1)} MB in ${csv.seconds.toFixed(1)} s, ${growth(csv)}`,
      `    XLSX: ${(xlsx.bytes / 1e6).toFixed(1)} MB in ${xlsx.seconds.toFixed(1)} s, ${growth(xlsx)}`,
      `  Roster (${engine}): ${members.toLocaleString('en-US')} members, ${(roster.bytes / 1e6).toFixed(1)} MB in ${roster.seconds.toFixed(1)} s, ${growth(roster)}`,
    ].join('\n');
    const scaleNote = SCALE !== 1 ? ` (scale ${SCALE})` : '';
    // The SQLite figures keep their first ids, so runs compare over time.
    const id = (name: string) => (engine === 'sqlite' ? name : name.replace(/^(P6|roster)\./, `$1.${engine}.`));
    const on = engine === 'sqlite' ? '' : `, ${engine}`;
    return {
      text,
      figures: [
        { id: id('P6.csv.rss'), what: `peak RSS growth of the server streaming a year's CSV, ${STALLS} stalls a day${on}${scaleNote}`, value: mb(csv.growth), unit: 'MB', goal: '≤ 50 MB', met: mb(csv.growth) <= 50 },
        { id: id('P6.csv.heap'), what: `peak heap growth (V8 heap + Buffers, garbage included) of the same${on}`, value: mb(csv.heap), unit: 'MB' },
        { id: id('P6.csv.live'), what: `peak live heap growth (collected every 100 ms, a second download) of the same${on}`, value: mb(csv.live), unit: 'MB' },
        { id: id('P6.xlsx.rss'), what: `peak RSS growth of the server streaming a year's XLSX, ${STALLS} stalls a day${on}${scaleNote}`, value: mb(xlsx.growth), unit: 'MB', goal: '≤ 50 MB', met: mb(xlsx.growth) <= 50 },
        { id: id('P6.xlsx.heap'), what: `peak heap growth (V8 heap + Buffers, garbage included) of the same${on}`, value: mb(xlsx.heap), unit: 'MB' },
        { id: id('P6.xlsx.live'), what: `peak live heap growth (collected every 100 ms, a second download) of the same${on}`, value: mb(xlsx.live), unit: 'MB' },
        { id: id('P6.xlsx.seconds'), what: `time of the year's XLSX${on}`, value: xlsx.seconds, unit: 's' },
        { id: id('roster.rss'), what: `peak RSS growth of the server streaming the roster of ${members.toLocaleString('en-US')} members${on}${scaleNote}`, value: mb(roster.growth), unit: 'MB', goal: '≤ 50 MB', met: mb(roster.growth) <= 50 },
        { id: id('roster.heap'), what: `peak heap growth (V8 heap + Buffers, garbage included) of the same${on}`, value: mb(roster.heap), unit: 'MB' },
        { id: id('roster.live'), what: `peak live heap growth (collected every 100 ms, a second download) of the same${on}`, value: mb(roster.live), unit: 'MB' },
        { id: id('roster.seconds'), what: `time of the roster of ${members.toLocaleString('en-US')} members (full values)${on}`, value: roster.seconds, unit: 's' },
      ],
    };
  } finally {
    await server.stop();
    await dropTestStore(config);
  }
}

/** P5 on each engine there is, then P6 and the roster on each. */
export async function benchStatsExport(): Promise<BenchReport> {
  const parts = [await p5('sqlite')];
  if (process.env.DATABASE_URL) parts.push(await p5('postgres'));
  parts.push(await exportsAndRoster('sqlite'));
  if (process.env.DATABASE_URL) parts.push(await exportsAndRoster('postgres'));
  const head = SCALE !== 1 ? `  counts scaled by ${SCALE} (RUHUI_BENCH_SCALE)\n` : '';
  return { text: head + parts.map((p) => p.text).join('\n'), figures: parts.flatMap((p) => p.figures) };
}
