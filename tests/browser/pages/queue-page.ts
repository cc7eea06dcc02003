import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { AppMenu } from './app-menu';

export interface QueueCounts {
  pending: number;
  sent: number;
  rejected: number;
}

/** The queue screen: counts and masked lists of waiting, sent and returned records. */
export class QueuePage {
  constructor(readonly page: Page) {}

  /** Goes to the queue through the menu. */
  async open(): Promise<void> {
    await new AppMenu(this.page).go(/记录队列/);
    await this.page.getByRole('heading', { name: '记录队列', level: 2 }).waitFor();
  }

  async counts(): Promise<QueueCounts> {
    const read = async (status: string) => Number(await this.page.locator(`[data-count=${status}]`).textContent());
    return { pending: await read('pending'), sent: await read('sent'), rejected: await read('rejected') };
  }

  /** Waits until the counts are these. */
  async expectCounts(expected: QueueCounts): Promise<void> {
    await this.page
      .waitForFunction(
        (e) => (['pending', 'sent', 'rejected'] as const).every((s) => document.querySelector(`[data-count=${s}]`)?.textContent === String(e[s])),
        expected,
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    expect(await this.counts()).toEqual(expected);
  }

  /** Waits until the queue holds `n` records in all (waiting, sent or returned): none lost, none doubled. */
  async expectTotal(n: number): Promise<void> {
    await this.page
      .waitForFunction(
        (n) => (['pending', 'sent', 'rejected'] as const).reduce((sum, s) => sum + Number(document.querySelector(`[data-count=${s}]`)?.textContent), 0) === n,
        n,
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    const c = await this.counts();
    expect(c.pending + c.sent + c.rejected).toBe(n);
  }

  /** The lines of one list, as shown (masked). */
  async items(status: 'pending' | 'sent' | 'rejected'): Promise<string[]> {
    return this.page.locator(`[data-section=${status}] .queue-item`).allTextContents();
  }
}
