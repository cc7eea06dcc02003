import type { Page } from 'playwright-core';

/** The sync status line under the top bar: what waits, progress, last sync, "sync now". */
export class SyncStatusBar {
  constructor(readonly page: Page) {}

  private bar() {
    return this.page.locator('section.sync-status');
  }

  async text(): Promise<string> {
    return (await this.bar().textContent()) ?? '';
  }

  /** Records waiting, as the line says. */
  async waiting(): Promise<number> {
    return Number(await this.bar().getAttribute('data-waiting'));
  }

  /** Waits until the line shows `n` waiting and no sync running. */
  async expectWaiting(n: number, timeout = 30_000): Promise<void> {
    await this.page.waitForFunction(
      (n) => {
        const el = document.querySelector('section.sync-status');
        return el?.getAttribute('data-waiting') === String(n) && el.getAttribute('data-syncing') === 'false';
      },
      n,
      { timeout },
    );
  }

  async syncNow(): Promise<void> {
    await this.bar().getByRole('button', { name: '立即同步' }).click();
  }
}
