import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Topic } from '../../../src/shared/records';
import type { Worker } from '../support/workers';

/** The stall screen: tally, consultation counter and the enrollment form, driven by field names (DESIGN.md). */
export class EnrollPage {
  constructor(readonly page: Page) {}

  private form(): Locator {
    return this.page.locator('form.enroll-form:visible');
  }

  private field(name: string): Locator {
    return this.form().locator(`[name="${name}"]`);
  }

  async waitUntilShown(): Promise<void> {
    await this.page.getByRole('heading', { name: '入会登记' }).waitFor();
  }

  /** Fills the form for `worker`, ticks both consents, but does not save. */
  async fill(worker: Worker): Promise<void> {
    await this.fillIdNumber(worker.idNumber);
    await this.field('person.name').fill(worker.name);
    await this.field('person.phone').fill(worker.phone);
    await this.form().locator(`input[name="person.occupation"][value="${worker.occupation}"]`).check();
    if (worker.employer) await this.field('person.employer').fill(worker.employer);
    for (const service of worker.services ?? []) await this.form().locator(`input[name=services][value="${service}"]`).check();
    await this.field('consent.join').check();
    await this.field('consent.sensitiveInfo').check();
  }

  async fillIdNumber(idNumber: string): Promise<void> {
    await this.field('person.idNumber').fill(idNumber);
  }

  /** The ID number field (its box, for layout checks). */
  idField(): Locator {
    return this.field('person.idNumber');
  }

  /** The Save button. */
  saveButton(): Locator {
    return this.form().getByRole('button', { name: /^(保存|Save)$/ });
  }

  /** Types the number into the ID field and presses Enter, as an ID-card reader does. */
  async typeIdThenEnter(idNumber: string): Promise<void> {
    await this.idField().click();
    await this.page.keyboard.type(idNumber);
    await this.page.keyboard.press('Enter');
  }

  /** The record path (`name`) of the focused control, or null. */
  async focusedField(): Promise<string | null> {
    return this.page.evaluate(() => document.activeElement?.getAttribute('name') ?? null);
  }

  /** Is any message shown in the form's status area or on any field? */
  async showsAnyProblem(): Promise<boolean> {
    return (await this.form().locator('.form-status .notice-error, .field-error, [aria-invalid=true]').count()) > 0;
  }

  /** Taps "清空表单"; the form asks before it clears. Resolves with the question shown. */
  async askToClear(): Promise<string> {
    await this.form().getByRole('button', { name: /清空表单|Clear the form/ }).click();
    const ask = this.form().locator('.confirm-clear');
    await ask.waitFor();
    return (await ask.locator('span').textContent()) ?? '';
  }

  async confirmClear(): Promise<void> {
    await this.form().locator('.confirm-clear').getByRole('button', { name: /^(清空|Clear)$/ }).click();
  }

  async keepTyping(): Promise<void> {
    await this.form().locator('.confirm-clear').getByRole('button', { name: /继续填写|Keep typing/ }).click();
  }

  /** Types a name into the form (and nothing else). */
  async typeName(name: string): Promise<void> {
    await this.field('person.name').fill(name);
  }

  async fieldValue(name: string): Promise<string> {
    return this.field(name).inputValue();
  }

  /** The saved confirmation's text. */
  async savedMessage(): Promise<string> {
    const notice = this.form().locator('[role=status] .notice-ok');
    await notice.waitFor();
    return (await notice.textContent()) ?? '';
  }

  /** Presses Save. */
  async save(): Promise<void> {
    await this.form().getByRole('button', { name: '保存', exact: true }).click();
  }

  /** Fills, saves, and waits for "已保存" and the reset form. */
  async enroll(worker: Worker): Promise<void> {
    await this.fill(worker);
    await this.save();
    await this.expectSaved();
  }

  async expectSaved(): Promise<void> {
    await this.form().locator('[role=status] .notice', { hasText: '已保存' }).waitFor();
    expect(await this.field('person.idNumber').inputValue()).toBe('');
  }

  /** The message shown on a field (by record path), or null. */
  async fieldError(name: string): Promise<string | null> {
    const input = this.field(name).first();
    const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
    if (!errorId) return null;
    return this.page.locator(`[id="${errorId}"]`).textContent();
  }

  /** The live line under the ID number (progress, or birth date and gender once valid). */
  async idHint(): Promise<string> {
    return (await this.form().locator('.hint').first().textContent()) ?? '';
  }

  /** The message in the form's status area or alert area. */
  async formMessage(): Promise<string> {
    const notice = this.form().locator('.form-status .notice, [role=alert] .notice').first();
    await notice.waitFor();
    return (await notice.textContent()) ?? '';
  }

  async recordConsultation(topic: Topic): Promise<void> {
    const status = this.page.locator('.consult [role=status]');
    const before = await this.tally();
    await this.page.locator(`.consult button[data-topic="${topic}"]`).click();
    await status.locator('.notice-ok').waitFor();
    await this.expectTally({ enrolled: before.enrolled, consultations: before.consultations + 1 });
  }

  /** Taps Undo in the consultation's message; resolves with what the message says then. */
  async undoConsultation(): Promise<string> {
    const status = this.page.locator('.consult [role=status]');
    await status.getByRole('button', { name: /^(撤销|Undo)$/ }).click();
    await status.locator('.notice:not(.consult-undo)').waitFor();
    return (await status.textContent()) ?? '';
  }

  async tally(): Promise<{ enrolled: number; consultations: number }> {
    const read = async (which: string) => Number(await this.page.locator(`[data-tally=${which}]`).textContent());
    return { enrolled: await read('enrolled'), consultations: await read('consultations') };
  }

  /** Waits until the tally shows these numbers. */
  async expectTally(expected: { enrolled: number; consultations: number }): Promise<void> {
    await this.page.waitForFunction(
      ({ enrolled, consultations }) =>
        document.querySelector('[data-tally=enrolled]')?.textContent === String(enrolled) &&
        document.querySelector('[data-tally=consultations]')?.textContent === String(consultations),
      expected,
      { timeout: 10_000 },
    );
    expect(await this.tally()).toEqual(expected);
  }
}
