/**
 * Measurement: the stall screen as a hurried staff member meets it, in real headless Chromium against
 * the built app. At each size and language it reports the page height, where the ID field and Save
 * sit on first opening, and the scrolls and taps it takes to enroll one worker. Layout numbers are
 * deterministic for a given build and Chromium, so they are figures, not timings.
 *
 * A tap lands at the centre of the target's box only when that point is not covered (a sticky bar, a
 * toast): otherwise, or when the box is outside the viewport, the person scrolls first. One scroll
 * brings the target to the top of the free area (as much of what follows as possible comes into view),
 * and counts once however far it goes. Typing and the keyboard's "next" key are not counted as taps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { startServerProcess } from '../support/server-process';
import { launchBrowser } from '../browser/support/chromium';
import { setUpStall, type StallSetup } from '../browser/support/api-setup';
import { worker } from '../browser/support/workers';
import type { BenchFigure, BenchReport } from './report';

const ADMIN_PASSWORD = 'bench-admin-password';

interface Run {
  width: number;
  height: number;
  locale: 'zh-CN' | 'en';
}

interface Measure {
  run: Run;
  pageHeight: number;
  idTop: number;
  saveTop: number;
  saveVisible: boolean;
  scrolls: number;
  scrolledPx: number;
  taps: number;
  saved: boolean;
}

/** Is the centre of `target`'s box on screen and not covered by something else? */
async function tappable(target: Locator): Promise<boolean> {
  return target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    if (y < 0 || y > innerHeight || x < 0 || x > innerWidth) return false;
    const hit = document.elementFromPoint(x, y);
    if (!hit) return false;
    const label = el.closest('label');
    return el === hit || el.contains(hit) || hit.contains(el) || (label !== null && label.contains(hit));
  });
}

/** Scrolls `target` to the top of the area not covered by a sticky/fixed bar at the top. */
async function scrollToTarget(page: Page, target: Locator): Promise<number> {
  const before = await page.evaluate(() => scrollY);
  await target.evaluate((el) => {
    const covered = [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((e) => {
        const p = getComputedStyle(e).position;
        const r = e.getBoundingClientRect();
        return (p === 'sticky' || p === 'fixed') && r.top <= 0 && r.height < innerHeight / 2;
      })
      .reduce((m, e) => Math.max(m, e.getBoundingClientRect().bottom), 0);
    scrollBy(0, el.getBoundingClientRect().top - covered - 8);
  });
  return Math.abs((await page.evaluate(() => scrollY)) - before);
}

async function measureOne(origin: string, setup: StallSetup, run: Run): Promise<Measure> {
  const browser = await launchBrowser({ locale: run.locale });
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: run.width, height: run.height });
    // The app's language is its own choice (remembered on the device), not the browser's.
    const lang = run.locale === 'en' ? 'en' : 'zh';
    await page.addInitScript((l) => localStorage.setItem('ruhui.lang', l), lang);
    await page.goto(origin);
    await page.locator('input[name=username]').fill(setup.username);
    await page.locator('input[name=password]').fill(setup.password);
    await page.locator('form button[type=submit]').click();
    await page.locator('.stall-choice', { hasText: setup.stall.name }).click();
    const form = page.locator('form.enroll-form:visible');
    const id = form.locator('[name="person.idNumber"]');
    const save = form.locator('button[type=submit]');
    await id.waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));

    const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    const idTop = Math.round((await id.boundingBox())!.y);
    const saveTop = Math.round((await save.boundingBox())!.y);
    const saveVisible = await tappable(save);

    const w = worker(1);
    let scrolls = 0;
    let scrolledPx = 0;
    let taps = 0;
    const tap = async (target: Locator) => {
      if (!(await tappable(target))) {
        scrolledPx += await scrollToTarget(page, target);
        scrolls++;
      }
      const box = (await target.boundingBox())!;
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      taps++;
    };
    await tap(id);
    await page.keyboard.type(w.idNumber);
    await tap(form.locator('[name="person.name"]'));
    await page.keyboard.type(w.name);
    await tap(form.locator('[name="person.phone"]'));
    await page.keyboard.type(w.phone);
    await tap(form.locator(`input[name="person.occupation"][value="${w.occupation}"]`));
    await tap(form.locator('[name="consent.join"]'));
    await tap(form.locator('[name="consent.sensitiveInfo"]'));
    await tap(save);
    const saved = await form
      .locator('[role=status] .notice-ok')
      .waitFor({ timeout: 10_000 })
      .then(
        () => true,
        () => false,
      );
    return { run, pageHeight, idTop, saveTop, saveVisible, scrolls, scrolledPx: Math.round(scrolledPx), taps, saved };
  } finally {
    await browser.close();
  }
}

/** The stall screen's layout figures at phone and desktop sizes, zh-CN and English. */
export async function benchStallScreen(): Promise<BenchReport> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-bench-screen-'));
  const server = await startServerProcess({ RUHUI_DATA_DIR: dataDir, RUHUI_ADMIN_PASSWORD: ADMIN_PASSWORD });
  try {
    const setup = await setUpStall(server.url, ADMIN_PASSWORD);
    const runs: Run[] = [
      { width: 360, height: 640, locale: 'zh-CN' },
      { width: 360, height: 640, locale: 'en' },
      { width: 320, height: 568, locale: 'zh-CN' },
      { width: 1280, height: 800, locale: 'zh-CN' },
    ];
    const results: Measure[] = [];
    for (const run of runs) results.push(await measureOne(server.url, setup, run));
    const lines = results.map(
      (m) =>
        `  ${m.run.width}×${m.run.height} ${m.run.locale.padEnd(5)}  page ${m.pageHeight} px · ID field top ${m.idTop} px · Save top ${m.saveTop} px` +
        ` (${m.saveVisible ? 'on screen' : 'off screen'}) · ${m.scrolls} scrolls (${m.scrolledPx} px) · ${m.taps} taps · ${m.saved ? 'saved' : 'NOT saved'}`,
    );
    const figures: BenchFigure[] = results.flatMap((m) => {
      const key = `stall-screen.${m.run.width}x${m.run.height}.${m.run.locale}`;
      return [
        { id: `${key}.height`, what: 'stall screen height', value: m.pageHeight, unit: 'px' },
        { id: `${key}.idTop`, what: 'ID field top on opening', value: m.idTop, unit: 'px', goal: `< ${m.run.height}`, met: m.idTop < m.run.height },
        { id: `${key}.scrolls`, what: 'scrolls to enroll one worker', value: m.scrolls, unit: 'scrolls', goal: '≤ 1', met: m.scrolls <= 1 },
        { id: `${key}.taps`, what: 'taps to enroll one worker', value: m.taps, unit: 'taps', goal: '≤ 7', met: m.taps <= 7 },
      ];
    });
    return { text: ['Stall screen (enroll one worker: ID, name, phone, occupation, two consents, Save)', ...lines].join('\n'), figures };
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
