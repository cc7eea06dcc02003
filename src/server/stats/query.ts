/**
 * Sign-up and consultation counts for a day range, grouped by any of day, district, street, stall,
 * occupation and channel. Read from the daily counters (never from the records), joined to stalls
 * and orgs: the SQL sums per (day, stall, occupation, channel) as asked, and the stall's district and
 * street come from its org's materialized path, so a stall hanging directly off a district (no
 * street) or the city (neither) is still counted, with null there.
 */
import type { Kysely } from 'kysely';
import { CHANNELS, OCCUPATIONS, type Channel, type Occupation } from '../../shared/records';
import type { StatsCounts, StatsGroupKey, StatsResponse, StatsRow } from '../../shared/stats';
import { subtreePattern } from '../auth/scope';
import type { AuthUser } from '../http/env';
import type { Database } from '../storage/schema';

export interface StatsQuery {
  /** First day, `YYYY-MM-DD`, included. */
  from: string;
  /** Last day, included. */
  to: string;
  /** Group keys, deduplicated, in canonical order. */
  group: StatsGroupKey[];
}

const isOccupation = (v: string): v is Occupation => OCCUPATIONS.some((o) => o === v);
const isChannel = (v: string): v is Channel => CHANNELS.some((c) => c === v);

interface OrgName {
  id: string;
  name: string;
  level: string;
}

/** The district and street orgs on a path (`/city/district/street/`), by level. */
export function placeOf(path: string, orgs: Map<string, OrgName>) {
  let district: OrgName | undefined;
  let street: OrgName | undefined;
  for (const id of path.split('/')) {
    const org = orgs.get(id);
    if (org?.level === 'district') district = org;
    else if (org?.level === 'street') street = org;
  }
  return { district, street };
}

const collator = new Intl.Collator('zh-CN');
const nullsLast = <T>(a: T | null | undefined, b: T | null | undefined, cmp: (x: T, y: T) => number) =>
  a == null ? (b == null ? 0 : 1) : b == null ? -1 : cmp(a, b);
const byName = (a: string, b: string) => collator.compare(a, b);
const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Row order: by the key columns in canonical order. Days ascending; districts, streets and stalls by
 * name (Chinese collation, then id, so equal names stay apart and stable); occupations and channels
 * in the order the form lists them; a missing district, street or occupation last.
 */
export function compareRows(a: StatsRow, b: StatsRow): number {
  return (
    nullsLast(a.day, b.day, byCode) ||
    nullsLast(a.district, b.district, byName) ||
    nullsLast(a.districtId, b.districtId, byCode) ||
    nullsLast(a.street, b.street, byName) ||
    nullsLast(a.streetId, b.streetId, byCode) ||
    nullsLast(a.stall, b.stall, byName) ||
    nullsLast(a.stallId, b.stallId, byCode) ||
    nullsLast(a.occupation, b.occupation, (x, y) => OCCUPATIONS.indexOf(x) - OCCUPATIONS.indexOf(y)) ||
    nullsLast(a.channel, b.channel, (x, y) => CHANNELS.indexOf(x) - CHANNELS.indexOf(y))
  );
}

const addTo = (totals: StatsCounts, row: StatsCounts) => {
  totals.enrolled += row.enrolled;
  totals.existing += row.existing;
  totals.consultations += row.consultations;
};

/** Org names by id, shared across the queries of one answer (a streamed export asks once per day). */
export type OrgNames = Map<string, OrgName>;

/** The rows of the caller's subtree for `query`, summed by its keys and sorted (no totals row). */
async function aggregate(db: Kysely<Database>, user: Pick<AuthUser, 'orgPath'>, query: StatsQuery, orgs: OrgNames): Promise<StatsRow[]> {
  const by = new Set(query.group);
  const byPlace = by.has('district') || by.has('street') || by.has('stall');

  const summed = await db
    .selectFrom('daily_counts as dc')
    .innerJoin('stalls as s', 's.id', 'dc.stall_id')
    .innerJoin('orgs as o', 'o.id', 's.org_id')
    .where('dc.day', '>=', query.from)
    .where('dc.day', '<=', query.to)
    .where('o.path', 'like', subtreePattern(user))
    .select((eb) => [
      eb.fn.sum<number | string | null>('dc.enrolled').as('enrolled'),
      eb.fn.sum<number | string | null>('dc.existing').as('existing'),
      eb.fn.sum<number | string | null>('dc.consultations').as('consultations'),
    ])
    .$if(by.has('day'), (qb) => qb.select('dc.day').groupBy('dc.day'))
    .$if(byPlace, (qb) => qb.select(['dc.stall_id', 's.name as stall_name', 'o.path as org_path']).groupBy(['dc.stall_id', 's.name', 'o.path']))
    .$if(by.has('occupation'), (qb) => qb.select('dc.occupation').groupBy('dc.occupation'))
    .$if(by.has('channel'), (qb) => qb.select('dc.channel').groupBy('dc.channel'))
    .execute();

  // Names of the orgs on the stalls' paths (a few hundred at most), in one query per thousand not yet known.
  if (by.has('district') || by.has('street')) {
    const ids = [...new Set(summed.flatMap((r) => (r.org_path ?? '').split('/').filter(Boolean)))].filter((id) => !orgs.has(id));
    for (let i = 0; i < ids.length; i += 1000) {
      const found = await db.selectFrom('orgs').select(['id', 'name', 'level']).where('id', 'in', ids.slice(i, i + 1000)).execute();
      for (const org of found) orgs.set(org.id, org);
    }
  }

  // Several stalls make one district or street row: add them up by the row's keys. Each row gets
  // its keys one by one in the same order, so all rows of an answer share one shape: a year of
  // rows built by spreading and merging key objects left the heap full of promoted garbage.
  const [byDay, byDistrict, byStreet, byStall] = [by.has('day'), by.has('district'), by.has('street'), by.has('stall')];
  const [byOccupation, byChannel] = [by.has('occupation'), by.has('channel')];
  const rows = new Map<string, StatsRow>();
  for (const r of summed) {
    const row = {} as StatsRow;
    if (byDay && r.day !== undefined) row.day = r.day;
    if (byPlace && r.org_path !== undefined) {
      const { district, street } = placeOf(r.org_path, orgs);
      if (byDistrict) {
        row.districtId = district?.id ?? null;
        row.district = district?.name ?? null;
      }
      if (byStreet) {
        row.streetId = street?.id ?? null;
        row.street = street?.name ?? null;
      }
      if (byStall && r.stall_id !== undefined && r.stall_name !== undefined) {
        row.stallId = r.stall_id;
        row.stall = r.stall_name;
      }
    }
    if (byOccupation && r.occupation !== undefined) row.occupation = isOccupation(r.occupation) ? r.occupation : null;
    if (byChannel && r.channel !== undefined && isChannel(r.channel)) row.channel = r.channel;
    row.enrolled = Number(r.enrolled ?? 0);
    row.existing = Number(r.existing ?? 0);
    row.consultations = Number(r.consultations ?? 0);

    const id = JSON.stringify([row.day, row.districtId, row.streetId, row.stallId, row.occupation, row.channel]);
    const had = rows.get(id);
    if (had) addTo(had, row);
    else rows.set(id, row);
  }
  return [...rows.values()].sort(compareRows);
}

/** The rows of the caller's org subtree, and their totals. With no group keys: one row, the totals. */
export async function readStats(db: Kysely<Database>, user: Pick<AuthUser, 'orgPath'>, query: StatsQuery): Promise<StatsResponse> {
  const list = await aggregate(db, user, query, new Map());
  const totals: StatsCounts = { enrolled: 0, existing: 0, consultations: 0 };
  for (const row of list) addTo(totals, row);
  return { rows: query.group.length === 0 ? [{ ...totals }] : list, totals };
}

/**
 * The same rows as `readStats`, in the same order, for the exports: grouped by day, they are read one
 * day at a time (rows sort by day first, so the order holds), which keeps a year of 356 stalls to one
 * day's rows in memory. Returns the totals once every row has been yielded.
 */
export async function* streamStats(db: Kysely<Database>, user: Pick<AuthUser, 'orgPath'>, query: StatsQuery): AsyncGenerator<StatsRow, StatsCounts> {
  const totals: StatsCounts = { enrolled: 0, existing: 0, consultations: 0 };
  const orgs: OrgNames = new Map();
  if (query.group.length === 0) {
    for (const row of await aggregate(db, user, query, orgs)) addTo(totals, row);
    yield { ...totals };
    return totals;
  }
  const days = query.group.includes('day') ? dayList(query.from, query.to) : [null];
  for (const day of days) {
    const rows = await aggregate(db, user, day ? { ...query, from: day, to: day } : query, orgs);
    for (const row of rows) {
      addTo(totals, row);
      yield row;
    }
  }
  return totals;
}

/** Every `YYYY-MM-DD` from `from` to `to`, both included. */
function dayList(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); t <= end; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}
