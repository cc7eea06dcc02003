import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** The app's frame as a person sees it: title, network badge, language switch. */
export class AppShell {
  constructor(readonly page: Page) {}

  async open(baseUrl: string, route = '/'): Promise<void> {
    await this.page.goto(baseUrl + route);
    await this.page.getByRole('heading', { level: 1 }).waitFor();
  }

  /** Waits until a service worker controls the page: the app now opens offline. */
  async waitUntilOfflineReady(): Promise<void> {
    await this.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
  }

  async brandText(): Promise<string> {
    return (await this.page.getByRole('heading', { level: 1 }).textContent()) ?? '';
  }

  async networkBadge(): Promise<string> {
    return (await this.page.locator('.topbar [role=status]').textContent()) ?? '';
  }

  async switchLanguage(): Promise<void> {
    await this.page.locator('.topbar button.lang').click();
  }

  async expectLang(lang: 'zh-CN' | 'en'): Promise<void> {
    // A switch may first load that language's texts for the screen: wait for it, then assert.
    await this.page.waitForFunction((l) => document.documentElement.lang === l, lang, { timeout: 5_000 }).catch(() => undefined);
    expect(await this.page.evaluate(() => document.documentElement.lang)).toBe(lang);
  }
}
