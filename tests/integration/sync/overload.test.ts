import { afterEach, beforeEach, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app';
import { consultation, syncBody, syncInit } from '../../support/records';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { DAY, seedWorld, storeCounts, type World } from './helpers';

describeEachEngine('POST /api/sync under overload', (engine) => {
  let t: TestApp;
  let w: World;
  beforeEach(async () => {
    t = await startTestApp(engine);
    w = await seedWorld(t.storage);
  });
  afterEach(async () => t.close());

  it('answers 503 with Retry-After past its limits, writes nothing for those, and takes the retries', async () => {
    // One batch at a time and nobody waiting: every other concurrent batch is turned away at once.
    const app = createApp({ config: t.config, storage: t.storage, keys: t.keys, syncLimits: { maxActive: 1, maxQueued: 0 } });
    const batches = Array.from({ length: 6 }, () =>
      syncBody(Array.from({ length: 100 }, () => consultation({ stallId: w.stalls.jianwai.id, createdAt: `${DAY}T12:00:00+08:00` }))),
    );
    const answers = await Promise.all(batches.map((b) => app.request('/api/sync', syncInit(b, w.users.cityStaff.auth))));
    const refused = answers.filter((r) => r.status === 503);
    expect(answers.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await r.json()).toMatchObject({ error: { code: 'unavailable' } });
    }
    expect((await storeCounts(t.storage)).records).toBe(100 * (answers.length - refused.length));

    // The refused devices retry (here one by one) and everything is stored exactly once.
    for (const [i, r] of answers.entries()) {
      if (r.status === 200) continue;
      expect((await app.request('/api/sync', syncInit(batches[i], w.users.cityStaff.auth))).status).toBe(200);
    }
    expect(await storeCounts(t.storage)).toMatchObject({ records: 600, consultations: 600 });
  });

  it('lets a bounded line wait its turn instead of refusing it', async () => {
    const app = createApp({ config: t.config, storage: t.storage, keys: t.keys, syncLimits: { maxActive: 1, maxQueued: 10 } });
    const batches = Array.from({ length: 5 }, () => syncBody([consultation({ stallId: w.stalls.jianwai.id, createdAt: `${DAY}T12:00:00+08:00` })]));
    const answers = await Promise.all(batches.map((b) => app.request('/api/sync', syncInit(b, w.users.cityStaff.auth))));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  });
});
