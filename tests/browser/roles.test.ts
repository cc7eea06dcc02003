/**
 * Every role's own way in, in real Chromium at phone and desktop sizes, zh-CN and English: after
 * sign-in staff land at their stall, a supervisor at theirs (or the dashboard when today has none), an
 * admin at /admin; each menu lists exactly the role's pages; a page a role may not use says so with a
 * way back; the audit screen filters and pages; axe finds nothing serious on any of these screens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { createServerStore, describeEachServerEngine, type ServerStore } from '../support/server-store';
import { AppMenu } from './pages/app-menu';
import { AppShell } from './pages/app-shell';
import { AuditPage } from './pages/audit-page';
import { Layout, oneCharLines } from './pages/layout';
import { NoAccessPage } from './pages/no-access-page';
import { openSignedIn, SignInPage } from './pages/sign-in-page';
import { api, serverToday, setUpStall, type StallSetup } from './support/api-setup';
import { seriousA11yViolations } from './support/axe';
import { launchBrowser, type BrowserSession } from './support/chromium';

const ADMIN_PASSWORD = 'admin-password-1';
const SIZES = [
  { width: 360, height: 640 },
  { width: 1280, height: 800 },
] as const;
const SUPERVISOR = { username: 'sup.chaoyang', password: 'supervisor-pass-1' };
const QUIET_SUPERVISOR = { username: 'sup.miyun', password: 'supervisor-pass-2' };
/** Stalls the admin makes for the audit log to have more than one page of them (the screen shows 50). */
const EXTRA_STALLS = 61;

const MENUS = {
  staff: { zh: [['登记', '/'], ['记录队列', '/queue'], ['我的账号', '/account']], en: [['Enroll', '/'], ['Queue', '/queue'], ['My account', '/account']] },
  supervisor: {
    zh: [['登记', '/'], ['记录队列', '/queue'], ['统计', '/dashboard'], ['我的账号', '/account']],
    en: [['Enroll', '/'], ['Queue', '/queue'], ['Statistics', '/dashboard'], ['My account', '/account']],
  },
  admin: {
    zh: [['统计', '/dashboard'], ['管理', '/admin'], ['审计日志', '/audit'], ['我的账号', '/account']],
    en: [['Statistics', '/dashboard'], ['Admin', '/admin'], ['Audit log', '/audit'], ['My account', '/account']],
  },
} as const;

let store: ServerStore;
let server: ServerProcess;
let setup: StallSetup;


/** A new page of `browser`, signed in at this file's server. */
const signedIn = (browser: BrowserSession, username: string, password: string) => openSignedIn(browser.context, server.url, username, password);

/** For each size and language: the menu has exactly `role`'s pages, and axe finds nothing serious on the screen shown (menu closed and open). */
async function checkMenuEverywhere(page: Page, role: keyof typeof MENUS, shot: string): Promise<void> {
  const shell = new AppShell(page);
  const menu = new AppMenu(page);
  for (const lang of ['zh-CN', 'en'] as const) {
    if ((await page.evaluate(() => document.documentElement.lang)) !== lang) await shell.switchLanguage();
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      const entries = await menu.entries();
      expect(entries.map((e) => [e.name, e.href])).toEqual(MENUS[role][lang === 'zh-CN' ? 'zh' : 'en']);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await menu.open();
      expect(await seriousA11yViolations(page)).toEqual([]);
      const layout = new Layout(page);
      expect(await layout.widerThanViewport()).toEqual([]);
      expect((await layout.lines('h1, h2, h3, button, .menu-link')).filter(oneCharLines)).toEqual([]);
      await page.screenshot({ path: `/tmp/roles-${shot}-${size.width}-${lang}.png` });
      await page.keyboard.press('Escape');
    }
  }
  await shell.switchLanguage(); // back to zh-CN for what follows
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
}

describeEachServerEngine('roles and the audit screen in Chromium', (engine) => {
  beforeAll(async () => {
    store = await createServerStore(engine, 'ruhui-roles-');
    server = await startServerProcess({ ...store.env, RUHUI_ADMIN_PASSWORD: ADMIN_PASSWORD });
    setup = await setUpStall(server.url, ADMIN_PASSWORD);
    const token = setup.adminToken;
    await api(server.url, '/api/users', { method: 'POST', token, body: { ...SUPERVISOR, role: 'supervisor', orgId: setup.orgId } });
    const me = await api<{ org: { id: string } }>(server.url, '/api/me', { token });
    const miyun = await api<{ id: string }>(server.url, '/api/orgs', { method: 'POST', token, body: { parentId: me.org.id, name: '密云区总工会', level: 'district', code: '110118' } });
    await api(server.url, '/api/users', { method: 'POST', token, body: { ...QUIET_SUPERVISOR, role: 'supervisor', orgId: miyun.id } });
    const far = await api<{ id: string }>(server.url, '/api/orgs', { method: 'POST', token, body: { parentId: me.org.id, name: '延庆区总工会', level: 'district', code: '110119' } });
    for (let i = 0; i < EXTRA_STALLS; i++) {
      await api(server.url, '/api/stalls', { method: 'POST', token, body: { name: `延庆摊位 ${i + 1}`, orgId: far.id, date: serverToday() } });
    }
  });
  afterAll(async () => {
    await server?.stop();
    await store?.drop();
  });

  describe('each role’s own way in', () => {
    it('staff land at their stall; their menu has enroll and queue; /admin, /audit and /dashboard say plainly they are not theirs', async () => {
      const browser = await launchBrowser();
      try {
        const page = await signedIn(browser, setup.username, setup.password);
        await page.getByRole('heading', { name: '选择今天的摊位' }).waitFor();
        expect(new URL(page.url()).pathname).toBe('/');
        await checkMenuEverywhere(page, 'staff', 'staff');
        const noAccess = new NoAccessPage(page);
        for (const path of ['/admin', '/audit', '/dashboard']) {
          expect(await noAccess.open(server.url, path), path).toBe('您的账号不能使用此页面');
          expect(await page.locator('form').count()).toBe(0);
          expect(await seriousA11yViolations(page)).toEqual([]);
        }
        await page.screenshot({ path: '/tmp/roles-staff-no-access.png' });
        expect(await noAccess.back()).toBe('/');
      } finally {
        await browser.close();
      }
    });

    it('a supervisor with a stall today lands there; one without lands on the dashboard; /admin and /audit are not theirs', async () => {
      const browser = await launchBrowser();
      try {
        const page = await signedIn(browser, SUPERVISOR.username, SUPERVISOR.password);
        await page.getByRole('heading', { name: '选择今天的摊位' }).waitFor();
        expect(new URL(page.url()).pathname).toBe('/');
        await checkMenuEverywhere(page, 'supervisor', 'supervisor');
        const noAccess = new NoAccessPage(page);
        for (const path of ['/admin', '/audit']) {
          expect(await noAccess.open(server.url, path), path).toBe('您的账号不能使用此页面');
          expect(await page.locator('.no-access p').textContent()).toContain('管理员');
          expect(await seriousA11yViolations(page)).toEqual([]);
        }
        await page.setViewportSize({ width: 360, height: 640 });
        await page.screenshot({ path: '/tmp/roles-supervisor-no-access.png' });
        expect(await noAccess.back()).toBe('/');
      } finally {
        await browser.close();
      }
      const quiet = await launchBrowser();
      try {
        const page = await signedIn(quiet, QUIET_SUPERVISOR.username, QUIET_SUPERVISOR.password);
        await page.waitForURL(/\/dashboard$/);
        await page.locator('section.dashboard').waitFor();
        expect(await seriousA11yViolations(page)).toEqual([]);
      } finally {
        await quiet.close();
      }
    });

    it('an admin lands on /admin; the menu has statistics, admin and the audit log; the stall app is not theirs', async () => {
      const browser = await launchBrowser();
      try {
        const page = await signedIn(browser, 'admin', ADMIN_PASSWORD);
        await page.waitForURL(/\/admin$/);
        await page.locator('section.admin').waitFor();
        await checkMenuEverywhere(page, 'admin', 'admin');
        expect(await new NoAccessPage(page).open(server.url, '/queue')).toBe('您的账号不能使用此页面');
        expect(await seriousA11yViolations(page)).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  });

  describe('the audit screen', () => {
    it('filters by action and user, pages through them, at phone and desktop sizes in both languages', async () => {
      const browser = await launchBrowser();
      try {
        const page = await signedIn(browser, 'admin', ADMIN_PASSWORD);
        await page.waitForURL(/\/admin$/);
        await new AppMenu(page).go('审计日志');
        const audit = new AuditPage(page);
        await audit.waitUntilShown();
        // Stalls made today by the admin: the one of setUpStall and EXTRA_STALLS more.
        await audit.filter({ user: 'admin', action: '创建摊位' });
        const first = await audit.entries();
        expect(first).toHaveLength(50);
        expect(first.every((e) => e.what === '创建摊位' && e.who === 'admin')).toBe(true);
        expect(await audit.state()).toBe('第 1 页');
        expect(await audit.canGoNext()).toBe(true);
        await audit.next();
        const second = await audit.entries();
        expect(second).toHaveLength(EXTRA_STALLS + 1 - 50);
        expect(await audit.state()).toBe('第 2 页 · 已是最后一页');
        expect(await audit.canGoNext()).toBe(false);
        expect(new Set([...first, ...second].map((e) => e.target)).size).toBe(EXTRA_STALLS + 1);
        expect(await seriousA11yViolations(page)).toEqual([]);
        await audit.previous();
        expect((await audit.entries()).map((e) => e.target)).toEqual(first.map((e) => e.target));

        // Sign-ins only: the admin's and the supervisors' made here.
        await audit.filter({ user: '', action: '登录' });
        expect((await audit.entries()).every((e) => e.what === '登录')).toBe(true);
        // A day range with nothing in it.
        await audit.filter({ from: '2020-01-01', to: '2020-01-02', action: '' });
        expect(await page.locator('.audit-none').textContent()).toBe('没有符合条件的记录');
        await audit.filter({ from: serverToday(), to: serverToday(), action: '创建摊位', user: 'admin' });

        const shell = new AppShell(page);
        for (const lang of ['zh-CN', 'en'] as const) {
          if ((await page.evaluate(() => document.documentElement.lang)) !== lang) await shell.switchLanguage();
          await page.waitForFunction((l) => document.documentElement.lang === l, lang);
          for (const size of SIZES) {
            await page.setViewportSize(size);
            expect(await seriousA11yViolations(page)).toEqual([]);
            const layout = new Layout(page);
            expect(await layout.widerThanViewport()).toEqual([]);
            expect((await layout.lines('h1, h2, h3, button, label')).filter(oneCharLines)).toEqual([]);
            await page.screenshot({ path: `/tmp/roles-audit-${size.width}-${lang}.png`, fullPage: size.width < 400 });
          }
        }
        expect((await audit.entries())[0]?.what).toBe('Stall created');
      } finally {
        await browser.close();
      }
    });
  });
});
