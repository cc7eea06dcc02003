/**
 * The stall screen for someone in a hurry, measured from its boxes at phone and desktop sizes, in
 * zh-CN and English: the ID field opens in view, Save is on screen, nothing is wider than the screen,
 * no button or heading breaks inside a word, and Enter in the ID field moves on without submitting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { AppShell } from './pages/app-shell';
import { EnrollPage } from './pages/enroll-page';
import { Layout, breaksMidWord, oneCharLines } from './pages/layout';
import { seriousA11yViolations } from './support/axe';
import { startStallWorld, type StallWorld } from './support/stall-world';
import { worker } from './support/workers';

const ADMIN_PASSWORD = 'admin-password-1';
const SIZES = [
  { width: 320, height: 568 },
  { width: 360, height: 640 },
  { width: 1280, height: 800 },
] as const;
/** Short labels (buttons, chips, the stall's name and date): one line each, or wrapped only between words. */
const WORDS = 'button, .menu-link, .stall-current strong, .stall-current .muted, .tally-title, .tile span, .sync-line';
const HEADINGS = 'h1, h2, h3, legend, summary';

describe('the stall screen at phone and desktop sizes', () => {
  let world: StallWorld;
  let page: Page;

  beforeAll(async () => {
    // Layout and taps: what the screen shows does not depend on the server's store.
    world = await startStallWorld(ADMIN_PASSWORD, 'sqlite');
    page = await world.signedInAtStall();
  });
  afterAll(async () => world?.close());

  for (const lang of ['zh-CN', 'en'] as const) {
    for (const size of SIZES) {
      it(`${size.width}×${size.height} ${lang}: ID field in the first screen, Save on screen, no overflow, no broken words`, async () => {
        const shell = new AppShell(page);
        const html = await page.evaluate(() => document.documentElement.lang);
        if (html !== lang) await shell.switchLanguage();
        await page.waitForFunction((l) => document.documentElement.lang === l, lang);
        await shell.expectLang(lang);
        await page.setViewportSize(size);
        await page.evaluate(() => window.scrollTo(0, 0));
        const stall = new EnrollPage(page);
        const layout = new Layout(page);
        // Nothing saved yet on this device: the status line says so (never "all sent").
        expect(await page.locator('.sync-line').textContent()).toBe(lang === 'zh-CN' ? '本机还没有记录' : 'No records on this device yet');

        // The ID field's whole box is in the first screen and nothing covers it.
        const id = (await stall.idField().boundingBox())!;
        expect(id.y).toBeGreaterThanOrEqual(0);
        expect(id.y + id.height).toBeLessThanOrEqual(size.height);
        expect(await layout.uncovered(stall.idField())).toBe(true);
        // Save is on screen without scrolling (the bar stays at the bottom while the form is in view).
        expect(await layout.uncovered(stall.saveButton())).toBe(true);
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
        expect(await layout.uncovered(stall.saveButton())).toBe(true);
        await page.evaluate(() => window.scrollTo(0, 0));

        expect(await layout.widerThanViewport()).toEqual([]);
        // The notice, opened, fits the screen's width too.
        const notice = page.locator('details.privacy-notice');
        await notice.locator('summary').click();
        expect(await layout.widerThanViewport()).toEqual([]);
        expect((await layout.lines('.privacy-notice h3')).filter(oneCharLines)).toEqual([]);
        await notice.locator('summary').click();
        await page.evaluate(() => window.scrollTo(0, 0));
        const words = await layout.lines(WORDS);
        expect(words.length).toBeGreaterThan(10);
        expect(words.filter(breaksMidWord)).toEqual([]);
        const headings = await layout.lines(`${HEADINGS}, button`);
        expect(headings.filter(oneCharLines)).toEqual([]);

        await page.screenshot({ path: `test-results/stall-screen-${size.width}x${size.height}-${lang}.png`, fullPage: true });
      });
    }
  }

  it('360×640 zh-CN: prints the screen height, the ID field and Save positions, and the taps and scrolls one worker takes', async () => {
    await page.setViewportSize({ width: 360, height: 640 });
    const shell = new AppShell(page);
    if ((await page.evaluate(() => document.documentElement.lang)) !== 'zh-CN') await shell.switchLanguage();
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = async (selector: string) => (await page.locator(selector).first().boundingBox())!;
    const id = await box('form.enroll-form [name="person.idNumber"]');
    const save = await box('form.enroll-form .action-bar button[type=submit]');
    const barTop = (await box('form.enroll-form .action-bar')).y;
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    // What a person must tap (Enter moves from the ID to the name to the phone): the ID field, an
    // occupation, the two consents, Save. A control below the bar needs the page scrolled once.
    const taps = ['[name="person.idNumber"]', 'input[name="person.occupation"] + span', '[name="consent.join"]', '[name="consent.sensitiveInfo"]'];
    const bottoms = await Promise.all(taps.map(async (s) => { const b = await box(`form.enroll-form ${s}`); return b.y + b.height; }));
    const below = bottoms.filter((b) => b > barTop);
    // One scroll reaches everything below the first screen when it all fits in the second.
    const scrolls = below.length === 0 ? 0 : Math.max(...below) - Math.min(...bottoms.filter((b) => b > barTop)) < barTop ? 1 : 2;
    const measured = { height, idTop: Math.round(id.y), idBottom: Math.round(id.y + id.height), saveTop: Math.round(save.y), taps: taps.length + 1, scrolls };
    console.log(`stall screen 360×640 zh-CN: ${JSON.stringify(measured)}`);
    expect(measured.idBottom).toBeLessThanOrEqual(barTop);
    expect(measured.saveTop).toBeLessThan(640);
    expect(measured.taps).toBeLessThanOrEqual(7);
    expect(measured.scrolls).toBeLessThanOrEqual(1);
  });

  it('Enter after a valid ID (a card reader) moves to the name and submits nothing; Save submits', async () => {
    await page.setViewportSize({ width: 360, height: 640 });
    const shell = new AppShell(page);
    if ((await page.evaluate(() => document.documentElement.lang)) !== 'zh-CN') await shell.switchLanguage();
    const stall = new EnrollPage(page);
    const w = worker(7);
    await stall.typeIdThenEnter(w.idNumber);
    expect(await stall.focusedField()).toBe('person.name');
    expect(await stall.showsAnyProblem()).toBe(false);
    expect(await stall.tally()).toEqual({ enrolled: 0, consultations: 0 });
    // Enter in the name and phone moves on too.
    await page.keyboard.type(w.name);
    await page.keyboard.press('Enter');
    expect(await stall.focusedField()).toBe('person.phone');
    await page.keyboard.type('12812345678');
    await page.keyboard.press('Enter');
    // The phone's message says which rule it breaks: the second digit.
    expect(await stall.fieldError('person.phone')).toBe('手机号码第 2 位应为 3 至 9，现在是 2');
    await stall.fill(w);
    await stall.save();
    // The confirmation names the person, masked, and covers no control.
    const saved = await stall.savedMessage();
    expect(saved).toContain(`${[...w.name][0]}*`);
    expect(saved).not.toContain(w.name);
    expect(await new Layout(page).uncovered(stall.saveButton())).toBe(true);
    await stall.expectTally({ enrolled: 1, consultations: 0 });
  });

  it('清空表单 asks before it wipes what was typed', async () => {
    const stall = new EnrollPage(page);
    await stall.fillIdNumber(worker(8).idNumber);
    expect(await stall.askToClear()).toBe('清空已填写的内容？');
    await stall.keepTyping();
    expect(await stall.fieldValue('person.idNumber')).toBe(worker(8).idNumber);
    await stall.askToClear();
    await stall.confirmClear();
    expect(await stall.fieldValue('person.idNumber')).toBe('');
  });

  it('consents: each box beside its sentence in normal weight; the notice they refer to sits above and opens in full', async () => {
    const consents = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement>('form.enroll-form input[name^="consent."][type=checkbox]')].map((box) => {
        const text = box.closest('label')!.querySelector('span')!;
        const b = box.getBoundingClientRect();
        const t = text.getBoundingClientRect();
        return { beside: b.right <= t.left && b.top < t.top + 30, weight: Number(getComputedStyle(text).fontWeight), text: text.textContent ?? '' };
      }),
    );
    expect(consents).toHaveLength(2);
    for (const c of consents) {
      expect(c.beside).toBe(true);
      expect(c.weight).toBeLessThan(600);
    }
    expect(consents[1]!.text).toContain('上方');
    const notice = page.locator('details.privacy-notice');
    const noticeBox = (await notice.boundingBox())!;
    const secondBox = (await page.locator('[name="consent.sensitiveInfo"]').boundingBox())!;
    expect(noticeBox.y).toBeLessThan(secondBox.y);
    await notice.locator('summary').click();
    // Open, the whole notice is in the page: no box to scroll inside.
    const clipped = await notice.evaluate((el) => el.scrollHeight > el.clientHeight + 1);
    expect(clipped).toBe(false);
    expect(await notice.locator('p').count()).toBeGreaterThanOrEqual(6);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await notice.locator('summary').click();
  });
});
