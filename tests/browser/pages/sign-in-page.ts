import type { Page } from 'playwright-core';

/** The sign-in screen, as a staff member meets it on first use. */
export class SignInPage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('heading', { name: '登录' }).waitFor();
  }

  /** Signs in and waits for the app's menu. */
  async signIn(username: string, password: string): Promise<void> {
    await this.page.locator('input[name=username]').fill(username);
    await this.page.locator('input[name=password]').fill(password);
    await this.page.getByRole('button', { name: '登录', exact: true }).click();
    await this.page.getByRole('navigation').waitFor();
  }

  /** The error shown under the form. */
  async error(): Promise<string> {
    const alert = this.page.locator('form [role=alert] .notice');
    await alert.waitFor();
    return (await alert.textContent()) ?? '';
  }
}
