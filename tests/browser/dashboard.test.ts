/**
 * The supervisor's dashboard in real Chromium against a real server: a district supervisor signs in,
 * sees today's counts once a staff device has synced and a worker has self-registered (through the
 * join API: the join page itself is not built yet), switches grouping, downloads the CSV, and watches
 * live mode update the counts without a reload (its period shortened by `?refresh=1`). Another
 * district's stall never shows. Phone and desktop, zh-CN and English, axe, screenshots.
 */
import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { enrollment, syncBody } from '../support/records';
import { parseCsv } from '../support/csv';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { createServerStore, describeEachServerEngine, type ServerStore } from '../support/server-store';
import { AppShell } from './pages/app-shell';
import { DashboardPage } from './pages/dashboard-page';
import { EnrollPage } from './pages/enroll-page';
import { SignInPage } from './pages/sign-in-page';
import { SyncStatusBar } from './pages/sync-status';
import { api, serverToday, setUpStall, type StallSetup } from './support/api-setup';
import { seriousA11yViolations } from './support/axe';
import { launchBrowser, type BrowserSession } from './support/chromium';
import { signInAtStall } from './support/stall-world';
import { worker } from './support/workers';
import { dashboard } from '../../src/shared/i18n/dashboard';
import { Layout } from './pages/layout';

const ADMIN_PASSWORD = 'admin-password-1';
const SUPERVISOR = { username: 'sup.chaoyang', password: 'supervisor-pass-1' };
const SHOTS = path.resolve('test-results/dashboard');


describeEachServerEngine('supervisor dashboard in Chromium', (engine) => {
  let store: ServerStore;
  let server: ServerProcess;
  let setup: StallSetup;
  let staffBrowser: BrowserSession;
  let supBrowser: BrowserSession;
  let staffPage: Page;
  let joinToken: string;

  /** A worker registers on their own phone: the join API, as the join page posts it. */
  const selfRegister = async (n: number) => {
    const e = enrollment({ stallId: setup.stall.id, n });
    await api(server.url, `/api/join/${joinToken}`, { method: 'POST', body: { id: e.id, createdAt: e.createdAt, person: e.person, services: e.services, consent: e.consent } });
  };

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    store = await createServerStore(engine, 'ruhui-browser-dash-');
    server = await startServerProcess({ ...store.env, RUHUI_ADMIN_PASSWORD: ADMIN_PASSWORD });
    setup = await setUpStall(server.url, ADMIN_PASSWORD);
    const admin = await api<{ token: string }>(server.url, '/api/auth/login', { method: 'POST', body: { username: 'admin', password: ADMIN_PASSWORD } });
    const me = await api<{ org: { id: string } }>(server.url, '/api/me', { token: admin.token });
    await api(server.url, '/api/users', { method: 'POST', token: admin.token, body: { ...SUPERVISOR, role: 'supervisor', orgId: setup.orgId } });
    const day = serverToday();
    // A second stall of the district that sends nothing, and another district's stall that does.
    await api(server.url, '/api/stalls', { method: 'POST', token: admin.token, body: { name: '酒仙桥摊位', orgId: setup.orgId, date: day } });
    const haidian = await api<{ id: string }>(server.url, '/api/orgs', { method: 'POST', token: admin.token, body: { parentId: me.org.id, name: '海淀区总工会', level: 'district', code: '110108' } });
    const far = await api<{ id: string }>(server.url, '/api/stalls', { method: 'POST', token: admin.token, body: { name: '中关村摊位', orgId: haidian.id, date: day } });
    await api(server.url, '/api/users', { method: 'POST', token: admin.token, body: { username: 'staff.li', password: 'stall-password-2', role: 'staff', orgId: haidian.id } });
    const li = await api<{ token: string }>(server.url, '/api/auth/login', { method: 'POST', body: { username: 'staff.li', password: 'stall-password-2' } });
    await api(server.url, '/api/sync', { method: 'POST', token: li.token, body: syncBody([enrollment({ stallId: far.id, n: 900 })], { deviceId: crypto.randomUUID() }) });
    const stalls = await api<{ id: string; joinToken: string }[]>(server.url, `/api/stalls?from=${day}&to=${day}`, { token: admin.token });
    joinToken = stalls.find((s) => s.id === setup.stall.id)!.joinToken;

    // A staff device enrolls two workers and syncs them; a third registers on their own phone.
    staffBrowser = await launchBrowser();
    staffPage = await signInAtStall(await staffBrowser.context.newPage(), server.url, setup);
    const enroll = new EnrollPage(staffPage);
    await enroll.enroll(worker(0));
    await enroll.enroll(worker(1));
    await new SyncStatusBar(staffPage).expectWaiting(0);
    await selfRegister(5);
    supBrowser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await staffBrowser?.close();
    await supBrowser?.close();
    await server?.stop();
    await store?.drop();
  });

  it("shows the supervisor today's counts of their district, by stall and by channel, and exports them as CSV", async () => {
    const page = await supBrowser.context.newPage();
    await new AppShell(page).open(server.url);
    await new SignInPage(page).waitUntilShown();
    await new SignInPage(page).signIn(SUPERVISOR.username, SUPERVISOR.password);
    const dash = new DashboardPage(page);
    await dash.open();

    expect(await dash.headers()).toEqual(['摊位', '新入会', '已是会员', '咨询']);
    expect(await dash.rows()).toEqual([['望京摊位', '3', '0', '0']]);
    expect(await dash.totals()).toEqual([3, 0, 0]);
    expect(await page.locator('.dashboard').textContent()).not.toContain('中关村摊位');
    await page.screenshot({ path: path.join(SHOTS, `phone-zh-${engine}.png`), fullPage: true });
    expect(await seriousA11yViolations(page)).toEqual([]);

    await dash.groupBy(['channel']);
    expect(await dash.headers()).toEqual(['渠道', '新入会', '已是会员', '咨询']);
    expect(await dash.rows()).toEqual([
      ['现场登记', '2', '0', '0'],
      ['扫码自助', '1', '0', '0'],
    ]);

    const csv = await dash.download('csv');
    const today = serverToday();
    expect(csv.name).toBe(`ruhui-stats-${today}_${today}.csv`);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(csv.bytes.subarray(3).toString('utf8'));
    expect(header).toEqual(['渠道', '新入会', '已是会员', '咨询']);
    expect(rows).toEqual([
      ['现场登记', '2', '0', '0'],
      ['扫码自助', '1', '0', '0'],
    ]);
    const sums = [1, 2, 3].map((i) => rows.reduce((n, r) => n + Number(r[i]), 0));
    expect(sums).toEqual(await dash.totals());
    await page.close();
  });

  it('live mode names the stalls that sent nothing and updates the counts without a reload', async () => {
    const page = await supBrowser.context.newPage();
    await new AppShell(page).open(server.url); // still signed in on this profile
    const dash = new DashboardPage(page);
    await dash.open(1);
    await dash.setLive(true);
    expect(await dash.silentStalls()).toEqual(['酒仙桥摊位']);
    await dash.waitForTotals([3, 0, 0]);
    const before = await dash.updatedText();
    expect(before).toMatch(/^最后更新：\d{2}:\d{2}:\d{2}$/);
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));

    await new EnrollPage(staffPage).enroll(worker(2));
    await new SyncStatusBar(staffPage).expectWaiting(0);
    await selfRegister(6);
    await dash.waitForTotals([5, 0, 0]);
    expect(await dash.rows()).toEqual([['望京摊位', '5', '0', '0']]);
    expect(await page.evaluate(() => 'sameDocument' in window)).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, `phone-zh-live-${engine}.png`), fullPage: true });
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Desktop, in English.
    await page.setViewportSize({ width: 1280, height: 800 });
    await new AppShell(page).switchLanguage();
    await page.getByRole('heading', { name: 'Enrollment statistics' }).waitFor();
    await dash.groupBy(['street', 'stall', 'occupation', 'channel']);
    expect(await dash.headers()).toEqual(['Street', 'Stall', 'Occupation', 'Channel', 'Enrolled', 'Already members', 'Consultations']);
    expect(await page.locator('.dash-silent h3').textContent()).toBe('Stalls that have sent nothing yet today (1)');
    expect(await dash.updatedText()).toMatch(/^Last updated: \d{2}:\d{2}:\d{2}$/);
    await page.screenshot({ path: path.join(SHOTS, `desktop-en-${engine}.png`), fullPage: true });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.close();
  });

  it('shows an admin of the city every district, and downloads the member roster with a reason (masked, then full)', async () => {
    const adminBrowser = await launchBrowser();
    try {
      const page = await adminBrowser.context.newPage();
      await new AppShell(page).open(server.url);
      await new SignInPage(page).waitUntilShown();
      await new SignInPage(page).signIn('admin', ADMIN_PASSWORD);
      const dash = new DashboardPage(page);
      await dash.open();
      // The city's admin sees the other district's stall too (one record synced there).
      const rows = await dash.rows();
      expect(rows.map((r) => r[0]).sort()).toEqual(['中关村摊位', '望京摊位']);
      expect(rows.find((r) => r[0] === '中关村摊位')).toEqual(['中关村摊位', '1', '0', '0']);
      await page.getByRole('heading', { name: '新会员名册' }).waitFor();

      // No reason: the form says so, and nothing is downloaded.
      expect(await dash.rosterProblem(' ')).toBe('请填写导出原因（2–200 字）');
      await page.screenshot({ path: path.join(SHOTS, `phone-zh-roster-${engine}.png`), fullPage: true });
      expect(await seriousA11yViolations(page)).toEqual([]);

      const today = serverToday();
      const readSheet = async (bytes: Buffer) => {
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(bytes as unknown as ExcelJS.Buffer);
        const sheet = book.worksheets[0]!;
        const out: string[][] = [];
        sheet.eachRow((row) => out.push(Array.from({ length: 15 }, (_, i) => String(row.getCell(i + 1).text))));
        return out;
      };
      const masked = await dash.downloadRoster('登记入会会员系统');
      expect(masked.name).toBe(`ruhui-members-${today}_${today}.xlsx`);
      const [header, ...members] = await readSheet(masked.bytes);
      expect(header!.slice(0, 3)).toEqual(['姓名', '证件类型', '证件号码']);
      // Every new member of the city today: the staff device's three, the two self-registrations, the other district's one.
      expect(members).toHaveLength(6);
      for (const m of members) {
        expect(m[2]).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
        expect(m[6]).toMatch(/^1\d{2}\*{4}\d{4}$/);
      }

      // Desktop, in English, full values.
      await page.setViewportSize({ width: 1280, height: 800 });
      await new AppShell(page).switchLanguage();
      await page.getByRole('heading', { name: 'New-member roster' }).waitFor();
      const full = await dash.downloadRoster('register in the membership system', true);
      // Full values are asked for each time: the box is clear again, and so is the reason.
      expect(await page.locator('.dash-roster input[name=full]').isChecked()).toBe(false);
      expect(await page.locator('.dash-roster input[name=reason]').inputValue()).toBe('');
      const [enHeader, ...fullRows] = await readSheet(full.bytes);
      expect(enHeader!.slice(0, 3)).toEqual(['name', 'ID type', 'ID number']);
      expect(fullRows).toHaveLength(6);
      for (const m of fullRows) {
        expect(m[2]).toMatch(/^\d{17}[\dX]$/);
        expect(m[6]).toMatch(/^1\d{10}$/);
      }
      await page.screenshot({ path: path.join(SHOTS, `desktop-en-roster-${engine}.png`), fullPage: true });
      expect(await seriousA11yViolations(page)).toEqual([]);

      // The other two pairings: English on the phone, Chinese on the desktop, the refusal in each.
      await page.setViewportSize({ width: 360, height: 640 });
      expect(await dash.rosterProblem(' ')).toBe(dashboard.en['stats.reason_required']);
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(await new Layout(page).widerThanViewport()).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `phone-en-roster-${engine}.png`), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 800 });
      await new AppShell(page).switchLanguage();
      await page.getByRole('heading', { name: '新会员名册' }).waitFor();
      expect(await dash.rosterProblem(' ')).toBe(dashboard.zh['stats.reason_required']);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `desktop-zh-roster-${engine}.png`), fullPage: true });

      // Both exports are in the audit log, with the reason and whether values were full.
      const login = await api<{ token: string }>(server.url, '/api/auth/login', { method: 'POST', body: { username: 'admin', password: ADMIN_PASSWORD } });
      const log = await api<{ items: { action: string; target: string | null }[] }>(server.url, '/api/audit?action=members.export', { token: login.token });
      expect(log.items.map((i) => i.target).sort()).toEqual([
        `members.xlsx:${today}..${today}:full:register in the membership system`,
        `members.xlsx:${today}..${today}:masked:登记入会会员系统`,
      ]);
    } finally {
      await adminBrowser.close();
    }
  });
});
