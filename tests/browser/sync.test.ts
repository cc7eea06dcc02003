/**
 * Sync in real Chromium, through a fault proxy in front of a real server: records made offline reach
 * the server with no tap once the network is back, and the device then keeps only receipts; a new app
 * version installed while records wait does not lose or double them; two tabs syncing at once count
 * each record once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { normalizePhone } from '../../src/shared/phone';
import { statsResponseSchema } from '../../src/shared/stats';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { consultation, enrollment } from '../support/records';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { createServerStore, describeEachServerEngine, type ServerStore } from '../support/server-store';
import { EnrollPage } from './pages/enroll-page';
import { Network } from './pages/network';
import { SyncStatusBar } from './pages/sync-status';
import { serverToday, setUpStall, type StallSetup } from './support/api-setup';
import { launchBrowser, type BrowserSession } from './support/chromium';
import { signInAtStall } from './support/stall-world';
import { outboxEntries, queueRaw } from './support/device-db';
import { worker } from './support/workers';

const ADMIN_PASSWORD = 'admin-password-1';

describeEachServerEngine('sync in Chromium', (engine) => {
  let server: ServerProcess;
  let proxy: FaultProxy;
  let browser: BrowserSession;
  let store: ServerStore;
  let staticDir: string;
  let setup: StallSetup;
  /** The app's address: the proxy in front of the server. */
  let origin: string;

  beforeEach(async () => {
    store = await createServerStore(engine, 'ruhui-browser-sync-');
    // A copy of the build, so a test can ship a "new version" of the service worker.
    staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-browser-static-'));
    fs.cpSync(path.resolve('dist'), staticDir, { recursive: true });
    server = await startServerProcess({ ...store.env, RUHUI_ADMIN_PASSWORD: ADMIN_PASSWORD, RUHUI_STATIC_DIR: staticDir });
    setup = await setUpStall(server.url, ADMIN_PASSWORD);
    proxy = await startFaultProxy(server.url);
    origin = proxy.url;
    browser = await launchBrowser();
    const cdp = await browser.context.browser()?.newBrowserCDPSession();
    // grantPermissions denies every permission it does not name: keep Background Sync allowed, as it is by default.
    await cdp?.send('Browser.grantPermissions', { origin, permissions: ['durableStorage', 'backgroundSync'] });
  });

  afterEach(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.stop();
    await store?.drop();
    fs.rmSync(staticDir, { recursive: true, force: true });
  });

  async function adminToken(): Promise<string> {
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    return ((await res.json()) as { token: string }).token;
  }

  /** The server's totals for today, as the admin reads them. */
  async function totals() {
    const day = serverToday();
    const res = await fetch(`${server.url}/api/stats?from=${day}&to=${day}`, { headers: { Authorization: `Bearer ${await adminToken()}` } });
    return statsResponseSchema.parse(await res.json()).totals;
  }

  async function expectTotals(expected: { enrolled: number; existing: number; consultations: number }, timeout = 30_000) {
    const deadline = Date.now() + timeout;
    let last = await totals();
    while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      last = await totals();
    }
    expect(last).toEqual(expected);
  }

  /** First visit online: the worker installs, the staff signs in and picks today's stall. */
  async function signedInAtStall(page?: Page): Promise<Page> {
    return signInAtStall(page ?? (await browser.context.newPage()), origin, setup);
  }

  /** The device holds no ID number or phone of these workers, in any form. */
  async function expectNoPersonalData(page: Page, workers: ReturnType<typeof worker>[]) {
    const stored = JSON.stringify(await outboxEntries(page));
    for (const w of workers) {
      expect(stored).not.toContain(w.idNumber);
      const phone = normalizePhone(w.phone);
      expect(phone.ok && stored.includes(phone.value)).toBe(false);
    }
  }

  it('records enrolled offline reach the server without any tap once online, gzip-compressed, once each; the device then keeps only receipts', async () => {
    const page = await signedInAtStall();
    const network = new Network(browser.context);
    const status = new SyncStatusBar(page);
    await network.drop();

    const stall = new EnrollPage(page);
    const workers = [worker(0), worker(1), worker(2)];
    for (const w of workers) await stall.enroll(w);
    await stall.recordConsultation('legal');
    await status.expectWaiting(4);
    expect(await status.text()).toContain('离线');
    expect(proxy.counts.received).toBe(0);

    await network.restore();
    await status.expectWaiting(0);
    await expectTotals({ enrolled: 3, existing: 0, consultations: 1 });
    expect(await status.text()).toContain('上次同步');
    // Chromium has CompressionStream: the batch crossed the wire as gzip.
    expect(proxy.bodies.length).toBeGreaterThan(0);
    expect(proxy.bodies.map((b) => b.contentEncoding)).toEqual(proxy.bodies.map(() => 'gzip'));

    const entries = await outboxEntries(page);
    expect(entries).toHaveLength(4);
    expect(entries.every((e) => e.status === 'sent' && e.record === undefined && e.receipt !== undefined)).toBe(true);
    await expectNoPersonalData(page, workers);
  });

  it('a refused session asks to sign in again, keeps every record, and sends them after signing in', async () => {
    const page = await signedInAtStall();
    const network = new Network(browser.context);
    await network.drop();
    const stall = new EnrollPage(page);
    const workers = [worker(30), worker(31)];
    for (const w of workers) await stall.enroll(w);

    // The device is reported lost and found again: the admin ends the user's sessions.
    const staff = (await (await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: setup.username, password: setup.password }),
    })).json()) as { user: { id: string } };
    const revoked = await fetch(`${server.url}/api/users/${staff.user.id}/revoke`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await adminToken()}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(revoked.ok).toBe(true);

    await network.restore();
    const again = page.locator('.banner').getByRole('button', { name: '重新登录' });
    await again.waitFor({ timeout: 30_000 });
    // The banner and the status line come from the same state, but render in separate updates.
    await expect.poll(() => new SyncStatusBar(page).text(), { timeout: 10_000 }).toContain('需要重新登录');
    expect((await outboxEntries(page)).filter((e) => e.status === 'pending')).toHaveLength(2);
    expect((await totals()).enrolled).toBe(0);

    await again.click();
    await page.locator('input[name=password]').fill(setup.password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await new SyncStatusBar(page).expectWaiting(0);
    await expectTotals({ enrolled: 2, existing: 0, consultations: 0 });
    await expectNoPersonalData(page, workers);
  });

  it('Background Sync sends what was saved offline even after the tab is closed (Chromium)', async () => {
    const page = await signedInAtStall();
    const network = new Network(browser.context);
    await network.drop();
    const stall = new EnrollPage(page);
    const workers = [worker(20), worker(21)];
    for (const w of workers) await stall.enroll(w);
    await new SyncStatusBar(page).expectWaiting(2);
    const tags = await page.evaluate(async () => {
      const r = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & { sync: { getTags(): Promise<string[]> } };
      return r.sync.getTags();
    });
    expect(tags).toContain('ruhui-sync');
    await page.close();

    // No tab: only the worker's `sync` event can send them.
    await network.restore();
    await expectTotals({ enrolled: 2, existing: 0, consultations: 0 });
    const again = await browser.context.newPage();
    await again.goto(origin);
    await new EnrollPage(again).waitUntilShown();
    expect((await outboxEntries(again)).map((e) => e.status)).toEqual(['sent', 'sent']);
    await expectNoPersonalData(again, workers);
  });

  it('a new app version (service worker update) installed while records wait: they still sync, once', async () => {
    const page = await signedInAtStall();
    const network = new Network(browser.context);
    const status = new SyncStatusBar(page);
    await network.drop();
    const stall = new EnrollPage(page);
    const workers = [worker(10), worker(11)];
    for (const w of workers) await stall.enroll(w);
    await status.expectWaiting(2);

    // Back online, but the server is overloaded: the records keep waiting while the update arrives.
    proxy.setDefault({ kind: 'status', status: 503, retryAfter: '1' });
    await network.restore();
    await page.waitForFunction(() => document.querySelector('section.sync-status')?.textContent?.includes('服务器繁忙'), undefined, { timeout: 15_000 });

    // A new version: the worker script differs by a few bytes.
    fs.appendFileSync(path.join(staticDir, 'sw.js'), '\n// next version\n');
    // The build's precompressed copies are of the old version: a new build would write new ones.
    for (const ext of ['.br', '.gz']) fs.rmSync(path.join(staticDir, `sw.js${ext}`), { force: true });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const apply = page.locator('.banner').getByRole('button', { name: '更新' });
    await apply.waitFor({ timeout: 30_000 });
    // The page reloads only once the new worker has taken control (sw-bridge's controllerchange).
    await Promise.all([page.waitForEvent('load'), apply.click()]);
    await new EnrollPage(page).waitUntilShown();
    const registration = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      return { waiting: Boolean(r?.waiting), active: r?.active?.state, controlled: navigator.serviceWorker.controller !== null };
    });
    expect(registration).toEqual({ waiting: false, active: 'activated', controlled: true });
    expect((await outboxEntries(page)).filter((e) => e.status === 'pending')).toHaveLength(2);

    // The server recovers: the new version sends what the old one queued.
    proxy.setDefault({ kind: 'pass' });
    await new SyncStatusBar(page).expectWaiting(0);
    await expectTotals({ enrolled: 2, existing: 0, consultations: 0 });
    await expectNoPersonalData(page, workers);
  });

  it('two tabs (and the worker) sync at once: one sends, each record is counted once', async () => {
    const first = await signedInAtStall();
    const second = await browser.context.newPage();
    await second.goto(origin);
    await new EnrollPage(second).waitUntilShown();

    const network = new Network(browser.context);
    await network.drop();
    // 1,100 records queued by earlier use: three batches, so two syncs would overlap.
    const records = [
      ...Array.from({ length: 1_000 }, (_, n) => enrollment({ stallId: setup.stall.id, n: 5_000 + n })),
      ...Array.from({ length: 100 }, () => consultation({ stallId: setup.stall.id })),
    ];
    await queueRaw(first, records);
    // Announce them as the outbox does: the other tab counts them and registers a Background Sync.
    await first.evaluate(() => new BroadcastChannel('ruhui-outbox').postMessage({ type: 'outbox-changed' }));
    await new SyncStatusBar(second).expectWaiting(1_100);
    const received = proxy.counts.received;

    // Both tabs hear `online` at the same moment; Background Sync wakes the worker too.
    await network.restore();
    await Promise.all([new SyncStatusBar(first).expectWaiting(0, 60_000), new SyncStatusBar(second).expectWaiting(0, 60_000)]);
    await expectTotals({ enrolled: 1_000, existing: 0, consultations: 100 });
    // One context held the lock: exactly three batches went out.
    expect(proxy.counts.received - received).toBe(3);
    const entries = await outboxEntries(second);
    expect(entries.filter((e) => e.status === 'sent')).toHaveLength(1_100);
    expect(entries.filter((e) => e.record !== undefined)).toHaveLength(0);
  });
});
