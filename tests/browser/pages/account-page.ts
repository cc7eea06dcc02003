import type { Page } from 'playwright-core';

/** "My account" (/account) and the forced password change after a temporary password. */
export class AccountPage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.locator('#account-title').waitFor();
  }

  /** Fills the password form (the current password only where the form asks for it) and submits it. */
  async changePassword(fields: { current?: string; next: string; confirm?: string }): Promise<void> {
    const form = this.page.locator('main form').first();
    if (fields.current !== undefined) await form.locator('input[name=currentPassword]').fill(fields.current);
    await form.locator('input[name=newPassword]').fill(fields.next);
    await form.locator('input[name=confirm]').fill(fields.confirm ?? fields.next);
    await form.locator('button[type=submit]').click();
  }

  /** The message under a field of the password form (`currentPassword`, `newPassword`, `confirm`). */
  async fieldError(name: string): Promise<string> {
    const error = this.page.locator(`main form [id$="-${name}-error"]`);
    await error.waitFor();
    return (await error.textContent()) ?? '';
  }

  /** The "saved" line of the password card. */
  async changedNotice(): Promise<string> {
    const notice = this.page.locator('main [role=status] .notice-ok').first();
    await notice.waitFor();
    return (await notice.textContent()) ?? '';
  }

  /** The signed-in devices as listed: what each says, and whether it is this one. */
  async devices(): Promise<{ text: string; current: boolean }[]> {
    const list = this.page.locator('main .device-list');
    await list.waitFor();
    const out: { text: string; current: boolean }[] = [];
    for (const item of await list.locator('.device').all()) {
      out.push({ text: ((await item.locator('.device-text').textContent()) ?? '').trim(), current: (await item.locator('button').count()) === 0 });
    }
    return out;
  }

  /** Ends the sign-in of the first device that is not this one. */
  async endOtherDevice(): Promise<void> {
    const before = await this.page.locator('main .device').count();
    await this.page.locator('main .device button').first().click();
    await this.page.waitForFunction((n) => document.querySelectorAll('main .device').length === n - 1, before);
  }
}
