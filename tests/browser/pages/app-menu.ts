import type { Page } from 'playwright-core';

/** The main menu in the top bar: opens, lists the pages of the signed-in role, goes to one, signs out. */
export class AppMenu {
  constructor(readonly page: Page) {}

  private nav() {
    return this.page.getByRole('navigation');
  }

  async open(): Promise<void> {
    const button = this.nav().locator('button.menu-button');
    if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
    await this.nav().locator('.menu-list').waitFor();
  }

  /** The names and paths of the menu's pages, in order. */
  async entries(): Promise<{ name: string; href: string }[]> {
    await this.open();
    const links = this.nav().locator('.menu-list a');
    const out: { name: string; href: string }[] = [];
    for (const link of await links.all()) {
      out.push({ name: ((await link.textContent()) ?? '').replace(/\d+$/, '').trim(), href: (await link.getAttribute('href')) ?? '' });
    }
    await this.page.keyboard.press('Escape');
    return out;
  }

  /** Opens the menu and follows the entry named `name`. */
  async go(name: string | RegExp): Promise<void> {
    await this.open();
    await this.nav().getByRole('link', { name }).click();
  }

  /** Opens the menu and taps "退出登录" (or "Sign out"). */
  async signOut(): Promise<void> {
    await this.open();
    await this.nav().getByRole('button', { name: /退出登录|Sign out/ }).click();
  }
}
