/**
 * The back/forward cache: a staff member who leaves the stall screen (to a link, the join page, a
 * printed receipt) and comes back gets the page as it was, with no reload over a weak link. Chromium
 * says why a page was not restored (CDP `Page.backForwardCacheNotUsed`); the stall screen must give
 * it no reason, with its IndexedDB connection and sync channels open.
 */
import type { CDPSession } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { createServerStore, type ServerStore } from '../support/server-store';
import { EnrollPage } from './pages/enroll-page';
import { setUpStall, type StallSetup } from './support/api-setup';
import { launchBrowser, type BrowserSession } from './support/chromium';
import { signInAtStall } from './support/stall-world';

interface NotRestored {
  reasons: string[];
}

/** Collects Chromium's reasons for not restoring a page from the back/forward cache. */
function watchBfcache(cdp: CDPSession): NotRestored {
  const seen: NotRestored = { reasons: [] };
  cdp.on('Page.backForwardCacheNotUsed', (event: { notRestoredExplanations: { type: string; reason: string }[] }) => {
    seen.reasons.push(...event.notRestoredExplanations.map((e) => `${e.reason} (${e.type})`));
  });
  return seen;
}

describe('back/forward cache in Chromium', () => {
  let store: ServerStore;
  let server: ServerProcess;
  let setup: StallSetup;
  let browser: BrowserSession;

  beforeEach(async () => {
    // What the browser keeps on Back is the page's state alone: the server's store plays no part.
    store = await createServerStore('sqlite', 'ruhui-bfcache-');
    server = await startServerProcess({ ...store.env, RUHUI_ADMIN_PASSWORD: 'admin-password' });
    setup = await setUpStall(server.url, 'admin-password');
    browser = await launchBrowser({ backForwardCache: true });
  });

  afterEach(async () => {
    await browser?.close();
    await server?.stop();
    await store?.drop();
  });

  it('the stall screen, signed in and syncing, is restored from the cache on Back', async () => {
    const page = await signInAtStall(await browser.context.newPage(), server.url, setup);
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Page.enable');
    const notRestored = watchBfcache(cdp);
    // State that a reload would lose: a name typed into the form.
    const enroll = new EnrollPage(page);
    await enroll.typeName('张三');
    await page.evaluate(() => {
      (window as unknown as { ruhuiMark: number }).ruhuiMark = 42;
    });

    // Away to another document (the join page is outside the app), then Back.
    await page.goto(`${server.url}/join?t=not-a-token`);
    // A page restored from the cache fires no load event: wait for the navigation to commit.
    await page.goBack({ waitUntil: 'commit' });
    await enroll.waitUntilShown();
    const restored = await page.evaluate(() => ({
      mark: (window as unknown as { ruhuiMark?: number }).ruhuiMark,
      type: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.type,
    }));
    expect(notRestored.reasons).toEqual([]);
    expect(restored.mark).toBe(42); // the same page, not a reload
    expect(await enroll.fieldValue('person.name')).toBe('张三');
  });
});
