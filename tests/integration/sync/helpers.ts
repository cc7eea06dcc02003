/**
 * A small world for sync and stats tests: the fixture org tree, stalls in two streets and one hanging
 * directly off a district, staff and supervisors at several levels, and helpers to sync and to read
 * what the store holds.
 */
import { sql } from 'kysely';
import { syncResponseSchema, type SyncResponse } from '../../../src/shared/records';
import type { Storage } from '../../../src/server/storage/open';
import { syncBody, syncInit } from '../../support/records';
import { addStall, addUser, seedTree } from '../support/fixtures';
import { afterEach, beforeEach } from 'vitest';
import type { Engine } from '../../../src/server/storage/open';
import { startTestApp, type TestApp } from '../support/engines';

/** A day well inside the past, so records of it are never "today". */
export const DAY = '2026-05-01';

export async function seedWorld(storage: Storage) {
  const tree = await seedTree(storage);
  const stalls = {
    jianwai: await addStall(storage, tree.streets.jianwai, DAY, '建外SOHO摊位'),
    sanlitun: await addStall(storage, tree.streets.sanlitun, DAY, '三里屯太古里摊位'),
    zhongguancun: await addStall(storage, tree.streets.zhongguancun, DAY, '中关村广场摊位'),
    // A stall of the district itself: no street.
    haidianDistrict: await addStall(storage, tree.districts.haidian, DAY, '海淀区总工会门口摊位'),
  };
  const users = {
    cityStaff: await addUser(storage, tree.city, 'staff'),
    jianwaiStaff: await addUser(storage, tree.streets.jianwai, 'staff'),
    chaoyangSupervisor: await addUser(storage, tree.districts.chaoyang, 'supervisor'),
    citySupervisor: await addUser(storage, tree.city, 'supervisor'),
    admin: await addUser(storage, tree.city, 'admin'),
  };
  return { tree, stalls, users };
}

export type World = Awaited<ReturnType<typeof seedWorld>>;

/** POSTs one sync batch in-process and returns the answer, checked against the contract's schema (throws unless 200). */
export async function sync(
  t: Pick<TestApp, 'app'>,
  auth: { Authorization: string },
  records: unknown[],
  opts: { sentAt?: string; deviceId?: string; lang?: string } = {},
): Promise<SyncResponse> {
  const headers: Record<string, string> = opts.lang ? { 'Accept-Language': opts.lang } : {};
  const res = await t.app.request('/api/sync', syncInit(syncBody(records, opts), auth, headers));
  const json: unknown = await res.json();
  if (res.status !== 200) throw new Error(`sync answered ${res.status}: ${JSON.stringify(json)}`);
  return syncResponseSchema.parse(json);
}

/** The statuses of a sync answer, in order. */
export const statuses = (body: SyncResponse) => body.results.map((r) => r.status);

/** What the store holds: rows per table and the counters' sums. */
export async function storeCounts(storage: Storage) {
  const db = storage.db;
  const n = async (table: 'records' | 'members') => Number((await db.selectFrom(table).select(sql<number | string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  const sums = await db
    .selectFrom('daily_counts')
    .select([
      sql<number | string | null>`sum(enrolled)`.as('enrolled'),
      sql<number | string | null>`sum(existing)`.as('existing'),
      sql<number | string | null>`sum(consultations)`.as('consultations'),
    ])
    .executeTakeFirstOrThrow();
  return {
    records: await n('records'),
    members: await n('members'),
    enrolled: Number(sums.enrolled ?? 0),
    existing: Number(sums.existing ?? 0),
    consultations: Number(sums.consultations ?? 0),
  };
}

/**
 * Before each test a fresh app on `engine` with the seeded world, closed after it: `use` receives the
 * pair each time (the test file keeps its own `t` and `w`, as `({ t, w } = fresh)`).
 */
export function eachTestOnSeededWorld(engine: Engine, use: (fresh: { t: TestApp; w: World }) => void): void {
  let t: TestApp | undefined;
  beforeEach(async () => {
    t = await startTestApp(engine);
    use({ t, w: await seedWorld(t.storage) });
  });
  afterEach(async () => t?.close());
}
