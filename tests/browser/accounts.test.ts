/**
 * Running accounts in Chromium, on each engine: an admin sets a temporary password and the user is
 * made to choose their own at the next sign-in before anything else opens; a user changes their own
 * password (a wrong current one is said beside its field); a user ends one of their signed-in devices
 * and that device is signed out while this one stays; an admin disables an account (its sign-ins end,
 * sign-in is refused in the user's language) and enables it again. Every screen at 360×640 and
 * 1280×800, in zh-CN and English, with axe and no text past the screen's edge.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { createServerStore, describeEachServerEngine, type ServerStore } from '../support/server-store';
import { AccountPage } from './pages/account-page';
import { AppMenu } from './pages/app-menu';
import { AppShell } from './pages/app-shell';
import { Layout } from './pages/layout';
import { openSignedIn, SignInPage } from './pages/sign-in-page';
import { api, setUpStall, type StallSetup } from './support/api-setup';
import { seriousA11yViolations } from './support/axe';
import { launchBrowser, type BrowserSession } from './support/chromium';

const ADMIN_PASSWORD = 'admin-password-1';
const SIZES = [
  { width: 360, height: 640 },
  { width: 1280, height: 800 },
] as const;

/** At each size in each language: nothing serious for axe, nothing wider than the screen; a screenshot to look at. Leaves the page in zh-CN. */
async function checkEverywhere(page: Page, shot: string, expectText: { zh: string; en: string }): Promise<void> {
  const shell = new AppShell(page);
  for (const lang of ['zh-CN', 'en'] as const) {
    if ((await page.evaluate(() => document.documentElement.lang)) !== lang) await shell.switchLanguage();
    await shell.expectLang(lang);
    await page.getByText(lang === 'en' ? expectText.en : expectText.zh, { exact: false }).first().waitFor();
    for (const size of SIZES) {
      await page.setViewportSize(size);
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(await new Layout(page).widerThanViewport()).toEqual([]);
      await page.screenshot({ path: `/tmp/accounts-${shot}-${size.width}-${lang}.png`, fullPage: true });
    }
  }
  await shell.switchLanguage();
  await shell.expectLang('zh-CN');
  await page.setViewportSize(SIZES[0]);
}


describeEachServerEngine('accounts in Chromium', (engine) => {
  let store: ServerStore;
  let server: ServerProcess;
  let setup: StallSetup;
  const browsers: BrowserSession[] = [];
  const launch = async () => {
    const b = await launchBrowser();
    browsers.push(b);
    return b;
  };

  beforeAll(async () => {
    store = await createServerStore(engine, 'ruhui-accounts-');
    server = await startServerProcess({ ...store.env, RUHUI_ADMIN_PASSWORD: ADMIN_PASSWORD });
    setup = await setUpStall(server.url, ADMIN_PASSWORD);
  });
  afterAll(async () => {
    for (const b of browsers) await b.close();
    await server?.stop();
    await store?.drop();
  });

  it('temporary password → forced change; own change; ending one device; disable and enable', async () => {
    // The admin opens the staff member's account at /admin and sets a temporary password.
    const adminBrowser = await launch();
    const admin = await openSignedIn(adminBrowser.context, server.url, 'admin', ADMIN_PASSWORD);
    await admin.getByRole('button', { name: '用户' }).click();
    await admin.getByRole('button', { name: `账号管理：${setup.username}` }).click();
    const temp = admin.getByLabel('临时密码');
    await temp.fill('short');
    await admin.getByRole('button', { name: '设置临时密码' }).click();
    expect(await admin.locator('[id$="-temp-error"]').textContent()).toMatch(/密码/);
    await temp.fill('temporary-pass-1');
    await admin.getByRole('button', { name: '设置临时密码' }).click();
    await admin.getByText(`已为“${setup.username}”设置临时密码，下次登录时须修改`).waitFor();
    await admin.getByText('待改临时密码').waitFor();
    await checkEverywhere(admin, 'admin-manage', { zh: '账号管理：', en: 'Manage account:' });

    // The staff member signs in with it: only the forced change opens, no menu, no stall.
    const phone = await launch();
    const page = await phone.context.newPage();
    await new AppShell(page).open(server.url);
    const signIn = new SignInPage(page);
    await signIn.waitUntilShown();
    expect(await signIn.attempt(setup.username, 'temporary-pass-1')).toBe(200);
    await page.locator('#forced-title').waitFor();
    expect(await page.getByRole('navigation').count()).toBe(0);
    expect(await page.locator('input[name=currentPassword]').count()).toBe(0);
    const forced = new AccountPage(page);
    await forced.changePassword({ next: 'my-own-pass-1', confirm: 'my-own-pass-2' });
    expect(await forced.fieldError('confirm')).toBe('两次输入的新密码不一致');
    await forced.changePassword({ next: 'temporary-pass-1' });
    expect(await forced.fieldError('newPassword')).toBe('新密码不能与当前密码相同');
    await checkEverywhere(page, 'forced', { zh: '请设置新密码', en: 'Set a new password' });
    // Nothing of the pending sign-in is kept on the device before the change.
    expect(await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, fail) => { const r = indexedDB.open('ruhui'); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
      const names = [...db.objectStoreNames];
      if (!names.includes('session')) return 0;
      return new Promise<number>((ok) => { const c = db.transaction('session').objectStore('session').count(); c.onsuccess = () => ok(c.result); });
    })).toBe(0);
    await forced.changePassword({ next: 'my-own-pass-1' });
    await page.getByRole('navigation').waitFor();
    // The old temporary password no longer signs in; the admin's list no longer says it is pending.
    const login = (password: string) => fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: setup.username, password }) });
    expect((await login('temporary-pass-1')).status).toBe(401);
    await admin.reload();
    await admin.getByRole('button', { name: '用户' }).click();
    await admin.getByRole('button', { name: `账号管理：${setup.username}` }).waitFor();
    expect(await admin.getByText('待改临时密码').count()).toBe(0);

    // Own change under "My account": a wrong current password is said beside its field; then it works.
    await new AppMenu(page).go('我的账号');
    const account = new AccountPage(page);
    await account.waitUntilShown();
    await account.changePassword({ current: 'not-my-password', next: 'my-newer-pass-1' });
    expect(await account.fieldError('currentPassword')).toBe('当前密码不正确');
    await account.changePassword({ current: 'my-own-pass-1', next: 'my-newer-pass-1' });
    expect(await account.changedNotice()).toBe('密码已修改，其他设备上的登录已结束');

    // A second phone signs in; the first lists both and ends the second one's sign-in.
    const second = await launch();
    const other = await openSignedIn(second.context, server.url, setup.username, 'my-newer-pass-1');
    await page.reload();
    await account.waitUntilShown();
    await page.waitForFunction(() => document.querySelectorAll('main .device').length === 2);
    const devices = await account.devices();
    expect(devices.map((d) => d.current)).toEqual([false, true]);
    expect(devices[1]!.text).toContain('本机');
    expect(devices[0]!.text).toMatch(/Chrom/);
    await checkEverywhere(page, 'account', { zh: '已登录的设备', en: 'Signed-in devices' });
    await account.endOtherDevice();
    expect((await account.devices()).map((d) => d.current)).toEqual([true]);
    // The ended phone is told to sign in again at its next call; this one still works.
    await other.reload();
    await other.getByText('登录已过期').first().waitFor();
    expect((await api<unknown[]>(server.url, '/api/me/devices', { token: await sessionToken(page) })).length).toBe(1);

    // The admin disables the account: this phone's sign-in ends, signing in again is refused in words.
    await admin.getByRole('button', { name: `账号管理：${setup.username}` }).click();
    admin.once('dialog', (d) => void d.accept());
    await admin.getByRole('button', { name: '停用账号' }).click();
    await admin.getByText(`已停用“${setup.username}”，其所有登录已结束`).waitFor();
    await admin.getByText('已停用', { exact: true }).waitFor();
    await page.reload();
    await page.getByText('登录已过期').first().waitFor();
    const fresh = await (await launch()).context.newPage();
    await new AppShell(fresh).open(server.url);
    const refused = new SignInPage(fresh);
    await refused.waitUntilShown();
    expect(await refused.attempt(setup.username, 'my-newer-pass-1')).toBe(403);
    expect(await refused.error()).toBe('该账号已停用，请联系管理员');
    await new AppShell(fresh).switchLanguage();
    expect(await refused.attempt(setup.username, 'my-newer-pass-1')).toBe(403);
    expect(await refused.error()).toBe('This account is disabled; please ask an admin');
    expect(await seriousA11yViolations(fresh)).toEqual([]);

    // Enabled again, the same password signs in.
    await admin.getByRole('button', { name: '重新启用' }).click();
    await admin.getByText(`已重新启用“${setup.username}”`).waitFor();
    expect((await login('my-newer-pass-1')).status).toBe(200);
  });

  it('a supervisor and an admin have "My account" too (each size and language, axe); an admin cannot disable themselves', async () => {
    const supervisor = { username: 'sup.accounts', password: 'supervisor-pass-1' };
    await api(server.url, '/api/users', { method: 'POST', token: setup.adminToken, body: { ...supervisor, role: 'supervisor', orgId: setup.orgId } });
    const supPage = await openSignedIn((await launch()).context, server.url, supervisor.username, supervisor.password);
    await new AppMenu(supPage).go('我的账号');
    await new AccountPage(supPage).waitUntilShown();
    expect((await new AccountPage(supPage).devices()).map((d) => d.current)).toEqual([true]);
    await checkEverywhere(supPage, 'account-supervisor', { zh: '已登录：sup.accounts', en: 'Signed in as sup.accounts' });

    const browser = await launch();
    const admin = await openSignedIn(browser.context, server.url, 'admin', ADMIN_PASSWORD);
    await new AppMenu(admin).go('我的账号');
    const account = new AccountPage(admin);
    await account.waitUntilShown();
    expect((await account.devices()).some((d) => d.current)).toBe(true);
    await checkEverywhere(admin, 'account-admin', { zh: '已登录：admin', en: 'Signed in as admin' });
    await new AppMenu(admin).go('管理');
    await admin.getByRole('button', { name: '用户' }).click();
    await admin.getByRole('button', { name: '账号管理：admin' }).click();
    await admin.getByText('不能对自己的账号这样操作').waitFor();
    expect(await admin.getByRole('button', { name: '停用账号' }).count()).toBe(0);
    expect(await seriousA11yViolations(admin)).toEqual([]);
  });
});

/** The session token the app keeps in IndexedDB (to ask the server what it lists, as the page would). */
async function sessionToken(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => { const r = indexedDB.open('ruhui'); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
    return new Promise<string>((ok) => {
      const all = db.transaction('session').objectStore('session').getAll();
      all.onsuccess = () => ok((all.result[0] as { token: string }).token);
    });
  });
}
