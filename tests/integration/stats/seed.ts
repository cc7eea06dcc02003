/**
 * The stats tests' world: stalls in streets, one off a district and one off the city, two with the
 * same name, names a CSV must quote or neutralize; records around Beijing midnight and the range's
 * edges, people coming back (existing members), invalid records and replays. `counted` says what
 * each stored record must count as, decided here from what was sent, never read from the server.
 */
import { OCCUPATIONS, TOPICS } from '../../../src/shared/records';
import { STATS_GROUP_KEYS, type StatsGroupKey, type StatsRow } from '../../../src/shared/stats';
import { consultation, enrollment } from '../../support/records';
import type { TestApp } from '../support/engines';
import { addStall, type FixtureOrg } from '../support/fixtures';
import { storeRecords } from '../support/store-records';
import { seedWorld } from '../sync/helpers';

/** Every subset of the group keys: all 64. */
export const SUBSETS: StatsGroupKey[][] = Array.from({ length: 1 << STATS_GROUP_KEYS.length }, (_, mask) =>
  STATS_GROUP_KEYS.filter((_, i) => mask & (1 << i)),
);

/** The local day in Asia/Shanghai, worked out here without Intl: UTC+8 all year. */
export const shanghaiDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);

export interface Place {
  stallId: string;
  stall: string;
  districtId: string | null;
  district: string | null;
  streetId: string | null;
  street: string | null;
}

/** What the test expects each stored record to count as, decided from what it sent. */
export interface Counted {
  place: Place;
  day: string;
  occupation: string | null;
  channel: 'staff' | 'self';
  kind: 'enrolled' | 'existing' | 'consultations';
}

/** Rows computed from the counted records, independently of the server (in no particular order). */
export function expectedRows(counted: Counted[], group: StatsGroupKey[], from: string, to: string): StatsRow[] {
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

/** Rows as sorted JSON lines: equal when the same rows, whatever their order. */
export const canonical = (rows: StatsRow[]) => [...rows].map((r) => JSON.stringify(r)).sort();

/** The seeded range. */
export const FROM = '2026-05-01';
export const TO = '2026-05-03';

/** A stall name with a comma and quotes (CSV must quote it), and one a spreadsheet would run as a formula. */
export const QUOTED_NAME = '老王,"小李"摊位';
export const FORMULA_NAME = '=HYPERLINK("http://evil.test","点我")';

/** Seeds the world into a test app and sends its records. */
export async function seedStats(t: TestApp) {
  const w = await seedWorld(t.storage);
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
  const quoted = await addStall(t.storage, tree.streets.sanlitun, FROM, QUOTED_NAME);
  const formula = await addStall(t.storage, tree.streets.zhongguancun, FROM, FORMULA_NAME);
  const cityStallPlace = place(cityStall, null, null);
  const places = [
    place(w.stalls.jianwai, tree.districts.chaoyang, tree.streets.jianwai),
    place(twin, tree.districts.chaoyang, tree.streets.jianwai),
    place(w.stalls.sanlitun, tree.districts.chaoyang, tree.streets.sanlitun),
    place(w.stalls.zhongguancun, tree.districts.haidian, tree.streets.zhongguancun),
    place(haidianStreet, tree.districts.haidian, tree.streets.haidianStreet),
    place(w.stalls.haidianDistrict, tree.districts.haidian, null),
    cityStallPlace,
    place(quoted, tree.districts.chaoyang, tree.streets.sanlitun),
    place(formula, tree.districts.haidian, tree.streets.zhongguancun),
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

  const counted: Counted[] = [];
  const members = new Set<number>();
  const sent: unknown[] = [];
  for (let i = 0; i < 300; i++) {
    const p = places[(i * 4) % places.length]!;
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
  // Stored directly: these span several days around stalls of one date, and include self-registrations
  // (sync refuses both on purpose).
  for (let i = 0; i < sent.length; i += 40) await storeRecords(t, sent.slice(i, i + 40));
  return { w, counted, places, cityStallPlace };
}
