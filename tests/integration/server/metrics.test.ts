import { expect, it } from 'vitest';
import { enrollment, consultation, testPerson } from '../../support/records';
import { describeEachEngine, type TestApp } from '../support/engines';
import { DAY, seedWorld, eachTestOnSeededWorld, statuses, sync, type World } from '../sync/helpers';
import { formatLine } from '../../../src/server/log';

/** The value of one sample line `name{labels} value` in a Prometheus text scrape. */
function sample(scrape: string, name: string, labels: string): number | undefined {
  const line = scrape.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describeEachEngine('GET /metrics and health', (engine) => {
  let t: TestApp;
  let w: World;
  eachTestOnSeededWorld(engine, (fresh) => ({ t, w } = fresh));

  const at = `${DAY}T12:30:00+08:00`;

  it('after a sync shows the records by status and requests by route pattern, and no ID number or phone', async () => {
    const stallId = w.stalls.jianwai.id;
    const staff = w.users.jianwaiStaff.auth;
    const people = [101, 102, 103].map(testPerson);
    const first = enrollment({ stallId, n: 101, createdAt: at });
    const batch = [
      first,
      enrollment({ stallId, n: 102, createdAt: at }),
      enrollment({ stallId, n: 101, createdAt: at }), // the same person again
      enrollment({ stallId, n: 103, createdAt: at, person: { phone: '12345' } }), // rejected
      consultation({ stallId, createdAt: at }),
    ];
    expect(statuses(await sync(t, staff, batch))).toEqual(['accepted', 'accepted', 'existing_member', 'rejected', 'accepted']);
    expect(statuses(await sync(t, staff, [first]))).toEqual(['duplicate']);
    // A request whose path carries personal data: only its pattern may show.
    await t.app.request(`/api/stalls/${people[2]!.phone}/today`, { headers: staff });
    await t.app.request(`/api/no-such/${people[2]!.idNumber}`);

    const res = await t.app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const scrape = await res.text();
    expect(sample(scrape, 'ruhui_sync_records_total', 'status="accepted"')).toBe(3);
    expect(sample(scrape, 'ruhui_sync_records_total', 'status="existing_member"')).toBe(1);
    expect(sample(scrape, 'ruhui_sync_records_total', 'status="rejected"')).toBe(1);
    expect(sample(scrape, 'ruhui_sync_records_total', 'status="duplicate"')).toBe(1);
    expect(sample(scrape, 'ruhui_http_requests_total', 'route="/api/sync",status="200"')).toBe(2);
    expect(sample(scrape, 'ruhui_http_request_duration_seconds_count', 'route="/api/sync"')).toBe(2);
    expect(sample(scrape, 'ruhui_gate_requests', 'gate="sync",state="queued"')).toBe(0);
    expect(sample(scrape, 'ruhui_db_pool_connections', 'state="waiting"')).toBe(0);
    if (engine === 'postgres') expect(sample(scrape, 'ruhui_db_pool_connections', 'state="total"')).toBeGreaterThan(0);
    for (const p of people) {
      for (const secret of [p.idNumber, p.idNumber.slice(0, 17), p.phone, p.phone.slice(3), p.name]) expect(scrape).not.toContain(secret);
    }
    // Not a single id or token of any kind: labels come from fixed vocabularies.
    expect(scrape).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('tells liveness from readiness, and keeps /api/health as it was', async () => {
    expect(await (await t.app.request('/api/health')).json()).toMatchObject({ ok: true, db: engine });
    const live = await t.app.request('/api/health/live');
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ ok: true });
    const ready = await t.app.request('/api/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, db: engine, store: 'ok', migrations: 'ok' });

    // A newer version migrated the (shared) store under this server: alive, but not ready.
    await t.storage.db.insertInto('schema_migrations').values({ name: '999_newer', applied_at: new Date().toISOString() }).execute();
    const stale = await t.app.request('/api/health/ready');
    expect(stale.status).toBe(503);
    expect(await stale.json()).toMatchObject({ ok: false, store: 'ok', migrations: 'newer' });
    expect((await t.app.request('/api/health/live')).status).toBe(200);

    // The store gone: alive, not ready.
    await t.storage.close();
    const down = await t.app.request('/api/health/ready');
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ ok: false, store: 'unreachable' });
    expect((await t.app.request('/api/health/live')).status).toBe(200);
    t.storage.close = async () => {};
  });
});

it('writes a log line as JSON for a collector, or as key=value text for a terminal', () => {
  const fields = { method: 'GET', route: '/api/health', status: 200, ms: 1.5 };
  const json = formatLine('json', '2026-05-01T04:00:00.000Z', 'info', 'request', fields);
  expect(JSON.parse(json)).toEqual({ t: '2026-05-01T04:00:00.000Z', level: 'info', msg: 'request', ...fields });
  expect(formatLine('text', '2026-05-01T04:00:00.000Z', 'info', 'request', { ...fields, note: 'two words' })).toBe(
    '2026-05-01T04:00:00.000Z info  request method=GET route=/api/health status=200 ms=1.5 note="two words"',
  );
});
