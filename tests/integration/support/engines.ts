/**
 * Runs integration tests on every storage engine this machine has: SQLite always, PostgreSQL too when
 * DATABASE_URL is set (as in CI). Each test gets a fresh store: a new temp folder, or a new schema.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { createApp } from '../../../src/server/app';
import { bootstrap } from '../../../src/server/bootstrap';
import type { Config } from '../../../src/server/config';
import { deriveKeys, type Keys } from '../../../src/server/secrets';
import { openStorage, type Engine, type Storage } from '../../../src/server/storage/open';

/** The engines to test on. */
export const ENGINES: Engine[] = process.env.DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/** `describe` once per engine, with the engine in the title so the log shows both ran. */
export function describeEachEngine(title: string, body: (engine: Engine) => void): void {
  for (const engine of ENGINES) describe(`${title} [${engine}]`, () => body(engine));
}

/** A config for tests: temp data folder, fixed secret, no static files unless given. */
export function testConfig(engine: Engine, overrides: Partial<Config> = {}): Config {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-test-'));
  return {
    port: 0,
    databaseUrl: engine === 'postgres' ? process.env.DATABASE_URL : undefined,
    databaseSchema: engine === 'postgres' ? `t_${crypto.randomBytes(6).toString('hex')}` : undefined,
    dataDir,
    adminPassword: 'admin-password-for-tests',
    secret: 'test-secret-test-secret-test-secret-0123',
    timeZone: 'Asia/Shanghai',
    rootOrgName: '总工会',
    joinDays: 7,
    publicUrl: 'https://ruhui.test',
    staticDir: path.join(dataDir, 'no-static'),
    retireServiceWorker: false,
    ...overrides,
  };
}

/** Drops what a test config created: the temp folder, and the PostgreSQL schema. */
export async function dropTestStore(config: Config): Promise<void> {
  fs.rmSync(config.dataDir, { recursive: true, force: true });
  if (config.databaseUrl && config.databaseSchema) {
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${config.databaseSchema} CASCADE`);
    } finally {
      await client.end();
    }
  }
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  storage: Storage;
  keys: Keys;
  config: Config;
  /** Closes the store and drops it. */
  close(): Promise<void>;
}

/** The real app in-process on a fresh store of the given engine. */
export async function startTestApp(engine: Engine, overrides: Partial<Config> = {}): Promise<TestApp> {
  const config = testConfig(engine, overrides);
  const storage = await openStorage({
    databaseUrl: config.databaseUrl,
    databaseSchema: config.databaseSchema,
    dataDir: config.dataDir,
    poolSize: 4,
  });
  // As a real first start does: the root org, and `admin` with config.adminPassword.
  await bootstrap(storage, config);
  const keys = deriveKeys(config.secret!);
  const app = createApp({ config, storage, keys });
  return {
    app,
    storage,
    keys,
    config,
    async close() {
      await storage.close();
      await dropTestStore(config);
    },
  };
}
