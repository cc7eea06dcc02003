import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { AppShell } from './pages/app-shell';
import { launchBrowser, type BrowserSession } from './support/chromium';

describe('app shell in Chromium', () => {
  let server: ServerProcess;
  let browser: BrowserSession;
  let dataDir: string;

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-browser-'));
    server = await startServerProcess({ RUHUI_DATA_DIR: dataDir, RUHUI_ADMIN_PASSWORD: 'admin-password' });
    browser = await launchBrowser();
  });

  afterEach(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('installs the worker on first visit and still opens offline after a reload', async () => {
    const page = await browser.context.newPage();
    const shell = new AppShell(page);
    await shell.open(server.url);
    expect(await shell.brandText()).toBe('入会');
    await shell.waitUntilOfflineReady();

    await browser.context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await shell.brandText()).toBe('入会');
    expect(await shell.networkBadge()).toBe('离线');

    // A deep link to another app route opens offline too (the shell answers every app route).
    await page.goto(`${server.url}/queue`);
    expect(await shell.brandText()).toBe('入会');
  });

  it('never serves the app shell for /api or /join when offline, yet does for app routes', async () => {
    const page = await browser.context.newPage();
    const shell = new AppShell(page);
    await shell.open(server.url);
    await shell.waitUntilOfflineReady();
    await browser.context.setOffline(true);
    // Real navigations (a fetch() is never one): the worker's navigation route must let these fail.
    const navigate = (path: string) => page.goto(`${server.url}${path}`).then(() => 'shell', () => 'network error');
    // The control: an app route is answered from the precache, so the route is in place.
    expect(await navigate('/queue')).toBe('shell');
    expect(await page.locator('.brand').textContent()).toBeTruthy();
    expect(await navigate('/api/health')).toBe('network error');
    expect(await navigate('/join?t=abc.def')).toBe('network error');
  });

  it('switches to English and remembers it across a reload', async () => {
    const page = await browser.context.newPage();
    const shell = new AppShell(page);
    await shell.open(server.url);
    await shell.expectLang('zh-CN');
    await shell.switchLanguage();
    expect(await shell.brandText()).toBe('Ruhui');
    await shell.expectLang('en');
    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await shell.brandText()).toBe('Ruhui');
  });

  it('retires the worker on every device when the server turns the kill switch on', async () => {
    const page = await browser.context.newPage();
    const shell = new AppShell(page);
    await shell.open(server.url);
    await shell.waitUntilOfflineReady();
    expect(await page.evaluate(async () => (await caches.keys()).length)).toBeGreaterThan(0);

    // The same origin (same port) restarted with RUHUI_RETIRE_SW=1: the browser's update check on the
    // next visit finds the retiring worker, which clears the caches and unregisters itself.
    const port = server.port;
    await server.stop();
    server = await startServerProcess({ RUHUI_DATA_DIR: dataDir, PORT: String(port), RUHUI_RETIRE_SW: '1' });
    await page.reload();
    await page.waitForFunction(
      async () => (await navigator.serviceWorker.getRegistrations()).length === 0 && (await caches.keys()).length === 0,
      undefined,
      { timeout: 30_000, polling: 250 },
    );
    // The app itself still works online, now without a worker, and registers none again.
    await page.waitForLoadState('load');
    await page.reload();
    expect(await shell.brandText()).toBe('入会');
    await page.waitForFunction(() => navigator.serviceWorker.controller === null, undefined, { timeout: 10_000 });
    await page.waitForTimeout(1000);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
  });
});
