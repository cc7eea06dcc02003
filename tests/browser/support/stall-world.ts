/**
 * The usual world of a stall-app browser test: a real server on a temp data folder, an org, a staff
 * user and today's stall made through the API as admin, and a fresh Chromium profile that may keep
 * storage persistent (headless Chromium grants it only with the permission; TOOLCHAIN.md).
 */
import type { Page } from 'playwright-core';
import { startServerProcess, type ServerProcess } from '../../support/server-process';
import { createServerStore, type ServerEngine } from '../../support/server-store';
import { AppShell } from '../pages/app-shell';
import { EnrollPage } from '../pages/enroll-page';
import { SignInPage } from '../pages/sign-in-page';
import { StallPicker } from '../pages/stall-picker';
import { setUpStall, type StallSetup } from './api-setup';
import { launchBrowser, type BrowserSession } from './chromium';

export interface StallWorld {
  server: ServerProcess;
  browser: BrowserSession;
  setup: StallSetup;
  /** First visit online: the worker installs, the staff signs in and picks today's stall. */
  signedInAtStall(): Promise<Page>;
  close(): Promise<void>;
}

/** First visit online at `origin`: the worker installs, the staff signs in and picks today's stall. */
export async function signInAtStall(page: Page, origin: string, setup: StallSetup): Promise<Page> {
  const shell = new AppShell(page);
  await shell.open(origin);
  await shell.waitUntilOfflineReady();
  const signIn = new SignInPage(page);
  await signIn.waitUntilShown();
  await signIn.signIn(setup.username, setup.password);
  await new StallPicker(page).choose(setup.stall.name);
  await new EnrollPage(page).waitUntilShown();
  return page;
}

/** The world on a fresh store of `engine`: each test says which (describeEachServerEngine for all of them). */
export async function startStallWorld(adminPassword: string, engine: ServerEngine): Promise<StallWorld> {
  const store = await createServerStore(engine, 'ruhui-browser-');
  const server = await startServerProcess({ ...store.env, RUHUI_ADMIN_PASSWORD: adminPassword });
  const setup = await setUpStall(server.url, adminPassword);
  const browser = await launchBrowser();
  const cdp = await browser.context.browser()?.newBrowserCDPSession();
  await cdp?.send('Browser.grantPermissions', { origin: server.url, permissions: ['durableStorage'] });

  return {
    server,
    browser,
    setup,
    async signedInAtStall() {
      return signInAtStall(await browser.context.newPage(), server.url, setup);
    },
    async close() {
      await browser.close();
      await server.stop();
      await store.drop();
    },
  };
}
