import { spawn } from 'node:child_process';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import type { Config } from '../../../src/server/config';
import { openStorage, sqlitePath } from '../../../src/server/storage/open';
import { describeEachEngine, dropTestStore, testConfig } from '../support/engines';

const WRITER = path.resolve(__dirname, '../support/crash-writer.ts');

/** Runs the writer until it has acknowledged `count` records, then SIGKILLs it mid-stream. */
function writeThenKill(config: Config, count: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER], {
    env: {
      ...process.env,
      RUHUI_DATA_DIR: config.dataDir,
      DATABASE_URL: config.databaseUrl ?? '',
      TEST_DB_SCHEMA: config.databaseSchema ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked: string[] = [];
  let buffer = '';
  let errors = '';
  child.stderr.on('data', (d: Buffer) => (errors += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
      if (acked.length >= count && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited with ${code}: ${errors}`));
    });
  });
}

describeEachEngine('crash safety', (engine) => {
  let config: Config;
  afterEach(async () => dropTestStore(config));

  it('keeps every acknowledged record after SIGKILL, and the store opens cleanly', async () => {
    config = testConfig(engine);
    const acked = await writeThenKill(config, 150);
    expect(acked.length).toBeGreaterThanOrEqual(150);

    if (engine === 'sqlite') {
      // The kill left no stale lock and no corruption.
      const raw = new BetterSqlite3(sqlitePath(config.dataDir));
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
    }
    const storage = await openStorage({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir });
    try {
      const ids = new Set((await storage.db.selectFrom('records').select('id').execute()).map((r) => r.id));
      const missing = acked.filter((id) => !ids.has(id));
      expect(missing).toEqual([]);
      // The counter moved in the same transaction as each record: it matches the rows exactly.
      const counted = await storage.db.selectFrom('daily_counts').select('consultations').executeTakeFirstOrThrow();
      expect(Number(counted.consultations)).toBe(ids.size);
    } finally {
      await storage.close();
    }
  });
});
