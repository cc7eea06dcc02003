/**
 * Device sessions. A stall phone signs in once, online, and then works offline for weeks, so a
 * session lasts SESSION_DAYS; a lost phone is handled by revoking, not by short expiry.
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DeviceView } from '../../shared/account-actions';
import type { AuthUser } from '../http/env';
import type { Database } from '../storage/schema';
import { hashToken, newToken } from './tokens';

/** How long a signed-in device stays signed in. */
export const SESSION_DAYS = 30;

/** How stale `last_seen_at` may get before a request writes it again: one write per device per few minutes, not per request. */
export const LAST_SEEN_EVERY_MS = 5 * 60_000;

/** Creates a session for a user; returns the token (shown once, to the caller). `userAgent` is the summary shown in device lists. */
export async function createSession(db: Kysely<Database>, userId: string, now = new Date(), userAgent: string | null = null): Promise<string> {
  const token = newToken();
  await db
    .insertInto('sessions')
    .values({
      token_hash: hashToken(token),
      user_id: userId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_DAYS * 86_400_000).toISOString(),
      revoked_at: null,
      id: crypto.randomUUID(),
      last_seen_at: null,
      user_agent: userAgent,
    })
    .execute();
  return token;
}

/**
 * The user behind a live (unexpired, unrevoked) token of an account that is not disabled, or
 * undefined. Notes the session as seen when its last note is older than LAST_SEEN_EVERY_MS.
 */
export async function userForToken(
  db: Kysely<Database>,
  token: string,
  now = new Date(),
): Promise<{ user: AuthUser; tokenHash: string } | undefined> {
  const tokenHash = hashToken(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('orgs', 'orgs.id', 'users.org_id')
    .select([
      'users.id', 'users.username', 'users.role', 'users.org_id', 'orgs.path', 'sessions.expires_at',
      'sessions.last_seen_at', 'users.password_reset_at',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.revoked_at', 'is', null)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.expires_at <= now.toISOString()) return undefined;
  const stale = new Date(now.getTime() - LAST_SEEN_EVERY_MS).toISOString();
  if (!row.last_seen_at || row.last_seen_at < stale) {
    await db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('token_hash', '=', tokenHash).execute();
  }
  return {
    tokenHash,
    user: {
      id: row.id, username: row.username, role: row.role, orgId: row.org_id, orgPath: row.path,
      mustChangePassword: row.password_reset_at !== null,
    },
  };
}

/** The live sessions of a user as devices, newest sign-in first; `current` marks the caller's own. */
export async function listDevices(db: Kysely<Database>, userId: string, currentHash: string | undefined, now = new Date()): Promise<DeviceView[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'token_hash', 'created_at', 'last_seen_at', 'user_agent'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .where('id', 'is not', null)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id!, createdAt: r.created_at, lastSeenAt: r.last_seen_at, userAgent: r.user_agent, current: r.token_hash === currentHash,
  }));
}

/** Ends one live session of a user, named by its device id. Returns whether one ended (false: unknown, not theirs, or over). */
export async function revokeDevice(db: Kysely<Database>, userId: string, sessionId: string, now = new Date()): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: now.toISOString() })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Ends one session (sign-out). */
export async function revokeSession(db: Kysely<Database>, tokenHash: string, now = new Date()): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now.toISOString() })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Ends every session of a user at once (a lost device), or every one but `except` (a password change). Returns how many ended. */
export async function revokeUserSessions(db: Kysely<Database>, userId: string, now = new Date(), except?: string): Promise<number> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (except) query = query.where('token_hash', '!=', except);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
