/**
 * A fresh store for a server child process, on the engine a test names: a temp data folder always
 * (the embedded engine's home, and the lock file), plus on PostgreSQL a new schema in the test run's
 * DATABASE_URL database, handed to the child through its DATABASE_URL's search_path, exactly as an
 * operator would point a server at a database. Each server gets its own, so tests never share rows.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';

export type ServerEngine = 'sqlite' | 'postgres';

/** The engines this machine can test on: SQLite always, PostgreSQL too when DATABASE_URL is set (as in CI). */
export const SERVER_ENGINES: ServerEngine[] = process.env.DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/** `describe` once per engine, with the engine in the title so the log shows both ran. */
export function describeEachServerEngine(title: string, body: (engine: ServerEngine) => void): void {
  for (const engine of SERVER_ENGINES) describe(`${title} [${engine}]`, () => body(engine));
}

export interface ServerStore {
  engine: ServerEngine;
  dataDir: string;
  /** RUHUI_DATA_DIR and DATABASE_URL for the server process (DATABASE_URL empty on SQLite). */
  env: { RUHUI_DATA_DIR: string; DATABASE_URL: string };
  /** Removes the folder and drops the schema. */
  drop(): Promise<void>;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty store on `engine` (PostgreSQL needs DATABASE_URL). */
export async function createServerStore(engine: ServerEngine, prefix = 'ruhui-server-'): Promise<ServerStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (engine === 'sqlite') {
    return {
      engine,
      dataDir,
      env: { RUHUI_DATA_DIR: dataDir, DATABASE_URL: '' },
      async drop() {
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('PostgreSQL tests need DATABASE_URL');
  const schema = `s_${crypto.randomBytes(6).toString('hex')}`;
  await withClient(base, (c) => c.query(`CREATE SCHEMA ${schema}`));
  const options = encodeURIComponent(`-c search_path=${schema}`);
  return {
    engine,
    dataDir,
    env: { RUHUI_DATA_DIR: dataDir, DATABASE_URL: `${base}${base.includes('?') ? '&' : '?'}options=${options}` },
    async drop() {
      fs.rmSync(dataDir, { recursive: true, force: true });
      await withClient(base, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    },
  };
}
