import { Hono } from 'hono';
import { loginBodySchema, normalizeUsername, type LoginResponse } from '../../shared/accounts';
import type { AppDeps } from '../deps';
import { userForSignIn } from '../accounts/service';
import { audit, pseudonym } from '../audit';
import { currentUser, requireSignedIn } from '../auth/middleware';
import { dummyPasswordHash, verifyPassword } from '../auth/passwords';
import { createSession, revokeSession } from '../auth/sessions';
import { deviceCookieHeader, deviceCookieName, issueDeviceCookie, readCookie, verifyDeviceCookie } from '../auth/device-cookie';
import { beginAttempt, succeeded, type LockKind } from '../auth/throttle';
import { describeUserAgent } from '../auth/user-agent';
import { clientAddress } from '../http/client-address';
import type { AppEnv } from '../http/env';
import { ApiError } from '../http/errors';
import { readJson } from '../http/validate';

const badCredentials = () => new ApiError(401, 'invalid_credentials', 'accounts.invalid_credentials');

/**
 * `POST /api/auth/login` and `POST /api/auth/logout`. A wrong password and an unknown username get
 * the same 401 after the same work (an unknown name is checked against a dummy hash), so the answer
 * says nothing about which usernames exist. A sign-in that presents this username's device cookie is
 * judged by that cookie's failures alone; a successful one sets a fresh cookie (auth/throttle.ts).
 */
export function authRoutes({ storage, keys, config }: AppDeps): Hono<AppEnv> {
  const db = storage.db;
  return new Hono<AppEnv>()
    .post('/auth/login', async (c) => {
      const body = await readJson(c, loginBodySchema);
      const username = normalizeUsername(body.username);
      const address = clientAddress(c, config.trustProxyHops);
      const cookieName = deviceCookieName(keys.deviceCookie, username);
      const device = verifyDeviceCookie(keys.deviceCookie, username, readCookie(c.req.header('cookie'), cookieName));
      const start = await beginAttempt(db, keys.pseudonym, { username, address, ...(device ? { device } : {}) });
      const user = await userForSignIn(db, username);
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
        // This failure starts locking the name, the address or the device cookie: say so once.
        const lockTarget: Record<LockKind, () => string> = {
          username: () => target,
          address: () => `address:${pseudonym(keys.pseudonym, `address:${address}`)}`,
          device: () => `device:${pseudonym(keys.pseudonym, `device:${device}`)}`,
        };
        for (const kind of start.attempt.locksOnFailure) {
          await audit(db, { userId: user?.id ?? null, action: 'auth.login_throttled', target: lockTarget[kind]() });
        }
        throw badCredentials();
      }
      // Said only to whoever knows the password: a disabled account is no secret from its owner.
      if (user.disabled_at !== null) {
        await audit(db, { userId: user.id, action: 'auth.login_disabled', target });
        throw new ApiError(403, 'account_disabled', 'account.disabled');
      }
      await succeeded(db, start.attempt);
      const secure = new URL(c.req.url).protocol === 'https:' || Boolean(config.publicUrl?.startsWith('https:'));
      c.header('Set-Cookie', deviceCookieHeader(cookieName, issueDeviceCookie(keys.deviceCookie, username), secure));
      const token = await createSession(db, user.id, new Date(), describeUserAgent(c.req.header('user-agent')));
      await audit(db, { userId: user.id, action: 'auth.login', target });
      const answer: LoginResponse = {
        token,
        user: { id: user.id, username: user.username, role: user.role, orgId: user.org_id },
        ...(user.password_reset_at !== null ? { mustChangePassword: true } : {}),
      };
      return c.json(answer);
    })
    .post('/auth/logout', requireSignedIn(), async (c) => {
      const user = currentUser(c);
      const tokenHash = c.get('tokenHash');
      if (tokenHash) await revokeSession(db, tokenHash);
      await audit(db, { userId: user.id, action: 'auth.logout', target: `user:${user.id}` });
      return c.json({ ok: true });
    });
}
