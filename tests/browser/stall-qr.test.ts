/**
 * The stall's QR code: full screen on the stall phone (also offline once the stall is cached) and as an
 * A4 poster. Both are read back with a QR reader (jsQR) from a screenshot and from the printed PDF,
 * and must lead to the stall's join link.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { AppShell } from './pages/app-shell';
import { Network } from './pages/network';
import { SignInPage } from './pages/sign-in-page';
import { StallQrPage } from './pages/stall-qr-page';
import { seriousA11yViolations } from './support/axe';
import { SHOTS } from './support/join-world';
import { hasPdftoppm, printToPngs, readQr } from './support/qr-reader';
import { startStallWorld, type StallWorld } from './support/stall-world';

const ADMIN_PASSWORD = 'qr-admin-password-1';

describe('stall QR code and poster', () => {
  let w: StallWorld;
  beforeEach(async () => {
    // The code and the poster come from the cached stall: the server's store plays no part.
    w = await startStallWorld(ADMIN_PASSWORD, 'sqlite');
  });
  afterEach(async () => w.close());

  const screenshot = async (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

  it('staff: the full-screen code and the printed poster both read as the stall’s join link, online and offline', async () => {
    const page = await w.signedInAtStall();
    const qr = new StallQrPage(page);
    await qr.openFromStallScreen();
    expect(await qr.linkText()).toBe(w.setup.stall.joinUrl);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'qr-screen-zh');
    expect(await readQr(w.browser.context, await page.screenshot())).toBe(w.setup.stall.joinUrl);

    // The poster: union and stall, the date, the call to scan, two steps, the link in text.
    const poster = await qr.posterText();
    for (const part of ['朝阳区总工会', w.setup.stall.name, w.setup.stall.date, '扫码入会', '1. 用微信或手机相机扫描下方二维码', '2. 填写信息并提交', w.setup.stall.joinUrl]) {
      expect(poster).toContain(part);
    }
    if (hasPdftoppm()) {
      const pages = await printToPngs(page, path.join(SHOTS, 'qr-poster.pdf'));
      expect(pages.length, 'the poster fits one A4 page').toBe(1);
      await import('node:fs').then((fs) => fs.writeFileSync(path.join(SHOTS, 'qr-poster.png'), pages[0]!));
      expect(await readQr(w.browser.context, pages[0]!)).toBe(w.setup.stall.joinUrl);
    } else {
      await page.emulateMedia({ media: 'print' });
      await page.setViewportSize({ width: 794, height: 1123 });
      expect(await readQr(w.browser.context, await page.screenshot())).toBe(w.setup.stall.joinUrl);
      await page.emulateMedia({ media: null });
      await page.setViewportSize({ width: 360, height: 640 });
    }

    // Offline, from the device's cache: the screen and the encoder come from the service worker.
    await new Network(w.browser.context).drop();
    await page.reload();
    await qr.waitUntilShown();
    expect(await readQr(w.browser.context, await page.screenshot())).toBe(w.setup.stall.joinUrl);

    // English.
    await qr.back();
    await new AppShell(page).switchLanguage();
    await qr.openFromStallScreen();
    await page.getByRole('heading', { name: 'Scan to join the union' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'qr-screen-en');
  });

  it('admin: reached from the stall list, the code reads as the stall’s join link', async () => {
    const page = await w.browser.context.newPage();
    const shell = new AppShell(page);
    await shell.open(w.server.url);
    const signIn = new SignInPage(page);
    await signIn.waitUntilShown();
    await signIn.signIn('admin', ADMIN_PASSWORD);
    await page.goto(`${w.server.url}/admin`);
    await page.locator('.admin-tab', { hasText: '摊位' }).click();
    const qr = new StallQrPage(page);
    await qr.openFromAdminList(w.setup.stall.name);
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'qr-screen-admin-desktop');
    expect(await readQr(w.browser.context, await page.screenshot())).toBe(w.setup.stall.joinUrl);
  });
});
