/**
 * `npm run move-to-postgres`: everything in an embedded data folder into an empty PostgreSQL
 * database. The embedded store is held under its lock for the whole move (no server may change it
 * meanwhile); the database gets this version's schema, then every table in foreign-key order, in
 * batches of rows inserted with ON CONFLICT DO NOTHING, so a move cut short (a kill, a lost
 * connection) is simply run again: rows already there are skipped, none is doubled. A `settings` row
 * (`moved_from_embedded`) marks the database as the target of this store's move: a database that is
 * not empty and carries no such mark for this store is refused. Then it verifies: rows per table, the
 * daily counters recomputed from the records, and a sample of records decrypted with the secret the
 * database now holds (or RUHUI_SECRET). The secret goes into `settings` as `server_secret`, where
 * PostgreSQL servers read it, unless RUHUI_SECRET is set (then the servers keep getting it that way).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { deriveKeys, secretFilePath } from '../secrets';
import { DataDirInUseError, openSqliteExclusive, openStorage, sqlitePath } from '../storage/open';
import { decryptPerson, personHash } from '../sync/person';
import { dataTables } from './snapshot';

/** The settings row that marks a database as the target of a move from an embedded store. */
export const MOVE_MARK = 'moved_from_embedded';
const SECRET_SETTING = 'server_secret';
/** PostgreSQL takes at most this many parameters in one statement. */
const MAX_PARAMS = 65_535;

export interface MoveOptions {
  dataDir: string;
  databaseUrl: string;
  /** RUHUI_SECRET, when set; otherwise the data folder's secret.key. */
  secret?: string;
  batchSize: number;
  /** Records decrypted in the check. */
  sample: number;
  /** One line of progress. */
  progress: (line: string) => void;
}

export interface MoveResult {
  /** 'moved' (copied now, maybe resuming), or 'verified' (moved before; checked again). */
  outcome: 'moved' | 'verified';
  resumed: boolean;
  /** Rows per table in the source, and rows inserted by this run. */
  counts: Record<string, { source: number; target: number; inserted: number }>;
  counterKeys: number;
  decrypted: number;
  secretIn: 'settings' | 'RUHUI_SECRET';
}

export class MoveRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoveRefusedError';
  }
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

interface Mark {
  state: 'copying' | 'done';
  store: string;
  from: string;
  startedAt: string;
  finishedAt?: string;
}

/** Tables in an order where each comes after those it references (a self-reference is handled per row). */
function copyOrder(db: BetterSqlite3.Database, tables: string[]): { table: string; selfRef?: { from: string; to: string } }[] {
  const deps = new Map<string, Set<string>>();
  const selfRefs = new Map<string, { from: string; to: string }>();
  for (const t of tables) {
    const fks = db.prepare(`PRAGMA foreign_key_list(${ident(t)})`).all() as { table: string; from: string; to: string }[];
    deps.set(t, new Set(fks.filter((f) => f.table !== t && tables.includes(f.table)).map((f) => f.table)));
    const self = fks.find((f) => f.table === t);
    if (self) selfRefs.set(t, { from: self.from, to: self.to });
  }
  const out: string[] = [];
  const visit = (t: string, path: string[]) => {
    if (out.includes(t)) return;
    if (path.includes(t)) throw new Error(`foreign keys form a cycle: ${[...path, t].join(' → ')}`);
    for (const d of deps.get(t) ?? []) visit(d, [...path, t]);
    out.push(t);
  };
  for (const t of [...tables].sort()) visit(t, []);
  return out.map((table) => ({ table, selfRef: selfRefs.get(table) }));
}

/** Rows of a self-referencing table with every referenced row before the rows referring to it. */
function parentsFirst(rows: Record<string, unknown>[], ref: { from: string; to: string }): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const placed = new Set<unknown>();
  let left = rows;
  while (left.length > 0) {
    const next = left.filter((r) => r[ref.from] !== null && !placed.has(r[ref.from]) && left.some((o) => o[ref.to] === r[ref.from]));
    const ready = left.filter((r) => !next.includes(r));
    if (ready.length === 0) throw new Error('rows reference each other in a cycle');
    for (const r of ready) {
      out.push(r);
      placed.add(r[ref.to]);
    }
    left = next;
  }
  return out;
}

/** Daily counters recomputed from records, keyed as daily_counts is. */
const RECOUNT = `SELECT day, stall_id, CASE WHEN kind = 'consultation' THEN '' ELSE COALESCE(occupation, '') END AS occupation, channel,
    SUM(CASE WHEN kind = 'enrollment' AND outcome = 'accepted' THEN 1 ELSE 0 END) AS enrolled,
    SUM(CASE WHEN kind = 'enrollment' AND outcome = 'existing_member' THEN 1 ELSE 0 END) AS existing,
    SUM(CASE WHEN kind = 'consultation' THEN 1 ELSE 0 END) AS consultations
  FROM records GROUP BY 1, 2, 3, 4`;
const COUNTERS = 'SELECT day, stall_id, occupation, channel, enrolled, existing, consultations FROM daily_counts';

type CounterRow = { day: string; stall_id: string; occupation: string; channel: string; enrolled: unknown; existing: unknown; consultations: unknown };
function counterMap(rows: CounterRow[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of rows) {
    const value = `${Number(r.enrolled)}/${Number(r.existing)}/${Number(r.consultations)}`;
    if (value !== '0/0/0') m.set(`${r.day}\u0000${r.stall_id}\u0000${r.occupation}\u0000${r.channel}`, value);
  }
  return m;
}
function counterDifferences(a: Map<string, string>, b: Map<string, string>): number {
  let n = 0;
  for (const k of new Set([...a.keys(), ...b.keys()])) if (a.get(k) !== b.get(k)) n++;
  return n;
}

export async function moveToPostgres(opts: MoveOptions): Promise<MoveResult> {
  const file = sqlitePath(opts.dataDir);
  if (!fs.existsSync(file)) throw new MoveRefusedError(`There is no embedded store in ${opts.dataDir} (no ruhui.sqlite). Set RUHUI_DATA_DIR to the folder to move.`);
  let src: BetterSqlite3.Database;
  try {
    // Brings the source to this version's schema, as a server start would (and refuses a newer one),
    // then holds it under the server's lock for the whole move.
    await (await openStorage({ dataDir: opts.dataDir })).close();
    src = openSqliteExclusive(opts.dataDir);
  } catch (err) {
    if (err instanceof DataDirInUseError) throw new MoveRefusedError(`A server is running on ${opts.dataDir}: stop it first. The store must not change while it moves.`);
    throw err;
  }
  try {
    return await moveFrom(src, opts);
  } finally {
    src.close();
  }
}

async function moveFrom(src: BetterSqlite3.Database, opts: MoveOptions): Promise<MoveResult> {
  // The secret: RUHUI_SECRET, or the folder's secret.key.
  let secret = opts.secret;
  const secretIn = secret ? 'RUHUI_SECRET' : 'settings';
  if (!secret) {
    try {
      secret = fs.readFileSync(secretFilePath(opts.dataDir), 'utf8').trim();
    } catch {
      throw new MoveRefusedError(`The store's secret is missing: there is no ${secretFilePath(opts.dataDir)} and neither RUHUI_SECRET nor RUHUI_SECRET_FILE is set.`);
    }
  }
  const keys = deriveKeys(secret);
  const sealed = src.prepare('SELECT person_enc FROM records WHERE person_enc IS NOT NULL LIMIT 1').pluck().get() as string | undefined;
  if (sealed !== undefined) {
    try {
      decryptPerson(keys.personEncryption, sealed);
    } catch {
      throw new MoveRefusedError("The secret in force (RUHUI_SECRET, RUHUI_SECRET_FILE or secret.key) does not open this store's records; nothing was moved.");
    }
  }
  // The store's identity, from its secret: which store a half-done move in the database came from.
  const store = crypto.createHmac('sha256', keys.pseudonym).update('embedded-store').digest('base64url').slice(0, 22);

  // The database gets this version's schema.
  await (await openStorage({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, poolSize: 1 })).close();
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  client.on('error', () => {});
  try {
    const tables = dataTables(src).filter((t) => t !== 'schema_migrations');
    const targetTables = new Set(
      (await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)).rows.map((r) => r.table_name),
    );
    const absent = tables.filter((t) => !targetTables.has(t));
    if (absent.length > 0) throw new MoveRefusedError(`The database has no table ${absent.join(', ')}: it was set up by another Ruhui version.`);

    const countTarget = async (t: string) => Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${ident(t)}`)).rows[0]!.n);
    const fresh: Mark = { state: 'copying', store, from: opts.dataDir, startedAt: new Date().toISOString() };
    const markRow = (await client.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [MOVE_MARK])).rows[0];
    const mark = markRow ? (JSON.parse(markRow.value) as Mark) : undefined;
    if (mark && mark.store !== store) {
      throw new MoveRefusedError(`The database is not empty: it holds a move from another embedded store (${mark.from}, started ${mark.startedAt}). Give an empty database.`);
    }
    if (!mark) {
      const filled: string[] = [];
      for (const t of tables) {
        const n = await countTarget(t);
        if (n > 0) filled.push(`${t}: ${n}`);
      }
      if (filled.length > 0) {
        throw new MoveRefusedError(
          `The database is not empty (${filled.join(', ')} rows). The move writes only into an empty database: create one (createdb) and point DATABASE_URL at it.`,
        );
      }
      await client.query('INSERT INTO settings (key, value) VALUES ($1, $2)', [MOVE_MARK, JSON.stringify(fresh)]);
    }
    const resumed = mark?.state === 'copying';
    if (resumed) opts.progress(`Resuming the move started ${mark.startedAt}: rows already copied are skipped.`);
    if (mark?.state === 'done') opts.progress(`This store was moved here already (finished ${mark.finishedAt}): checking it again.`);

    const counts: MoveResult['counts'] = {};
    for (const { table, selfRef } of copyOrder(src, tables)) {
      const columns = (src.prepare(`PRAGMA table_info(${ident(table)})`).all() as { name: string }[]).map((c) => c.name);
      let total = src.prepare(`SELECT count(*) FROM ${ident(table)}`).pluck().get() as number;
      const perBatch = Math.max(1, Math.min(opts.batchSize, Math.floor(MAX_PARAMS / columns.length)));
      let done = 0;
      let inserted = 0;
      let lastShown = -1;
      const insert = async (rows: Record<string, unknown>[]) => {
        if (rows.length === 0) return;
        const values: unknown[] = [];
        const tuples = rows.map((row) => `(${columns.map((c) => (values.push(row[c]), `$${values.length}`)).join(', ')})`);
        const res = await client.query(`INSERT INTO ${ident(table)} (${columns.map(ident).join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`, values);
        inserted += res.rowCount ?? 0;
        done += rows.length;
        const tenth = Math.floor((done / Math.max(total, 1)) * 20);
        if (tenth !== lastShown || done === total) {
          lastShown = tenth;
          opts.progress(`${table}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} rows (${inserted.toLocaleString('en')} new)`);
        }
      };
      if (table === 'settings') {
        // The mark stays the move's own; the secret is added after the copy.
        const rows = (src.prepare('SELECT * FROM settings ORDER BY rowid').all() as Record<string, unknown>[]).filter(
          (r) => r.key !== MOVE_MARK && r.key !== SECRET_SETTING,
        );
        total = rows.length;
        for (let i = 0; i < rows.length; i += perBatch) await insert(rows.slice(i, i + perBatch));
      } else if (selfRef) {
        const rows = parentsFirst(src.prepare(`SELECT * FROM ${ident(table)} ORDER BY rowid`).all() as Record<string, unknown>[], selfRef);
        for (let i = 0; i < rows.length; i += perBatch) await insert(rows.slice(i, i + perBatch));
      } else {
        const page = src.prepare(`SELECT rowid AS "__rowid", * FROM ${ident(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?`);
        let after = Number.MIN_SAFE_INTEGER;
        for (;;) {
          const rows = page.all(after, perBatch) as Record<string, unknown>[];
          if (rows.length === 0) break;
          after = rows.at(-1)!.__rowid as number;
          await insert(rows);
        }
      }
      if (total === 0) opts.progress(`${table}: 0 rows`);
      counts[table] = { source: total, target: 0, inserted };
    }
    if (secretIn === 'settings') {
      await client.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [SECRET_SETTING, secret]);
    }

    // Verification.
    opts.progress('Checking: rows per table, daily counters, decryptions…');
    const problems: string[] = [];
    for (const t of Object.keys(counts)) {
      const c = counts[t]!;
      c.target = await countTarget(t);
      const expected = t === 'settings' ? c.source + 1 + (secretIn === 'settings' ? 1 : 0) : c.source;
      if (c.target !== expected) problems.push(`${t} has ${c.target} rows in the database, ${expected} expected`);
    }
    const srcMigrations = (src.prepare('SELECT name FROM schema_migrations ORDER BY name').pluck().all() as string[]).join(',');
    const dstMigrations = (await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).rows.map((r) => r.name).join(',');
    if (srcMigrations !== dstMigrations) problems.push(`the schemas differ (store: ${srcMigrations}; database: ${dstMigrations})`);
    const kept = (await client.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [SECRET_SETTING])).rows[0]?.value;
    if (secretIn === 'settings' && kept !== secret) problems.push("the database's server_secret is not the store's secret");

    const sourceRecount = counterMap(src.prepare(RECOUNT).all() as CounterRow[]);
    const sourceCounters = counterMap(src.prepare(COUNTERS).all() as CounterRow[]);
    const targetRecount = counterMap((await client.query<CounterRow>(RECOUNT)).rows);
    const targetCounters = counterMap((await client.query<CounterRow>(COUNTERS)).rows);
    const off = counterDifferences(targetRecount, targetCounters);
    if (off > 0) {
      const alreadyOff = counterDifferences(sourceRecount, sourceCounters);
      problems.push(
        `${off} daily counter${off > 1 ? 's' : ''} in the database differ from a count of its records` +
          (alreadyOff > 0 ? ` (the embedded store's own counters already differ from its records in ${alreadyOff})` : ''),
      );
    }
    if (counterDifferences(sourceCounters, targetCounters) > 0) problems.push('the daily counters differ between the store and the database');

    const sample = (
      await client.query<{ id: string; person_enc: string; person_hash: string | null }>(
        'SELECT id, person_enc, person_hash FROM records WHERE person_enc IS NOT NULL ORDER BY random() LIMIT $1',
        [opts.sample],
      )
    ).rows;
    const dbKeys = kept && secretIn === 'settings' ? deriveKeys(kept) : keys;
    const bySource = src.prepare('SELECT person_enc FROM records WHERE id = ?').pluck();
    let decrypted = 0;
    for (const row of sample) {
      try {
        const person = decryptPerson(dbKeys.personEncryption, row.person_enc);
        if (row.person_hash !== null && personHash(dbKeys.personHash, person.idNumber) !== row.person_hash) throw new Error('hash');
        if (bySource.get(row.id) !== row.person_enc) throw new Error('differs');
        decrypted++;
      } catch {
        problems.push(`record ${row.id} cannot be opened with the database's secret, or differs from the store's`);
        break;
      }
    }
    if (problems.length > 0) {
      throw new MoveRefusedError(`The check after the copy failed: ${problems.join('; ')}. Run the move again; if it fails the same way, keep the embedded store in service.`);
    }
    const finalMark: Mark = { ...(mark ?? fresh), state: 'done', finishedAt: mark?.finishedAt ?? new Date().toISOString() };
    await client.query('UPDATE settings SET value = $2 WHERE key = $1', [MOVE_MARK, JSON.stringify(finalMark)]);
    return { outcome: mark?.state === 'done' ? 'verified' : 'moved', resumed, counts, counterKeys: targetCounters.size, decrypted, secretIn };
  } finally {
    await client.end();
  }
}
