/**
 * Opens the store: the embedded SQLite file in the data folder, or PostgreSQL when a URL is given.
 * Everything above this file talks to a `Kysely<Database>` and does not know which one it got.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { migrate } from './migrations';
import type { Database } from './schema';

export type Engine = 'sqlite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  engine: Engine;
  /** Waits for queries in flight, then releases the database (and the data-folder lock). */
  close(): Promise<void>;
  /** PostgreSQL only: the pool's connections and its waiting line right now (for metrics and tests). */
  poolLoad?(): PoolLoad;
  /**
   * SQLite only: SQLite's online backup of the open database into `file`, page by page between other
   * work, on this process's own connection (the only one the exclusive lock allows). Writes made
   * meanwhile through the connection are carried into the copy, so it is consistent as of its end.
   */
  backup?(file: string): Promise<void>;
}

/** A PostgreSQL pool's state. */
export interface PoolLoad {
  size: number;
  idle: number;
  waiting: number;
}

export interface StorageOptions {
  databaseUrl?: string;
  /** PostgreSQL schema to use instead of `public`; created if missing. */
  databaseSchema?: string;
  dataDir: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** PostgreSQL: most requests waiting for a connection; one more is refused at once (StoreBusyError). */
  maxPoolWaiting?: number;
  /** PostgreSQL: longest wait for a connection before the request is refused (StoreBusyError). */
  poolWaitMs?: number;
}

/** Defaults of the PostgreSQL pool: a few seconds of queued work at most, then refuse rather than time out. */
export const POOL_DEFAULTS = { poolSize: 10, maxPoolWaiting: 40, poolWaitMs: 5_000 } as const;

/**
 * The store cannot take this request now (PostgreSQL's pool has too many waiting, or a wait ran too
 * long). Nothing was done; the HTTP layer answers 503 with Retry-After, so clients back off and retry
 * instead of piling up behind a pool until their own time-outs fire.
 */
export class StoreBusyError extends Error {
  constructor(readonly why: 'queue_full' | 'wait_too_long') {
    super(`the database pool is busy (${why})`);
    this.name = 'StoreBusyError';
  }
}

/** Thrown when another server process already owns the data folder. */
export class DataDirInUseError extends Error {
  constructor(dir: string) {
    super(`Another Ruhui server is already using the data folder ${dir}. Stop it, or set RUHUI_DATA_DIR to another folder.`);
    this.name = 'DataDirInUseError';
  }
}

/** Opens (and migrates) the store the options point at. */
export async function openStorage(opts: StorageOptions): Promise<Storage> {
  const storage = opts.databaseUrl ? await openPostgres(opts.databaseUrl, opts) : openSqlite(opts.dataDir);
  try {
    await migrate(storage.db, storage.engine);
  } catch (err) {
    await storage.close();
    throw err;
  }
  return storage;
}

/** The SQLite file inside a data folder. */
export function sqlitePath(dataDir: string): string {
  return path.join(dataDir, 'ruhui.sqlite');
}

/**
 * The SQLite store of a data folder opened by a tool (backup, restore, move) under the lock a server
 * takes: the first read takes it and keeps it until `close`, so no server can start on the folder
 * meanwhile. Throws DataDirInUseError when a server (or another tool) holds it.
 */
export function openSqliteExclusive(dataDir: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(sqlitePath(dataDir), { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (err) {
    db.close();
    if (isSqliteBusy(err)) throw new DataDirInUseError(dataDir);
    throw err;
  }
}

function openSqlite(dataDir: string): Storage {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // timeout 0: a second process must fail at once on the lock, not wait for it.
  const sqlite = new BetterSqlite3(sqlitePath(dataDir), { timeout: 0 });
  try {
    // EXCLUSIVE locking: the first write takes an OS file lock that this process keeps until it
    // exits, and the OS drops it if the process dies, so a crash never leaves a stale lock behind.
    sqlite.pragma('locking_mode = EXCLUSIVE');
    sqlite.pragma('journal_mode = WAL');
    // FULL: a transaction is on disk before the commit returns, so an acknowledged record survives
    // a crash or power loss.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.exec(
      `CREATE TABLE IF NOT EXISTS server_lock (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER, started_at TEXT);
       INSERT OR REPLACE INTO server_lock VALUES (1, ${process.pid}, '${new Date().toISOString()}');`,
    );
  } catch (err) {
    sqlite.close();
    if (isSqliteBusy(err)) throw new DataDirInUseError(dataDir);
    throw err;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    engine: 'sqlite',
    close: () => db.destroy(),
    backup: async (file) => {
      await sqlite.backup(file);
    },
  };
}

/** Most prepared statements kept per SQLite connection. */
const STATEMENT_CACHE_SIZE = 32;

/**
 * The SQLite handle as Kysely sees it, keeping its most recently used prepared statements: Kysely
 * prepares every query it runs, and preparing a sync batch's 500-row INSERT costs about as much as
 * running it. The SQL text is the key, so a statement is only ever reused for the very same query
 * (with new parameters); SQLite itself re-prepares a statement the schema changed under.
 */
function withStatementCache(sqlite: BetterSqlite3.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (sql) => {
      const cached = cache.get(sql);
      // A statement still being iterated (a stream not yet drained) cannot run again: prepare another.
      if (cached && !cached.busy) {
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      if (!cached) {
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

function isSqliteBusy(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && String(err.code).startsWith('SQLITE_BUSY');
}

async function openPostgres(url: string, opts: StorageOptions): Promise<Storage> {
  const schema = opts.databaseSchema;
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('databaseSchema must be a plain identifier');
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } catch (err) {
      // Two servers creating the same schema at once: the loser sees a duplicate, which is fine.
      if (!(err instanceof Error && 'code' in err && (err.code === '42P06' || err.code === '23505'))) throw err;
    } finally {
      await admin.end();
    }
  }
  const maxWaiting = opts.maxPoolWaiting ?? POOL_DEFAULTS.maxPoolWaiting;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? POOL_DEFAULTS.poolSize,
    connectionTimeoutMillis: opts.poolWaitMs ?? POOL_DEFAULTS.poolWaitMs,
    options: schema ? `-c search_path=${schema}` : undefined,
  });
  // An idle client that loses its connection emits 'error'; without a listener that kills the process.
  pool.on('error', () => {});
  // Backpressure: Kysely asks this for a connection before each query or transaction, so a refusal
  // happens before anything is written.
  const gated = {
    connect: async () => {
      if (pool.waitingCount >= maxWaiting) throw new StoreBusyError('queue_full');
      try {
        return await pool.connect();
      } catch (err) {
        // pg's words for connectionTimeoutMillis running out while waiting for a pooled connection.
        if (err instanceof Error && /timeout exceeded when trying to connect/i.test(err.message)) throw new StoreBusyError('wait_too_long');
        throw err;
      }
    },
    end: () => pool.end(),
  };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: gated }) });
  return {
    db,
    engine: 'postgres',
    close: () => db.destroy(),
    poolLoad: () => ({ size: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}
