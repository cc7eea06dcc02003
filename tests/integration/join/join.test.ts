import crypto from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app';
import { joinTokenExpiry, signJoinToken } from '../../../src/server/join-tokens';
import { decryptPerson } from '../../../src/server/sync/person';
import { addDays, today } from '../../../src/server/time';
import { joinErrorSchema, joinResponseSchema, joinStallSchema } from '../../../src/shared/join';
import { enrollment, testPerson } from '../../support/records';
import { rowCounts } from '../api/helpers';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { addStall, addUser, seedTree } from '../support/fixtures';
import { storeCounts, sync } from '../sync/helpers';

const TZ = 'Asia/Shanghai';
/** The tables a refused request must leave alone. */
const STORED = ['records', 'members', 'daily_counts', 'join_limits'];

/** A self-registration body for test person `n`. */
function body(n: number, o: { id?: string; person?: Record<string, unknown> } = {}) {
  const e = enrollment({ stallId: crypto.randomUUID(), n, id: o.id, person: o.person });
  return { id: e.id, createdAt: e.createdAt, person: e.person, services: e.services, consent: e.consent };
}

describeEachEngine('/api/join/:token', (engine) => {
  let t: TestApp;
  let app: ReturnType<typeof createApp>;
  let tree: Awaited<ReturnType<typeof seedTree>>;
  let stall: Awaited<ReturnType<typeof addStall>>;
  let token: string;

  const tokenFor = (s: { id: string; date: string }) => signJoinToken(t.keys.joinToken, s.id, joinTokenExpiry(s.date, t.config.joinDays, TZ));
  const post = (tok: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.request(`/api/join/${tok}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '198.51.100.7', ...headers },
      body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const register = async (tok: string, payload: unknown, headers: Record<string, string> = {}) => {
    const res = await post(tok, payload, headers);
    const json: unknown = await res.json();
    if (res.status !== 200) throw new Error(`join answered ${res.status}: ${JSON.stringify(json)}`);
    return joinResponseSchema.parse(json);
  };
  const refusal = async (res: Response) => joinErrorSchema.parse(await res.json()).error;

  beforeEach(async () => {
    t = await startTestApp(engine, { trustProxyHops: 1 });
    app = createApp({ config: t.config, storage: t.storage, keys: t.keys, joinLimits: { perAddress: 4, perToken: 6 } });
    tree = await seedTree(t.storage);
    stall = await addStall(t.storage, tree.streets.jianwai, today(TZ), '建外SOHO摊位');
    token = tokenFor(stall);
  });
  afterEach(async () => t.close());

  it('GET names the stall and its union', async () => {
    const res = await app.request(`/api/join/${token}`);
    expect(res.status).toBe(200);
    expect(joinStallSchema.parse(await res.json())).toEqual({
      stallId: stall.id,
      name: '建外SOHO摊位',
      org: '建外街道总工会',
      date: stall.date,
      location: null,
      expiresAt: joinTokenExpiry(stall.date, 7, TZ).toISOString(),
    });
  });

  it('refuses forged, malformed, foreign and expired tokens: 404, 404, 404, 410', async () => {
    const forged = token.slice(0, 30) + (token[30] === 'A' ? 'B' : 'A') + token.slice(31);
    const otherKey = signJoinToken(crypto.randomBytes(32), stall.id, joinTokenExpiry(stall.date, 7, TZ));
    const old = await addStall(t.storage, tree.streets.jianwai, addDays(today(TZ), -30), '上月摊位');
    for (const [tok, status, code] of [
      [forged, 404, 'join_unknown'],
      ['not-a-token', 404, 'join_unknown'],
      [otherKey, 404, 'join_unknown'],
      [tokenFor(old), 410, 'join_expired'],
    ] as const) {
      const got = await app.request(`/api/join/${tok}`);
      expect(got.status).toBe(status);
      expect((await refusal(got)).code).toBe(code);
      const posted = await post(tok, body(1));
      expect(posted.status).toBe(status);
      expect((await refusal(posted)).code).toBe(code);
    }
    // A genuine token of a stall that no longer exists is unknown too.
    const gone = signJoinToken(t.keys.joinToken, crypto.randomUUID(), joinTokenExpiry(stall.date, 7, TZ));
    expect((await post(gone, body(1))).status).toBe(404);
    expect(await rowCounts(t, STORED)).toEqual({ records: 0, members: 0, daily_counts: 0, join_limits: 0 });
  });

  it('stores a self-registration at the token’s stall, counted as channel self; a replay answers the same receipt', async () => {
    const b = body(3);
    const first = await register(token, b);
    expect(first).toEqual({
      id: b.id,
      status: 'accepted',
      receipt: { code: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{6}$/), maskedName: '刘*', stall: '建外SOHO摊位', at: expect.any(String) },
    });
    expect(Math.abs(Date.parse(first.receipt.at) - Date.now())).toBeLessThan(60_000);

    // The answer was lost: the page sends the same again, twice.
    expect(await register(token, b)).toEqual(first);
    expect(await register(token, b, { 'X-Forwarded-For': '203.0.113.9' })).toEqual(first);

    expect(await storeCounts(t.storage)).toEqual({ records: 1, members: 1, enrolled: 1, existing: 0, consultations: 0 });
    const row = await t.storage.db.selectFrom('records').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ id: b.id, stall_id: stall.id, org_id: tree.streets.jianwai.id, channel: 'self', kind: 'enrollment', day: today(TZ), device_created_at: b.createdAt });
    expect(decryptPerson(t.keys.personEncryption, row.person_enc!).idNumber).toBe(b.person.idNumber);
    const counts = await t.storage.db.selectFrom('daily_counts').selectAll().execute();
    expect(counts).toEqual([expect.objectContaining({ stall_id: stall.id, channel: 'self', enrolled: 1, day: today(TZ) })]);
  });

  it('takes the server’s time, not the phone’s, for the record and its day', async () => {
    const b = { ...body(4), createdAt: new Date(Date.now() - 3 * 3_600_000).toISOString() };
    const res = await register(token, b);
    expect(Math.abs(Date.parse(res.receipt.at) - Date.now())).toBeLessThan(60_000);
  });

  it('answers existing_member for a worker enrolled before (by staff, elsewhere), counted once', async () => {
    const other = await addStall(t.storage, tree.streets.sanlitun, today(TZ), '三里屯摊位');
    const staff = await addUser(t.storage, tree.streets.sanlitun, 'staff');
    const synced = await sync(t, staff.auth, [enrollment({ stallId: other.id, n: 5 })]);
    expect(synced.results[0]!.status).toBe('accepted');

    const b = body(5);
    const res = await register(token, b);
    expect(res.status).toBe('existing_member');
    expect(await register(token, b)).toEqual(res);
    // The same person scanning again makes a new registration id: still not a new member.
    expect((await register(token, body(5))).status).toBe('existing_member');
    expect(await storeCounts(t.storage)).toEqual({ records: 3, members: 1, enrolled: 1, existing: 2, consultations: 0 });
  });

  it('refuses the same id with other content (409) and stores nothing more', async () => {
    const b = body(6);
    await register(token, b);
    const res = await post(token, { ...b, person: { ...b.person, phone: '13900000001' } });
    expect(res.status).toBe(409);
    expect((await refusal(res)).code).toBe('id_conflict');
    expect(await storeCounts(t.storage)).toEqual({ records: 1, members: 1, enrolled: 1, existing: 0, consultations: 0 });
  });

  it('refuses bad bodies with a 4xx and a reason, and writes nothing', async () => {
    const good = body(7);
    const cases: [unknown, number, string, string?][] = [
      ['{not json', 400, 'invalid_json'],
      [{ ...good, person: { ...good.person, phone: '12345' } }, 400, 'phone_format', 'person.phone'],
      [{ ...good, person: { ...good.person, idNumber: good.person.idNumber.slice(0, 17) + (good.person.idNumber.endsWith('1') ? '2' : '1') } }, 400, 'id_checksum', 'person.idNumber'],
      [{ ...good, consent: { ...good.consent, sensitiveInfo: false } }, 400, 'consent_required', 'consent.sensitiveInfo'],
      [{ ...good, id: 'not-a-uuid' }, 400, 'record_id_invalid', 'id'],
      [{ ...good, person: { ...good.person, birthDate: '2015-01-01' } }, 400, 'birth_date_mismatch', 'person.birthDate'],
      [[good], 400, ''],
      [null, 400, ''],
      [{ ...good, person: { ...good.person, name: 'x'.repeat(20_000) } }, 413, 'payload_too_large'],
    ];
    for (const [payload, status, code, field] of cases) {
      const res = await post(token, payload, { 'Accept-Language': 'en' });
      expect(res.status, code).toBe(status);
      const error = await refusal(res);
      if (code) expect(error.code).toBe(code);
      if (field) expect(error.field).toBe(field);
      expect(error.message).not.toMatch(/[\u4e00-\u9fff]/);
    }
    const text = await app.request(`/api/join/${token}`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(good) });
    expect(text.status).toBe(415);
    expect(await rowCounts(t, STORED)).toEqual({ records: 0, members: 0, daily_counts: 0, join_limits: 0 });
  });

  it('refuses hostile strings in every text field with a 400, never a 5xx, and stores nothing', async () => {
    const hostile = ['\u0000', '\ud800', 'a\u202Eb', '=HYPERLINK("x")', 'x'.repeat(200), '\u0007', 'a\u0301\u0301\u0301\u0301\u0301\u0301'];
    const good = body(40);
    for (const value of hostile) {
      for (const patch of [
        { person: { ...good.person, name: value } },
        { person: { ...good.person, employer: value } },
        { person: { ...good.person, phone: value } },
        { person: { ...good.person, idNumber: value } },
        { consent: { ...good.consent, noticeVersion: value } },
      ]) {
        const res = await post(token, { ...good, ...patch });
        expect(res.status, JSON.stringify(patch)).toBe(400);
      }
    }
    for (const tok of ['..%2F..%2Fetc', '%00', 'A'.repeat(500)]) expect((await app.request(`/api/join/${tok}`)).status).toBe(404);
    expect(await rowCounts(t, STORED)).toEqual({ records: 0, members: 0, daily_counts: 0, join_limits: 0 });
  });

  it('limits requests per address and per link (429 with Retry-After), kept in the database', async () => {
    for (let n = 0; n < 4; n++) await register(token, body(10 + n));
    const refused = await post(token, body(20));
    expect(refused.status).toBe(429);
    expect((await refusal(refused)).code).toBe('rate_limited');
    const wait = Number(refused.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(600);

    // Another address still gets through, until the link's own limit (6 requests, the refused one
    // included) is reached.
    await register(token, body(21), { 'X-Forwarded-For': '203.0.113.1' });
    expect((await post(token, body(23), { 'X-Forwarded-For': '203.0.113.3' })).status).toBe(429);

    // A second app on the same database (another server behind the load balancer) sees the same counts.
    const twin = createApp({ config: t.config, storage: t.storage, keys: t.keys, joinLimits: { perAddress: 4, perToken: 6 } });
    const again = await twin.request(`/api/join/${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '203.0.113.4' },
      body: JSON.stringify(body(24)),
    });
    expect(again.status).toBe(429);
    // Another stall's link is not affected.
    const other = await addStall(t.storage, tree.streets.jianwai, today(TZ), '另一个摊位');
    await register(tokenFor(other), body(25), { 'X-Forwarded-For': '203.0.113.5' });
    expect((await storeCounts(t.storage)).records).toBe(6);
  });

  it('refuses a registration before the stall’s day (out_of_window)', async () => {
    const later = await addStall(t.storage, tree.streets.jianwai, addDays(today(TZ), 2), '后天的摊位');
    const res = await post(tokenFor(later), body(30));
    expect(res.status).toBe(400);
    expect(await refusal(res)).toMatchObject({ code: 'out_of_window', field: 'createdAt' });
    expect((await storeCounts(t.storage)).records).toBe(0);
  });
});

it('test persons used here are distinct', () => {
  expect(new Set([3, 4, 5, 6, 7].map((n) => testPerson(n).idNumber)).size).toBe(5);
});
