import { afterEach, expect, it } from 'vitest';
import type { Config } from '../../../src/server/config';
import { consultation, enrollment, syncBody, syncInit, testPerson } from '../../support/records';
import type { ServerProcess } from '../../support/server-process';
import { describeEachEngine, dropTestStore, testConfig } from '../support/engines';
import { seedStore, startOn } from '../support/sync-server';

describeEachEngine('sync logs', (engine) => {
  let config: Config;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.kill();
    await dropTestStore(config);
  });

  it('log each batch as numbers only: no ID number, phone or name, whatever the records and errors', async () => {
    config = testConfig(engine);
    const { stallId, staff } = await seedStore(config);
    server = await startOn(config);
    const at = '2026-05-01T12:00:00+08:00';
    const people = [1, 2, 3, 4, 5].map((n) => testPerson(40_000 + n));
    const good = enrollment({ stallId, n: 40_001, createdAt: at });
    const batch = [
      good,
      enrollment({ stallId, n: 40_001, createdAt: at }), // the same person again
      enrollment({ stallId, n: 40_002, createdAt: at, person: { phone: `${people[1]!.phone}9` } }), // bad phone
      enrollment({ stallId, n: 40_003, createdAt: at, person: { idNumber: people[2]!.idNumber.slice(0, 17) + '0' } }), // bad check digit
      enrollment({ stallId, n: 40_004, createdAt: at, person: { birthDate: '1999-01-01' } }), // disagrees with the ID
      { ...good, person: { ...good.person, phone: people[4]!.phone } }, // same id, other content
    ];
    const post = (body: unknown, headers: Record<string, string> = {}) => fetch(`${server!.url}/api/sync`, syncInit(body, staff.auth, headers));
    expect((await post(syncBody(batch))).status).toBe(200);
    expect((await post(syncBody([good, consultation({ stallId })]))).status).toBe(200);
    // Whole requests that fail, carrying personal data in their bodies.
    expect((await post(`{"deviceId":"d","records":[{"idNumber":"${people[0]!.idNumber}","phone":"${people[0]!.phone}"`)).status).toBe(400);
    expect((await post({ deviceId: people[3]!.phone, sentAt: 'x', records: batch })).status).toBe(400);
    expect((await post(syncBody(batch), { 'Content-Type': 'text/plain' })).status).toBe(415);
    await new Promise((r) => setTimeout(r, 300));

    const out = server.output();
    expect(out).toMatch(/"msg":"sync".*"accepted":1/);
    for (const p of people) {
      for (const secret of [p.idNumber, p.idNumber.slice(0, 17), p.phone, p.phone.slice(3), p.name]) expect(out).not.toContain(secret);
    }
  });
});
