import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Worker } from '../support/workers';

/** What the receipt screen shows. */
export interface Receipt {
  title: string;
  code: string;
  name: string;
  stall: string;
}

/** The self-registration page a worker opens from the stall's QR code, driven by field names (DESIGN.md). */
export class JoinPage {
  constructor(readonly page: Page) {}

  private field(name: string): Locator {
    return this.page.locator(`form.join-form [name="${name}"]`);
  }

  /** Opens the join link, as the phone's camera app or WeChat would. */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
  }

  /** Waits for the form under the stall's name. */
  async waitForForm(stallName: string): Promise<void> {
    await this.page.getByRole('heading', { name: stallName }).waitFor();
    await this.field('person.idNumber').waitFor();
  }

  /** Fills every field for `worker` and ticks both consents (does not submit). */
  async fill(worker: Worker): Promise<void> {
    await this.field('person.idNumber').fill(worker.idNumber);
    await this.field('person.name').fill(worker.name);
    await this.field('person.phone').fill(worker.phone);
    await this.field('person.occupation').selectOption(worker.occupation);
    if (worker.employer) await this.field('person.employer').fill(worker.employer);
    for (const s of worker.services ?? []) await this.page.locator(`form.join-form input[name=services][value="${s}"]`).check();
    await this.field('consent.join').check();
    await this.field('consent.sensitiveInfo').check();
  }

  /** What a field holds now. */
  async value(name: string): Promise<string> {
    return this.field(name).inputValue();
  }

  async isChecked(name: string): Promise<boolean> {
    return this.field(name).isChecked();
  }

  /** Taps the submit button (in the page's language). */
  async submit(): Promise<void> {
    await this.page.locator('form.join-form button[type=submit]').click();
  }

  /** Waits until the status line says `text`. */
  async expectStatus(text: string | RegExp): Promise<void> {
    await this.page.locator('form.join-form [role=status]', { hasText: text }).waitFor();
  }

  /** The message on a field, read through its aria-describedby. */
  async fieldError(name: string): Promise<string> {
    const id = await this.field(name).first().getAttribute('aria-describedby');
    return (await this.page.locator(`[id="${id}"]`).textContent()) ?? '';
  }

  /** Waits for the receipt and reads it. */
  async receipt(): Promise<Receipt> {
    const section = this.page.locator('section.receipt');
    await section.waitFor();
    const dd = section.locator('dd');
    return {
      title: (await section.locator('h1').textContent()) ?? '',
      code: (await dd.nth(0).textContent()) ?? '',
      name: (await dd.nth(1).textContent()) ?? '',
      stall: (await dd.nth(2).textContent()) ?? '',
    };
  }

  /** The friendly page of a link that does not work: its heading. */
  async deadEndTitle(): Promise<string> {
    const h1 = this.page.locator('section.notice h1');
    await h1.waitFor();
    return (await h1.textContent()) ?? '';
  }

  /** Switches between Chinese and English. */
  async switchLanguage(): Promise<void> {
    await this.page.locator('button.lang').click();
  }

  /** Starts a new registration from the receipt. */
  async registerAnother(): Promise<void> {
    await this.page.locator('section.receipt button').click();
  }

  /** Whether the page says its draft will not survive a reload. */
  async warnsDraftInMemory(): Promise<boolean> {
    return this.page.locator('p.warn').isVisible();
  }

  async expectNoServiceWorker(): Promise<void> {
    expect(await this.page.evaluate(async () => (navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0))).toBe(0);
  }
}
