/**
 * The admin's "add" forms in Chromium, on each engine: a wrong value is refused beside its field with
 * the shared schema's words in the user's language (never the browser's bubble), before anything is
 * sent; "已保存" shows after a save and goes at the next edit; a right entry lands in the list. Each
 * tab at 360×640 and 1280×800 in zh-CN and English, with axe and nothing wider than the screen.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { accounts } from '../../src/shared/i18n/accounts';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { createServerStore, describeEachServerEngine, type ServerStore } from '../support/server-store';
import { AppShell } from './pages/app-shell';
import { Layout } from './pages/layout';
import { SignInPage } from './pages/sign-in-page';
import { seriousA11yViolations } from './support/axe';
import { launchBrowser, type BrowserSession } from './support/chromium';

const ADMIN_PASSWORD = 'admin-password-1';
const SIZES = [
  { width: 360, height: 640 },
  { width: 1280, height: 800 },
] as const;
const zh = accounts.zh;
const en = accounts.en;

/** The message shown under the field with this id, or null. */
const fieldError = (page: Page, id: string) => page.locator(`#${id}-error`).textContent({ timeout: 2_000 }).catch(() => null);

async function submit(page: Page, formOf: string, label: string): Promise<void> {
  await page.locator(`form:has(#${formOf})`).getByRole('button', { name: label }).click();
}

describeEachServerEngine('admin forms in Chromium', (engine) => {
  let store: ServerStore;
  let server: ServerProcess;
  let browser: BrowserSession;
  let page: Page;
  const sent: string[] = [];

  beforeAll(async () => {
    store = await createServerStore(engine, 'ruhui-admin-forms-');
    server = await startServerProcess({ ...store.env, RUHUI_ADMIN_PASSWORD: ADMIN_PASSWORD });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/api\/(orgs|users|stalls)$/.test(new URL(r.url()).pathname)) sent.push(new URL(r.url()).pathname);
    });
    await new AppShell(page).open(server.url);
    const signIn = new SignInPage(page);
    await signIn.waitUntilShown();
    await signIn.signIn('admin', ADMIN_PASSWORD);
    await page.locator('#admin-title').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await store?.drop();
  });

  it('orgs: wrong name and code said beside their fields in zh and en, nothing sent; a right one saved, "saved" gone at the next edit', async () => {
    await page.getByRole('button', { name: '组织' }).click();
    await page.locator('#admin-org-code').fill('bad code!');
    await submit(page, 'admin-org-name', zh['admin.orgs.create']);
    expect(await fieldError(page, 'admin-org-name')).toBe(zh['accounts.invalid.name']);
    expect(await fieldError(page, 'admin-org-code')).toBe(zh['accounts.invalid.code']);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('admin-org-name');
    await page.locator('#admin-org-name').fill('=HYPERLINK("x")');
    await submit(page, 'admin-org-name', zh['admin.orgs.create']);
    expect(await fieldError(page, 'admin-org-name')).toBe(zh['accounts.invalid.formula']);
    // The same refusal in English once the language is switched (the message follows the language).
    await new AppShell(page).switchLanguage();
    await new AppShell(page).expectLang('en');
    expect(await fieldError(page, 'admin-org-name')).toBe(en['accounts.invalid.formula']);
    expect(await fieldError(page, 'admin-org-code')).toBe(en['accounts.invalid.code']);
    await new AppShell(page).switchLanguage();
    await new AppShell(page).expectLang('zh-CN');
    expect(sent).toEqual([]);

    await page.locator('#admin-org-name').fill('朝阳区总工会');
    await page.locator('#admin-org-code').fill('110105');
    await submit(page, 'admin-org-name', zh['admin.orgs.create']);
    await page.getByText(zh['admin.saved'], { exact: true }).waitFor();
    expect(await fieldError(page, 'admin-org-name')).toBeNull();
    await page.locator('.admin-tree').getByText('朝阳区总工会').waitFor();
    await page.locator('#admin-org-name').pressSequentially('望');
    expect(await page.getByText(zh['admin.saved'], { exact: true }).count()).toBe(0);
    expect(sent).toEqual(['/api/orgs']);
  });

  it('users and stalls: the same, and every tab passes axe at phone and desktop sizes in both languages', async () => {
    await page.getByRole('button', { name: '用户' }).click();
    await page.locator('#admin-user-name').fill('x');
    await page.locator('#admin-user-password').fill('short');
    await submit(page, 'admin-user-name', zh['admin.users.create']);
    expect(await fieldError(page, 'admin-user-name')).toBe(zh['accounts.invalid.username']);
    expect(await fieldError(page, 'admin-user-password')).toBe(zh['accounts.invalid.password']);
    await page.locator('#admin-user-name').fill('staff.li');
    await page.locator('#admin-user-password').fill('staff-password-1');
    await submit(page, 'admin-user-name', zh['admin.users.create']);
    await page.getByText(zh['admin.saved'], { exact: true }).waitFor();
    await page.locator('.admin-list').getByText('staff.li').waitFor();

    await page.getByRole('button', { name: '摊位' }).click();
    await page.locator('#admin-stall-name').fill('');
    await page.locator('#admin-stall-location').fill('@SUM(A1)');
    await submit(page, 'admin-stall-name', zh['admin.stalls.create']);
    expect(await fieldError(page, 'admin-stall-name')).toBe(zh['accounts.invalid.name']);
    expect(await fieldError(page, 'admin-stall-location')).toBe(zh['accounts.invalid.formula']);
    await page.locator('#admin-stall-name').fill('望京摊位');
    await page.locator('#admin-stall-location').fill('望京 SOHO 南门');
    await submit(page, 'admin-stall-name', zh['admin.stalls.create']);
    await page.getByText(zh['admin.saved'], { exact: true }).waitFor();
    await page.locator('.admin-list').getByText('望京摊位').waitFor();
    expect(sent).toEqual(['/api/orgs', '/api/users', '/api/stalls']);

    const shell = new AppShell(page);
    for (const lang of ['zh-CN', 'en'] as const) {
      if ((await page.evaluate(() => document.documentElement.lang)) !== lang) await shell.switchLanguage();
      await shell.expectLang(lang);
      const text = lang === 'en' ? en : zh;
      for (const [tab, form] of [['admin.tab.orgs', 'admin-org-name'], ['admin.tab.users', 'admin-user-name'], ['admin.tab.stalls', 'admin-stall-name']] as const) {
        await page.getByRole('button', { name: text[tab], exact: true }).click();
        await page.locator(`#${form}`).waitFor();
        for (const size of SIZES) {
          await page.setViewportSize(size);
          expect(await seriousA11yViolations(page)).toEqual([]);
          expect(await new Layout(page).widerThanViewport()).toEqual([]);
          await page.screenshot({ path: `/tmp/admin-${tab.split('.').pop()}-${size.width}-${lang}.png`, fullPage: true });
        }
      }
    }
  });

  it('a stall list that cannot be read says so with a retry, never stays on "loading", and shows the stalls once it can', async () => {
    const text = (await page.evaluate(() => document.documentElement.lang)) === 'en' ? en : zh;
    await page.getByRole('button', { name: text['admin.tab.orgs'], exact: true }).click();
    let refused = 0;
    await page.route('**/api/stalls*', async (route) => {
      if (route.request().method() !== 'GET') return route.fallback();
      refused++;
      return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'down' } }) });
    });
    await page.getByRole('button', { name: text['admin.tab.stalls'], exact: true }).click();
    const retry = page.getByRole('alert').getByRole('button', { name: text['admin.retry'] });
    await retry.waitFor();
    expect(refused).toBeGreaterThan(0);
    expect(await page.getByText(text['admin.loading']).count()).toBe(0);
    await page.unroute('**/api/stalls*');
    await retry.click();
    // The stall the test above added.
    await page.locator('.admin-list').getByText('望京摊位').waitFor();
    expect(await retry.count()).toBe(0);
  });
});
