/**
 * Device sessions. A stall phone signs in once, online, and then works offline for weeks, so a
 * session lasts SESSION_DAYS; a lost phone is handled by revoking, not by short expiry.
 */
import type { Kysely } from 'kysely';
import type { AuthUser } from '../http/env';
import type { Database } from '../storage/schema';
import { hashToken, newToken } from './tokens';

/** How long a signed-in device stays signed in. */
export const SESSION_DAYS = 30;

/** Creates a session for a user; returns the token (shown once, to the caller). */
export async function createSession(db: Kysely<Database>, userId: string, now = new Date()): Promise<string> {
  const token = newToken();
  await db
    .insertInto('sessions')
    .values({
      token_hash: hashToken(token),
      user_id: userId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_DAYS * 86_400_000).toISOString(),
      revoked_at: null,
    })
    .execute();
  return token;
}

/** The user behind a live (unexpired, unrevoked) token, or undefined. */
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
    .select(['users.id', 'users.username', 'users.role', 'users.org_id', 'orgs.path', 'sessions.expires_at'])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.expires_at <= now.toISOString()) return undefined;
  return {
    tokenHash,
    user: { id: row.id, username: row.username, role: row.role, orgId: row.org_id, orgPath: row.path },
  };
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

/** Ends every session of a user at once (a lost device). Returns how many ended. */
export async function revokeUserSessions(db: Kysely<Database>, userId: string, now = new Date()): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
