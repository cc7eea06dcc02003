import type { BrowserContext, Page } from 'playwright-core';
import { AppShell } from './app-shell';

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

  /** Submits the form once and waits for the server's answer (signed in or not); returns its status. */
  async attempt(username: string, password: string): Promise<number> {
    await this.page.locator('input[name=username]').fill(username);
    await this.page.locator('input[name=password]').fill(password);
    const answer = this.page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
    await this.page.locator('form button[type=submit]').click();
    const status = (await answer).status();
    if (status !== 200) await this.page.locator('form button[type=submit]:not([disabled])').waitFor();
    return status;
  }

  /** The error shown under the form. */
  async error(): Promise<string> {
    const alert = this.page.locator('form [role=alert] .notice');
    await alert.waitFor();
    return (await alert.textContent()) ?? '';
  }
}

/** A new page of `context` at `url`, signed in as `username` (the menu shown). */
export async function openSignedIn(context: BrowserContext, url: string, username: string, password: string): Promise<Page> {
  const page = await context.newPage();
  await new AppShell(page).open(url);
  const signIn = new SignInPage(page);
  await signIn.waitUntilShown();
  await signIn.signIn(username, password);
  return page;
}
