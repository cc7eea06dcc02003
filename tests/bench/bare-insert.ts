/**
 * The baseline the server benchmarks are measured against: the very rows a server stored, written by
 * plain 500-row multi-row INSERTs (one transaction each, one after another) into a fresh store of the
 * same kind: SQLite with the server's schema and pragmas (a prepared statement straight on
 * better-sqlite3), or PostgreSQL in a fresh schema of the same database (one `pg` client, SQL text
 * built once). No validation, hashing, encryption, HTTP or counters: what the store itself takes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../../src/server/config';
import { migrate } from '../../src/server/storage/migrations';
import { openStorage, sqlitePath, type Engine } from '../../src/server/storage/open';
import type { Database, OrgsTable, RecordsTable, StallsTable } from '../../src/server/storage/schema';
import { dropTestStore, testConfig } from '../integration/support/engines';

/** What a bare insert writes: the orgs and stalls first (untimed), then the records (timed). */
export interface Stored {
  orgs: OrgsTable[];
  stalls: StallsTable[];
  records: RecordsTable[];
}

/** Wall and CPU (this process) milliseconds spent inserting the records. */
export interface BareResult {
  ms: number;
  cpuMs: number;
}

/** Reads back what a server stored (records in arrival order), optionally only one device's. */
export async function readStored(config: Config, deviceId?: string): Promise<Stored> {
  const storage = await openStorage({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir });
  try {
    return {
      orgs: await storage.db.selectFrom('orgs').selectAll().orderBy('path').execute(),
      stalls: await storage.db.selectFrom('stalls').selectAll().execute(),
      records: await storage.db
        .selectFrom('records')
        .selectAll()
        .$if(deviceId !== undefined, (q) => q.where('device_id', '=', deviceId!))
        .orderBy('received_at')
        .orderBy('id')
        .execute(),
    };
  } finally {
    await storage.close();
  }
}

const COLUMNS = (records: RecordsTable[]) => Object.keys(records[0]!) as (keyof RecordsTable)[];
const multiRow = (columns: string[], rows: number, placeholder: (i: number) => string) =>
  `INSERT INTO records (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, (_, r) => `(${columns.map((_, c) => placeholder(r * columns.length + c + 1)).join(', ')})`).join(', ')}`;

function batches(records: RecordsTable[], columns: (keyof RecordsTable)[], batch: number): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 0; i < records.length; i += batch) out.push(records.slice(i, i + batch).flatMap((r) => columns.map((c) => r[c])));
  return out;
}

/** Bare batch insert into a fresh store of `engine`; drops the store afterwards. */
export async function bareInsert(engine: Engine, stored: Stored, batch = 500): Promise<BareResult> {
  return engine === 'sqlite' ? bareSqlite(stored, batch) : barePostgres(stored, batch);
}

async function bareSqlite(stored: Stored, batch: number): Promise<BareResult> {
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
    const columns = COLUMNS(stored.records);
    const prepared = new Map<number, BetterSqlite3.Statement>();
    const insert = sqlite.transaction((values: unknown[], rows: number) => {
      let stmt = prepared.get(rows);
      if (!stmt) prepared.set(rows, (stmt = sqlite.prepare(multiRow(columns, rows, () => '?'))));
      stmt.run(values);
    });
    const all = batches(stored.records, columns, batch);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const values of all) insert(values, values.length / columns.length);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    await db.destroy();
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    if (sqlite.open) sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function barePostgres(stored: Stored, batch: number): Promise<BareResult> {
  const config = testConfig('postgres');
  const storage = await openStorage({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir });
  try {
    for (const org of stored.orgs) await storage.db.insertInto('orgs').values(org).execute();
    for (let i = 0; i < stored.stalls.length; i += 500) await storage.db.insertInto('stalls').values(stored.stalls.slice(i, i + 500)).execute();
  } finally {
    await storage.close();
  }
  const client = new pg.Client({ connectionString: config.databaseUrl, options: `-c search_path=${config.databaseSchema}` });
  await client.connect();
  try {
    const columns = COLUMNS(stored.records);
    const texts = new Map<number, string>();
    const all = batches(stored.records, columns, batch);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const values of all) {
      const rows = values.length / columns.length;
      let text = texts.get(rows);
      if (!text) texts.set(rows, (text = multiRow(columns, rows, (i) => `$${i}`)));
      await client.query('BEGIN');
      await client.query(text, values);
      await client.query('COMMIT');
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await client.end();
    await dropTestStore(config);
  }
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); undefined elsewhere. */
export function processCpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** A process's peak resident memory (VmHWM, MB) from /proc; undefined elsewhere. */
export function peakRssMb(pid: number | undefined): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
export const percentile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.max(0, Math.ceil(q * xs.length) - 1))]!;
