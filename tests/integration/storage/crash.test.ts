import { spawn } from 'node:child_process';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import type { Config } from '../../../src/server/config';
import { syncResponseSchema } from '../../../src/shared/records';
import { openStorage, sqlitePath } from '../../../src/server/storage/open';
import { consultation, enrollment, syncBody, syncInit } from '../../support/records';
import type { ServerProcess } from '../../support/server-process';
import { describeEachEngine, dropTestStore, testConfig } from '../support/engines';
import { seedStore, startOn } from '../support/sync-server';

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

describeEachEngine('crash safety of POST /api/sync on a real server', (engine) => {
  let config: Config;
  const servers: ServerProcess[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.kill();
    await dropTestStore(config);
  });

  it('keeps every acknowledged batch after SIGKILL mid-stream, counted once; a batch is all or nothing', async () => {
    config = testConfig(engine);
    const { stallId, staff, supervisor } = await seedStore(config);
    const first = await startOn(config);
    servers.push(first);

    const SENDERS = 3;
    const KILL_AFTER = 12;
    const batches: { body: ReturnType<typeof syncBody>; acked: boolean }[] = [];
    let acked = 0;
    let killed: Promise<unknown> | undefined;
    const sender = async (s: number) => {
      for (let b = 0; ; b++) {
        const n = (s * 1000 + b) * 50;
        const records = Array.from({ length: 50 }, (_, i) =>
          i % 5 === 0 ? consultation({ stallId, createdAt: '2026-05-01T12:00:00+08:00' }) : enrollment({ stallId, n: n + i, createdAt: '2026-05-01T12:00:00+08:00' }),
        );
        const entry = { body: syncBody(records, { deviceId: `sender-${s}` }), acked: false };
        batches.push(entry);
        try {
          const res = await fetch(`${first.url}/api/sync`, syncInit(entry.body, staff.auth));
          if (res.status !== 200) throw new Error(`status ${res.status}`);
          syncResponseSchema.parse(await res.json());
          entry.acked = true;
        } catch {
          return; // the server is gone
        }
        if (++acked >= KILL_AFTER) killed ??= first.kill();
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, (_, s) => sender(s)));
    await killed;
    expect(acked).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(batches.some((b) => !b.acked)).toBe(true);

    if (engine === 'sqlite') {
      const raw = new BetterSqlite3(sqlitePath(config.dataDir));
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
    }

    // Restarted, the server has every acknowledged record: sending them again stores nothing new.
    const again = await startOn(config);
    servers.push(again);
    const resend = async (body: ReturnType<typeof syncBody>) => {
      const res = await fetch(`${again.url}/api/sync`, syncInit(body, staff.auth));
      expect(res.status).toBe(200);
      return syncResponseSchema.parse(await res.json()).results.map((r) => r.status);
    };
    for (const b of batches.filter((x) => x.acked)) {
      expect(new Set(await resend(b.body))).toEqual(new Set(['duplicate']));
    }
    // A batch in flight at the kill was stored whole or not at all.
    for (const b of batches.filter((x) => !x.acked)) {
      const statuses = new Set(await resend(b.body));
      expect([['duplicate'], ['accepted']]).toContainEqual([...statuses]);
    }

    // Everything sent is now stored and counted exactly once.
    const total = batches.length * 50;
    const stats = await fetch(`${again.url}/api/stats?from=2026-05-01&to=2026-05-01`, { headers: supervisor.auth });
    expect((await stats.json()).totals).toEqual({ enrolled: total * 0.8, existing: 0, consultations: total * 0.2 });
    expect(await again.stop()).toBe(0);
    servers.pop();

    const storage = await openStorage({ databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, dataDir: config.dataDir });
    try {
      const rows = await storage.db.selectFrom('records').select(sql<number | string>`count(*)`.as('n')).executeTakeFirstOrThrow();
      expect(Number(rows.n)).toBe(total);
    } finally {
      await storage.close();
    }
  });
});
