/**
 * Benchmark P4: Beijing's campaign day over HTTP. 356 simulated stall devices, each holding 35
 * enrollments and 65 consultations, all sync at once as the engine sends them (one batch of up to
 * 500; on 503 wait as the engine does: full-jitter backoff with Retry-After as the floor), to real
 * server processes. Measured on SQLite and on PostgreSQL: every record accepted exactly once (the
 * store is counted afterwards), records/s against a bare batch insert of the same rows into the same
 * kind of store in the same run, p50/p95 batch latency (first send to accepted answer, retries
 * included) against one device alone, the server's peak memory.
 *
 * P4-national: PostgreSQL behind two app server processes, 3,560 devices; a national day is 100× Beijing,
 * scaled down here by a printed factor (RUHUI_BENCH_NATIONAL_SCALE, default 50: each device sends a
 * fiftieth of its national share) so the whole `npm run bench` fits in 15 minutes on a small machine.
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { DEFAULT_BACKOFF, parseRetryAfter, retryDelay } from '../../src/offline/sync-backoff';
import { TOPICS, OCCUPATIONS, syncResponseSchema } from '../../src/shared/records';
import type { Config } from '../../src/server/config';
import { openStorage, type Engine } from '../../src/server/storage/open';
import { dropTestStore, testConfig } from '../integration/support/engines';
import { addOrg, addUser, rootOrg } from '../integration/support/fixtures';
import { serverEnv } from '../integration/support/sync-server';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { consultation, enrollment, syncBody, syncInit } from '../support/records';
import { bareInsert, peakRssMb, percentile, rate, readStored, type BareResult } from './bare-insert';
import type { BenchFigure, BenchReport } from './report';

const DAY = '2026-05-01';
const BEIJING = { devices: 356, enrollments: 35, consultations: 65 };

interface World {
  stallIds: string[];
  auth: { Authorization: string };
}

/** A city with 16 districts, one street each, and one stall per device; one staff user of the whole city. */
async function seedCampaign(config: Config, devices: number): Promise<World> {
  const storage = await openStorage({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir });
  try {
    const city = await rootOrg(storage);
    const streets: Awaited<ReturnType<typeof addOrg>>[] = [];
    for (let d = 0; d < 16; d++) streets.push(await addOrg(storage, await addOrg(storage, city, 'district', `第${d + 1}区总工会`), 'street', `第${d + 1}街道总工会`));
    const stalls = Array.from({ length: devices }, (_, i) => ({
      id: crypto.randomUUID(),
      name: `摊位 ${i + 1}`,
      org_id: streets[i % streets.length]!.id,
      date: DAY,
      location: null,
      created_by: 'bench',
      created_at: new Date().toISOString(),
    }));
    for (let i = 0; i < stalls.length; i += 500) await storage.db.insertInto('stalls').values(stalls.slice(i, i + 500)).execute();
    const staff = await addUser(storage, city, 'staff');
    return { stallIds: stalls.map((s) => s.id), auth: staff.auth };
  } finally {
    await storage.close();
  }
}

/** One device's records, enrollments and consultations interleaved as a stall makes them, people unique per device `d`. */
function deviceRecords(stallId: string, d: number, enrollments: number, consultations: number, salt: number) {
  const out: unknown[] = [];
  const total = enrollments + consultations;
  let e = 0;
  for (let i = 0; i < total; i++) {
    // Through the lunch break, 12:00 to 12:59.
    const createdAt = `${DAY}T12:${String(Math.floor((i * 60) / total)).padStart(2, '0')}:00+08:00`;
    // Spread the enrollments evenly through the lunch break.
    if (e < enrollments && Math.floor(((i + 1) * enrollments) / total) > e) {
      out.push(enrollment({ stallId, n: salt + d * 1_000 + e, createdAt, occupation: OCCUPATIONS[(d + e) % OCCUPATIONS.length] }));
      e++;
    } else out.push(consultation({ stallId, createdAt, topic: TOPICS[i % TOPICS.length] }));
  }
  return out;
}

interface DeviceRun {
  /** First send to the accepted answer, retries included, per batch. */
  latencies: number[];
  refused503: number;
  otherErrors: number;
  networkErrors: number;
  accepted: number;
  notAccepted: number;
  /** Answers other than 200 and 503, by status and error code. */
  otherStatuses: Record<string, number>;
}

/**
 * Sends every device's batches at once, device `i` to server `i % servers.length` (a load balancer),
 * retrying as the engine does; resolves when all are accepted.
 */
async function runDevices(urls: string[], world: World, bodies: string[][]): Promise<DeviceRun> {
  const run: DeviceRun = { latencies: [], refused503: 0, otherErrors: 0, networkErrors: 0, accepted: 0, notAccepted: 0, otherStatuses: {} };
  const device = async (i: number) => {
    for (const body of bodies[i]!) {
      const t0 = performance.now();
      for (let attempt = 0; ; attempt++) {
        if (attempt > 40) throw new Error('a device gave up after 40 attempts');
        let res: Response | undefined;
        try {
          res = await fetch(`${urls[(i + attempt) % urls.length]}/api/sync`, syncInit(body, world.auth));
        } catch {
          run.networkErrors++;
        }
        if (res?.status === 200) {
          const answer = syncResponseSchema.parse(await res.json());
          for (const r of answer.results) {
            if (r.status === 'accepted') run.accepted++;
            else if (r.status !== 'duplicate') run.notAccepted++;
          }
          run.latencies.push(performance.now() - t0);
          break;
        }
        let retryAfterMs: number | undefined;
        if (res) {
          const text = await res.text();
          if (res.status === 503) {
            run.refused503++;
            retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), Date.now());
          } else {
            run.otherErrors++;
            const code = /"code":"([a-z_]+)"/.exec(text)?.[1] ?? '';
            const key = `${res.status} ${code}`.trim();
            run.otherStatuses[key] = (run.otherStatuses[key] ?? 0) + 1;
          }
        }
        await new Promise((r) => setTimeout(r, retryDelay(attempt, retryAfterMs, DEFAULT_BACKOFF)));
      }
    }
  };
  await Promise.all(bodies.map((_, i) => device(i)));
  return run;
}

/** What the store holds afterwards: rows and counter sums, and ids stored more than once (must be none). */
async function countStore(config: Config) {
  const storage = await openStorage({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir });
  try {
    const one = async <T>(q: Promise<T | undefined>) => (await q)!;
    const records = await one(storage.db.selectFrom('records').select([sql<string>`count(*)`.as('n'), sql<string>`count(distinct id)`.as('ids')]).executeTakeFirst());
    const sums = await one(
      storage.db
        .selectFrom('daily_counts')
        .select([sql<string>`coalesce(sum(enrolled), 0)`.as('enrolled'), sql<string>`coalesce(sum(existing), 0)`.as('existing'), sql<string>`coalesce(sum(consultations), 0)`.as('consultations')])
        .executeTakeFirst(),
    );
    return {
      rows: Number(records.n),
      distinctIds: Number(records.ids),
      counted: Number(sums.enrolled) + Number(sums.existing) + Number(sums.consultations),
      enrolled: Number(sums.enrolled),
    };
  } finally {
    await storage.close();
  }
}

interface DayResult {
  text: string;
  figures: BenchFigure[];
  ratePerS: number;
  bare?: BareResult;
}

/** One campaign day on `engine` with `servers` app servers. */
async function campaignDay(
  engine: Engine,
  o: { id: string; devices: number; enrollments: number; consultations: number; servers: number; bareRate?: number; note?: string },
): Promise<DayResult> {
  const config = testConfig(engine);
  const servers: ServerProcess[] = [];
  try {
    const world = await seedCampaign(config, o.devices);
    const bodies = world.stallIds.map((stallId, d) => {
      const records = deviceRecords(stallId, d, o.enrollments, o.consultations, 0);
      const out: string[] = [];
      for (let i = 0; i < records.length; i += 500) out.push(JSON.stringify(syncBody(records.slice(i, i + 500), { deviceId: `device-${d}` })));
      return out;
    });
    const total = o.devices * (o.enrollments + o.consultations);
    for (let s = 0; s < o.servers; s++) servers.push(await startServerProcess({ ...serverEnv(config), RUHUI_LOG: 'warn' }));
    const urls = servers.map((s) => s.url);

    // One device alone first (five runs, each a device of its own with other people), for the latency baseline.
    const ALONE_RUNS = 5;
    const aloneRuns: number[] = [];
    for (let k = 0; k < ALONE_RUNS; k++) {
      const records = deviceRecords(world.stallIds[0]!, k, o.enrollments, o.consultations, 4_000_000);
      const alone: string[] = [];
      for (let i = 0; i < records.length; i += 500) alone.push(JSON.stringify(syncBody(records.slice(i, i + 500), { deviceId: 'device-alone' })));
      aloneRuns.push(...(await runDevices(urls.slice(0, 1), world, [alone])).latencies);
    }
    const alone = percentile(aloneRuns, 0.5);

    const t0 = performance.now();
    const run = await runDevices(urls, world, bodies);
    const ms = performance.now() - t0;
    const peak = servers.map((s) => peakRssMb(s.child.pid));
    for (const s of servers) await s.stop();

    const store = await countStore(config);
    const aloneRecords = ALONE_RUNS * (o.enrollments + o.consultations);
    const lost = total + aloneRecords - store.distinctIds;
    const doubled = store.rows - store.distinctIds + Math.max(0, store.counted - store.rows);
    if (run.notAccepted > 0 || lost !== 0 || doubled !== 0 || store.counted !== store.rows) {
      throw new Error(`campaign day not exactly once: ${JSON.stringify({ run: { ...run, latencies: undefined }, store, lost, doubled })}`);
    }
    const ratePerS = rate(total, ms);
    let bare: BareResult | undefined;
    let bareRate = o.bareRate;
    if (bareRate === undefined) {
      const stored = await readStored(config);
      stored.records = stored.records.filter((r) => r.device_id !== 'device-alone');
      await bareInsert(engine, { ...stored, records: stored.records.slice(0, 500) });
      bare = await bareInsert(engine, stored);
      bareRate = rate(stored.records.length, bare.ms);
    }
    const p50 = percentile(run.latencies, 0.5);
    const p95 = percentile(run.latencies, 0.95);
    const label = `${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${o.servers} app server${o.servers > 1 ? 's' : ''}`;
    const peakMb = peak.every((p) => p !== undefined) ? Math.max(...(peak as number[])) : undefined;
    const figures: BenchFigure[] = [
      {
        id: `${o.id}.rate`,
        what: `${o.devices} devices × (${o.enrollments} enrollments + ${o.consultations} consultations) at once over HTTP, ${label}: drained records/s${o.note ? ` (${o.note})` : ''}`,
        value: ratePerS,
        unit: 'records/s',
        baseline: { what: bare ? 'bare batch insert, same store' : 'bare batch insert (P4.postgres, this run)', value: bareRate, unit: 'records/s' },
        ratio: ratePerS / bareRate,
        goal: '≥ 0.5',
        met: ratePerS / bareRate >= 0.5,
      },
      {
        id: `${o.id}.p50`,
        what: `batch latency p50 (first send to accepted, 503 waits included), ${label}`,
        value: p50,
        unit: 'ms',
        baseline: { what: 'one device alone, p50', value: alone, unit: 'ms' },
        ratio: p50 / alone,
      },
      {
        id: `${o.id}.p95`,
        what: `batch latency p95 (first send to accepted, 503 waits included; p50 ${Math.round(p50)} ms), ${label}`,
        value: p95,
        unit: 'ms',
        baseline: { what: 'one device alone, p50', value: alone, unit: 'ms' },
        ratio: p95 / alone,
      },
      {
        id: `${o.id}.errors`,
        what: `lost + doubled records and non-503 errors (503s seen: ${run.refused503}, connection errors: ${run.networkErrors}), ${label}`,
        value: lost + doubled + run.otherErrors,
        unit: 'count',
        goal: '0',
        met: lost + doubled + run.otherErrors === 0,
      },
    ];
    if (peakMb !== undefined) figures.push({ id: `${o.id}.peak_rss`, what: `server peak resident memory (largest of ${o.servers}), ${label}`, value: peakMb, unit: 'MB' });
    const text = [
      `${o.id}: ${o.devices} devices × ${o.enrollments + o.consultations} records (${total} in all) sent at once, ${label}${o.note ? `; ${o.note}` : ''}`,
      `  drained in ${(ms / 1000).toFixed(1)} s = ${ratePerS} records/s; bare batch insert ${bareRate} records/s${bare ? '' : ' (from P4.postgres)'}: ${((ratePerS / bareRate) * 100).toFixed(0)}% (goal ≥ 50%)`,
      `  every record stored once: ${store.distinctIds} ids, ${store.rows} rows, counters ${store.counted}; ${run.refused503} answers 503 (retried), ${run.otherErrors} other errors${run.otherErrors ? ` (${JSON.stringify(run.otherStatuses)})` : ''}, ${run.networkErrors} connection errors (retried)`,
      `  batch latency p50 ${Math.round(p50)} ms, p95 ${Math.round(p95)} ms; one device alone p50 ${Math.round(alone)} ms`,
      `  server peak memory: ${peak.map((p) => (p === undefined ? '?' : `${Math.round(p)} MB`)).join(', ')}`,
    ].join('\n');
    return { text, figures, ratePerS, bare };
  } finally {
    for (const s of servers) await s.kill();
    await dropTestStore(config);
  }
}

/** P4 on SQLite and PostgreSQL (when DATABASE_URL is set), then P4-national on PostgreSQL with two app servers. */
export async function benchCampaign(): Promise<BenchReport> {
  const parts: DayResult[] = [await campaignDay('sqlite', { id: 'P4.sqlite', ...BEIJING, servers: 1 })];
  if (!process.env.DATABASE_URL) {
    return { text: `${parts[0]!.text}\nP4 on PostgreSQL and P4-national: skipped (set DATABASE_URL)`, figures: parts[0]!.figures };
  }
  const pgDay = await campaignDay('postgres', { id: 'P4.postgres', ...BEIJING, servers: 1 });
  parts.push(pgDay);
  const scale = Number(process.env.RUHUI_BENCH_NATIONAL_SCALE) || 50;
  // National: 100× Beijing's records from 10× its devices, i.e. 10× the records per device; scaled down by `scale`.
  const perDevice = 10 / scale;
  parts.push(
    await campaignDay('postgres', {
      id: 'P4.national',
      devices: BEIJING.devices * 10,
      enrollments: Math.max(1, Math.round(BEIJING.enrollments * perDevice)),
      consultations: Math.max(0, Math.round(BEIJING.consultations * perDevice)),
      servers: 2,
      bareRate: pgDay.bare ? rate(BEIJING.devices * (BEIJING.enrollments + BEIJING.consultations), pgDay.bare.ms) : undefined,
      note: `national scale ÷ ${scale} (RUHUI_BENCH_NATIONAL_SCALE): ${BEIJING.devices * 10} devices, ${(100 / scale).toFixed(0)}× Beijing's records`,
    }),
  );
  return { text: parts.map((p) => p.text).join('\n'), figures: parts.flatMap((p) => p.figures) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchCampaign().then(
    (report) => console.log(report.text),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
