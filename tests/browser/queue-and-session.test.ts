import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { localIsoWithOffset } from '../../src/shared/local-time';
import { NOTICE_VERSION } from '../../src/shared/privacy-notice';
import type { ServerProcess } from '../support/server-process';
import { AppMenu } from './pages/app-menu';
import { EnrollPage } from './pages/enroll-page';
import { Network } from './pages/network';
import { QueuePage } from './pages/queue-page';
import { SignInPage } from './pages/sign-in-page';
import type { StallSetup } from './support/api-setup';
import type { BrowserSession } from './support/chromium';
import { startStallWorld, type StallWorld } from './support/stall-world';
import { outboxEntries, queueRaw } from './support/device-db';
import { deleteDeviceDatabase } from './support/outbox-fault';
import { worker } from './support/workers';
import { describeEachServerEngine } from '../support/server-store';

const ADMIN_PASSWORD = 'admin-password-1';

describeEachServerEngine('queue, session and storage in Chromium', (engine) => {
  let world: StallWorld;
  let server: ServerProcess;
  let browser: BrowserSession;
  let setup: StallSetup;

  beforeEach(async () => {
    world = await startStallWorld(ADMIN_PASSWORD, engine);
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
    // A record the shared check would refuse today (as an older app version queued it): the server rejects it.
    const w = worker(1);
    const now = localIsoWithOffset();
    const birthDate = `${w.idNumber.slice(6, 10)}-${w.idNumber.slice(10, 12)}-${w.idNumber.slice(12, 14)}`;
    const bad = {
      kind: 'enrollment', id: crypto.randomUUID(), stallId: setup.stall.id, createdAt: now, channel: 'staff',
      person: { name: '王建军2', idType: 'resident', idNumber: w.idNumber, gender: Number(w.idNumber[16]) % 2 === 1 ? 'male' : 'female', birthDate, phone: '13912345678', occupation: 'courier' },
      services: [], consent: { join: true, sensitiveInfo: true, noticeVersion: NOTICE_VERSION, at: now },
    };
    await queueRaw(page, [bad]);
    const network = new Network(browser.context);
    await network.restore();

    const queue = new QueuePage(page);
    await queue.open();
    await queue.expectCounts({ pending: 0, sent: 2, rejected: 1 });
    const rejected = (await outboxEntries(page)).find((e) => e.id === bad.id) as { reason?: { code: string; field?: string; message: string } };
    expect(rejected.reason).toMatchObject({ code: 'name_chars', field: 'person.name' });
    const message = rejected.reason!.message;
    expect(message).not.toBe('');
    expect((await queue.items('rejected'))[0]).toContain(message);
    await network.drop();
    // The tally counts only what is not waiting for a fix.
    await page.locator('[data-section=rejected] button', { hasText: '修改' }).click();
    await page.getByRole('heading', { name: '修改被退回的记录' }).waitFor();
    const fixForm = page.locator('form.enroll-form:visible');
    expect(await fixForm.locator('[name="person.idNumber"]').inputValue()).toBe(w.idNumber);
    expect(await stall.fieldError('person.name')).toBe(message);

    await fixForm.locator('[name="person.name"]').fill('王建军');
    expect(await stall.fieldError('person.name')).toBeNull();
    await fixForm.getByRole('button', { name: '保存修改' }).click();
    await page.getByRole('heading', { name: '记录队列', level: 2 }).waitFor();
    await queue.expectCounts({ pending: 1, sent: 2, rejected: 0 });
    expect((await queue.items('pending')).join('\n')).toContain('王**');
  });

  it('shows whether storage is persistent, and asks before signing out with records waiting (which stay)', async () => {
    const page = await signedInAtStall();
    await new EnrollPage(page).enroll(worker(3));
    const queue = new QueuePage(page);
    await queue.open();
    await page.getByText('存储：已设为持久保存').waitFor();

    await new AppMenu(page).signOut();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('1 条记录没有发送');
    await dialog.getByRole('button', { name: '取消' }).click();
    await queue.expectCounts({ pending: 1, sent: 0, rejected: 0 });

    await new AppMenu(page).signOut();
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
