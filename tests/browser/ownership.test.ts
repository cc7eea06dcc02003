/**
 * Whose records, in real Chromium at 360×640 against a real server: records go out only under the
 * session of who saved them, another user on the phone sees only how many wait, an admin never gets
 * the enrollment form and never loses a record on the device, a record the server rejects always
 * has a way out, and the tally never counts an already-member as a join. What the server received is
 * counted from its own log (one line per sync request, with the sender and the outcome counts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { maskId, maskName } from '../../src/shared/mask';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { createServerStore, describeEachServerEngine, type ServerStore } from '../support/server-store';
import { AppMenu } from './pages/app-menu';
import { AppShell } from './pages/app-shell';
import { EnrollPage } from './pages/enroll-page';
import { Network } from './pages/network';
import { QueuePage } from './pages/queue-page';
import { SignInPage } from './pages/sign-in-page';
import { StallPicker } from './pages/stall-picker';
import { seriousA11yViolations } from './support/axe';
import { api, serverToday, setUpStall, type StallSetup } from './support/api-setup';
import { launchBrowser, type BrowserSession } from './support/chromium';
import { outboxEntries, queueRaw } from './support/device-db';
import { signInAtStall } from './support/stall-world';
import { worker } from './support/workers';

const ADMIN_PASSWORD = 'admin-password-1';
const SHOTS = process.env.RUHUI_SCREENSHOTS;


describeEachServerEngine('whose records, in Chromium', (engine) => {
  let store: ServerStore;
  let server: ServerProcess;
  let browser: BrowserSession;
  let setup: StallSetup;
  /** Staff B: another district, their own stall. */
  let b: { username: string; password: string; id: string; stall: string; stallId: string };
  let aId: string;

  beforeEach(async () => {
    store = await createServerStore(engine, 'ruhui-browser-owner-');
    server = await startServerProcess({ ...store.env, RUHUI_ADMIN_PASSWORD: ADMIN_PASSWORD });
    setup = await setUpStall(server.url, ADMIN_PASSWORD);
    const admin = setup.adminToken;
    const me = await api<{ org: { id: string } }>(server.url, '/api/me', { token: admin });
    const haidian = await api<{ id: string }>(server.url, '/api/orgs', {
      token: admin,
      body: { parentId: me.org.id, name: '海淀区总工会', level: 'district', code: '110108' },
    });
    const password = 'stall-password-2';
    await api(server.url, '/api/users', { token: admin, body: { username: 'staff.li', password, role: 'staff', orgId: haidian.id } });
    const stall = await api<{ id: string; name: string }>(server.url, '/api/stalls', {
      token: admin,
      body: { name: '中关村摊位', orgId: haidian.id, date: serverToday() },
    });
    const login = (username: string, pw: string) => api<{ user: { id: string } }>(server.url, '/api/auth/login', { body: { username, password: pw } });
    b = { username: 'staff.li', password, id: (await login('staff.li', password)).user.id, stall: stall.name, stallId: stall.id };
    aId = (await login(setup.username, setup.password)).user.id;
    browser = await launchBrowser();
    const cdp = await browser.context.browser()?.newBrowserCDPSession();
    await cdp?.send('Browser.grantPermissions', { origin: server.url, permissions: ['durableStorage', 'backgroundSync'] });
  });

  afterEach(async () => {
    await browser?.close();
    await server?.stop();
    await store?.drop();
  });

  /** What the server stored from each sender, summed over its sync log lines. */
  function receivedBy(userId: string) {
    const sum = { requests: 0, accepted: 0, existing_member: 0, duplicate: 0, rejected: 0 };
    for (const line of server.output().split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { msg?: string; user?: string } & Partial<typeof sum>;
      if (entry.msg !== 'sync' || entry.user !== userId) continue;
      sum.requests++;
      for (const k of ['accepted', 'existing_member', 'duplicate', 'rejected'] as const) sum[k] += entry[k] ?? 0;
    }
    return sum;
  }

  async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function signOut(page: Page, expectDialog: boolean) {
    await new AppMenu(page).signOut();
    if (expectDialog) {
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('退出登录不会删除它们');
      await dialog.getByRole('button', { name: '仍然退出' }).click();
    }
    await new SignInPage(page).waitUntilShown();
  }

  async function shot(page: Page, name: string) {
    if (!SHOTS) return;
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/${engine}-${name}.png`, fullPage: true });
  }

  it('A saves 3 offline and signs out; B sees only a count and sends none of them; A signs in again and all 3 go, once', async () => {
    const page = await signInAtStall(await browser.context.newPage(), server.url, setup);
    const network = new Network(browser.context);
    await network.drop();
    const stall = new EnrollPage(page);
    const aWorkers = [worker(0), worker(1), worker(2)];
    for (const w of aWorkers) await stall.enroll(w);
    await signOut(page, true);

    await network.restore();
    await new SignInPage(page).signIn(b.username, b.password);
    await new StallPicker(page).choose(b.stall);
    const others = page.locator('.others-waiting');
    await others.filter({ hasText: '3 条其他工作人员的记录待发送，该工作人员登录后自动发送' }).waitFor();
    await stall.enroll(worker(5));
    const queue = new QueuePage(page);
    await queue.open();
    await queue.expectCounts({ pending: 0, sent: 1, rejected: 0 });
    await shot(page, 'b-queue-zh');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('button.lang').click();
    await page.locator('.others-waiting', { hasText: '3 records of other staff wait on this device' }).waitFor();
    await shot(page, 'b-queue-en');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('button.lang').click();
    await page.getByRole('heading', { name: '记录队列', level: 2 }).waitFor();

    // Nothing of A's anywhere in B's pages: no name, no ID number, not even masked.
    for (const path of ['/queue', '/']) {
      if (path === '/') await new AppMenu(page).go('登记');
      const html = await page.content();
      for (const w of aWorkers) {
        for (const secret of [w.name, maskName(w.name), w.idNumber, maskId(w.idNumber), w.idNumber.slice(-4)]) expect(html, path).not.toContain(secret);
      }
    }
    // The server took B's one record under B, and nothing of A's: not even a request.
    await until(() => receivedBy(b.id).accepted === 1, "B's record at the server");
    expect(receivedBy(b.id)).toMatchObject({ accepted: 1, rejected: 0, duplicate: 0, existing_member: 0 });
    expect(receivedBy(aId).requests).toBe(0);

    await signOut(page, false);
    await new SignInPage(page).signIn(setup.username, setup.password);
    await new StallPicker(page).choose(setup.stall.name);
    await queue.open();
    await queue.expectCounts({ pending: 0, sent: 3, rejected: 0 });
    await until(() => receivedBy(aId).accepted === 3, "A's records at the server");
    expect(receivedBy(aId)).toMatchObject({ accepted: 3, rejected: 0, duplicate: 0 });
    expect(receivedBy(b.id)).toMatchObject({ accepted: 1, rejected: 0 });
    expect(await page.locator('.others-waiting').count()).toBe(0);
  });

  it('an admin never sees the enrollment form, and an admin’s old record on the device is kept for someone who may send it', async () => {
    const page = await browser.context.newPage();
    const shell = new AppShell(page);
    await shell.open(server.url);
    await shell.waitUntilOfflineReady();
    await new SignInPage(page).signIn('admin', ADMIN_PASSWORD);
    await page.waitForURL(/\/admin$/);
    expect(await page.locator('form.enroll-form').count()).toBe(0);
    const adminId = (await api<{ user: { id: string } }>(server.url, '/api/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } })).user.id;
    // A record an admin made on this device with an earlier app version (which let admins enroll).
    const old = { kind: 'consultation', id: crypto.randomUUID(), stallId: setup.stall.id, createdAt: new Date().toISOString(), topic: 'legal' };
    await queueRaw(page, [old], adminId);
    await page.reload();
    await page.locator('.others-waiting', { hasText: '1 条其他工作人员的记录待发送' }).waitFor();
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/admin$/);
    expect(await page.locator('form.enroll-form').count()).toBe(0);
    expect(receivedBy(adminId).requests).toBe(0);

    await signOut(page, false);
    await new SignInPage(page).signIn(setup.username, setup.password);
    await page.locator('.others-waiting', { hasText: '1 条其他工作人员的记录待发送' }).waitFor();
    const kept = (await outboxEntries(page)).find((e) => e.id === old.id);
    expect(kept).toMatchObject({ status: 'pending', owner: adminId });
  });

  it('a record the server rejects has a way out: id_conflict saved as new is accepted; a discarded one is gone after the confirmation, nothing else touched', async () => {
    const page = await signInAtStall(await browser.context.newPage(), server.url, setup);
    const stall = new EnrollPage(page);
    const queue = new QueuePage(page);
    const network = new Network(browser.context);
    // Another device already used this id, with other content.
    const taken = crypto.randomUUID();
    const staffToken = (await api<{ token: string }>(server.url, '/api/auth/login', { body: { username: setup.username, password: setup.password } })).token;
    await api(server.url, '/api/sync', {
      token: staffToken,
      body: { deviceId: 'other-phone', sentAt: new Date().toISOString(), records: [{ kind: 'consultation', id: taken, stallId: setup.stall.id, createdAt: new Date().toISOString(), topic: 'health' }] },
    });
    await network.drop();
    await stall.enroll(worker(6));
    const w = worker(7);
    // This phone's record with that id (as if made before the clash), and one dated three days ago.
    const now = new Date().toISOString();
    const clash = {
      kind: 'enrollment', id: taken, stallId: setup.stall.id, createdAt: now, channel: 'staff',
      person: { name: w.name, idType: 'resident', idNumber: w.idNumber, gender: 'female', birthDate: '1990-08-17', phone: '13912345678', occupation: 'courier' },
      services: [], consent: { join: true, sensitiveInfo: true, noticeVersion: '2026-05-v3', at: now },
    };
    const gender = Number(w.idNumber[16]) % 2 === 1 ? 'male' : 'female';
    const birthDate = `${w.idNumber.slice(6, 10)}-${w.idNumber.slice(10, 12)}-${w.idNumber.slice(12, 14)}`;
    Object.assign(clash.person, { gender, birthDate });
    const stale = { kind: 'consultation', id: crypto.randomUUID(), stallId: setup.stall.id, createdAt: new Date(Date.now() - 3 * 86_400_000).toISOString(), topic: 'other' };
    await queueRaw(page, [clash, stale]);
    await network.restore();
    await queue.open();
    await queue.expectCounts({ pending: 0, sent: 1, rejected: 2 });
    await page.locator('.sync-status', { hasText: '2 条需处理' }).waitFor();
    expect(await page.locator('.sync-status').textContent()).not.toContain('全部已发送');
    await shot(page, 'rejected-zh');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // id_conflict: save as new, and the server takes it.
    const clashItem = page.locator(`.queue-item[data-id="${taken}"]`);
    await clashItem.getByRole('button', { name: '保存为新记录' }).click();
    await queue.expectCounts({ pending: 0, sent: 2, rejected: 1 });
    expect(await page.locator(`.queue-item[data-id="${taken}"]`).count()).toBe(0);

    // Discard: the confirmation says what is lost; cancelling keeps it; confirming removes only it.
    const staleItem = page.locator(`.queue-item[data-id="${stale.id}"]`);
    expect(await staleItem.textContent()).toContain('记录时间不在摊位日期当天');
    await staleItem.getByRole('button', { name: '舍弃' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('将从本机删除，不会发送到服务器，也无法恢复');
    await shot(page, 'discard-zh');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: '保留' }).click();
    await queue.expectCounts({ pending: 0, sent: 2, rejected: 1 });
    await staleItem.getByRole('button', { name: '舍弃' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '舍弃' }).click();
    await queue.expectCounts({ pending: 0, sent: 2, rejected: 0 });
    const left = await outboxEntries(page);
    expect(left.map((e) => e.id)).not.toContain(stale.id);
    expect(left).toHaveLength(2);
    // The other phone's record, the one enrolled here, and the one saved as new.
    await until(() => receivedBy(aId).accepted === 3, 'the records at the server');
    await page.locator('.sync-status', { hasText: '全部已发送' }).waitFor();
  });

  it('the tally counts an already-member apart, not as a join, beside the stall’s count from the server', async () => {
    const page = await signInAtStall(await browser.context.newPage(), server.url, setup);
    const stall = new EnrollPage(page);
    const w = worker(8);
    await stall.enroll(w);
    await stall.recordConsultation('legal');
    const queue = new QueuePage(page);
    await queue.open();
    await queue.expectCounts({ pending: 0, sent: 2, rejected: 0 });
    await new AppMenu(page).go('登记');
    // The same person again: the device no longer holds the first record's ID number; the server knows them.
    await stall.enroll(w);
    await page.locator('[data-tally=existing]', { hasText: '1' }).waitFor();
    expect(await stall.tally()).toEqual({ enrolled: 1, consultations: 1 });
    expect(await page.locator('.tally-title').textContent()).toBe('本机今日');
    await page.locator('[data-stall-today="1,1,1,0"]').waitFor();
    await shot(page, 'tally-zh');
    await page.locator('button.lang').click();
    await page.locator('.tally-title', { hasText: 'This device today' }).waitFor();
    await shot(page, 'tally-en');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
