import type { Page } from 'playwright-core';

/** The admins' audit screen: filters, one page of entries, paging. */
export class AuditPage {
  constructor(readonly page: Page) {}

  async waitUntilShown(): Promise<void> {
    await this.page.locator('section.audit').waitFor();
    await this.afterLoad(0, async () => undefined);
  }

  private loads(): Promise<number> {
    return this.page.locator('section.audit').evaluate((el) => Number(el.getAttribute('data-loads')));
  }

  /** Runs `act`, then waits until a load later than the `before`-th one has finished. */
  private async afterLoad(before: number, act: () => Promise<void>): Promise<void> {
    await act();
    await this.page.waitForFunction(
      (n) => {
        const el = document.querySelector('section.audit');
        return el !== null && Number(el.getAttribute('data-loads')) > n && el.getAttribute('aria-busy') !== 'true';
      },
      before,
    );
  }

  /** Sets the filters (by the shown names of user and action) and searches. */
  async filter(f: { from?: string; to?: string; user?: string; action?: string }): Promise<void> {
    if (f.from !== undefined) await this.page.locator('#audit-from').fill(f.from);
    if (f.to !== undefined) await this.page.locator('#audit-to').fill(f.to);
    // An empty name is "all" (the first option).
    if (f.user !== undefined) await this.page.locator('#audit-user').selectOption(f.user ? { label: f.user } : { value: '' });
    if (f.action !== undefined) await this.page.locator('#audit-action').selectOption(f.action ? { label: f.action } : { value: '' });
    await this.afterLoad(await this.loads(), () => this.page.locator('.audit-search').click());
  }

  /** The entries on this page: what, who, target. */
  async entries(): Promise<{ what: string; who: string; target: string }[]> {
    return this.page.locator('.audit-item').evaluateAll((items) =>
      items.map((li) => ({
        what: li.querySelector('.audit-what')?.textContent ?? '',
        who: li.querySelector('.audit-who')?.textContent ?? '',
        target: li.querySelector('.audit-target')?.textContent ?? '',
      })),
    );
  }

  /** The line saying which page this is (and whether it is the last). */
  async state(): Promise<string> {
    return (await this.page.locator('.audit-state').textContent()) ?? '';
  }

  async next(): Promise<void> {
    await this.afterLoad(await this.loads(), () => this.page.locator('.audit-pages button').nth(2).click());
  }

  async previous(): Promise<void> {
    await this.afterLoad(await this.loads(), () => this.page.locator('.audit-pages button').nth(1).click());
  }

  async canGoNext(): Promise<boolean> {
    return this.page.locator('.audit-pages button').nth(2).isEnabled();
  }
}
