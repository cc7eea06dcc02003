/** At the stall, online: self-registrations by QR code show beside the device's own tally. */
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { JoinPage } from './pages/join-page';
import { Network } from './pages/network';
import { seriousA11yViolations } from './support/axe';
import { SHOTS } from './support/join-world';
import { startStallWorld, type StallWorld } from './support/stall-world';
import { worker } from './support/workers';
import { describeEachServerEngine } from '../support/server-store';

describeEachServerEngine('self-registrations counted at the stall', (engine) => {
  let w: StallWorld;
  beforeEach(async () => {
    w = await startStallWorld('self-count-admin-1', engine);
  });
  afterEach(async () => w.close());

  it('a worker registers by QR code on their own phone; the stall screen counts them beside its own tally', async () => {
    const stallPage = await w.signedInAtStall();
    const selfCount = stallPage.locator('[data-tally=self]');
    await selfCount.waitFor();
    expect(await selfCount.textContent()).toBe('0');

    // The worker's phone: another page, nothing shared with the stall app but the server.
    const phone = new JoinPage(await w.browser.context.newPage());
    await phone.open(w.setup.stall.joinUrl);
    await phone.waitForForm(w.setup.stall.name);
    await phone.fill(worker(7));
    await phone.submit();
    expect((await phone.receipt()).title).toBe('登记成功');

    await stallPage.reload();
    await stallPage.locator('[data-tally=self]', { hasText: '1' }).waitFor();
    expect(await stallPage.locator('[data-tally=enrolled]').textContent()).toBe('0');
    expect(await seriousA11yViolations(stallPage)).toEqual([]);
    await stallPage.screenshot({ path: path.join(SHOTS, 'stall-self-count.png') });

    // Offline the server's count is not shown (nothing is guessed); the device's tally stays.
    await new Network(w.browser.context).drop();
    await stallPage.locator('[data-tally=self]').waitFor({ state: 'detached' });
    expect(await stallPage.locator('[data-tally=enrolled]').textContent()).toBe('0');
  });
});
