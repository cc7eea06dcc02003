/**
 * The one place scope is decided. A user's scope is their org's subtree: every org whose
 * materialized path starts with the user's org path. Routes ask these functions; none compares
 * paths itself.
 */
import type { Kysely } from 'kysely';
import { forbidden, ApiError } from '../http/errors';
import type { AuthUser } from '../http/env';
import type { Database, OrgsTable, StallsTable } from '../storage/schema';

/** Is an org (given by its path) inside the user's subtree? */
export function pathInScope(user: Pick<AuthUser, 'orgPath'>, orgPath: string): boolean {
  return orgPath.startsWith(user.orgPath);
}

/**
 * The LIKE pattern of the user's subtree, for queries that join `orgs`:
 * `.where('orgs.path', 'like', subtreePattern(user))` (a prefix scan on the path index). Paths are
 * built from UUIDs and slashes, so they hold no LIKE wildcards.
 */
export function subtreePattern(user: Pick<AuthUser, 'orgPath'>): string {
  return `${user.orgPath}%`;
}

const unknownOrg = () =>
  new ApiError(404, 'unknown_org', { zh: '组织不存在', en: 'No such org' });
const unknownStall = () =>
  new ApiError(404, 'unknown_stall', { zh: '摊位不存在', en: 'No such stall' });

/**
 * The org, if it is inside the caller's scope. An org outside it answers 403 and an unknown one 404,
 * so callers learn nothing about other subtrees beyond "not yours".
 */
export async function requireOrgInScope(db: Kysely<Database>, user: AuthUser, orgId: string): Promise<OrgsTable> {
  const org = await db.selectFrom('orgs').selectAll().where('id', '=', orgId).executeTakeFirst();
  if (!org) throw unknownOrg();
  if (!pathInScope(user, org.path)) throw forbidden();
  return org;
}

/** The stall with its org's path, if inside the caller's scope (403 outside, 404 unknown). */
export async function requireStallInScope(
  db: Kysely<Database>,
  user: AuthUser,
  stallId: string,
): Promise<StallsTable & { org_path: string }> {
  const stall = await db
    .selectFrom('stalls')
    .innerJoin('orgs', 'orgs.id', 'stalls.org_id')
    .selectAll('stalls')
    .select('orgs.path as org_path')
    .where('stalls.id', '=', stallId)
    .executeTakeFirst();
  if (!stall) throw unknownStall();
  if (!pathInScope(user, stall.org_path)) throw forbidden();
  return stall;
}

const unknownUser = () => new ApiError(404, 'unknown_user', 'accounts.unknown_user');

/** The user (by id), if their org is inside the caller's scope (403 outside, 404 unknown). */
export async function requireUserInScope(
  db: Kysely<Database>,
  user: AuthUser,
  userId: string,
): Promise<{ id: string; username: string; org_path: string }> {
  const target = await db
    .selectFrom('users')
    .innerJoin('orgs', 'orgs.id', 'users.org_id')
    .select(['users.id', 'users.username', 'orgs.path as org_path'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!target) throw unknownUser();
  if (!pathInScope(user, target.org_path)) throw forbidden();
  return target;
}

/**
 * Does the user's scope cover the whole tree (their org is the root)? Only then do they see what
 * belongs to no org, such as failed sign-ins under unknown names in the audit log.
 */
export function coversWholeTree(user: Pick<AuthUser, 'orgPath'>): boolean {
  return /^\/[^/]+\/$/.test(user.orgPath);
}
