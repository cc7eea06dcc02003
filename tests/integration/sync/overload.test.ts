import { expect, it } from 'vitest';
import { createApp } from '../../../src/server/app';
import { consultation, syncBody, syncInit } from '../../support/records';
import { describeEachEngine, type TestApp } from '../support/engines';
import { DAY, seedWorld, eachTestOnSeededWorld, storeCounts, type World } from './helpers';

describeEachEngine('POST /api/sync under overload', (engine) => {
  let t: TestApp;
  let w: World;
  eachTestOnSeededWorld(engine, (fresh) => ({ t, w } = fresh));

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

  it('queues or turns a batch away before reading its body: a waiting or refused batch holds none', async () => {
    // One place; the first batch's body is held back, so it keeps the place while its body is read.
    const app = createApp({ config: t.config, storage: t.storage, keys: t.keys, syncLimits: { maxActive: 1, maxOpen: 1, maxQueued: 1 } });
    const bodyOf = (b: unknown) => new TextEncoder().encode(JSON.stringify(b));
    /** A streamed body (no Content-Length) that counts how often it was read; the first read waits for `gate`. */
    const streamed = (b: unknown, gate: Promise<void> = Promise.resolve()) => {
      const body = { reads: 0, request: undefined as unknown as Request };
      let sent = false;
      const stream = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            body.reads++;
            await gate;
            if (sent) return controller.close();
            sent = true;
            controller.enqueue(bodyOf(b));
          },
        },
        // Nothing is pulled until someone reads.
        { highWaterMark: 0 },
      );
      body.request = new Request('http://localhost/api/sync', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...w.users.cityStaff.auth },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      return body;
    };
    const batch = () => syncBody([consultation({ stallId: w.stalls.jianwai.id, createdAt: `${DAY}T12:00:00+08:00` })]);
    const queued = async () => {
      const scrape = await (await app.request('/metrics')).text();
      return Number(/ruhui_gate_requests\{gate="sync",state="queued"\} (\d+)/.exec(scrape)?.[1]);
    };

    let release!: () => void;
    const first = streamed(batch(), new Promise<void>((resolve) => (release = resolve)));
    const firstAnswer = app.request(first.request);
    // Polls for up to ten seconds: on PostgreSQL signing in is a round trip, not a tick.
    for (let i = 0; i < 1000 && first.reads === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(first.reads).toBeGreaterThan(0);

    // The second waits in line, its body unread.
    const second = streamed(batch());
    const secondAnswer = app.request(second.request);
    for (let i = 0; i < 1000 && (await queued()) !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await queued()).toBe(1);
    expect(second.reads).toBe(0);

    // The third finds the line full: 503 at once, and not a byte of its body read.
    const third = streamed(batch());
    const refused = await app.request(third.request);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(third.reads).toBe(0);
    expect((await storeCounts(t.storage)).records).toBe(0);

    release();
    expect((await firstAnswer).status).toBe(200);
    expect((await secondAnswer).status).toBe(200);
    expect(second.reads).toBeGreaterThan(0);
    expect(third.reads).toBe(0);
    expect((await storeCounts(t.storage)).records).toBe(2);
  });
});
