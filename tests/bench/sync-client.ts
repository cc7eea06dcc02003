/**
 * Benchmark: 10,000 records queued on a device (the real outbox on fake-indexeddb, in Node) synced by
 * the real engine to a real server process (embedded SQLite) on loopback, against the same server
 * taking as many fresh records straight from a loop of POSTs (no device: the most any client could
 * get) in the same run. `sync-server` compares the server with a bare batch insert. fake-indexeddb
 * runs on the benchmark's own thread and is slower than a browser's IndexedDB, so the device's share
 * is an upper bound; the same 10,000 are then synced by the built app in real headless Chromium.
 */
import 'fake-indexeddb/auto';
import { performance } from 'node:perf_hooks';
import { closeDB } from '../../src/offline/db';
import { counts } from '../../src/offline/outbox-counts';
import { MAX_BATCH, syncResponseSchema } from '../../src/shared/records';
import { consultation, enrollment, syncBody, syncInit } from '../support/records';
import { freshDevice, deviceEngine, queueRecords, signIn, startWorld } from '../integration/sync-engine/world';
import { AppShell } from '../browser/pages/app-shell';
import { EnrollPage } from '../browser/pages/enroll-page';
import { SignInPage } from '../browser/pages/sign-in-page';
import { StallPicker } from '../browser/pages/stall-picker';
import { setUpStall, serverToday } from '../browser/support/api-setup';
import { launchBrowser } from '../browser/support/chromium';
import { queueRaw } from '../browser/support/device-db';
import { startServerProcess } from '../support/server-process';
import { statsResponseSchema } from '../../src/shared/stats';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const RECORDS = 10_000;

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

/** Runs the benchmark; returns a report (one line per figure). */
export async function benchSyncClient(records = RECORDS): Promise<string> {
  const world = await startWorld('sqlite'); // the client's cost: the store behind the server is not what is measured
  try {
    await freshDevice();
    await signIn(world);
    const q0 = performance.now();
    const saved = await queueRecords(world, records);
    const queueMs = performance.now() - q0;
    const before = await world.totals();

    let requests = 0;
    const engine = deviceEngine(world, {
      // Straight to the server: the proxy is for fault tests.
      baseUrl: world.server.url,
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    const t0 = performance.now();
    const result = await engine.syncNow();
    const syncMs = performance.now() - t0;
    engine.stop();

    const after = await world.totals();
    const counted = after.enrolled - before.enrolled + (after.consultations - before.consultations);
    const device = await counts();
    if (result.kind !== 'done' || device.pending !== 0 || counted !== records) {
      throw new Error(`sync incomplete: ${JSON.stringify({ result, device, counted })}`);
    }

    // The same mix of fresh records, POSTed in full batches one after another with nothing else to do.
    const bodies: string[] = [];
    for (let i = 0; i < records; i += MAX_BATCH) {
      const list = Array.from({ length: Math.min(MAX_BATCH, records - i) }, (_, k) =>
        (i + k) % 10 === 9 ? consultation({ stallId: world.stallId }) : enrollment({ stallId: world.stallId, n: 500_000 + i + k }),
      );
      bodies.push(JSON.stringify(syncBody(list, { deviceId: 'bench-direct' })));
    }
    const auth = { Authorization: `Bearer ${world.staff.token}` };
    const d0 = performance.now();
    for (const body of bodies) {
      const res = await fetch(`${world.server.url}/api/sync`, syncInit(body, auth));
      if (res.status !== 200) throw new Error(`direct sync answered ${res.status}`);
      syncResponseSchema.parse(await res.json());
    }
    const directMs = performance.now() - d0;

    const deviceRate = rate(records, syncMs);
    const directRate = rate(records, directMs);
    return [
      `sync client: ${records} queued records (${saved.enrollments} enrollments, ${saved.consultations} consultations), ${requests} requests, loopback, embedded SQLite`,
      `  device → server (read batch, POST, apply results; fake-indexeddb): ${Math.round(syncMs)} ms = ${deviceRate} records/s`,
      `  the same server, fresh records POSTed by a bare loop (no device): ${Math.round(directMs)} ms = ${directRate} records/s`,
      `  device / bare loop: ${Math.round((deviceRate / directRate) * 100)}%  (server / bare insert: see sync-server)`,
      `  queueing them first (validate + one strict transaction each, fake-indexeddb): ${rate(records, queueMs)} records/s`,
      await benchInChromium(records),
    ].join('\n');
  } finally {
    await closeDB();
    await world.close();
  }
}

/** The built app in headless Chromium: `records` queued while offline, synced on reconnect; records/s. */
async function benchInChromium(records: number): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-bench-browser-'));
  const server = await startServerProcess({ RUHUI_DATA_DIR: dataDir, RUHUI_ADMIN_PASSWORD: 'admin-password-1', RUHUI_LOG: 'warn' });
  const browser = await launchBrowser();
  try {
    const setup = await setUpStall(server.url, 'admin-password-1');
    const page = await browser.context.newPage();
    await new AppShell(page).open(server.url);
    await new SignInPage(page).signIn(setup.username, setup.password);
    await new StallPicker(page).choose(setup.stall.name);
    await new EnrollPage(page).waitUntilShown();
    await browser.context.setOffline(true);
    const list = Array.from({ length: records }, (_, n) =>
      n % 10 === 9 ? consultation({ stallId: setup.stall.id }) : enrollment({ stallId: setup.stall.id, n: 700_000 + n }),
    );
    for (let i = 0; i < list.length; i += 2_000) await queueRaw(page, list.slice(i, i + 2_000));
    await page.evaluate(() => new BroadcastChannel('ruhui-outbox').postMessage({ type: 'outbox-changed' }));
    await page.waitForFunction((n) => document.querySelector('section.sync-status')?.getAttribute('data-waiting') === String(n), records);

    const t0 = performance.now();
    await browser.context.setOffline(false);
    await page.waitForFunction(
      () => {
        const el = document.querySelector('section.sync-status');
        return el?.getAttribute('data-waiting') === '0' && el.getAttribute('data-syncing') === 'false';
      },
      undefined,
      { timeout: 300_000, polling: 20 },
    );
    const ms = performance.now() - t0;

    const admin = (await (await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-password-1' }),
    })).json()) as { token: string };
    const day = serverToday();
    const stats = statsResponseSchema.parse(
      await (await fetch(`${server.url}/api/stats?from=${day}&to=${day}`, { headers: { Authorization: `Bearer ${admin.token}` } })).json(),
    );
    const counted = stats.totals.enrolled + stats.totals.consultations;
    if (counted !== records) throw new Error(`Chromium sync counted ${counted} of ${records}`);
    return `  in headless Chromium (the built app, real IndexedDB, Web Lock, from reconnect to nothing waiting): ${Math.round(ms)} ms = ${rate(records, ms)} records/s`;
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchSyncClient(Number(process.argv[2]) || RECORDS).then(
    (report) => console.log(report),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
