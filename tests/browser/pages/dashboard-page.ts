import fs from 'node:fs';
import type { Download, Locator, Page } from 'playwright-core';
import type { StatsGroupKey } from '../../../src/shared/stats';

/** The supervisor's dashboard (`/dashboard`), as a supervisor reads and uses it. */
export class DashboardPage {
  constructor(readonly page: Page) {}

  /** Opens the dashboard in the app (no reload); `refresh` shortens the live period (seconds). */
  async open(refresh?: number): Promise<void> {
    const to = refresh ? `/dashboard?refresh=${refresh}` : '/dashboard';
    await this.page.evaluate((path) => {
      history.pushState(null, '', path);
      dispatchEvent(new PopStateEvent('popstate'));
    }, to);
    await this.table().waitFor();
  }

  table(): Locator {
    return this.page.locator('.dash-table');
  }

  /** The table's header cells. */
  async headers(): Promise<string[]> {
    return this.table().locator('thead th').allTextContents();
  }

  /** The body rows, each as its cell texts. */
  async rows(): Promise<string[][]> {
    const rows = await this.table().locator('tbody tr').all();
    return Promise.all(rows.map((r) => r.locator('th, td').allTextContents()));
  }

  /** The totals row's three counts: enrolled, existing, consultations. */
  async totals(): Promise<number[]> {
    return (await this.table().locator('tfoot td').allTextContents()).map(Number);
  }

  /** Waits until the totals read `expected` (the page refreshes by itself in live mode). */
  async waitForTotals(expected: number[], timeout = 20_000): Promise<void> {
    await this.page.waitForFunction(
      (want) => [...document.querySelectorAll('.dash-table tfoot td')].map((td) => Number(td.textContent)).join() === want.join(),
      expected,
      { timeout },
    );
  }

  /** Ticks exactly these group keys, waiting for the table to show them. */
  async groupBy(keys: StatsGroupKey[]): Promise<void> {
    for (const box of await this.page.locator('input[name=group]').all()) {
      const key = (await box.getAttribute('value')) as StatsGroupKey;
      if ((await box.isChecked()) !== keys.includes(key)) await box.click();
    }
    await this.page.waitForFunction((n) => document.querySelectorAll('.dash-table thead th').length === n + 3, keys.length);
  }

  async setLive(on: boolean): Promise<void> {
    const box = this.page.locator('input[name=live]');
    if ((await box.isChecked()) !== on) await box.click();
  }

  /** The "last updated" line. */
  async updatedText(): Promise<string> {
    return (await this.page.locator('.dash-updated').textContent()) ?? '';
  }

  /** Names listed as stalls that have sent nothing yet today. */
  async silentStalls(): Promise<string[]> {
    await this.page.locator('.dash-silent').waitFor();
    return this.page.locator('.dash-silent-list li').allTextContents();
  }

  /** Presses an export button and returns the downloaded file's name and bytes. */
  async download(format: 'csv' | 'xlsx'): Promise<{ name: string; bytes: Buffer }> {
    const label = format === 'csv' ? /CSV/ : /Excel/;
    const [download]: [Download, void] = await Promise.all([this.page.waitForEvent('download'), this.page.getByRole('button', { name: label }).click()]);
    const file = await download.path();
    return { name: download.suggestedFilename(), bytes: fs.readFileSync(file) };
  }

  /** The admin's roster form: fills the reason (and full values), presses download; the file, or null when the form refused. */
  async downloadRoster(reason: string, full = false): Promise<{ name: string; bytes: Buffer }> {
    const form = this.page.locator('.dash-roster');
    await form.locator('input[name="reason"]').fill(reason);
    await form.locator('input[name="full"]').setChecked(full);
    const [download]: [Download, void] = await Promise.all([this.page.waitForEvent('download'), form.getByRole('button').click()]);
    const file = await download.path();
    return { name: download.suggestedFilename(), bytes: fs.readFileSync(file) };
  }

  /** Presses the roster's download with `reason` and returns the problem the form shows. */
  async rosterProblem(reason: string): Promise<string> {
    const form = this.page.locator('.dash-roster');
    await form.locator('input[name="reason"]').fill(reason);
    await form.getByRole('button').click();
    return (await form.getByRole('alert').textContent()) ?? '';
  }
}
