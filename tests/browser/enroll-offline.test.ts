import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../support/server-process';
import { AppMenu } from './pages/app-menu';
import { AppShell } from './pages/app-shell';
import { EnrollPage } from './pages/enroll-page';
import { Network } from './pages/network';
import { QueuePage } from './pages/queue-page';
import { SignInPage } from './pages/sign-in-page';
import { StallPicker } from './pages/stall-picker';
import type { StallSetup } from './support/api-setup';
import { seriousA11yViolations } from './support/axe';
import type { BrowserSession } from './support/chromium';
import { startStallWorld, type StallWorld } from './support/stall-world';
import { residentId, withWrongCheckChar, worker } from './support/workers';
import { describeEachServerEngine } from '../support/server-store';

const ADMIN_PASSWORD = 'admin-password-1';

describeEachServerEngine('the stall app in Chromium', (engine) => {
  let world: StallWorld;
  let server: ServerProcess;
  let browser: BrowserSession;
  let setup: StallSetup;

  beforeEach(async () => {
    world = await startStallWorld(ADMIN_PASSWORD, engine);
    ({ server, browser, setup } = world);
  });

  afterEach(async () => world?.close());

  const signedInAtStall = () => world.signedInAtStall();

  it('enrolls three workers and records two consultations offline; all five survive closing the page', async () => {
    const page = await signedInAtStall();
    const network = new Network(browser.context);
    await network.drop();
    await page.reload();

    const stall = new EnrollPage(page);
    await stall.waitUntilShown();
    expect(await new AppShell(page).networkBadge()).toBe('离线');
    await stall.expectTally({ enrolled: 0, consultations: 0 });
    for (let i = 0; i < 3; i++) await stall.enroll(worker(i));
    await stall.recordConsultation('legal');
    await stall.recordConsultation('mutual_aid');
    await stall.expectTally({ enrolled: 3, consultations: 2 });

    const queue = new QueuePage(page);
    await queue.open();
    await queue.expectCounts({ pending: 5, sent: 0, rejected: 0 });
    // Masked on screen: name, ID number and phone.
    const lines = await queue.items('pending');
    const first = worker(0);
    const line = lines.find((l) => l.includes('王*'));
    expect(line).toContain(`${first.idNumber.slice(0, 6)}********${first.idNumber.slice(14)}`);
    expect(line).toContain('138****5678');
    expect(lines.join('\n')).not.toContain(first.idNumber);

    // Close the page and open the app again, still offline.
    await page.close();
    const again = await browser.context.newPage();
    await new AppShell(again).open(server.url, '/queue');
    const queueAgain = new QueuePage(again);
    await again.getByRole('heading', { name: '记录队列', level: 2 }).waitFor();
    await queueAgain.expectCounts({ pending: 5, sent: 0, rejected: 0 });
    await new AppMenu(again).go('登记');
    await new EnrollPage(again).expectTally({ enrolled: 3, consultations: 2 });
  });

  it('checks the ID number as typed: a wrong check character shows the error and saves nothing', async () => {
    const page = await signedInAtStall();
    const stall = new EnrollPage(page);
    // Offline, so the queue stays as saved (no sync runs).
    await new Network(browser.context).drop();

    const good = residentId(123, '19491231');
    await stall.fillIdNumber(good.slice(0, 10));
    expect(await stall.idHint()).toContain('已输入 10 位');
    await stall.fillIdNumber(good);
    expect(await stall.idHint()).toContain('1949-12-31');

    const bad = { ...worker(1), idNumber: withWrongCheckChar(worker(1).idNumber) };
    await stall.fill(bad);
    expect(await stall.fieldError('person.idNumber')).toContain('校验位不正确');
    await stall.save();
    expect(await stall.formMessage()).toContain('需要修改');
    await stall.expectTally({ enrolled: 0, consultations: 0 });

    // Under 16: refused with the reason.
    const young = new Date().getFullYear() - 10;
    await stall.fillIdNumber(residentId(5, `${young}0101`));
    expect(await stall.fieldError('person.idNumber')).toContain('未满 16 周岁');

    // The same person twice on this device is flagged before saving.
    await stall.enroll(worker(2));
    await stall.fill(worker(2));
    expect(await stall.fieldError('person.idNumber')).toContain('已在本设备登记');
    await stall.save();
    await stall.expectTally({ enrolled: 1, consultations: 0 });

    const queue = new QueuePage(page);
    await queue.open();
    await queue.expectCounts({ pending: 1, sent: 0, rejected: 0 });
  });

  it('shows a clear message when the device is out of storage, and keeps the form and earlier records', async () => {
    const page = await signedInAtStall();
    const stall = new EnrollPage(page);
    await stall.enroll(worker(0));

    // Simulate a full disk: every write to the outbox fails as a browser's would.
    await page.evaluate(() => {
      const w = window as unknown as { __restoreQuota?: () => void };
      const { add, put } = IDBObjectStore.prototype;
      const full = function (this: IDBObjectStore, original: typeof add) {
        return function (this: IDBObjectStore, ...args: Parameters<typeof add>) {
          if (this.name === 'outbox') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          return original.apply(this, args);
        };
      };
      IDBObjectStore.prototype.add = full.call(IDBObjectStore.prototype, add);
      IDBObjectStore.prototype.put = full.call(IDBObjectStore.prototype, put);
      w.__restoreQuota = () => {
        IDBObjectStore.prototype.add = add;
        IDBObjectStore.prototype.put = put;
      };
    });
    const next = worker(1);
    await stall.fill(next);
    await stall.save();
    expect(await stall.formMessage()).toContain('存储空间已满');
    await stall.expectTally({ enrolled: 1, consultations: 0 });

    // Space freed: the same form saves.
    await page.evaluate(() => (window as unknown as { __restoreQuota: () => void }).__restoreQuota());
    await stall.save();
    await stall.expectSaved();
    await stall.expectTally({ enrolled: 2, consultations: 0 });
  });

  it('has no serious or critical accessibility violations on sign-in, form and queue', async () => {
    const page = await browser.context.newPage();
    await new AppShell(page).open(server.url);
    await new SignInPage(page).waitUntilShown();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await new SignInPage(page).signIn(setup.username, setup.password);
    await new StallPicker(page).choose(setup.stall.name);
    const stall = new EnrollPage(page);
    await stall.waitUntilShown();
    expect(await seriousA11yViolations(page)).toEqual([]);
    // With errors on show, too.
    await stall.save();
    await stall.formMessage();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await stall.fill(worker(0));
    await stall.save();
    await stall.expectSaved();
    await new QueuePage(page).open();
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
