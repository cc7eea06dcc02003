/**
 * The one transaction of a sync batch. The database, not code, decides what is new:
 *
 * 1. records: a multi-row INSERT … ON CONFLICT (id) DO NOTHING RETURNING id. A returned id was stored
 *    now; any other was stored before (by an earlier request, or a racing one that committed first).
 * 2. members: for the enrollments just stored, INSERT … ON CONFLICT (person_hash) DO NOTHING RETURNING
 *    person_hash. Each unique key gets its own statement, so a conflict on one never aborts the
 *    other. A person whose row was not returned was already a member: their record's outcome becomes
 *    `existing_member` (inside the same transaction, so nobody ever sees the first guess).
 * 3. ids stored before are compared by fingerprint: the same content is a `duplicate` (and what it
 *    was the first time, `accepted` or `existing_member`, is read back for the answer), other content
 *    an `id_conflict`.
 * 4. daily_counts: one upsert per (day, stall, occupation, channel) key of what was stored now,
 *    adding to the counters in the same transaction as the records.
 *
 * Rows are locked in one global order (records by id, then members by hash, then counters by key),
 * so two batches sharing records or people wait for each other but cannot deadlock on PostgreSQL;
 * a deadlock or serialization failure is retried anyway. SQLite's single connection serializes.
 */
import { CompiledQuery, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Engine } from '../storage/open';
import type { Database, MembersTable, RecordsTable } from '../storage/schema';

/** A record ready to store, and the person it enrolls (null for a consultation). */
export interface PendingRecord {
  row: Insertable<RecordsTable>;
  personHash: string | null;
}

/** What the write made of a record. */
export type WriteOutcome = 'accepted' | 'existing_member' | 'duplicate' | 'id_conflict';
/** What a record was when first stored. */
export type FirstOutcome = 'accepted' | 'existing_member';

/** SQLite binds at most 32,766 parameters per statement; PostgreSQL 65,535. */
const MAX_PARAMS = 32_766;

/** The columns of a stored record, in the order the INSERT lists them. */
const RECORD_COLUMNS = [
  'id', 'kind', 'stall_id', 'org_id', 'channel', 'occupation', 'topic', 'outcome', 'day', 'created_at',
  'device_created_at', 'received_at', 'device_id', 'person_hash', 'person_enc', 'services', 'consent', 'fingerprint',
] as const satisfies readonly (keyof RecordsTable)[];
const MEMBER_COLUMNS = ['person_hash', 'record_id', 'joined_at'] as const satisfies readonly (keyof MembersTable)[];

/**
 * The SQL text of the big multi-row inserts, per engine, statement and row count. Kysely turns every
 * value of a 500-row INSERT into nodes and back into SQL on each call, which costs more than the
 * insert itself; the text only depends on the row count, so Kysely builds it once and later batches
 * bind their values to it. A text is kept only after checking that the values we bind are exactly
 * the parameters Kysely produced for the same rows.
 */
const compiledSql = new Map<string, string>();
const MAX_COMPILED = 64;

/**
 * Runs a multi-row INSERT of `rows` (objects holding every one of `columns`, none undefined) built by
 * `build`, through the SQL text cached under `statement` and the row count.
 */
async function insertRows<R, Row extends object>(
  trx: Transaction<Database>,
  engine: Engine,
  statement: string,
  columns: readonly (keyof Row)[],
  rows: Row[],
  build: (rows: Row[]) => { compile(): CompiledQuery<R> },
): Promise<R[]> {
  const parameters: unknown[] = [];
  for (const row of rows) for (const column of columns) parameters.push(row[column]);
  const key = `${engine}:${statement}:${rows.length}`;
  const sqlText = compiledSql.get(key);
  if (sqlText !== undefined) return (await trx.executeQuery(CompiledQuery.raw(sqlText, parameters) as CompiledQuery<R>)).rows;
  // Kysely lists columns in the order the first row names them: hand it rows in `columns` order.
  const ordered = rows.map((row) => Object.fromEntries(columns.map((column) => [column, row[column]])) as Row);
  const compiled = build(ordered).compile();
  const same = compiled.parameters.length === parameters.length && compiled.parameters.every((p, i) => p === parameters[i]);
  if (same && !parameters.includes(undefined)) {
    if (compiledSql.size >= MAX_COMPILED) compiledSql.clear();
    compiledSql.set(key, compiled.sql);
  }
  return (await trx.executeQuery(compiled)).rows;
}

function chunks<T>(items: T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMS / columns));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** PostgreSQL errors worth retrying the whole transaction for. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && RETRYABLE.has(String(err.code));
}

/**
 * Stores the records (ids unique within the call, in batch order) and returns each id's outcome.
 * Enrollments of one person in one batch: the first in batch order may be new, the rest are
 * existing members.
 */
export async function writeBatch(
  db: Kysely<Database>,
  engine: Engine,
  records: PendingRecord[],
  /** Filled with the first outcome of each `duplicate`. */
  firstOutcomes?: Map<string, FirstOutcome>,
): Promise<Map<string, WriteOutcome>> {
  if (records.length === 0) return new Map();
  for (let attempt = 1; ; attempt++) {
    try {
      firstOutcomes?.clear();
      return await db.transaction().execute((trx) => writeIn(trx, engine, records, firstOutcomes));
    } catch (err) {
      if (engine !== 'postgres' || attempt >= ATTEMPTS || !isRetryable(err)) throw err;
    }
  }
}

async function writeIn(
  trx: Transaction<Database>,
  engine: Engine,
  records: PendingRecord[],
  firstOutcomes: Map<string, FirstOutcome> | undefined,
): Promise<Map<string, WriteOutcome>> {
  const outcomes = new Map<string, WriteOutcome>();

  // 1. Records.
  const inOrder = [...records].sort((a, b) => byText(a.row.id, b.row.id));
  for (const chunk of chunks(inOrder, RECORD_COLUMNS.length)) {
    const stored = await insertRows(trx, engine, 'records', RECORD_COLUMNS, chunk.map((r) => r.row), (rows) =>
      trx
        .insertInto('records')
        .values(rows)
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id'),
    );
    for (const { id } of stored) outcomes.set(id, 'accepted');
  }

  // 2. Members: the first new enrollment of each person in batch order is the candidate.
  const candidates = new Map<string, string>();
  const existing: string[] = [];
  for (const { row, personHash } of records) {
    if (!personHash || !outcomes.has(row.id)) continue;
    if (candidates.has(personHash)) existing.push(row.id);
    else candidates.set(personHash, row.id);
  }
  const joins = [...candidates].sort(([a], [b]) => byText(a, b));
  const joinedAt = new Map(records.map((r) => [r.row.id, r.row.created_at]));
  const joined = new Set<string>();
  for (const chunk of chunks(joins, MEMBER_COLUMNS.length)) {
    const values = chunk.map(([hash, id]): MembersTable => ({ person_hash: hash, record_id: id, joined_at: joinedAt.get(id)! }));
    const rows = await insertRows(trx, engine, 'members', MEMBER_COLUMNS, values, (rows) =>
      trx
        .insertInto('members')
        .values(rows)
        .onConflict((oc) => oc.column('person_hash').doNothing())
        .returning('person_hash'),
    );
    for (const { person_hash } of rows) joined.add(person_hash);
  }
  for (const [hash, id] of joins) if (!joined.has(hash)) existing.push(id);
  existing.sort(byText);
  for (const chunk of chunks(existing, 1)) {
    await trx.updateTable('records').set({ outcome: 'existing_member' }).where('id', 'in', chunk).execute();
  }
  for (const id of existing) outcomes.set(id, 'existing_member');

  // 3. Ids stored before: the same content, or not.
  const before = inOrder.filter((r) => !outcomes.has(r.row.id));
  for (const chunk of chunks(before, 1)) {
    const found = await trx
      .selectFrom('records')
      .select(['id', 'fingerprint', 'outcome'])
      .where('id', 'in', chunk.map((r) => r.row.id))
      .execute();
    const stored = new Map(found.map((f) => [f.id, f]));
    for (const { row } of chunk) {
      const first = stored.get(row.id);
      // Not inserted yet not there: only a concurrent delete could do that. Roll back; the client retries.
      if (first === undefined) throw new Error('record vanished during sync');
      const same = first.fingerprint === row.fingerprint;
      outcomes.set(row.id, same ? 'duplicate' : 'id_conflict');
      if (same) firstOutcomes?.set(row.id, first.outcome);
    }
  }

  // 4. Counters of what was stored now, one row per key.
  const counts = new Map<string, { day: string; stall_id: string; occupation: string; channel: RecordsTable['channel']; enrolled: number; existing: number; consultations: number }>();
  for (const { row } of records) {
    const outcome = outcomes.get(row.id);
    if (outcome !== 'accepted' && outcome !== 'existing_member') continue;
    const occupation = row.kind === 'enrollment' ? (row.occupation ?? '') : '';
    const key = `${row.day}\u0000${row.stall_id}\u0000${occupation}\u0000${row.channel}`;
    let c = counts.get(key);
    if (!c) {
      c = { day: row.day, stall_id: row.stall_id, occupation, channel: row.channel, enrolled: 0, existing: 0, consultations: 0 };
      counts.set(key, c);
    }
    if (row.kind === 'consultation') c.consultations++;
    else if (outcome === 'accepted') c.enrolled++;
    else c.existing++;
  }
  const keyed = [...counts].sort(([a], [b]) => byText(a, b)).map(([, c]) => c);
  for (const chunk of chunks(keyed, 7)) {
    await trx
      .insertInto('daily_counts')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['day', 'stall_id', 'occupation', 'channel']).doUpdateSet((eb) => ({
          enrolled: eb('daily_counts.enrolled', '+', eb.ref('excluded.enrolled')),
          existing: eb('daily_counts.existing', '+', eb.ref('excluded.existing')),
          consultations: eb('daily_counts.consultations', '+', eb.ref('excluded.consultations')),
        })),
      )
      .execute();
  }
  return outcomes;
}
