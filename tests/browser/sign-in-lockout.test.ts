/**
 * The sign-in lock-out in Chromium: a browser that signed in as `admin` before keeps its device cookie
 * (HttpOnly, out of page scripts' reach) and signs in while guesses from another browser have locked
 * `admin` for unknown devices; the other browser is told how many minutes to wait, in Chinese and
 * English, at phone and desktop sizes, with no serious axe findings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { USERNAME_LIMIT } from '../../src/server/auth/throttle';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { createServerStore, type ServerStore } from '../support/server-store';
import { AppMenu } from './pages/app-menu';
import { AppShell } from './pages/app-shell';
import { Layout } from './pages/layout';
import { SignInPage } from './pages/sign-in-page';
import { seriousA11yViolations } from './support/axe';
import { launchBrowser, type BrowserSession } from './support/chromium';

const ADMIN_PASSWORD = 'admin-password-1';

/** The refusal at a phone's and a desktop's size: nothing serious for axe, nothing past the screen's edge. */
async function readableAtEachSize(page: Page, lang: string): Promise<void> {
  for (const size of [{ width: 360, height: 640 }, { width: 1280, height: 800 }]) {
    await page.setViewportSize(size);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await new Layout(page).widerThanViewport()).toEqual([]);
    await page.screenshot({ path: `/tmp/sign-in-locked-${size.width}-${lang}.png` });
  }
  await page.setViewportSize({ width: 360, height: 640 });
}

describe('sign-in lock-out in Chromium', () => {
  let store: ServerStore;
  let server: ServerProcess;
  const browsers: BrowserSession[] = [];

  beforeAll(async () => {
    // The lock-out's counters on each engine, and across two servers, are proven in tests/integration/api/lockout*.test.ts; here the screen.
    store = await createServerStore('sqlite', 'ruhui-browser-');
    server = await startServerProcess({ ...store.env, RUHUI_ADMIN_PASSWORD: ADMIN_PASSWORD });
  });
  afterAll(async () => {
    for (const b of browsers) await b.close();
    await server?.stop();
    await store?.drop();
  });

  it('the known browser signs in while admin is locked; an unknown one is told the minutes to wait (zh, en, 360x640 and 1280x800, axe)', async () => {
    // The admin's own phone signed in before, and signed out.
    const known = await launchBrowser();
    browsers.push(known);
    const mine = await known.context.newPage();
    await new AppShell(mine).open(server.url);
    const mySignIn = new SignInPage(mine);
    await mySignIn.waitUntilShown();
    await mySignIn.signIn('admin', ADMIN_PASSWORD);
    await new AppMenu(mine).signOut();
    await mySignIn.waitUntilShown();
    const cookies = (await known.context.cookies()).filter((c) => c.name.startsWith('rd_'));
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ path: '/api/auth', httpOnly: true, sameSite: 'Strict' });
    expect(await mine.evaluate(() => document.cookie)).not.toContain('rd_');

    // Someone else guesses from another browser until admin is locked for unknown devices.
    const stranger = await launchBrowser();
    browsers.push(stranger);
    const page = await stranger.context.newPage();
    const shell = new AppShell(page);
    await shell.open(server.url);
    const signIn = new SignInPage(page);
    await signIn.waitUntilShown();
    for (let i = 0; i < USERNAME_LIMIT; i++) expect(await signIn.attempt('admin', `guess-${i}-password`)).toBe(401);
    expect(await signIn.error()).toBe('用户名或密码不正确，请核对后重试');
    // Even the right password is refused there, and the screen says for how long.
    expect(await signIn.attempt('admin', ADMIN_PASSWORD)).toBe(429);
    expect(await signIn.error()).toBe('尝试次数过多，请 1 分钟后再试');
    await readableAtEachSize(page, 'zh');

    await shell.switchLanguage();
    await shell.expectLang('en');
    expect(await signIn.attempt('admin', ADMIN_PASSWORD)).toBe(429);
    expect(await signIn.error()).toBe('Too many attempts; please try again in 1 minute');
    await readableAtEachSize(page, 'en');

    // The admin's own phone is not locked out.
    expect(await mySignIn.attempt('admin', ADMIN_PASSWORD)).toBe(200);
    await mine.getByRole('navigation').waitFor();
  });
});
