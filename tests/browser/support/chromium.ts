/**
 * Real headless Chromium through playwright-core (it cannot download its own browser here). Each
 * test gets a fresh profile, so a service worker or IndexedDB never leaks from one test to the next.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** The Chromium the tests drive: CHROME_PATH, else Debian's. */
export const CHROME_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';

/** Flags that work as root on a closed network (see TOOLCHAIN.md). */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  context: BrowserContext;
  profileDir: string;
  close(): Promise<void>;
}

/** A persistent context (service workers need one) on a new temp profile, phone-sized. */
export async function launchBrowser(
  options: {
    locale?: string;
    serviceWorkers?: 'allow' | 'block';
    viewport?: { width: number; height: number };
    /** Keep Chromium's back/forward cache on (Playwright turns it off by default). */
    backForwardCache?: boolean;
    /** The phone's time zone: the stalls' own (the server's RUHUI_TZ default), as on a phone in China, whatever this machine's zone. */
    timezoneId?: string;
  } = {},
): Promise<BrowserSession> {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROME_PATH,
    headless: true,
    args: ARGS,
    viewport: options.viewport ?? { width: 360, height: 640 },
    locale: options.locale ?? 'zh-CN',
    timezoneId: options.timezoneId ?? 'Asia/Shanghai',
    serviceWorkers: options.serviceWorkers ?? 'allow',
    ...(options.backForwardCache ? { ignoreDefaultArgs: ['--disable-back-forward-cache'] } : {}),
  });
  return {
    context,
    profileDir,
    async close() {
      await context.close();
      fs.rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
