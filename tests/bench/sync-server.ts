/**
 * Benchmark: the server side of sync. 10,000 enrollments sent in 500-record batches, one batch after
 * another (as one device sends them), over loopback HTTP to a real server process on the embedded
 * engine (SQLite, WAL, synchronous=FULL), against a bare batch insert of the very rows that server
 * stored into a fresh store of the same kind (same schema and pragmas; 500-row multi-row INSERTs, one
 * transaction each, a prepared statement straight on better-sqlite3) in the same run. Goal: the
 * server reaches at least 50% of the bare rate.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { syncResponseSchema } from '../../src/shared/records';
import { migrate } from '../../src/server/storage/migrations';
import { openStorage, sqlitePath } from '../../src/server/storage/open';
import type { Database, OrgsTable, RecordsTable, StallsTable } from '../../src/server/storage/schema';
import { testConfig } from '../integration/support/engines';
import { seedStore, serverEnv } from '../integration/support/sync-server';
import { startServerProcess } from '../support/server-process';
import { enrollment, syncBody, syncInit } from '../support/records';

const RECORDS = 10_000;
const BATCH = 500;

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const percentile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;

/** The rows a bare insert writes: what the server stored, read back once it has stopped. */
interface Stored {
  orgs: OrgsTable[];
  stalls: StallsTable[];
  records: RecordsTable[];
}

async function readStored(dataDir: string): Promise<Stored> {
  const storage = await openStorage({ dataDir });
  try {
    return {
      orgs: await storage.db.selectFrom('orgs').selectAll().orderBy('path').execute(),
      stalls: await storage.db.selectFrom('stalls').selectAll().execute(),
      records: await storage.db.selectFrom('records').selectAll().orderBy('received_at').orderBy('id').execute(),
    };
  } finally {
    await storage.close();
  }
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** A fresh store of the same kind (the server's schema and pragmas), filled by plain batch inserts; wall and CPU ms spent inserting. */
async function bareInsert(stored: Stored, batch: number): Promise<{ ms: number; cpuMs: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-bench-bare-'));
  const sqlite = new BetterSqlite3(sqlitePath(dir));
  try {
    sqlite.pragma('locking_mode = EXCLUSIVE');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    await migrate(db, 'sqlite');
    for (const org of stored.orgs) sqlite.prepare('INSERT INTO orgs (id, parent_id, name, level, code, path, created_at) VALUES (@id, @parent_id, @name, @level, @code, @path, @created_at)').run(org);
    for (const s of stored.stalls) sqlite.prepare('INSERT INTO stalls (id, name, org_id, date, location, created_by, created_at) VALUES (@id, @name, @org_id, @date, @location, @created_by, @created_at)').run(s);

    const columns = Object.keys(stored.records[0]!) as (keyof RecordsTable)[];
    const statement = (rows: number) =>
      sqlite.prepare(`INSERT INTO records (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => `(${columns.map(() => '?').join(', ')})`).join(', ')}`);
    const prepared = new Map<number, BetterSqlite3.Statement>();
    const batches: unknown[][] = [];
    for (let i = 0; i < stored.records.length; i += batch) {
      batches.push(stored.records.slice(i, i + batch).flatMap((r) => columns.map((c) => r[c])));
    }
    const insert = sqlite.transaction((values: unknown[], rows: number) => {
      let stmt = prepared.get(rows);
      if (!stmt) prepared.set(rows, (stmt = statement(rows)));
      stmt.run(values);
    });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const values of batches) insert(values, values.length / columns.length);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    await db.destroy();
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    if (sqlite.open) sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark; returns a report (one line per figure). */
export async function benchSyncServer(records = RECORDS, batch = BATCH): Promise<string> {
  const config = testConfig('sqlite');
  try {
    const { stallId, staff } = await seedStore(config);
    // Realistic enrollments: names, IDs, phones, employers, services and consent as the form makes them.
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const bodies: string[] = [];
    for (let i = 0; i < records; i += batch) {
      const list = Array.from({ length: Math.min(batch, records - i) }, (_, k) => enrollment({ stallId, n: i + k, createdAt: at, channel: (i + k) % 4 === 0 ? 'self' : 'staff' }));
      bodies.push(JSON.stringify(syncBody(list, { deviceId: 'bench-device' })));
    }
    const bytesPerRecord = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) / records;
    const warmup = JSON.stringify(syncBody(Array.from({ length: 50 }, (_, k) => enrollment({ stallId, n: 900_000 + k, createdAt: at }))));

    const server = await startServerProcess({ ...serverEnv(config), RUHUI_LOG: 'info' });
    const latencies: number[] = [];
    let serverMs: number;
    let serverLog = '';
    let cpuBefore: number | undefined;
    let cpuAfter: number | undefined;
    try {
      const post = async (body: string) => {
        const res = await fetch(`${server.url}/api/sync`, syncInit(body, staff.auth));
        if (res.status !== 200) throw new Error(`sync answered ${res.status}: ${await res.text()}`);
        return syncResponseSchema.parse(await res.json());
      };
      await post(warmup);
      cpuBefore = processCpuMs(server.child.pid);
      const t0 = performance.now();
      for (const body of bodies) {
        const s = performance.now();
        const answer = await post(body);
        latencies.push(performance.now() - s);
        const refused = answer.results.filter((r) => r.status !== 'accepted');
        if (refused.length > 0) throw new Error(`not accepted: ${JSON.stringify(refused[0])}`);
      }
      serverMs = performance.now() - t0;
      cpuAfter = processCpuMs(server.child.pid);
    } finally {
      await server.stop();
      serverLog = server.output();
    }
    // The server's own view of each timed batch: its `sync` log line (ingest) and `request` line (whole request).
    const logged = (msg: string) =>
      serverLog
        .split('\n')
        .filter((l) => l.includes(`"msg":"${msg}"`) && (msg === 'sync' || l.includes('"route":"/api/sync"')))
        .slice(-bodies.length)
        .map((l) => Number((JSON.parse(l) as { ms: number }).ms));
    const ingestMs = logged('sync');
    const requestMs = logged('request');

    const stored = await readStored(config.dataDir);
    const benchRows = stored.records.filter((r) => r.device_id === 'bench-device');
    const rows = benchRows.slice(benchRows.length - records);
    if (rows.length !== records) throw new Error(`expected ${records} stored rows, found ${rows.length}`);
    const rowBytes = rows.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)), 0) / records;
    // The bare side gets a warm-up too: one batch into a throwaway store.
    await bareInsert({ ...stored, records: stored.records.slice(0, batch) }, batch);
    const bare = await bareInsert({ ...stored, records: rows }, batch);
    const bareMs = bare.ms;
    const serverCpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
    const perRecord = (ms: number) => `${((ms * 1000) / records).toFixed(0)} µs`;

    const serverRate = rate(records, serverMs);
    const bareRate = rate(records, bareMs);
    const ratio = serverRate / bareRate;
    return [
      `sync server: ${records} enrollments in ${bodies.length} batches of ${batch}, one after another, loopback HTTP, embedded SQLite (WAL, synchronous=FULL)`,
      `  request body ${(bytesPerRecord / 1024).toFixed(2)} kB per record; stored row ${(rowBytes / 1024).toFixed(2)} kB`,
      `  POST /api/sync: ${Math.round(serverMs)} ms = ${serverRate} records/s (per batch p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p95 ${percentile(latencies, 0.95).toFixed(1)} ms)`,
      `  inside the server, per batch: p50 ${percentile(requestMs, 0.5).toFixed(1)} ms per request, of which ${percentile(ingestMs, 0.5).toFixed(1)} ms ingest (validate, hash, encrypt, one transaction)`,
      `  bare batch insert of the same rows, same store kind: ${Math.round(bareMs)} ms = ${bareRate} records/s`,
      `  server / bare: ${(ratio * 100).toFixed(0)}% (goal ≥ 50%) ${ratio >= 0.5 ? 'ok' : 'BELOW GOAL'}`,
      serverCpuMs === undefined
        ? '  CPU: not measured here (no /proc)'
        : `  CPU per record (less sensitive to a busy machine): server process ${perRecord(serverCpuMs)}, bare insert ${perRecord(bare.cpuMs)}`,
    ].join('\n');
  } finally {
    fs.rmSync(config.dataDir, { recursive: true, force: true });
  }
}
