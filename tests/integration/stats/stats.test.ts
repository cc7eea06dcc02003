import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATS_GROUP_KEYS, statsResponseSchema, type StatsGroupKey, type StatsResponse, type StatsRow } from '../../../src/shared/stats';
import { OCCUPATIONS, TOPICS } from '../../../src/shared/records';
import { consultation, enrollment } from '../../support/records';
import { addStall, addUser, type FixtureOrg } from '../support/fixtures';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { seedWorld, sync, type World } from '../sync/helpers';

/** Every subset of the group keys: all 64. */
const SUBSETS: StatsGroupKey[][] = Array.from({ length: 1 << STATS_GROUP_KEYS.length }, (_, mask) =>
  STATS_GROUP_KEYS.filter((_, i) => mask & (1 << i)),
);

/** The local day in Asia/Shanghai, worked out here without Intl: UTC+8 all year. */
const shanghaiDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);

interface Place {
  stallId: string;
  stall: string;
  districtId: string | null;
  district: string | null;
  streetId: string | null;
  street: string | null;
}

/** What the test expects each stored record to count as, decided from what it sent. */
interface Counted {
  place: Place;
  day: string;
  occupation: string | null;
  channel: 'staff' | 'self';
  kind: 'enrolled' | 'existing' | 'consultations';
}

/** Rows computed from the counted records, independently of the server. */
function expectedRows(counted: Counted[], group: StatsGroupKey[], from: string, to: string): StatsRow[] {
  const rows = new Map<string, StatsRow>();
  for (const c of counted) {
    if (c.day < from || c.day > to) continue;
    const keys: Record<string, string | null> = {};
    for (const g of group) {
      if (g === 'day') keys.day = c.day;
      if (g === 'district') Object.assign(keys, { districtId: c.place.districtId, district: c.place.district });
      if (g === 'street') Object.assign(keys, { streetId: c.place.streetId, street: c.place.street });
      if (g === 'stall') Object.assign(keys, { stallId: c.place.stallId, stall: c.place.stall });
      if (g === 'occupation') keys.occupation = c.occupation;
      if (g === 'channel') keys.channel = c.channel;
    }
    const id = JSON.stringify(keys);
    const row = rows.get(id) ?? ({ ...keys, enrolled: 0, existing: 0, consultations: 0 } as StatsRow);
    row[c.kind]++;
    rows.set(id, row);
  }
  if (group.length === 0 && rows.size === 0) return [{ enrolled: 0, existing: 0, consultations: 0 }];
  return [...rows.values()];
}

const canonical = (rows: StatsRow[]) => [...rows].map((r) => JSON.stringify(r)).sort();

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
  let places: Place[];
  let cityStallPlace: Place;

  const FROM = '2026-05-01';
  const TO = '2026-05-03';

  const stats = async (auth: { Authorization: string }, query: string): Promise<StatsResponse> => {
    const res = await t.app.request(`/api/stats?${query}`, { headers: auth });
    expect(res.status, await res.clone().text()).toBe(200);
    return statsResponseSchema.parse(await res.json());
  };

  beforeAll(async () => {
    t = await startTestApp(engine);
    w = await seedWorld(t.storage);
    const { tree } = w;
    const place = (s: { id: string; name: string }, district: FixtureOrg | null, street: FixtureOrg | null): Place => ({
      stallId: s.id,
      stall: s.name,
      districtId: district?.id ?? null,
      district: district?.name ?? null,
      streetId: street?.id ?? null,
      street: street?.name ?? null,
    });
    // A second stall with the same name in the same street: rows must keep them apart.
    const twin = await addStall(t.storage, tree.streets.jianwai, FROM, w.stalls.jianwai.name);
    const haidianStreet = await addStall(t.storage, tree.streets.haidianStreet, FROM, '海淀黄庄摊位');
    const cityStall = await addStall(t.storage, tree.city, FROM, '市总工会广场摊位');
    cityStallPlace = place(cityStall, null, null);
    places = [
      place(w.stalls.jianwai, tree.districts.chaoyang, tree.streets.jianwai),
      place(twin, tree.districts.chaoyang, tree.streets.jianwai),
      place(w.stalls.sanlitun, tree.districts.chaoyang, tree.streets.sanlitun),
      place(w.stalls.zhongguancun, tree.districts.haidian, tree.streets.zhongguancun),
      place(haidianStreet, tree.districts.haidian, tree.streets.haidianStreet),
      place(w.stalls.haidianDistrict, tree.districts.haidian, null),
      cityStallPlace,
    ];

    // Times around the range's edges and Beijing midnight, written with different offsets.
    const times = [
      '2026-04-30T15:59:59Z', // 30 April in Beijing: outside the range
      '2026-04-30T16:00:00Z', // 00:00 on 1 May
      '2026-05-01T12:00:00+08:00',
      '2026-05-01T23:30:00+08:00',
      '2026-05-01T16:30:00Z', // 00:30 on 2 May
      '2026-05-02T09:15:00+05:30',
      '2026-05-02T20:00:00-04:00', // 08:00 on 3 May
      '2026-05-03T12:00:00+08:00',
      '2026-05-03T16:30:00Z', // 4 May: outside
    ];

    counted = [];
    const members = new Set<number>();
    const sent: unknown[] = [];
    for (let i = 0; i < 260; i++) {
      const p = places[(i * 3) % places.length]!;
      const createdAt = times[(i * 5) % times.length]!;
      const base = { place: p, day: shanghaiDay(createdAt) };
      if (i % 4 === 0) {
        sent.push(consultation({ stallId: p.stallId, createdAt, topic: TOPICS[i % TOPICS.length] }));
        counted.push({ ...base, occupation: null, channel: 'staff', kind: 'consultations' });
        continue;
      }
      if (i % 29 === 0) {
        // Invalid: counted nowhere.
        sent.push(enrollment({ stallId: p.stallId, n: i, createdAt, person: { phone: '123' } }));
        continue;
      }
      const n = i % 83; // people come back: the second time they are existing members
      const occupation = OCCUPATIONS[(i * 5) % OCCUPATIONS.length]!;
      const channel = i % 5 === 0 ? 'self' : 'staff';
      sent.push(enrollment({ stallId: p.stallId, n, createdAt, occupation, channel }));
      counted.push({ ...base, occupation, channel, kind: members.has(n) ? 'existing' : 'enrolled' });
      members.add(n);
    }
    // Replays of a few earlier records, mixed in at the end: counted once.
    sent.push(...sent.slice(0, 15));
    for (let i = 0; i < sent.length; i += 40) await sync(t, w.users.cityStaff.auth, sent.slice(i, i + 40));
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
    expect(street.rows.map((r) => r.stallId)).toEqual([w.stalls.zhongguancun.id]);
    const totals = expectedRows(counted.filter((c) => c.place.stallId === w.stalls.zhongguancun.id), [], FROM, TO)[0];
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
    ]) {
      const res = await t.app.request(`/api/stats?${query}`, { headers: { ...w.users.admin.auth, 'Accept-Language': 'en' } });
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, query).toBe(code);
      expect(body.error.message).toMatch(/[a-z]/);
    }
    expect((await t.app.request('/api/stats?from=2025-01-01&to=2025-12-31', { headers: w.users.admin.auth })).status).toBe(200);
    expect((await t.app.request('/api/stats', { headers: w.users.cityStaff.auth })).status).toBe(403);
    expect((await t.app.request('/api/stats')).status).toBe(401);
  });
});
