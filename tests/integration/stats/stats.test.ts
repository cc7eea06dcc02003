import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statsResponseSchema, type StatsResponse, type StatsRow } from '../../../src/shared/stats';
import { OCCUPATIONS } from '../../../src/shared/records';
import { addUser } from '../support/fixtures';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import type { World } from '../sync/helpers';
import { FROM, SUBSETS, TO, canonical, expectedRows, seedStats, type Counted, type Place } from './seed';

/** The documented order, written out again here: by key columns; names by Chinese collation then id; enums in form order; nulls last. */
function inOrder(a: StatsRow, b: StatsRow): boolean {
  const zh = new Intl.Collator('zh-CN');
  const steps: [unknown, unknown, (x: never, y: never) => number][] = [
    [a.day, b.day, (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)],
    [a.district, b.district, (x: string, y: string) => zh.compare(x, y)],
    [a.districtId, b.districtId, (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)],
    [a.street, b.street, (x: string, y: string) => zh.compare(x, y)],
    [a.streetId, b.streetId, (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)],
    [a.stall, b.stall, (x: string, y: string) => zh.compare(x, y)],
    [a.stallId, b.stallId, (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)],
    [a.occupation, b.occupation, (x: string, y: string) => OCCUPATIONS.indexOf(x as never) - OCCUPATIONS.indexOf(y as never)],
    [a.channel, b.channel, (x: string, y: string) => (x === y ? 0 : x === 'staff' ? -1 : 1)],
  ];
  for (const [x, y, cmp] of steps) {
    if (x === y) continue;
    if (x == null) return false;
    if (y == null) return true;
    const c = cmp(x as never, y as never);
    if (c !== 0) return c < 0;
  }
  return true;
}

describeEachEngine('GET /api/stats', (engine) => {
  let t: TestApp;
  let w: World;
  let counted: Counted[];
  let cityStallPlace: Place;

  const stats = async (auth: { Authorization: string }, query: string): Promise<StatsResponse> => {
    const res = await t.app.request(`/api/stats?${query}`, { headers: auth });
    expect(res.status, await res.clone().text()).toBe(200);
    return statsResponseSchema.parse(await res.json());
  };

  beforeAll(async () => {
    t = await startTestApp(engine);
    ({ w, counted, cityStallPlace } = await seedStats(t));
  });
  afterAll(async () => t.close());

  describe('matches counts computed from the records sent, for every combination of group keys', () => {
    it.each(SUBSETS.map((s) => [s.join(',') || '(none)', s] as const))('group=%s', async (_name, group) => {
      const body = await stats(w.users.citySupervisor.auth, `from=${FROM}&to=${TO}&group=${group.join(',')}`);
      const expected = expectedRows(counted, group, FROM, TO);
      expect(canonical(body.rows)).toEqual(canonical(expected));
      for (let i = 1; i < body.rows.length; i++) expect(inOrder(body.rows[i - 1]!, body.rows[i]!), JSON.stringify(body.rows.slice(i - 1, i + 1))).toBe(true);
      const sum = (k: 'enrolled' | 'existing' | 'consultations') => expected.reduce((n, r) => n + r[k], 0);
      expect(body.totals).toEqual({ enrolled: sum('enrolled'), existing: sum('existing'), consultations: sum('consultations') });
    });
  });

  it('reads the same whatever order or repeats the group list has', async () => {
    const a = await stats(w.users.admin.auth, `from=${FROM}&to=${TO}&group=channel,day,stall`);
    const b = await stats(w.users.admin.auth, `from=${FROM}&to=${TO}&group=stall,%20day,channel,stall,`);
    expect(b).toEqual(a);
    expect(Object.keys(a.rows[0]!)).toEqual(['day', 'stallId', 'stall', 'channel', 'enrolled', 'existing', 'consultations']);
  });

  it('puts a stall with no street (or no district) under null', async () => {
    const body = await stats(w.users.admin.auth, `from=${FROM}&to=${TO}&group=district,street`);
    const nulls = body.rows.filter((r) => r.streetId === null);
    expect(nulls.map((r) => r.district)).toEqual(['海淀区总工会', null]);
    expect(body.rows.at(-1)).toMatchObject({ districtId: null, district: null, streetId: null, street: null });
    expect(cityStallPlace.districtId).toBeNull();
  });

  it('shows a supervisor only their own subtree, with totals of those rows', async () => {
    const body = await stats(w.users.chaoyangSupervisor.auth, `from=${FROM}&to=${TO}&group=district,stall`);
    const chaoyang = w.tree.districts.chaoyang;
    const mine = counted.filter((c) => c.place.districtId === chaoyang.id);
    expect(canonical(body.rows)).toEqual(canonical(expectedRows(mine, ['district', 'stall'], FROM, TO)));
    expect(new Set(body.rows.map((r) => r.districtId))).toEqual(new Set([chaoyang.id]));
    const streetSupervisor = await addUser(t.storage, w.tree.streets.zhongguancun, 'supervisor');
    const street = await stats(streetSupervisor.auth, `from=${FROM}&to=${TO}&group=stall`);
    const inStreet = counted.filter((c) => c.place.streetId === w.tree.streets.zhongguancun.id);
    expect(canonical(street.rows)).toEqual(canonical(expectedRows(inStreet, ['stall'], FROM, TO)));
    expect(street.rows.map((r) => r.stallId)).toContain(w.stalls.zhongguancun.id);
    const totals = expectedRows(inStreet, [], FROM, TO)[0];
    expect(street.totals).toEqual(totals);
  });

  it('takes from and to as inclusive days, and defaults to today', async () => {
    const one = await stats(w.users.admin.auth, `from=2026-05-02&to=2026-05-02&group=day`);
    expect(one.rows.map((r) => r.day)).toEqual(['2026-05-02']);
    const onlyTo = await stats(w.users.admin.auth, `to=2026-05-03&group=day`);
    expect(onlyTo.rows.map((r) => r.day)).toEqual(['2026-05-03']);
    const outside = await stats(w.users.admin.auth, `from=2026-04-30&to=2026-04-30`);
    expect(outside.totals.consultations + outside.totals.enrolled + outside.totals.existing).toBeGreaterThan(0);
    const today = await stats(w.users.admin.auth, '');
    expect(today).toEqual({ rows: [{ enrolled: 0, existing: 0, consultations: 0 }], totals: { enrolled: 0, existing: 0, consultations: 0 } });
    expect((await stats(w.users.admin.auth, 'group=day')).rows).toEqual([]);
  });

  it('refuses bad queries with 400 and a reason, and callers who may not see stats', async () => {
    for (const [query, code] of [
      ['from=2026-5-1', 'invalid_day'],
      ['from=2026-02-30', 'invalid_day'],
      ['to=yesterday', 'invalid_day'],
      ['from=2026-05-03&to=2026-05-01', 'invalid_range'],
      ['from=2025-01-01&to=2026-01-02', 'range_too_long'],
      ['group=day,province', 'invalid_group'],
      ['group=DAY', 'invalid_group'],
      ['from=2026-13-01&to=2026-13-02', 'invalid_day'],
      ['from=2026-05-01&to=2026-05-02&group=stall,,nope', 'invalid_group'],
      ['from=2026-05-03&to=2026-05-01&group=nope', 'invalid_group'],
      ['from=2025-05-01&to=2026-05-02&group=day', 'range_too_long'],
    ]) {
      const res = await t.app.request(`/api/stats?${query}`, { headers: { ...w.users.admin.auth, 'Accept-Language': 'en' } });
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, query).toBe(code);
      expect(body.error.message).toMatch(/[a-z]/);
      if (code === 'range_too_long') expect(body.error.message).toContain('366');
      if (code === 'invalid_group') expect(body.error.message).toMatch(/"(province|DAY|nope)"/);
    }
    const zh = await t.app.request('/api/stats?from=2026-05-03&to=2026-05-01', { headers: w.users.admin.auth });
    expect(((await zh.json()) as { error: { message: string } }).error.message).toBe('开始日期不能晚于结束日期');
    expect((await t.app.request('/api/stats?from=2025-01-01&to=2025-12-31', { headers: w.users.admin.auth })).status).toBe(200);
    expect((await t.app.request('/api/stats', { headers: w.users.cityStaff.auth })).status).toBe(403);
    expect((await t.app.request('/api/stats')).status).toBe(401);
  });
});
