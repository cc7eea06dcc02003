import crypto from 'node:crypto';
import { expect, it } from 'vitest';
import { decryptPerson, personHash } from '../../../src/server/sync/person';
import { consultation, enrollment, syncBody, syncInit, testPerson } from '../../support/records';
import { describeEachEngine, type TestApp } from '../support/engines';
import { today } from '../../../src/server/time';
import { addStall } from '../support/fixtures';
import { DAY, seedWorld, eachTestOnSeededWorld, statuses, storeCounts, sync, type World } from './helpers';

describeEachEngine('POST /api/sync', (engine) => {
  let t: TestApp;
  let w: World;
  eachTestOnSeededWorld(engine, (fresh) => ({ t, w } = fresh));

  const at = `${DAY}T12:30:00+08:00`;

  it('answers a mixed batch record by record: one bad record never sinks the others', async () => {
    const staff = w.users.jianwaiStaff.auth;
    // Person 7 joined earlier, at another stall of the same street.
    const first = await sync(t, staff, [enrollment({ stallId: w.stalls.jianwai.id, n: 7, createdAt: at })]);
    expect(statuses(first)).toEqual(['accepted']);

    const returning = enrollment({ stallId: w.stalls.jianwai.id, n: 7, createdAt: at });
    const batch = [
      enrollment({ stallId: w.stalls.jianwai.id, n: 1, createdAt: at }),
      enrollment({ stallId: w.stalls.jianwai.id, n: 2, createdAt: at, person: { phone: '12345' } }),
      consultation({ stallId: w.stalls.jianwai.id, createdAt: at, topic: 'legal' }),
      returning,
      enrollment({ stallId: w.stalls.zhongguancun.id, n: 3, createdAt: at }),
      consultation({ stallId: crypto.randomUUID(), createdAt: at }),
      'not a record',
      { kind: 'enrollment', id: 'not-a-uuid' },
    ];
    const res = await sync(t, staff, batch, { lang: 'en' });
    expect(res.results.map((r) => r.id)).toEqual([...batch.slice(0, 6).map((r) => (r as { id: string }).id), '', 'not-a-uuid']);
    expect(statuses(res)).toEqual(['accepted', 'rejected', 'accepted', 'existing_member', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(res.results[1]!.reason).toMatchObject({ code: 'phone_format', field: 'person.phone' });
    expect(res.results[1]!.reason!.message).toMatch(/mobile number/);
    expect(res.results[4]!.reason).toMatchObject({ code: 'forbidden_stall', field: 'stallId' });
    expect(res.results[5]!.reason).toMatchObject({ code: 'unknown_stall', field: 'stallId' });
    expect(res.results[6]!.reason!.code).toBe('invalid_record');
    expect(res.results[7]!.reason).toMatchObject({ code: 'record_id_invalid', field: 'id' });
    expect(Date.parse(res.serverTime)).toBeGreaterThan(Date.now() - 60_000);

    expect(await storeCounts(t.storage)).toEqual({ records: 4, members: 2, enrolled: 2, existing: 1, consultations: 1 });
    const existing = await t.storage.db.selectFrom('records').select('outcome').where('id', '=', returning.id).executeTakeFirstOrThrow();
    expect(existing.outcome).toBe('existing_member');
  });

  it('gives reasons in the caller’s language (Chinese by default)', async () => {
    const res = await sync(t, w.users.jianwaiStaff.auth, [enrollment({ stallId: w.stalls.zhongguancun.id, n: 1, createdAt: at })]);
    expect(res.results[0]!.reason).toEqual({ code: 'forbidden_stall', field: 'stallId', message: expect.stringMatching(/摊位/) });
  });

  it('answers a replay with duplicate, and stores and counts nothing again', async () => {
    const staff = w.users.cityStaff.auth;
    await sync(t, staff, [enrollment({ stallId: w.stalls.sanlitun.id, n: 9, createdAt: at })]);
    const batch = [
      enrollment({ stallId: w.stalls.jianwai.id, n: 1, createdAt: at }),
      enrollment({ stallId: w.stalls.jianwai.id, n: 9, createdAt: at }),
      consultation({ stallId: w.stalls.jianwai.id, createdAt: at }),
      enrollment({ stallId: w.stalls.jianwai.id, n: 4, createdAt: at, person: { occupation: 'astronaut' } }),
    ];
    const once = await sync(t, staff, batch);
    expect(statuses(once)).toEqual(['accepted', 'existing_member', 'accepted', 'rejected']);
    const before = await storeCounts(t.storage);

    // The response was lost; the device sends the same batch again, later, from another device too.
    const again = await sync(t, staff, batch, { sentAt: new Date().toISOString() });
    expect(statuses(again)).toEqual(['duplicate', 'duplicate', 'duplicate', 'rejected']);
    const third = await sync(t, w.users.jianwaiStaff.auth, batch, { deviceId: 'another-device' });
    expect(statuses(third)).toEqual(['duplicate', 'duplicate', 'duplicate', 'rejected']);
    expect(await storeCounts(t.storage)).toEqual(before);
    // The stored outcome stays what it was the first time.
    const outcomes = await t.storage.db.selectFrom('records').select(['id', 'outcome']).where('id', 'in', [batch[0]!.id, batch[1]!.id]).execute();
    expect(Object.fromEntries(outcomes.map((o) => [o.id, o.outcome]))).toEqual({ [batch[0]!.id]: 'accepted', [batch[1]!.id]: 'existing_member' });
  });

  it('takes the same record id twice in one batch once', async () => {
    const record = enrollment({ stallId: w.stalls.jianwai.id, n: 5, createdAt: at });
    const res = await sync(t, w.users.cityStaff.auth, [record, consultation({ stallId: w.stalls.jianwai.id, createdAt: at }), record]);
    expect(statuses(res)).toEqual(['accepted', 'accepted', 'duplicate']);
    expect(await storeCounts(t.storage)).toMatchObject({ records: 2, enrolled: 1, consultations: 1 });
  });

  it('rejects the same id with other content as id_conflict, keeping the first', async () => {
    const staff = w.users.cityStaff.auth;
    const original = enrollment({ stallId: w.stalls.jianwai.id, n: 11, createdAt: at });
    expect(statuses(await sync(t, staff, [original]))).toEqual(['accepted']);

    const changed = { ...original, person: { ...original.person, phone: '13900000000' } };
    const otherKind = consultation({ stallId: w.stalls.jianwai.id, id: original.id, createdAt: at });
    const res = await sync(t, staff, [changed, otherKind], { lang: 'en' });
    expect(statuses(res)).toEqual(['rejected', 'rejected']);
    expect(res.results[0]!.reason).toMatchObject({ code: 'id_conflict', field: 'id' });
    expect(res.results[0]!.reason!.message).toMatch(/different content/);

    // Within one batch: the first of the pair is stored, the other is the conflict.
    const fresh = consultation({ stallId: w.stalls.jianwai.id, createdAt: at, topic: 'health' });
    const inBatch = await sync(t, staff, [fresh, { ...fresh, topic: 'legal' }]);
    expect(statuses(inBatch)).toEqual(['accepted', 'rejected']);
    expect(inBatch.results[1]!.reason!.code).toBe('id_conflict');

    expect(await storeCounts(t.storage)).toMatchObject({ records: 2, enrolled: 1, consultations: 1 });
    // The same content again is still a plain duplicate, however the request around it differs.
    expect(statuses(await sync(t, staff, [original], { deviceId: 'other', sentAt: new Date(Date.now() - 3_600_000).toISOString() }))).toEqual(['duplicate']);
  });

  it('makes a second sign-up of one person in one batch an existing member', async () => {
    const res = await sync(t, w.users.cityStaff.auth, [
      enrollment({ stallId: w.stalls.jianwai.id, n: 21, createdAt: at }),
      enrollment({ stallId: w.stalls.zhongguancun.id, n: 21, createdAt: at }),
      enrollment({ stallId: w.stalls.jianwai.id, n: 21, createdAt: at, person: { phone: '13700000021' } }),
    ]);
    expect(statuses(res)).toEqual(['accepted', 'existing_member', 'existing_member']);
    expect(await storeCounts(t.storage)).toMatchObject({ records: 3, members: 1, enrolled: 1, existing: 2 });
  });

  it('treats ID numbers as the same person however they were typed', async () => {
    const p = testPerson(1_234);
    const lower = p.idNumber.replace(/X$/, 'x');
    const spaced = `${p.idNumber.slice(0, 6)} ${p.idNumber.slice(6, 14)} ${p.idNumber.slice(14)}`;
    const res = await sync(t, w.users.cityStaff.auth, [
      enrollment({ stallId: w.stalls.jianwai.id, n: 1_234, createdAt: at, person: { idNumber: lower } }),
      enrollment({ stallId: w.stalls.jianwai.id, n: 1_234, createdAt: at, person: { idNumber: spaced } }),
    ]);
    expect(statuses(res)).toEqual(['accepted', 'existing_member']);
  });

  it('stores each record exactly once when two identical batches race', async () => {
    const batch = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0 ? consultation({ stallId: w.stalls.jianwai.id, createdAt: at }) : enrollment({ stallId: w.stalls.jianwai.id, n: 100 + i, createdAt: at }),
    );
    const [a, b] = await Promise.all([sync(t, w.users.cityStaff.auth, batch), sync(t, w.users.jianwaiStaff.auth, batch, { deviceId: 'tab-2' })]);
    batch.forEach((_, i) => {
      const pair = [a.results[i]!.status, b.results[i]!.status].sort();
      expect(pair).toEqual(['accepted', 'duplicate']);
    });
    expect(await storeCounts(t.storage)).toEqual({ records: 60, members: 40, enrolled: 40, existing: 0, consultations: 20 });
  });

  it('enrolls a person once when two different records of them race', async () => {
    const people = Array.from({ length: 40 }, (_, i) => 300 + i);
    const fromStall = (stallId: string) => people.map((n) => enrollment({ stallId, n, createdAt: at }));
    const [a, b] = await Promise.all([
      sync(t, w.users.cityStaff.auth, fromStall(w.stalls.jianwai.id)),
      sync(t, w.users.cityStaff.auth, fromStall(w.stalls.zhongguancun.id), { deviceId: 'phone-2' }),
    ]);
    people.forEach((_, i) => {
      expect([a.results[i]!.status, b.results[i]!.status].sort()).toEqual(['accepted', 'existing_member']);
    });
    expect(await storeCounts(t.storage)).toEqual({ records: 80, members: 40, enrolled: 40, existing: 40, consultations: 0 });
  });

  it('survives many overlapping batches racing, counting each record and person once', async () => {
    const pool = Array.from({ length: 120 }, (_, i) =>
      i % 4 === 0 ? consultation({ stallId: w.stalls.sanlitun.id, createdAt: at }) : enrollment({ stallId: w.stalls.sanlitun.id, n: 500 + (i % 50), createdAt: at }),
    );
    // Six devices send overlapping slices in different orders at once.
    const slices = Array.from({ length: 6 }, (_, k) => {
      const slice = pool.filter((_, i) => (i + k) % 3 !== 0);
      return k % 2 ? slice.reverse() : slice;
    });
    const answers = await Promise.all(slices.map((s, k) => sync(t, w.users.cityStaff.auth, s, { deviceId: `d${k}` })));
    const stored = new Map<string, number>();
    answers.forEach((ans) => ans.results.forEach((r) => {
      if (r.status === 'accepted' || r.status === 'existing_member') stored.set(r.id, (stored.get(r.id) ?? 0) + 1);
    }));
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
    expect(stored.size).toBe(pool.length);
    const people = new Set(pool.flatMap((r) => (r.kind === 'enrollment' ? [r.person.idNumber] : [])));
    const counts = await storeCounts(t.storage);
    expect(counts).toEqual({ records: 120, members: people.size, enrolled: people.size, existing: 90 - people.size, consultations: 30 });
  });

  it('corrects record times by the device clock offset beyond five minutes, keeping both', async () => {
    // Records made now belong to a stall of today.
    const todays = await addStall(t.storage, w.tree.streets.jianwai, today('Asia/Shanghai'));
    const staff = w.users.cityStaff.auth;
    const now = Date.now();
    const twoHours = 2 * 3_600_000;
    // The device clock is two hours behind: it says 10:00 when it is 12:00.
    const deviceSaved = new Date(now - twoHours - 60_000).toISOString();
    const skewed = enrollment({ stallId: todays.id, n: 41, createdAt: deviceSaved });
    await sync(t, staff, [skewed], { sentAt: new Date(now - twoHours).toISOString() });
    // Four minutes off: within tolerance, left alone.
    const closeEnough = consultation({ stallId: todays.id, createdAt: new Date(now - 10 * 60_000).toISOString() });
    await sync(t, staff, [closeEnough], { sentAt: new Date(now - 4 * 60_000).toISOString() });

    const rows = await t.storage.db.selectFrom('records').select(['id', 'created_at', 'device_created_at', 'day']).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const a = byId.get(skewed.id)!;
    expect(a.device_created_at).toBe(deviceSaved);
    expect(Math.abs(Date.parse(a.created_at) - (Date.parse(deviceSaved) + twoHours))).toBeLessThan(5_000);
    const b = byId.get(closeEnough.id)!;
    expect(Date.parse(b.created_at)).toBe(Date.parse(closeEnough.createdAt));
    expect(b.device_created_at).toBe(closeEnough.createdAt);
  });

  it('never moves a record into the future, and survives absurd device clocks', async () => {
    // Records made now belong to a stall of today.
    const todays = await addStall(t.storage, w.tree.streets.jianwai, today('Asia/Shanghai'));
    const now = Date.now();
    // Saved with the right time; then the device clock was set two hours back before sending.
    const savedRight = consultation({ stallId: todays.id, createdAt: new Date(now - 10 * 60_000).toISOString() });
    await sync(t, w.users.cityStaff.auth, [savedRight], { sentAt: new Date(now - 2 * 3_600_000).toISOString() });
    // Clocks from another age, both ways: still a 200 and a record at a time that has happened.
    const ancient = consultation({ stallId: todays.id, createdAt: '0001-01-01T00:00:00Z' });
    await sync(t, w.users.cityStaff.auth, [ancient], { sentAt: '0001-01-01T00:05:00Z' });
    const future = consultation({ stallId: todays.id, createdAt: '9999-12-31T23:59:59Z' });
    await sync(t, w.users.cityStaff.auth, [future], { sentAt: '0001-01-01T00:00:00Z' });

    const rows = await t.storage.db.selectFrom('records').select(['id', 'created_at', 'device_created_at', 'day']).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(Date.parse(byId.get(savedRight.id)!.created_at)).toBe(Date.parse(savedRight.createdAt));
    for (const r of [ancient, future]) {
      const row = byId.get(r.id)!;
      expect(row.device_created_at).toBe(r.createdAt);
      expect(Date.parse(row.created_at)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(row.created_at)).toBeGreaterThan(now - 10 * 60_000);
      expect(row.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('puts a corrected record on the day its corrected time falls on', async () => {
    // Records made now belong to a stall of today.
    const todays = await addStall(t.storage, w.tree.streets.jianwai, today('Asia/Shanghai'));
    // The device clock is 30 minutes behind: the day comes from the corrected time, not the device's.
    const serverNow = Date.now();
    const offset = 30 * 60_000;
    const deviceNow = serverNow - offset;
    const createdAt = new Date(deviceNow - 5 * 60_000);
    const r = consultation({ stallId: todays.id, createdAt: createdAt.toISOString() });
    await sync(t, w.users.cityStaff.auth, [r], { sentAt: new Date(deviceNow).toISOString() });
    const row = await t.storage.db.selectFrom('records').select(['day', 'created_at']).where('id', '=', r.id).executeTakeFirstOrThrow();
    const shanghaiDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(row.day).toBe(shanghaiDay(createdAt.getTime() + offset));
    expect(Math.abs(Date.parse(row.created_at) - (createdAt.getTime() + offset))).toBeLessThan(5_000);
  });

  it('computes the day in Asia/Shanghai: 23:30 +08:00 is that day, 16:30Z the next', async () => {
    const late = consultation({ stallId: w.stalls.jianwai.id, createdAt: '2026-05-01T23:30:00+08:00' });
    const utc = consultation({ stallId: w.stalls.jianwai.id, createdAt: '2026-05-01T16:30:00Z' });
    const early = consultation({ stallId: w.stalls.jianwai.id, createdAt: '2026-05-01T15:59:59.999Z' });
    await sync(t, w.users.cityStaff.auth, [late, utc, early]);
    const rows = await t.storage.db.selectFrom('records').select(['id', 'day']).execute();
    const day = new Map(rows.map((r) => [r.id, r.day]));
    expect([day.get(late.id), day.get(utc.id), day.get(early.id)]).toEqual(['2026-05-01', '2026-05-02', '2026-05-01']);
    const counters = await t.storage.db.selectFrom('daily_counts').select(['day', 'consultations']).orderBy('day').execute();
    expect(counters.map((c) => [c.day, Number(c.consultations)])).toEqual([['2026-05-01', 2], ['2026-05-02', 1]]);
  });

  it('keeps the ID number and phone out of the database: hashed and encrypted only', async () => {
    const records = Array.from({ length: 12 }, (_, i) => enrollment({ stallId: w.stalls.jianwai.id, n: 900 + i, createdAt: at }));
    await sync(t, w.users.cityStaff.auth, records);
    const dump = JSON.stringify([
      await t.storage.db.selectFrom('records').selectAll().execute(),
      await t.storage.db.selectFrom('members').selectAll().execute(),
      await t.storage.db.selectFrom('daily_counts').selectAll().execute(),
    ]);
    for (const r of records) {
      expect(dump).not.toContain(r.person.idNumber);
      expect(dump).not.toContain(r.person.idNumber.slice(0, 14));
      expect(dump).not.toContain(r.person.phone);
      expect(dump).not.toContain(r.person.phone.slice(3));
      expect(dump).not.toContain(r.person.name);
    }
    // What is stored is recoverable with the keys, and only with them.
    const row = await t.storage.db.selectFrom('records').selectAll().where('id', '=', records[0]!.id).executeTakeFirstOrThrow();
    expect(row.person_hash).toBe(personHash(t.keys.personHash, records[0]!.person.idNumber));
    expect(row.person_enc).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(decryptPerson(t.keys.personEncryption, row.person_enc!)).toMatchObject({
      idNumber: records[0]!.person.idNumber,
      phone: records[0]!.person.phone,
      name: records[0]!.person.name,
    });
    expect(() => decryptPerson(crypto.randomBytes(32), row.person_enc!)).toThrow();
    const other = await t.storage.db.selectFrom('records').select('person_enc').where('id', '=', records[1]!.id).executeTakeFirstOrThrow();
    expect(other.person_enc!.split('.')[1]).not.toBe(row.person_enc!.split('.')[1]);
  });

  it('refuses whole bad requests with 400/413/415 and writes nothing', async () => {
    const auth = w.users.cityStaff.auth;
    const good = [enrollment({ stallId: w.stalls.jianwai.id, n: 1, createdAt: at })];
    const cases: { init: RequestInit; status: number; code: string }[] = [
      { init: syncInit('{"deviceId": "d", "records": [', auth), status: 400, code: 'invalid_json' },
      { init: syncInit({ ...syncBody(good), records: [] }, auth), status: 400, code: 'invalid_input' },
      { init: syncInit({ ...syncBody(good), records: Array.from({ length: 501 }, () => good[0]) }, auth), status: 400, code: 'invalid_input' },
      { init: syncInit({ ...syncBody(good), deviceId: 'has spaces' }, auth), status: 400, code: 'invalid_input' },
      { init: syncInit({ ...syncBody(good), sentAt: 'yesterday' }, auth), status: 400, code: 'invalid_input' },
      { init: syncInit({ records: good }, auth), status: 400, code: 'invalid_input' },
      { init: syncInit([syncBody(good)], auth), status: 400, code: 'invalid_input' },
      { init: { ...syncInit(syncBody(good), auth), headers: { ...auth, 'Content-Type': 'text/plain' } }, status: 415, code: 'unsupported_media_type' },
      {
        init: syncInit(syncBody([{ ...good[0], pad: 'x'.repeat(3 * 1024 * 1024) }]), auth),
        status: 413,
        code: 'payload_too_large',
      },
    ];
    for (const c of cases) {
      const res = await t.app.request('/api/sync', c.init);
      expect(res.status, c.code).toBe(c.status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(c.code);
      expect(body.error.message.length).toBeGreaterThan(0);
    }
    expect(await storeCounts(t.storage)).toEqual({ records: 0, members: 0, enrolled: 0, existing: 0, consultations: 0 });
  });

  it('wants a signed-in staff member or supervisor', async () => {
    const body = syncBody([consultation({ stallId: w.stalls.jianwai.id, createdAt: at })]);
    expect((await t.app.request('/api/sync', syncInit(body, { Authorization: 'Bearer not-a-real-token-0000000000' }))).status).toBe(401);
    const noAuth = await t.app.request('/api/sync', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(noAuth.status).toBe(401);
    expect((await t.app.request('/api/sync', syncInit(body, w.users.admin.auth))).status).toBe(403);
    const supervisor = await sync(t, w.users.chaoyangSupervisor.auth, body.records);
    expect(statuses(supervisor)).toEqual(['accepted']);
    expect(await storeCounts(t.storage)).toMatchObject({ records: 1 });
  });

  it('scopes records to the caller’s subtree: a district supervisor reaches its streets, not the next district', async () => {
    const sup = w.users.chaoyangSupervisor.auth;
    const res = await sync(t, sup, [
      consultation({ stallId: w.stalls.jianwai.id, createdAt: at }),
      consultation({ stallId: w.stalls.sanlitun.id, createdAt: at }),
      consultation({ stallId: w.stalls.zhongguancun.id, createdAt: at }),
      consultation({ stallId: w.stalls.haidianDistrict.id, createdAt: at }),
    ]);
    expect(statuses(res)).toEqual(['accepted', 'accepted', 'rejected', 'rejected']);
    expect(res.results.slice(2).map((r) => r.reason!.code)).toEqual(['forbidden_stall', 'forbidden_stall']);
  });

  it('answers duplicate for a stored record even once its stall is out of the caller’s scope', async () => {
    const r = consultation({ stallId: w.stalls.zhongguancun.id, createdAt: at });
    expect(statuses(await sync(t, w.users.cityStaff.auth, [r]))).toEqual(['accepted']);
    // Another sender without that stall in scope replays it: it is there, so it is not a rejection.
    expect(statuses(await sync(t, w.users.jianwaiStaff.auth, [r]))).toEqual(['duplicate']);
    // But a new record for that stall is refused.
    const fresh = await sync(t, w.users.jianwaiStaff.auth, [{ ...r, id: crypto.randomUUID() }]);
    expect(fresh.results[0]!.reason!.code).toBe('forbidden_stall');
  });
});
