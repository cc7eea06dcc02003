import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ServerProcess } from '../support/server-process';
import { EnrollPage } from './pages/enroll-page';
import { Network } from './pages/network';
import { QueuePage } from './pages/queue-page';
import { SignInPage } from './pages/sign-in-page';
import type { StallSetup } from './support/api-setup';
import type { BrowserSession } from './support/chromium';
import { startStallWorld, type StallWorld } from './support/stall-world';
import { deleteDeviceDatabase, rejectPendingEnrollments } from './support/outbox-fault';
import { worker } from './support/workers';

const ADMIN_PASSWORD = 'admin-password-1';

describe('queue, session and storage in Chromium', () => {
  let world: StallWorld;
  let server: ServerProcess;
  let browser: BrowserSession;
  let setup: StallSetup;

  beforeEach(async () => {
    world = await startStallWorld(ADMIN_PASSWORD);
    ({ server, browser, setup } = world);
  });

  afterEach(async () => world?.close());

  async function signedInAtStall(): Promise<Page> {
    const page = await world.signedInAtStall();
    // Offline from here on: records stay in the queue as saved.
    await new Network(browser.context).drop();
    return page;
  }

  it('a record the server returned opens in the form with the reason on the field, and is fixed and queued again', async () => {
    const page = await signedInAtStall();
    const stall = new EnrollPage(page);
    await stall.enroll(worker(0));
    await stall.recordConsultation('health');
    const message = '姓名只能包含文字、间隔号（·）、空格、连字符和撇号，请删除数字和其他符号';
    expect(await rejectPendingEnrollments(page, { code: 'name_chars', field: 'person.name', message })).toBe(1);

    const queue = new QueuePage(page);
    await queue.open();
    await queue.expectCounts({ pending: 1, sent: 0, rejected: 1 });
    expect((await queue.items('rejected'))[0]).toContain(message);
    // The tally counts only what is not waiting for a fix.
    await page.locator('[data-section=rejected] button', { hasText: '修改' }).click();
    await page.getByRole('heading', { name: '修改被退回的记录' }).waitFor();
    const fixForm = page.locator('form.enroll-form:visible');
    expect(await fixForm.locator('[name="person.idNumber"]').inputValue()).toBe(worker(0).idNumber);
    expect(await stall.fieldError('person.name')).toBe(message);

    await fixForm.locator('[name="person.name"]').fill('王建军');
    expect(await stall.fieldError('person.name')).toBeNull();
    await fixForm.getByRole('button', { name: '保存修改' }).click();
    await page.getByRole('heading', { name: '记录队列', level: 2 }).waitFor();
    await queue.expectCounts({ pending: 2, sent: 0, rejected: 0 });
    expect((await queue.items('pending')).join('\n')).toContain('王**');
  });

  it('shows whether storage is persistent, and asks before signing out with records waiting (which stay)', async () => {
    const page = await signedInAtStall();
    await new EnrollPage(page).enroll(worker(3));
    const queue = new QueuePage(page);
    await queue.open();
    await page.getByText('存储：已设为持久保存').waitFor();

    await page.getByRole('button', { name: '退出登录' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('1 条记录没有发送');
    await dialog.getByRole('button', { name: '取消' }).click();
    await queue.expectCounts({ pending: 1, sent: 0, rejected: 0 });

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '仍然退出' }).click();
    await new SignInPage(page).waitUntilShown();

    // Signed in again (online): the record is still there (waiting, or sent by now).
    await new Network(browser.context).restore();
    await new SignInPage(page).signIn(setup.username, setup.password);
    // Today's stall is remembered across sign-ins.
    await page.locator('.stall-current', { hasText: setup.stall.name }).waitFor();
    await queue.open();
    await queue.expectTotal(1);
  });

  it('warns when the browser cleared the database while records were waiting', async () => {
    const page = await signedInAtStall();
    await new EnrollPage(page).enroll(worker(4));
    await new EnrollPage(page).recordConsultation('other');
    await deleteDeviceDatabase(page);
    await page.reload();
    const warning = page.getByRole('alert').filter({ hasText: '浏览器清除了本机数据' });
    await warning.waitFor();
    expect(await warning.textContent()).toContain('2 条记录');
    await warning.getByRole('button', { name: '我知道了' }).click();
    await warning.waitFor({ state: 'detached' });
    await page.reload();
    await new SignInPage(page).waitUntilShown();
    expect(await page.getByRole('alert').filter({ hasText: '浏览器清除了本机数据' }).count()).toBe(0);
  });
});
