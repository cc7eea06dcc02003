/**
 * Test data written straight into a store: an org tree, users with live sessions, stalls. Faster
 * than going through the API, for tests whose subject is something else.
 */
import crypto from 'node:crypto';
import { hashPassword } from '../../../src/server/auth/passwords';
import { createSession } from '../../../src/server/auth/sessions';
import type { Storage } from '../../../src/server/storage/open';
import type { OrgsTable } from '../../../src/server/storage/schema';

/** The password every fixture user has. */
export const FIXTURE_PASSWORD = 'fixture-password-1';
let passwordHash: Promise<string> | undefined;

export interface FixtureOrg {
  id: string;
  name: string;
  code: string;
  level: OrgsTable['level'];
  path: string;
}

/** Inserts an org under `parent` (or as a root). */
export async function addOrg(
  storage: Storage,
  parent: FixtureOrg | null,
  level: OrgsTable['level'],
  name: string,
  code = `${level}-${crypto.randomBytes(4).toString('hex')}`,
): Promise<FixtureOrg> {
  const id = crypto.randomUUID();
  const path = `${parent ? parent.path : '/'}${id}/`;
  await storage.db
    .insertInto('orgs')
    .values({ id, parent_id: parent?.id ?? null, name, level, code, path, created_at: new Date().toISOString() })
    .execute();
  return { id, name, code, level, path };
}

/** The root org (created by first start, or here when the store has none). */
export async function rootOrg(storage: Storage): Promise<FixtureOrg> {
  const root = await storage.db.selectFrom('orgs').selectAll().where('parent_id', 'is', null).executeTakeFirst();
  if (root) return { id: root.id, name: root.name, code: root.code, level: root.level, path: root.path };
  return addOrg(storage, null, 'city', '总工会', 'root');
}

/** A small city: two districts with two streets each. */
export async function seedTree(storage: Storage) {
  const city = await rootOrg(storage);
  const chaoyang = await addOrg(storage, city, 'district', '朝阳区总工会');
  const haidian = await addOrg(storage, city, 'district', '海淀区总工会');
  const streets = {
    jianwai: await addOrg(storage, chaoyang, 'street', '建外街道总工会'),
    sanlitun: await addOrg(storage, chaoyang, 'street', '三里屯街道总工会'),
    zhongguancun: await addOrg(storage, haidian, 'street', '中关村街道总工会'),
    haidianStreet: await addOrg(storage, haidian, 'street', '海淀街道总工会'),
  };
  return { city, districts: { chaoyang, haidian }, streets };
}

export interface FixtureUser {
  id: string;
  username: string;
  role: 'staff' | 'supervisor' | 'admin';
  orgId: string;
  token: string;
  /** `Authorization` header for this user's session. */
  auth: { Authorization: string };
}

/** A user with a live session. */
export async function addUser(
  storage: Storage,
  org: FixtureOrg,
  role: FixtureUser['role'],
  username = `${role}-${crypto.randomBytes(4).toString('hex')}`,
): Promise<FixtureUser> {
  passwordHash ??= hashPassword(FIXTURE_PASSWORD);
  const id = crypto.randomUUID();
  await storage.db
    .insertInto('users')
    .values({ id, username, password_hash: await passwordHash, role, org_id: org.id, created_at: new Date().toISOString() })
    .execute();
  const token = await createSession(storage.db, id);
  return { id, username, role, orgId: org.id, token, auth: { Authorization: `Bearer ${token}` } };
}

/** A stall of `org` on `date` (YYYY-MM-DD). */
export async function addStall(storage: Storage, org: FixtureOrg, date: string, name = `摊位 ${date}`) {
  const id = crypto.randomUUID();
  await storage.db
    .insertInto('stalls')
    .values({ id, name, org_id: org.id, date, location: null, created_by: 'fixture', created_at: new Date().toISOString() })
    .execute();
  return { id, name, orgId: org.id, date };
}
