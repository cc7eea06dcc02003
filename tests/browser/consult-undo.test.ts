/**
 * A consultation tap can be undone for a few seconds: offline (never sent) the record leaves the
 * device and the tally goes back; once it has synced the undo says so and removes nothing, and the
 * server keeps it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { EnrollPage } from './pages/enroll-page';
import { Network } from './pages/network';
import { outboxEntries } from './support/device-db';
import { startStallWorld, type StallWorld } from './support/stall-world';
import { describeEachServerEngine } from '../support/server-store';

describeEachServerEngine('consultation undo', (engine) => {
  let world: StallWorld;
  let page: Page;
  beforeAll(async () => {
    world = await startStallWorld('admin-password-1', engine);
    page = await world.signedInAtStall();
  });
  afterAll(async () => world?.close());

  const consultations = async () => (await outboxEntries(page)).filter((e) => e.kind === 'consultation');

  it('offline: Undo removes the consultation just tapped, and the tally goes back', async () => {
    const stall = new EnrollPage(page);
    const network = new Network(world.browser.context);
    await network.drop();
    await stall.recordConsultation('legal');
    await stall.recordConsultation('health');
    expect(await consultations()).toHaveLength(2);
    expect(await stall.undoConsultation()).toBe('已撤销：健康服务');
    await stall.expectTally({ enrolled: 0, consultations: 1 });
    const left = await consultations();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ status: 'pending', record: { topic: 'legal' } });
    await network.restore();
    await page.waitForFunction(() => document.querySelector('.sync-status')?.getAttribute('data-waiting') === '0', undefined, { timeout: 30_000 });
  });

  it('after it synced: Undo says it was sent and removes nothing; the server keeps it', async () => {
    const stall = new EnrollPage(page);
    await stall.recordConsultation('membership');
    // Sync runs on its own after a save; wait until the record is sent.
    await page.waitForFunction(() => document.querySelector('.sync-status')?.getAttribute('data-waiting') === '0', undefined, { timeout: 30_000 });
    await expect.poll(async () => (await consultations()).filter((e) => e.status === 'sent').length, { timeout: 30_000 }).toBe(2);
    expect(await stall.undoConsultation()).toBe('这条咨询已发送到服务器，不能再撤销');
    await stall.expectTally({ enrolled: 0, consultations: 2 });
    expect((await consultations()).filter((e) => e.status === 'sent')).toHaveLength(2);
    const login = await fetch(`${world.server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: world.setup.username, password: world.setup.password }),
    });
    const { token } = (await login.json()) as { token: string };
    const today = await fetch(`${world.server.url}/api/stalls/${world.setup.stall.id}/today`, { headers: { Authorization: `Bearer ${token}` } });
    expect(((await today.json()) as { consultations: number }).consultations).toBe(2);
  });
});
