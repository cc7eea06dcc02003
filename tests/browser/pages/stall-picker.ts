import type { Page } from 'playwright-core';

/** The list of today's stalls. */
export class StallPicker {
  constructor(readonly page: Page) {}

  async choose(stallName: string): Promise<void> {
    await this.page.getByRole('heading', { name: '选择今天的摊位' }).waitFor();
    await this.page.getByRole('button', { name: new RegExp(stallName) }).click();
    await this.page.locator('.stall-current', { hasText: stallName }).waitFor();
  }
}
