import { Hono } from 'hono';
import { loginBodySchema, normalizeUsername, type LoginResponse } from '../../shared/accounts';
import type { AppDeps } from '../app';
import { audit, pseudonym } from '../audit';
import { currentUser, requireRole } from '../auth/middleware';
import { dummyPasswordHash, verifyPassword } from '../auth/passwords';
import { createSession, revokeSession } from '../auth/sessions';
import { beginAttempt, succeeded } from '../auth/throttle';
import { clientAddress } from '../http/client-address';
import type { AppEnv } from '../http/env';
import { ApiError } from '../http/errors';
import { readJson } from '../http/validate';

const badCredentials = () => new ApiError(401, 'invalid_credentials', 'accounts.invalid_credentials');

/**
 * `POST /api/auth/login` and `POST /api/auth/logout`. A wrong password and an unknown username get
 * the same 401 after the same work (an unknown name is checked against a dummy hash), so the answer
 * says nothing about which usernames exist.
 */
export function authRoutes({ storage, keys, config }: AppDeps): Hono<AppEnv> {
  const db = storage.db;
  return new Hono<AppEnv>()
    .post('/auth/login', async (c) => {
      const body = await readJson(c, loginBodySchema);
      const username = normalizeUsername(body.username);
      const address = clientAddress(c, config.trustProxyHops);
      const start = await beginAttempt(db, keys.pseudonym, { username, address });
      const user = await db
        .selectFrom('users')
        .select(['id', 'username', 'role', 'org_id', 'password_hash'])
        .where('username', '=', username)
        .executeTakeFirst();
      // Refused before any password check. Not audited per request (a flood would fill the log): the
      // failure that started the lock was.
      if (!start.ok) {
        throw new ApiError(429, 'too_many_attempts', 'accounts.login_throttled', { 'Retry-After': String(start.retryAfter) });
      }
      // Failed sign-ins under a name nobody has are kept as a pseudonym: the name may be a phone number.
      const target = user ? `user:${user.id}` : `username:${pseudonym(keys.pseudonym, `username:${username}`)}`;
      const ok = await verifyPassword(body.password, user?.password_hash ?? (await dummyPasswordHash()));
      if (!ok || !user) {
        await audit(db, { userId: user?.id ?? null, action: 'auth.login_failed', target });
        // This failure locks the name (or the address) for the window: say so once.
        for (const kind of start.attempt.locksOnFailure) {
          const locked = kind === 'username' ? target : `address:${pseudonym(keys.pseudonym, `address:${address}`)}`;
          await audit(db, { userId: user?.id ?? null, action: 'auth.login_throttled', target: locked });
        }
        throw badCredentials();
      }
      await succeeded(db, start.attempt);
      const token = await createSession(db, user.id);
      await audit(db, { userId: user.id, action: 'auth.login', target });
      const answer: LoginResponse = { token, user: { id: user.id, username: user.username, role: user.role, orgId: user.org_id } };
      return c.json(answer);
    })
    .post('/auth/logout', requireRole(), async (c) => {
      const user = currentUser(c);
      const tokenHash = c.get('tokenHash');
      if (tokenHash) await revokeSession(db, tokenHash);
      await audit(db, { userId: user.id, action: 'auth.logout', target: `user:${user.id}` });
      return c.json({ ok: true });
    });
}
