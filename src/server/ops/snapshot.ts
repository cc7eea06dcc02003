/**
 * Snapshots of the embedded store: what `npm run backup` writes and `npm run restore` reads. A
 * snapshot is one self-contained SQLite file (rollback journal, no WAL beside it) made by SQLite's
 * online backup, then sealed: the server secret is not in it (the embedded engine keeps the secret
 * in a file beside the database, and any `server_secret` setting is removed), and a `snapshot_info`
 * table records when and by which version it was taken, with each table's row count and a SHA-256
 * of its rows, so a restore can tell a damaged snapshot from a good one even where SQLite's own
 * structure check would pass (SQLite keeps no checksums of row contents).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod/mini';
import { migrations, unknownMigrations } from '../storage/migrations';
import { VERSION } from '../version';

/** The table a sealed snapshot describes itself in (dropped again by a restore). */
export const SNAPSHOT_INFO = 'snapshot_info';
/** The embedded engine's process lock table: not data, never copied. */
const SERVER_LOCK = 'server_lock';
/** Where PostgreSQL keeps the secret; never part of a snapshot. */
const SECRET_SETTING = 'server_secret';
/** Tables every Ruhui store has. */
const RUHUI_TABLES = ['schema_migrations', 'settings', 'orgs', 'users', 'stalls', 'records', 'members', 'daily_counts'];

/** A table's rows as the seal counted and hashed them. */
export interface TableDigest {
  rows: number;
  sha256: string;
}

const infoSchema = z.object({
  takenAt: z.string(),
  version: z.string(),
  tables: z.record(z.string(), z.object({ rows: z.number(), sha256: z.string() })),
});
export type SnapshotInfo = z.infer<typeof infoSchema>;

/** A snapshot the restore refuses, with the reason in words an operator can act on. */
export class SnapshotRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotRefusedError';
  }
}

/** The data tables of an open SQLite store (not SQLite's own, not the lock, not the snapshot's info). */
export function dataTables(db: BetterSqlite3.Database): string[] {
  const rows = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`).pluck().all() as string[];
  return rows.filter((name) => name !== SNAPSHOT_INFO && name !== SERVER_LOCK);
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Row count and SHA-256 of each data table, rows in storage order (a copy made page by page keeps it). */
export function digestTables(db: BetterSqlite3.Database): Record<string, TableDigest> {
  const out: Record<string, TableDigest> = {};
  for (const table of dataTables(db)) {
    const hash = crypto.createHash('sha256');
    let rows = 0;
    for (const row of db.prepare(`SELECT * FROM ${quote(table)} ORDER BY rowid`).raw().iterate() as Iterable<unknown[]>) {
      hash.update(JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
      hash.update('\n');
      rows++;
    }
    out[table] = { rows, sha256: hash.digest('hex') };
  }
  return out;
}

/**
 * Seals a fresh copy made by the online backup: one file (journal mode DELETE), no secret, no lock
 * row, and its `snapshot_info`. Returns the rows per table.
 */
export function sealSnapshot(file: string): Record<string, number> {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    db.exec(`DROP TABLE IF EXISTS ${SERVER_LOCK}; DROP TABLE IF EXISTS ${SNAPSHOT_INFO};`);
    if (dataTables(db).includes('settings')) db.prepare('DELETE FROM settings WHERE key = ?').run(SECRET_SETTING);
    const tables = digestTables(db);
    const info: SnapshotInfo = { takenAt: new Date().toISOString(), version: VERSION, tables };
    db.exec(`CREATE TABLE ${SNAPSHOT_INFO} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    db.prepare(`INSERT INTO ${SNAPSHOT_INFO} VALUES ('info', ?)`).run(JSON.stringify(info));
    return Object.fromEntries(Object.entries(tables).map(([t, d]) => [t, d.rows]));
  } finally {
    db.close();
  }
}

/** What a restore learned about a snapshot that passed every check. */
export interface SnapshotReport {
  /** Rows per data table. */
  counts: Record<string, number>;
  /** Migrations applied in it, and whether this version still has some to apply on start. */
  migrations: string[];
  needsMigration: boolean;
  /** From its seal; undefined for a plain SQLite copy that was never sealed (structure checked only). */
  info?: SnapshotInfo;
}

/** Reads the 100-byte header and refuses what is not a complete SQLite file. */
function checkHeader(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : '';
    throw new SnapshotRefusedError(code === 'ENOENT' ? `There is no file ${file}.` : `The file ${file} cannot be read (${code || 'error'}).`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    const header = Buffer.alloc(100);
    const read = fs.readSync(fd, header, 0, 100, 0);
    if (read < 100 || header.subarray(0, 16).toString('latin1') !== 'SQLite format 3\u0000') {
      throw new SnapshotRefusedError(`${file} is not a Ruhui snapshot: it is not an SQLite database${size < 100 ? ` (only ${size} bytes)` : ''}.`);
    }
    const rawPageSize = header.readUInt16BE(16);
    const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
    const pages = header.readUInt32BE(28);
    const sizeValid = header.readUInt32BE(24) === header.readUInt32BE(92) && pages > 0;
    if (size % pageSize !== 0 || (sizeValid && size < pages * pageSize)) {
      const expected = sizeValid ? `${pages * pageSize} bytes` : `a whole number of ${pageSize}-byte pages`;
      throw new SnapshotRefusedError(
        `${file} is truncated: it has ${size} bytes, but its header says ${expected}. The copy was cut short; use another snapshot.`,
      );
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Checks a snapshot before anything is restored from it: a complete SQLite file, SQLite's integrity
 * check, a Ruhui store, a schema this version knows, and (when sealed) every table's rows as sealed.
 * Throws SnapshotRefusedError with the reason.
 */
export function inspectSnapshot(file: string): SnapshotReport {
  checkHeader(file);
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new SnapshotRefusedError(`${file} cannot be opened as a database: ${err instanceof Error ? err.message : String(err)}.`);
  }
  try {
    const damaged = (detail: string) =>
      new SnapshotRefusedError(`${file} is damaged (${detail}). Nothing was restored; use another snapshot.`);
    let problems: string[];
    try {
      problems = (db.pragma('integrity_check(5)') as { integrity_check: string }[]).map((r) => r.integrity_check);
    } catch (err) {
      throw damaged(`SQLite cannot read it: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (problems.length !== 1 || problems[0] !== 'ok') throw damaged(`SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`);

    let tables: string[];
    try {
      tables = dataTables(db);
    } catch (err) {
      throw damaged(`its table list cannot be read: ${err instanceof Error ? err.message : String(err)}`);
    }
    const missing = RUHUI_TABLES.filter((t) => !tables.includes(t));
    if (missing.length > 0) throw new SnapshotRefusedError(`${file} is not a Ruhui store: it has no ${missing.join(', ')} table${missing.length > 1 ? 's' : ''}.`);

    const applied = db.prepare('SELECT name FROM schema_migrations ORDER BY name').pluck().all() as string[];
    const unknown = unknownMigrations(applied);
    if (unknown.length > 0) {
      throw new SnapshotRefusedError(
        `${file} was made by a newer Ruhui version: it has migration${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, which this version ` +
          `does not know (it knows up to ${migrations.at(-1)!.name}). Restore it with that newer version.`,
      );
    }

    let info: SnapshotInfo | undefined;
    let digests: Record<string, TableDigest>;
    try {
      digests = digestTables(db);
    } catch (err) {
      throw damaged(`its rows cannot be read: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (tables.length > 0 && (db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = ?`).pluck().get(SNAPSHOT_INFO) as number) > 0) {
      const raw = db.prepare(`SELECT value FROM ${SNAPSHOT_INFO} WHERE key = 'info'`).pluck().get() as string | undefined;
      let parsed: unknown;
      try {
        parsed = raw === undefined ? undefined : JSON.parse(raw);
      } catch {
        parsed = undefined;
      }
      const checked = infoSchema.safeParse(parsed);
      if (!checked.success) throw damaged('its seal, the table of row counts and checksums, cannot be read');
      info = checked.data;
      for (const [table, sealed] of Object.entries(info.tables)) {
        const now = digests[table];
        if (!now) throw damaged(`table ${table} is missing`);
        if (now.rows !== sealed.rows) throw damaged(`table ${table} has ${now.rows} rows, the snapshot was sealed with ${sealed.rows}`);
        if (now.sha256 !== sealed.sha256) throw damaged(`the rows of table ${table} differ from the checksum they were sealed with`);
      }
    }
    return {
      counts: Object.fromEntries(Object.entries(digests).map(([t, d]) => [t, d.rows])),
      migrations: applied,
      needsMigration: migrations.some((m) => !applied.includes(m.name)),
      info,
    };
  } finally {
    db.close();
  }
}
