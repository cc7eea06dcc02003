import type { Page } from 'playwright-core';

/** The page a role may not use: a plain statement, who may use it, and a way back. */
export class NoAccessPage {
  constructor(readonly page: Page) {}

  /** Opens `path` directly (as a typed or bookmarked address would) and resolves with the page's title, or null when it is not the no-access page. */
  async open(origin: string, path: string): Promise<string | null> {
    await this.page.goto(origin + path);
    await this.page.locator('main.content > *').first().waitFor();
    const title = this.page.locator('.no-access h2');
    if ((await title.count()) === 0) return null;
    return title.textContent();
  }

  /** Follows the way back; resolves with the path it leads to. */
  async back(): Promise<string> {
    await this.page.locator('.no-access a').click();
    await this.page.locator('.no-access').waitFor({ state: 'detached' });
    return new URL(this.page.url()).pathname;
  }
}
