/**
 * The one migrations sequence, applied at start on either engine. Append only: a migration that has
 * shipped is never edited. Each `up` uses Kysely's schema builder, which writes the right DDL for
 * SQLite and PostgreSQL; where the two differ, the step checks `engine`.
 */
import crypto from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema';
import type { Engine } from './open';

export interface Migration {
  name: string;
  up(db: Transaction<Database>, engine: Engine): Promise<void>;
}

export const migrations: Migration[] = [
  {
    name: '001_initial',
    async up(db, engine) {
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('orgs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('parent_id', 'text', (c) => c.references('orgs.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // Subtree scans are `path LIKE '/a/b/%'`; PostgreSQL needs pattern ops to use an index for that.
      if (engine === 'postgres') await sql`CREATE INDEX orgs_path ON orgs (path text_pattern_ops)`.execute(db);
      else await db.schema.createIndex('orgs_path').on('orgs').column('path').execute();
      await db.schema.createIndex('orgs_parent').on('orgs').column('parent_id').execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('stalls')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('location', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('stalls_org_date').on('stalls').columns(['org_id', 'date']).execute();
      await db.schema.createIndex('stalls_date').on('stalls').column('date').execute();

      await db.schema
        .createTable('audit')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .execute();
      await db.schema.createIndex('audit_at').on('audit').column('at').execute();

      await db.schema
        .createTable('records')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('stall_id', 'text', (c) => c.notNull().references('stalls.id'))
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('occupation', 'text')
        .addColumn('topic', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('device_created_at', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text')
        .addColumn('person_hash', 'text')
        .addColumn('person_enc', 'text')
        .addColumn('services', 'text')
        .addColumn('consent', 'text')
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('records_day_stall').on('records').columns(['day', 'stall_id']).execute();
      await db.schema.createIndex('records_person').on('records').column('person_hash').execute();

      // One row per person ever enrolled: the unique key that makes "already a member" a fact of the
      // database rather than of a check in code.
      await db.schema
        .createTable('members')
        .addColumn('person_hash', 'text', (c) => c.primaryKey())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('joined_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('daily_counts')
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('stall_id', 'text', (c) => c.notNull())
        .addColumn('occupation', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('enrolled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('existing', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('consultations', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('daily_counts_pk', ['day', 'stall_id', 'occupation', 'channel'])
        .execute();
    },
  },
  {
    // Sign-in throttling (src/server/auth/throttle.ts) kept in the database, so every app server behind a
    // load balancer sees the same failures and a restart does not reset them.
    name: '002_login_attempts',
    async up(db) {
      await db.schema
        .createTable('login_attempts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('login_attempts_key_at').on('login_attempts').columns(['key', 'at']).execute();
      await db.schema.createIndex('login_attempts_at').on('login_attempts').column('at').execute();
    },
  },
  {
    // Rate limits of the public join route (src/server/join/rate-limit.ts): one counter per key and
    // fixed window, shared by every app server behind a load balancer and kept across restarts.
    name: '005_join_limits',
    async up(db) {
      await db.schema
        .createTable('join_limits')
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('window_start', 'text', (c) => c.notNull())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('join_limits_pk', ['key', 'window_start'])
        .execute();
      await db.schema.createIndex('join_limits_window').on('join_limits').column('window_start').execute();
    },
  },
  {
    // Roster exports per admin (src/server/roster/rate-limit.ts): one counter per admin and window,
    // shared by every app server and kept across restarts.
    name: '006_export_limits',
    async up(db) {
      await db.schema
        .createTable('export_limits')
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('window_start', 'text', (c) => c.notNull())
        .addColumn('hits', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('export_limits_pk', ['key', 'window_start'])
        .execute();
    },
  },
  {
    // Accounts an admin can run (routes/users.ts, routes/account.ts): disabled users, temporary passwords,
    // and sessions shown as devices (an id to name one by, when it was last used, what browser it is).
    name: '007_account_state',
    async up(db) {
      await db.schema.alterTable('users').addColumn('disabled_at', 'text').execute();
      await db.schema.alterTable('users').addColumn('password_reset_at', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('id', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('last_seen_at', 'text').execute();
      await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
      // Live sessions get an id now, so every device in a list can be ended; ended ones never show again.
      const live = await db.selectFrom('sessions').select('token_hash').where('revoked_at', 'is', null).execute();
      for (const { token_hash } of live) {
        await db.updateTable('sessions').set({ id: crypto.randomUUID() }).where('token_hash', '=', token_hash).execute();
      }
      await db.schema.createIndex('sessions_id').on('sessions').column('id').unique().execute();
    },
  },
];

/**
 * Thrown when the store holds migrations this version does not know: a newer version has run on it.
 * Running on a schema it does not know could corrupt what the newer version wrote, so the start stops.
 */
export class StoreNewerError extends Error {
  constructor(readonly unknown: string[]) {
    super(
      `This store was upgraded by a newer Ruhui version: it has migration${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, ` +
        `which this version does not know (it knows up to ${migrations.at(-1)!.name}). ` +
        'Refusing to run on a schema it does not know: start the newer version, or restore a backup made by this version.',
    );
    this.name = 'StoreNewerError';
  }
}

/** The names of the migrations this store has applied. */
export async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom('schema_migrations').select('name').execute()).map((r) => r.name);
}

/** Throws unless the store answers a query (the cheapest one that touches a table). */
export async function storeAnswers(db: Kysely<Database>): Promise<void> {
  await db.selectFrom('schema_migrations').select('name').limit(1).execute();
}

/** The names in `applied` that this version does not know (a newer version applied them). */
export function unknownMigrations(applied: Iterable<string>): string[] {
  const known = new Set(migrations.map((m) => m.name));
  return [...applied].filter((name) => !known.has(name)).sort();
}

/** Lock key for migrations on PostgreSQL, so several app servers can start at once. */
const MIGRATION_LOCK_KEY = 7_027_274;

/** Applies every migration not yet applied, all in one transaction. Returns the names applied. */
export async function migrate(db: Kysely<Database>, engine: Engine): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    if (engine === 'postgres') await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
    await trx.schema
      .createTable('schema_migrations')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
    const done = new Set((await trx.selectFrom('schema_migrations').select('name').execute()).map((r) => r.name));
    const unknown = unknownMigrations(done);
    if (unknown.length > 0) throw new StoreNewerError(unknown);
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      await m.up(trx, engine);
      await trx.insertInto('schema_migrations').values({ name: m.name, applied_at: new Date().toISOString() }).execute();
      applied.push(m.name);
    }
    return applied;
  });
}
