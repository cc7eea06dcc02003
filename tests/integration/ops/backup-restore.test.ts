/**
 * `npm run backup` and `npm run restore` as an operator runs them, on real server processes: a
 * snapshot taken while devices keep syncing, restored into a new folder, a server started on it;
 * damaged, truncated, newer and foreign snapshots refused, and folders in use or not empty. The
 * embedded engine only, by nature: on PostgreSQL, backups are pg_dump's (README, "Operations").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/server/config';
import { deriveKeys } from '../../../src/server/secrets';
import { restoreSnapshot } from '../../../src/server/ops/restore';
import { openStorage, sqlitePath } from '../../../src/server/storage/open';
import { printedCounts, runOps } from '../../support/ops-process';
import { consultation, enrollment, postSync } from '../../support/records';
import { startServerProcess, type ServerProcess } from '../../support/server-process';
import { testConfig } from '../support/engines';
import { storeRecords } from '../support/store-records';
import { seedStore, serverEnv, type SeededStore } from '../support/sync-server';

const AT = '2026-05-01T12:30:00+08:00';
const DAY = '2026-05-01';

describe('backup and restore of the embedded store [sqlite only: PostgreSQL is backed up with pg_dump]', () => {
  const folders: string[] = [];
  const servers: ServerProcess[] = [];
  const folder = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-ops-'));
    folders.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const s of servers) await s.kill();
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A config whose server keeps its own secret.key in the data folder, as an unconfigured server does. */
  const ownSecretConfig = (): Config => {
    const config = testConfig('sqlite', { secret: undefined });
    folders.push(config.dataDir);
    return config;
  };
  const start = async (config: Pick<Config, 'dataDir'> & Partial<Config>) => {
    const s = await startServerProcess({ ...serverEnv({ ...testConfig('sqlite'), ...config, secret: undefined }) });
    servers.push(s);
    return s;
  };
  const post = (s: ServerProcess, auth: { Authorization: string }, records: unknown[]) => postSync(s.url, auth, records);
  const totals = async (s: ServerProcess, seeded: SeededStore) => {
    const res = await fetch(`${s.url}/api/stats?from=${DAY}&to=${DAY}&group=day`, { headers: seeded.supervisor.auth });
    expect(res.status).toBe(200);
    return ((await res.json()) as { totals: { enrolled: number; existing: number; consultations: number } }).totals;
  };

  it('takes a snapshot while devices keep syncing; restored into a new folder, a server on it has every acknowledged record once', async () => {
    const config = ownSecretConfig();
    const seeded = await seedStore(config);
    const server = await start(config);
    const secret = fs.readFileSync(path.join(config.dataDir, 'secret.key'), 'utf8').trim();

    // A device syncing batch after batch, every person new, until told to stop.
    const acked: { id: string; record: unknown }[] = [];
    let n = 0;
    let stop = false;
    const stream = (async () => {
      while (!stop) {
        const batch = Array.from({ length: 12 }, (_, k) =>
          k % 4 === 3 ? consultation({ stallId: seeded.stallId, createdAt: AT }) : enrollment({ stallId: seeded.stallId, n: n++, createdAt: AT }),
        );
        const answer = await post(server, seeded.staff.auth, batch);
        expect(answer.results.map((r) => r.status)).toEqual(batch.map(() => 'accepted'));
        for (const r of batch) acked.push({ id: r.id, record: r });
      }
    })();
    const waitFor = async (count: number) => {
      while (acked.length < count) await new Promise((r) => setTimeout(r, 10));
    };

    await waitFor(60);
    const ackedBefore = acked.length;
    const snapshot = path.join(folder(), 'ruhui-backup.sqlite');
    const backup = await runOps('backup', [snapshot], { RUHUI_DATA_DIR: config.dataDir });
    const ackedDuring = acked.length;
    await waitFor(ackedDuring + 36); // the server kept taking syncs after the backup too
    stop = true;
    await stream;

    expect(backup.code, backup.stderr).toBe(0);
    expect(ackedDuring, 'syncs went on while the snapshot was taken').toBeGreaterThan(ackedBefore);
    const copied = printedCounts(backup.stdout);
    expect(copied.records).toBeGreaterThanOrEqual(ackedBefore);
    expect(copied.records).toBeLessThanOrEqual(ackedDuring);
    expect(copied.users).toBe(2);
    expect(backup.stdout).toContain(`The secret is ${path.join(config.dataDir, 'secret.key')}`);
    // The secret is kept apart: not in the snapshot, not beside it.
    expect(fs.readFileSync(snapshot).includes(Buffer.from(secret))).toBe(false);
    expect(fs.readdirSync(path.dirname(snapshot))).toEqual(['ruhui-backup.sqlite']);

    // Not over the running server's folder.
    const intoLive = await runOps('restore', [snapshot], { RUHUI_DATA_DIR: config.dataDir });
    expect(intoLive.code).toBe(1);
    expect(intoLive.stderr).toMatch(/data folder .* is in use: a Ruhui server is running on it/);

    // Restored without its secret: the restore says so, and a server refuses to start on it.
    const bare = path.join(folder(), 'data');
    const withoutSecret = await runOps('restore', [snapshot], { RUHUI_DATA_DIR: bare });
    expect(withoutSecret.code, withoutSecret.stderr).toBe(0);
    expect(withoutSecret.stdout).toContain('No secret given');
    await expect(start({ dataDir: bare })).rejects.toThrow(/holds records, but its secret is missing/);

    // A wrong secret is refused before anything is written.
    const elsewhere = path.join(folder(), 'data');
    await expect(restoreSnapshot({ file: snapshot, dataDir: elsewhere, secret: { value: 'x'.repeat(43), from: 'file' } })).rejects.toThrow(/not this store's/);
    expect(fs.existsSync(elsewhere)).toBe(false);

    // With its secret, into a new folder.
    const restoredDir = path.join(folder(), 'data');
    const restored = await runOps('restore', [snapshot, '--secret-file', path.join(config.dataDir, 'secret.key')], { RUHUI_DATA_DIR: restoredDir });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/SQLite integrity ok, a Ruhui store, schema \S+ \(taken .* every table matches its checksum\)/);
    expect(printedCounts(restored.stdout)).toEqual(copied);
    await server.stop();

    const again = await start({ dataDir: restoredDir });
    const inSnapshot = acked.slice(0, copied.records);
    const enrolledIn = (list: typeof acked) => list.filter((a) => (a.record as { kind: string }).kind === 'enrollment').length;
    // The records are counted as they were: every one of them once.
    expect(await totals(again, seeded)).toEqual({ enrolled: enrolledIn(inSnapshot), existing: 0, consultations: inSnapshot.length - enrolledIn(inSnapshot) });
    // Every record acknowledged before the snapshot is in it (its replay is a duplicate); the later ones, sent again, come in once.
    const replay = await post(again, seeded.staff.auth, acked.slice(0, ackedBefore).map((a) => a.record));
    expect(new Set(replay.results.map((r) => r.status))).toEqual(new Set(['duplicate']));
    for (let i = 0; i < acked.length; i += 200) await post(again, seeded.staff.auth, acked.slice(i, i + 200).map((a) => a.record));
    expect(await totals(again, seeded)).toEqual({ enrolled: enrolledIn(acked), existing: 0, consultations: acked.length - enrolledIn(acked) });
    await again.stop();
  });

  it('refuses damaged, truncated, newer and foreign snapshots, and folders that are not empty, with the reason', async () => {
    // A store with a few records, no server running: the backup opens it itself.
    const config = testConfig('sqlite');
    folders.push(config.dataDir);
    const seeded = await seedStore(config);
    const storage = await openStorage({ dataDir: config.dataDir });
    await storeRecords({ storage, keys: deriveKeys(config.secret!), config }, Array.from({ length: 30 }, (_, n) => enrollment({ stallId: seeded.stallId, n, createdAt: AT })));
    await storage.close();
    const dir = folder();
    const good = path.join(dir, 'good.sqlite');
    const backup = await runOps('backup', [good], { RUHUI_DATA_DIR: config.dataDir });
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain('No server is running');
    expect(printedCounts(backup.stdout).records).toBe(30);

    const variant = (name: string, change: (bytes: Buffer) => Buffer) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, change(fs.readFileSync(good)));
      return file;
    };
    // Half the file: cut short.
    const truncated = variant('truncated.sqlite', (b) => b.subarray(0, Math.floor(b.length / 2 / 4096) * 4096));
    // One byte of a stall's name changed: SQLite's structure still holds, the rows' checksum does not.
    const flipped = variant('flipped.sqlite', (b) => {
      const at = b.indexOf(Buffer.from('王府井摊位'));
      expect(at).toBeGreaterThan(0);
      const c = Buffer.from(b);
      c[at + 2]! ^= 0x01;
      return c;
    });
    // Pages in the middle overwritten with noise.
    const noise = variant('noise.sqlite', (b) => {
      const c = Buffer.from(b);
      for (let i = 4096; i < c.length - 4096; i += 4096) c.fill(0xa5, i + 8, i + 600);
      return c;
    });
    const newer = variant('newer.sqlite', (b) => b);
    const raw = new BetterSqlite3(newer);
    raw.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run('999_from_the_future', new Date().toISOString());
    raw.close();
    const foreign = path.join(dir, 'foreign.sqlite');
    const other = new BetterSqlite3(foreign);
    other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (\'hello\')');
    other.close();
    const notSqlite = variant('text.sqlite', () => Buffer.from('name,phone\n'.repeat(500)));
    const full = folder();
    fs.writeFileSync(path.join(full, 'notes.txt'), 'kept');

    // As the operator sees it: the command's message and exit code.
    const cli: [file: string, reason: RegExp][] = [
      [truncated, /is truncated: it has \d+ bytes, but its header says \d+ bytes/],
      [flipped, /is damaged \(the rows of table stalls differ from the checksum they were sealed with\)/],
    ];
    const runs = await Promise.all(cli.map(async ([file, reason]) => {
      const target = path.join(folder(), 'data');
      const run = await runOps('restore', [file], { RUHUI_DATA_DIR: target });
      expect(run.code, run.stdout).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`^restore refused: .*${reason.source}`));
      expect(fs.existsSync(target), 'nothing was written').toBe(false);
    }));
    expect(runs).toHaveLength(2);
    // The other refusals, by the same code in-process.
    const cases: [file: string, target: string, reason: RegExp][] = [
      [noise, path.join(folder(), 'data'), /is damaged \(/],
      [newer, path.join(folder(), 'data'), /was made by a newer Ruhui version: it has migration 999_from_the_future/],
      [foreign, path.join(folder(), 'data'), /is not a Ruhui store: it has no schema_migrations, settings, orgs, /],
      [notSqlite, path.join(folder(), 'data'), /is not a Ruhui snapshot: it is not an SQLite database/],
      [path.join(dir, 'missing.sqlite'), path.join(folder(), 'data'), /There is no file/],
      [good, full, /data folder .* is not empty \(it holds notes\.txt\)/],
    ];
    for (const [file, target, reason] of cases) {
      await expect(restoreSnapshot({ file, dataDir: target }), path.basename(file)).rejects.toThrow(reason);
      if (target !== full) expect(fs.existsSync(target), 'nothing was written').toBe(false);
    }
    expect(fs.readdirSync(full)).toEqual(['notes.txt']);
    // The good one still restores, and its store opens.
    const target = path.join(folder(), 'data');
    const ok = await runOps('restore', [good], { RUHUI_DATA_DIR: target, RUHUI_SECRET: config.secret! });
    expect(ok.code, ok.stderr).toBe(0);
    expect(fs.existsSync(sqlitePath(target))).toBe(true);
  });
});
