/**
 * Users and their accounts, the SQL behind `/api/users`, `/api/me/password` and the sign-in's lookup:
 * listing a subtree's users, adding one, disabling / enabling, a temporary password, a user's own password change. Each
 * change is one transaction with its audit entry; sessions end in the same transaction, so a disabled
 * or reset account has no live session the moment the answer leaves.
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CreateUserBody, UserListItem, UserView } from '../../shared/accounts';
import type { AccountState } from '../../shared/account-actions';
import { audit } from '../audit';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { subtreePattern } from '../auth/scope';
import { revokeDevice, revokeUserSessions } from '../auth/sessions';
import type { AuthUser } from '../http/env';
import { ApiError } from '../http/errors';
import type { Database } from '../storage/schema';

type Db = Kysely<Database>;

/** The account a sign-in names, with what the sign-in needs to judge it; undefined when nobody has the name. */
export async function userForSignIn(db: Db, username: string) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'role', 'org_id', 'password_hash', 'disabled_at', 'password_reset_at'])
    .where('username', '=', username)
    .executeTakeFirst();
}

/** The users of `admin`'s subtree, by username. */
export async function usersInScope(db: Db, admin: AuthUser): Promise<UserListItem[]> {
  const rows = await db
    .selectFrom('users')
    .innerJoin('orgs', 'orgs.id', 'users.org_id')
    .select(['users.id', 'users.username', 'users.role', 'users.org_id', 'users.created_at', 'users.disabled_at', 'users.password_reset_at'])
    .where('orgs.path', 'like', subtreePattern(admin))
    .orderBy('users.username')
    .execute();
  return rows.map((r) => ({
    id: r.id, username: r.username, role: r.role, orgId: r.org_id, createdAt: r.created_at,
    disabled: r.disabled_at !== null, mustChangePassword: r.password_reset_at !== null,
  }));
}

const usernameTaken = () => new ApiError(409, 'username_taken', 'accounts.username_taken');

/** Adds a user (the org already checked to be in the admin's scope); 409 when the username is taken. */
export async function createUser(db: Db, admin: AuthUser, body: CreateUserBody): Promise<UserView> {
  if (await db.selectFrom('users').select('id').where('username', '=', body.username).executeTakeFirst()) throw usernameTaken();
  const created: UserView = { id: crypto.randomUUID(), username: body.username, role: body.role, orgId: body.orgId };
  const passwordHash = await hashPassword(body.password);
  await db.transaction().execute(async (trx) => {
    // The unique username decides a race; the check above only spares a hash in the common case.
    const inserted = await trx
      .insertInto('users')
      .values({
        id: created.id, username: created.username, password_hash: passwordHash, role: created.role,
        org_id: created.orgId, created_at: new Date().toISOString(), disabled_at: null, password_reset_at: null,
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) throw usernameTaken();
    await audit(trx, { userId: admin.id, action: 'user.create', target: `user:${created.id}` });
  });
  return created;
}

/** Disables the account and ends its sessions. A second disable keeps the first time. */
export async function disableUser(db: Db, admin: AuthUser, userId: string): Promise<AccountState> {
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    await trx.updateTable('users').set({ disabled_at: now.toISOString() }).where('id', '=', userId).where('disabled_at', 'is', null).execute();
    // Sessions made since cannot exist: sign-in is refused from now on.
    const revoked = await revokeUserSessions(trx, userId, now);
    await audit(trx, { userId: admin.id, action: 'user.disable', target: `user:${userId}` });
    return { disabled: true, revoked };
  });
}

export async function enableUser(db: Db, admin: AuthUser, userId: string): Promise<AccountState> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ disabled_at: null }).where('id', '=', userId).execute();
    await audit(trx, { userId: admin.id, action: 'user.enable', target: `user:${userId}` });
  });
  return { disabled: false, revoked: 0 };
}

/** Sets a temporary password: whoever had the old one is signed out everywhere, and the next sign-in must choose a new one. */
export async function setTemporaryPassword(db: Db, admin: AuthUser, userId: string, password: string): Promise<number> {
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    await trx.updateTable('users').set({ password_hash: passwordHash, password_reset_at: now.toISOString() }).where('id', '=', userId).execute();
    const n = await revokeUserSessions(trx, userId, now);
    await audit(trx, { userId: admin.id, action: 'user.password_reset', target: `user:${userId}` });
    return n;
  });
}

/** Wrong current passwords a user may type in WRONG_WINDOW_MS before changes are refused for a while. */
export const WRONG_CURRENT_LIMIT = 5;
export const WRONG_WINDOW_MS = 15 * 60_000;

/**
 * A user's own password change. Wrong current passwords are counted from the audit log (written
 * anyway, and seen alike by every app server), so a stolen session cannot try password after password.
 * Ends every other session of the user; `currentTokenHash` keeps the caller's own.
 */
export async function changeOwnPassword(
  db: Db,
  user: AuthUser,
  body: { currentPassword: string; newPassword: string },
  currentTokenHash: string | undefined,
): Promise<number> {
  const now = new Date();
  const wrong = await db
    .selectFrom('audit')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('at', '>', new Date(now.getTime() - WRONG_WINDOW_MS).toISOString())
    .where('user_id', '=', user.id)
    .where('action', '=', 'user.password_change_failed')
    .executeTakeFirstOrThrow();
  if (Number(wrong.n) >= WRONG_CURRENT_LIMIT) {
    throw new ApiError(429, 'too_many_attempts', 'account.password_change_throttled', { 'Retry-After': String(WRONG_WINDOW_MS / 1000) });
  }
  const stored = await db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(body.currentPassword, stored.password_hash))) {
    await audit(db, { userId: user.id, action: 'user.password_change_failed', target: `user:${user.id}` });
    throw new ApiError(400, 'wrong_password', 'account.wrong_password');
  }
  const passwordHash = await hashPassword(body.newPassword);
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash, password_reset_at: null }).where('id', '=', user.id).execute();
    const n = await revokeUserSessions(trx, user.id, now, currentTokenHash);
    await audit(trx, { userId: user.id, action: 'user.password_change', target: `user:${user.id}` });
    return n;
  });
}

/** Signs a user out on every device (a lost phone): their sessions end; they may sign in again. */
export async function signOutEverywhere(db: Db, admin: AuthUser, userId: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const n = await revokeUserSessions(trx, userId);
    await audit(trx, { userId: admin.id, action: 'user.revoke', target: `user:${userId}` });
    return n;
  });
}

/** A session that is not (or no longer) one of this user's live ones. */
const unknownDevice = () => new ApiError(404, 'unknown_device', 'account.unknown_device');

/** Ends one of `userId`'s sessions (their own, or an admin's doing); 404 when it is not a live one of theirs. */
export async function endDevice(db: Db, actor: AuthUser, userId: string, sessionId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await revokeDevice(trx, userId, sessionId))) throw unknownDevice();
    await audit(trx, { userId: actor.id, action: 'user.device_revoke', target: `user:${userId}/session:${sessionId}` });
  });
}
