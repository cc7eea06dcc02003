/**
 * `npm run move-to-postgres` as an operator runs it: an embedded store of 50,000 records, seeded
 * through the storage layer's own write, moved into an empty PostgreSQL schema by the command, which
 * is killed once mid-copy and run again. Then a server on PostgreSQL must answer /api/stats exactly as
 * the server on the embedded store did, and a device that kept records waiting through the move
 * sends them there: each stored once, its already-sent ones answered as duplicates, returning members
 * recognized (the secret moved too). Its target is PostgreSQL, so it runs only with DATABASE_URL.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { deriveKeys } from '../../../src/server/secrets';
import { openStorage } from '../../../src/server/storage/open';
import { printedCounts, runOps } from '../../support/ops-process';
import { consultation, enrollment, postSync } from '../../support/records';
import { startServerProcess, type ServerProcess } from '../../support/server-process';
import { createServerStore, type ServerStore } from '../../support/server-store';
import { testConfig } from '../support/engines';
import { addOrg, addStall, rootOrg } from '../support/fixtures';
import { bulkStore } from '../support/bulk-store';
import { seedStore } from '../support/sync-server';

const onPostgres = Boolean(process.env.DATABASE_URL);
if (!onPostgres) console.info('move to PostgreSQL: skipped, its target is PostgreSQL (set DATABASE_URL to run it)');

const SEEDED = 50_000;
const DAY1 = '2026-05-01';
const DAY2 = '2026-05-02';
const AT1 = `${DAY1}T12:30:00+08:00`;
const AT2 = `${DAY2}T12:10:00+08:00`;

describe.skipIf(!onPostgres)('npm run move-to-postgres of a 50,000-record store, interrupted once [postgres]', () => {
  const config = testConfig('sqlite', { secret: undefined });
  const folders = [config.dataDir];
  const servers: ServerProcess[] = [];
  const targets: ServerStore[] = [];
  afterAll(async () => {
    for (const s of servers) await s.kill();
    for (const t of targets) await t.drop();
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  });
  const start = async (env: Record<string, string>) => {
    const s = await startServerProcess({ RUHUI_SECRET: '', RUHUI_STATIC_DIR: path.join(config.dataDir, 'no-static'), RUHUI_TZ: config.timeZone, ...env });
    servers.push(s);
    return s;
  };
  const post = (s: ServerProcess, auth: { Authorization: string }, records: unknown[]) => postSync(s.url, auth, records);

  it('copies everything, resumes after a kill without doubling, and the PostgreSQL server answers as the embedded one did', async () => {
    // The store: its own secret.key, two districts' stalls on two days, 50,000 records.
    const secret = crypto.randomBytes(32).toString('base64url');
    fs.writeFileSync(path.join(config.dataDir, 'secret.key'), secret + '\n', { mode: 0o600 });
    const seeded = await seedStore(config);
    const storage = await openStorage({ dataDir: config.dataDir });
    const city = await rootOrg(storage);
    const xicheng = await addOrg(storage, city, 'district', '西城区总工会');
    const street = await addOrg(storage, xicheng, 'street', '西长安街街道总工会');
    const stall2 = await addStall(storage, street, DAY2, '西单摊位');
    const records = Array.from({ length: SEEDED }, (_, i) => {
      const [stallId, createdAt] = i % 3 === 0 ? [stall2.id, AT2] : [seeded.stallId, AT1];
      if (i % 5 === 4) return consultation({ stallId, createdAt });
      // Every 11th a person enrolled before: an existing member.
      return enrollment({ stallId, createdAt, n: i % 11 === 10 ? i - 10 : i, channel: i % 7 === 0 ? 'self' : 'staff' });
    });
    await storage.close();
    bulkStore(config.dataDir, deriveKeys(secret), config.timeZone, records);

    // A device sends some records to the embedded server and keeps others waiting.
    const embedded = await start({ RUHUI_DATA_DIR: config.dataDir });
    const sent = Array.from({ length: 20 }, (_, k) => enrollment({ stallId: seeded.stallId, createdAt: AT1, n: 900_000 + k }));
    expect(new Set((await post(embedded, seeded.staff.auth, sent)).results.map((r) => r.status))).toEqual(new Set(['accepted']));
    const waiting = [
      ...Array.from({ length: 10 }, (_, k) => enrollment({ stallId: seeded.stallId, createdAt: AT1, n: 910_000 + k })),
      ...[1, 2, 3].map((n) => enrollment({ stallId: seeded.stallId, createdAt: AT1, n })), // enrolled in the seed already
      consultation({ stallId: seeded.stallId, createdAt: AT1 }),
      consultation({ stallId: seeded.stallId, createdAt: AT1 }),
    ];
    const statsUrl = `/api/stats?from=${DAY1}&to=${DAY2}&group=day,district,street,stall,occupation,channel`;
    const stats = async (s: ServerProcess) => {
      const res = await fetch(`${s.url}${statsUrl}`, { headers: seeded.supervisor.auth });
      expect(res.status).toBe(200);
      return (await res.json()) as { rows: unknown[]; totals: { enrolled: number; existing: number; consultations: number } };
    };
    const before = await stats(embedded);
    expect(before.rows.length).toBeGreaterThan(20);
    await embedded.stop();
    const total = SEEDED + sent.length;

    const target = await createServerStore('postgres', 'ruhui-move-');
    targets.push(target);
    folders.push(target.dataDir);
    const env = { RUHUI_DATA_DIR: config.dataDir, DATABASE_URL: target.env.DATABASE_URL };

    // Killed once in the middle of the records.
    let seenAt = 0;
    const cut = await runOps('move-to-postgres', ['--batch-size', '1000'], env, (out, child) => {
      const m = [...out.matchAll(/^records: ([\d,]+) \/ ([\d,]+) rows/gm)].at(-1);
      const done = m ? Number(m[1]!.replaceAll(',', '')) : 0;
      if (!seenAt && done > 0 && done < total) {
        seenAt = done;
        child.kill('SIGKILL');
      }
    });
    expect(cut.signal, cut.stdout + cut.stderr).toBe('SIGKILL');
    const client = new pg.Client({ connectionString: target.env.DATABASE_URL });
    await client.connect();
    try {
      const count = async (table: string) => Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
      const partial = await count('records');
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(total);

      // Another store is refused on this half-filled database.
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-other-'));
      folders.push(other);
      fs.writeFileSync(path.join(other, 'secret.key'), crypto.randomBytes(32).toString('base64url'), { mode: 0o600 });
      await (await openStorage({ dataDir: other })).close();
      const refused = await runOps('move-to-postgres', [], { ...env, RUHUI_DATA_DIR: other });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^move-to-postgres refused: The database is not empty: it holds a move from another embedded store/);

      // Run again: it resumes, copies the rest once, and verifies.
      const rerun = await runOps('move-to-postgres', ['--batch-size', '1000'], env);
      expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
      expect(rerun.stdout).toContain('Resuming the move');
      expect(rerun.stdout).toMatch(new RegExp(`^records: ${total.toLocaleString('en')} / ${total.toLocaleString('en')} rows \\(${(total - partial).toLocaleString('en')} new\\)$`, 'm'));
      expect(rerun.stdout).toMatch(/^ {2}records +50,020 → 50,020$/m);
      expect(rerun.stdout).toMatch(/Decrypted with the database's secret: 200 sampled records/);
      expect(rerun.stdout).toContain('Move complete (resumed).');
      expect(printedCounts(rerun.stdout)).toEqual({});
      expect(await count('records')).toBe(total);

      // The server on PostgreSQL: the same answer, to the row.
      const moved = await start({ RUHUI_DATA_DIR: target.dataDir, DATABASE_URL: target.env.DATABASE_URL });
      expect(await stats(moved)).toEqual(before);

      // The device's waiting records (and a replay of some it had sent), under its old session.
      const answer = await post(moved, seeded.staff.auth, [...waiting, ...sent.slice(0, 5)]);
      expect(answer.results.map((r) => r.status)).toEqual([
        ...Array(10).fill('accepted'),
        ...Array(3).fill('existing_member'),
        'accepted',
        'accepted',
        ...Array(5).fill('duplicate'),
      ]);
      expect(new Set((await post(moved, seeded.staff.auth, waiting)).results.map((r) => r.status))).toEqual(new Set(['duplicate']));
      expect((await stats(moved)).totals).toEqual({
        enrolled: before.totals.enrolled + 10,
        existing: before.totals.existing + 3,
        consultations: before.totals.consultations + 2,
      });
      expect(await count('records')).toBe(total + waiting.length);
      await moved.stop();
    } finally {
      await client.end();
    }
    // A large store on a shared 2-core machine: room, so that time never fails the test.
  }, 300_000);
});
