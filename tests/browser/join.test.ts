/**
 * A worker registers on their own phone from the stall's QR code: real Chromium at 360×640, a fresh
 * profile with service workers blocked (as in WeChat's in-app browser), the built page on the real
 * server. What the worker sees, and what the server ends up holding.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { JoinPage } from './pages/join-page';
import { Network } from './pages/network';
import { seriousA11yViolations } from './support/axe';
import { startJoinWorld, type JoinWorld } from './support/join-world';
import { worker } from './support/workers';
import { describeEachServerEngine } from '../support/server-store';

describe('self-registration page', () => {
  let w: JoinWorld;
  let page: Page;
  let join: JoinPage;
  beforeEach(async () => {
    // The page itself (fields, draft, receipt); the faults below run on every engine.
    w = await startJoinWorld({ engine: 'sqlite' });
    page = await w.newPage();
    join = new JoinPage(page);
  });
  afterEach(async () => w.close());

  it('scan to receipt: the form names the stall, the receipt shows a code, a masked name and the stall', async () => {
    await join.open(w.link);
    await join.waitForForm(w.setup.stall.name);
    await join.expectNoServiceWorker();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await w.screenshot(page, 'join-form-zh');

    await join.fill(worker(0));
    await join.submit();
    const receipt = await join.receipt();
    expect(receipt).toEqual({ title: '登记成功', code: expect.stringMatching(/^[0-9A-Z]{6}$/), name: '王**', stall: w.setup.stall.name });
    await page.getByText('请向工作人员出示此页面').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await w.screenshot(page, 'join-receipt-zh');
    expect(await w.selfCounts()).toEqual({ enrolled: 1, existing: 0 });

    // A reload still shows the receipt to the staff; the draft is gone.
    await page.reload();
    expect((await join.receipt()).code).toBe(receipt.code);
    expect(await page.evaluate(() => localStorage.getItem('ruhui.join.draft'))).toBeNull();

    // The same person again from this phone: told kindly, counted as existing, not as new.
    await join.registerAnother();
    await join.waitForForm(w.setup.stall.name);
    await join.fill(worker(0));
    await join.submit();
    expect((await join.receipt()).title).toBe('您已经是工会会员了');
    await page.getByText('不用重复入会').waitFor();
    await w.screenshot(page, 'join-existing-zh');
    expect(await w.selfCounts()).toEqual({ enrolled: 1, existing: 1 });
  });

  it('shows what to fix before sending, on the field, and sends nothing', async () => {
    await join.open(w.link);
    await join.waitForForm(w.setup.stall.name);
    await join.fill({ ...worker(1), phone: '12345' });
    await join.submit();
    await join.expectStatus('还有 1 项需要修改');
    expect(await join.fieldError('person.phone')).toMatch(/11 位/);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await w.screenshot(page, 'join-errors-zh');
    expect(await w.selfCounts()).toEqual({ enrolled: 0, existing: 0 });
  });

  it('opens the form at once; when the stall cannot be asked, it says so and the registration still goes through', async () => {
    await page.route('**/api/join/*', (route) => (route.request().method() === 'GET' ? route.abort('connectionreset') : route.continue()));
    await join.open(w.link);
    await page.getByRole('alert').filter({ hasText: '网络不好' }).waitFor();
    await join.fill(worker(8));
    await join.submit();
    const receipt = await join.receipt();
    expect(receipt).toMatchObject({ title: '登记成功', stall: w.setup.stall.name });
    expect(await w.selfCounts()).toEqual({ enrolled: 1, existing: 0 });
  });

  it('asks for gender only when the ID number does not carry it (the older foreign permanent residence ID)', async () => {
    await join.open(w.link);
    await join.waitForForm(w.setup.stall.name);
    const gender = page.locator('fieldset#f-person\\.gender');
    expect(await gender.isVisible()).toBe(false);
    await page.locator('form.join-form [name="person.idType"]').selectOption('foreign_permanent');
    await join.fill({ ...worker(9), idNumber: 'USA123490071601' });
    expect(await gender.isVisible()).toBe(true);
    await join.submit();
    await join.expectStatus('还有 1 项需要修改');
    expect(await page.locator('[id="err-person.gender"]').textContent()).toBe('请选择性别');
    await gender.locator('input[value=female]').check();
    await join.submit();
    expect((await join.receipt()).title).toBe('登记成功');
  });

  it('an id already used with other details (409): says so, and the next submit is a new registration', async () => {
    const ids: string[] = [];
    let first = true;
    await page.route('**/api/join/*', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      ids.push((JSON.parse(route.request().postData() ?? '{}') as { id: string }).id);
      if (!first) return route.continue();
      first = false;
      return route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'id_conflict', message: 'x' } }) });
    });
    await join.open(w.link);
    await join.waitForForm(w.setup.stall.name);
    await join.fill(worker(10));
    await join.submit();
    await join.expectStatus('这份登记已经提交过，但内容不同');
    await join.submit();
    expect((await join.receipt()).title).toBe('登记成功');
    expect(ids).toHaveLength(2);
    expect(ids[1]).not.toBe(ids[0]);
    expect(await w.selfCounts()).toEqual({ enrolled: 1, existing: 0 });
  });

  it('a reload mid-form keeps what was typed', async () => {
    await join.open(w.link);
    await join.waitForForm(w.setup.stall.name);
    const someone = worker(4);
    await join.fill(someone);
    await page.reload();
    await join.waitForForm(w.setup.stall.name);
    expect(await join.value('person.idNumber')).toBe(someone.idNumber);
    expect(await join.value('person.name')).toBe(someone.name);
    expect(await join.value('person.phone')).toBe(someone.phone);
    expect(await join.value('person.occupation')).toBe(someone.occupation);
    expect(await join.isChecked('consent.sensitiveInfo')).toBe(true);
    await join.submit();
    expect((await join.receipt()).title).toBe('登记成功');
    expect(await w.selfCounts()).toEqual({ enrolled: 1, existing: 0 });
  });

  it('still registers when localStorage throws (private modes, some in-app browsers)', async () => {
    await page.addInitScript(() => {
      const refuse = () => {
        throw new DOMException('denied', 'SecurityError');
      };
      Object.defineProperty(window, 'localStorage', { get: refuse, configurable: true });
    });
    await join.open(w.link);
    await join.waitForForm(w.setup.stall.name);
    expect(await join.warnsDraftInMemory()).toBe(true);
    await join.fill(worker(5));
    await join.submit();
    expect((await join.receipt()).title).toBe('登记成功');
    expect(await w.selfCounts()).toEqual({ enrolled: 1, existing: 0 });
  });

  it('an expired link and a forged link each show their page, saying to ask the staff', async () => {
    await join.open(w.expiredLink);
    expect(await join.deadEndTitle()).toBe('二维码已过期');
    await page.getByText('请向摊位的工会工作人员求助').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await w.screenshot(page, 'join-expired-zh');

    await join.open(w.forgedLink);
    expect(await join.deadEndTitle()).toBe('二维码无效');
    await w.screenshot(page, 'join-unknown-zh');
    await join.switchLanguage();
    expect(await join.deadEndTitle()).toBe('This QR code is not valid');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('speaks English on request, and keeps the form as typed across the switch', async () => {
    await join.open(w.link);
    await join.waitForForm(w.setup.stall.name);
    await join.fill({ ...worker(6), phone: '' });
    await join.switchLanguage();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await join.value('person.idNumber')).toBe(worker(6).idNumber);
    await join.submit();
    await join.expectStatus('1 fields need attention');
    expect(await join.fieldError('person.phone')).toMatch(/mobile number/i);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await w.screenshot(page, 'join-form-en');
    await page.locator('form.join-form [name="person.phone"]').fill('13800138000');
    await join.submit();
    expect((await join.receipt()).title).toBe('Registered');
    await page.getByText('Please show this screen to the staff').waitFor();
    await w.screenshot(page, 'join-receipt-en');
  });
});

describe('self-registration page on a desktop browser, English', () => {
  it('fits and passes axe at 1280 px', async () => {
    const w = await startJoinWorld({ engine: 'sqlite', locale: 'en-US', viewport: { width: 1280, height: 800 } });
    try {
      const page = await w.newPage();
      const join = new JoinPage(page);
      await join.open(w.link);
      await join.waitForForm(w.setup.stall.name);
      expect(await page.locator('form.join-form button[type=submit]').textContent()).toBe('Submit');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await w.screenshot(page, 'join-form-desktop-en');
    } finally {
      await w.close();
    }
  });
});

describeEachServerEngine('self-registration page, faults', (engine) => {
  let w: JoinWorld;
  let page: Page;
  let join: JoinPage;
  beforeEach(async () => {
    w = await startJoinWorld({ engine });
    page = await w.newPage();
    join = new JoinPage(page);
  });
  afterEach(async () => w.close());

  it('network dropped at submit, then restored: one record on the server, one receipt', async () => {
    const network = new Network(w.browser.context);
    await join.open(w.link);
    await join.waitForForm(w.setup.stall.name);
    await join.fill(worker(2));
    await network.drop();
    await join.submit();
    await join.expectStatus('网络中断，正在重试');
    await w.screenshot(page, 'join-retrying-zh');
    // Switching language while it retries carries on with the same registration.
    await join.switchLanguage();
    await join.expectStatus('Connection lost; retrying');
    await network.restore();
    const receipt = await join.receipt();
    expect(receipt.title).toBe('Registered');
    expect(await page.locator('section.receipt').count()).toBe(1);
    expect(await w.selfCounts()).toEqual({ enrolled: 1, existing: 0 });
  });

  it('an answer lost after the server stored it: the retry under the same id gets the same receipt, one record', async () => {
    const posted: string[] = [];
    let lose = true;
    await page.route('**/api/join/*', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      posted.push(route.request().postData() ?? '');
      // The first one reaches the server; its answer never reaches the phone.
      const response = await route.fetch();
      if (lose) {
        lose = false;
        return route.abort('connectionreset');
      }
      return route.fulfill({ response });
    });
    await join.open(w.link);
    await join.waitForForm(w.setup.stall.name);
    await join.fill(worker(3));
    await join.submit();
    const receipt = await join.receipt();
    expect(receipt.title).toBe('登记成功');
    expect(posted.length).toBe(2);
    expect(posted[1]).toBe(posted[0]);
    expect(await w.selfCounts()).toEqual({ enrolled: 1, existing: 0 });
  });
});
