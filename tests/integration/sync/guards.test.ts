/**
 * What the server guards about a record's day and channel, and what a replay tells: a record must
 * fall on its stall's date (12 hours of slack either side) after clock correction, a correction never
 * moves it out of that window, a future `sentAt` never moves records back, only `staff` records come
 * through sync, and a replay answers `duplicate` with the first outcome. And the stall's counts for
 * today, as the stall screen reads them.
 */
import { expect, it } from 'vitest';
import { stallTodaySchema } from '../../../src/shared/stall-today';
import { addDays, today } from '../../../src/server/time';
import { consultation, enrollment } from '../../support/records';
import { addStall } from '../support/fixtures';
import { describeEachEngine, type TestApp } from '../support/engines';
import { seedWorld, eachTestOnSeededWorld, storeCounts, sync, type World } from './helpers';

const HOUR = 3_600_000;

describeEachEngine('sync guards the record’s day and channel', (engine) => {
  let t: TestApp;
  let w: World;
  eachTestOnSeededWorld(engine, (fresh) => ({ t, w } = fresh));

  const staff = () => w.users.jianwaiStaff.auth;
  const stored = async (id: string) =>
    t.storage.db.selectFrom('records').select(['created_at', 'day']).where('id', '=', id).executeTakeFirst();

  it('refuses a record dated the day before or the day after its stall, beyond 12 hours either side', async () => {
    // The stalls are dated 1 May: in Beijing the window runs from 30 April 12:00 to 2 May 12:00.
    const before = consultation({ stallId: w.stalls.jianwai.id, createdAt: '2026-04-30T11:59:00+08:00' });
    const after = enrollment({ stallId: w.stalls.jianwai.id, n: 1, createdAt: '2026-05-02T12:00:00+08:00' });
    const lateEve = consultation({ stallId: w.stalls.jianwai.id, createdAt: '2026-04-30T12:00:00+08:00' });
    const pastMidnight = enrollment({ stallId: w.stalls.jianwai.id, n: 2, createdAt: '2026-05-02T11:59:59+08:00' });
    const ancient = consultation({ stallId: w.stalls.jianwai.id, createdAt: '1000-05-01T12:00:00+08:00' });
    const res = await sync(t, staff(), [before, after, lateEve, pastMidnight, ancient], { sentAt: new Date().toISOString(), lang: 'en' });
    expect(res.results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'accepted', 'accepted', 'rejected']);
    for (const i of [0, 1, 4]) {
      expect(res.results[i]!.reason).toMatchObject({ code: 'out_of_window', field: 'createdAt' });
      expect(res.results[i]!.reason!.message).toMatch(/stall's date/);
    }
    expect(await storeCounts(t.storage)).toMatchObject({ records: 2, enrolled: 1, consultations: 1 });
    expect((await stored(pastMidnight.id))!.day).toBe('2026-05-02');
  });

  it('corrects a slow device clock into the window', async () => {
    const stall = await addStall(t.storage, w.tree.streets.jianwai, today('Asia/Shanghai'));
    const now = Date.now();
    // The device clock is three days slow: it saved "three days ago", it sends "three days ago".
    const r = consultation({ stallId: stall.id, createdAt: new Date(now - 72 * HOUR - 10 * 60_000).toISOString() });
    const res = await sync(t, staff(), [r], { sentAt: new Date(now - 72 * HOUR).toISOString() });
    expect(res.results[0]!.status).toBe('accepted');
    const row = (await stored(r.id))!;
    expect(Math.abs(Date.parse(row.created_at) - (now - 10 * 60_000))).toBeLessThan(5_000);
  });

  it('never lets a correction move a record out of the window: the device time stands', async () => {
    // A stall two days ago; saved there at noon with a right clock; the clock was then set 30 h back.
    const day = addDays(today('Asia/Shanghai'), -2);
    const stall = await addStall(t.storage, w.tree.streets.jianwai, day);
    const savedAt = `${day}T12:00:00+08:00`;
    const r = enrollment({ stallId: stall.id, n: 3, createdAt: savedAt });
    const res = await sync(t, staff(), [r], { sentAt: new Date(Date.now() - 30 * HOUR).toISOString() });
    expect(res.results[0]!.status).toBe('accepted');
    const row = (await stored(r.id))!;
    expect(Date.parse(row.created_at)).toBe(Date.parse(savedAt));
    expect(row.day).toBe(day);
  });

  it('a future sentAt does not move records back onto a closed day', async () => {
    const stall = await addStall(t.storage, w.tree.streets.jianwai, today('Asia/Shanghai'));
    const made = new Date(Date.now() - HOUR).toISOString();
    const r = consultation({ stallId: stall.id, createdAt: made });
    const res = await sync(t, staff(), [r], { sentAt: new Date(Date.now() + 3 * 24 * HOUR).toISOString() });
    expect(res.results[0]!.status).toBe('accepted');
    const row = (await stored(r.id))!;
    expect(Date.parse(row.created_at)).toBe(Date.parse(made));
    expect(row.day).toBe(today('Asia/Shanghai', new Date(made)));
    const counters = await t.storage.db.selectFrom('daily_counts').select('day').execute();
    expect(counters.map((c) => c.day)).toEqual([today('Asia/Shanghai', new Date(made))]);
  });

  it('takes only channel "staff" over sync: a self-registration is refused as invalid_channel', async () => {
    const self = enrollment({ stallId: w.stalls.jianwai.id, n: 4, createdAt: '2026-05-01T12:00:00+08:00', channel: 'self' });
    const res = await sync(t, staff(), [self], { lang: 'en' });
    expect(res.results[0]).toMatchObject({ status: 'rejected', reason: { code: 'invalid_channel', field: 'channel' } });
    expect(await storeCounts(t.storage)).toMatchObject({ records: 0, enrolled: 0 });
  });

  it('answers a replay with duplicate and the first outcome, in a later request and within one batch', async () => {
    const at = '2026-05-01T12:30:00+08:00';
    const first = enrollment({ stallId: w.stalls.jianwai.id, n: 5, createdAt: at });
    const again = enrollment({ stallId: w.stalls.jianwai.id, n: 5, createdAt: at }); // the same person, a new record
    const talk = consultation({ stallId: w.stalls.jianwai.id, createdAt: at });
    const res = await sync(t, staff(), [first, again, talk, again]);
    expect(res.results.map((r) => [r.status, r.outcome])).toEqual([
      ['accepted', undefined],
      ['existing_member', undefined],
      ['accepted', undefined],
      ['duplicate', 'existing_member'],
    ]);
    // The first answer was lost: the device sends everything again (another sentAt, another batch).
    const replay = await sync(t, staff(), [talk, again, first], { sentAt: new Date(Date.now() - 2 * HOUR).toISOString() });
    expect(replay.results.map((r) => [r.status, r.outcome])).toEqual([
      ['duplicate', 'accepted'],
      ['duplicate', 'existing_member'],
      ['duplicate', 'accepted'],
    ]);
    expect(await storeCounts(t.storage)).toMatchObject({ records: 3, enrolled: 1, existing: 1, consultations: 1 });
  });

  it('GET /api/stalls/:id/today: the stall’s counts for today, apart by kind, for whoever has it in scope', async () => {
    const stall = await addStall(t.storage, w.tree.streets.jianwai, today('Asia/Shanghai'));
    const now = new Date().toISOString();
    await sync(t, staff(), [
      enrollment({ stallId: stall.id, n: 6, createdAt: now }),
      enrollment({ stallId: stall.id, n: 7, createdAt: now }),
      consultation({ stallId: stall.id, createdAt: now }),
    ]);
    await sync(t, w.users.cityStaff.auth, [enrollment({ stallId: stall.id, n: 6, createdAt: now })]);
    const res = await t.app.request(`/api/stalls/${stall.id}/today`, { headers: staff() });
    expect(res.status).toBe(200);
    expect(stallTodaySchema.parse(await res.json())).toEqual({
      stallId: stall.id, day: today('Asia/Shanghai'), enrolled: 2, existing: 1, consultations: 1, self: 0,
    });
    // Another stall's day, a stall outside the caller's scope, one that does not exist, a bad id.
    expect(await (await t.app.request(`/api/stalls/${w.stalls.jianwai.id}/today`, { headers: staff() })).json()).toMatchObject({ enrolled: 0 });
    expect((await t.app.request(`/api/stalls/${w.stalls.zhongguancun.id}/today`, { headers: staff() })).status).toBe(403);
    expect((await t.app.request(`/api/stalls/${crypto.randomUUID()}/today`, { headers: staff() })).status).toBe(404);
    expect((await t.app.request('/api/stalls/not-a-stall/today', { headers: staff() })).status).toBe(404);
    expect((await t.app.request(`/api/stalls/${stall.id}/today`)).status).toBe(401);
  });
});
