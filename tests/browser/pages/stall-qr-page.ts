import type { Page } from 'playwright-core';

/** The stall's QR code screen and its poster. */
export class StallQrPage {
  constructor(readonly page: Page) {}

  /** From the stall screen: the "二维码 / 海报" link. */
  async openFromStallScreen(): Promise<void> {
    await this.page.locator('.stall-bar a[href$="/qr"]').click();
    await this.waitUntilShown();
  }

  /** From the admin's stall list: the link beside the stall's name. */
  async openFromAdminList(stallName: string): Promise<void> {
    await this.page.locator('.admin-list-item', { hasText: stallName }).locator('a[href$="/qr"]').click();
    await this.waitUntilShown();
  }

  /** Leaves the full-screen code. */
  async back(): Promise<void> {
    await this.page.locator('.qr-screen .qr-actions button').last().click();
  }

  async waitUntilShown(): Promise<void> {
    await this.page.locator('.qr-screen svg.qr-code').waitFor();
  }

  /** The link printed under the code. */
  async linkText(): Promise<string> {
    return (await this.page.locator('.qr-screen .qr-url').textContent()) ?? '';
  }

  /** What the poster says, as printed (print media). */
  async posterText(): Promise<string> {
    await this.page.emulateMedia({ media: 'print' });
    try {
      return (await this.page.locator('.qr-poster').innerText()).replace(/\s+/g, ' ');
    } finally {
      await this.page.emulateMedia({ media: null });
    }
  }
}
