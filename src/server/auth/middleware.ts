/**
 * Who is calling, and may they call this route. `authenticate` runs on every /api request and sets
 * `user` from a live bearer token; routes then declare who may use them with `requireRole`.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError, forbidden, unauthorized } from '../http/errors';
import type { AppEnv, AuthUser } from '../http/env';
import type { Storage } from '../storage/open';
import { userForToken } from './sessions';

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,200})$/;

/** Sets `user` and `tokenHash` when the request carries a live token; never rejects by itself. */
export function authenticate(storage: Storage): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const match = BEARER.exec(c.req.header('authorization') ?? '');
    if (match) {
      const found = await userForToken(storage.db, match[1]!);
      c.set('user', found?.user);
      c.set('tokenHash', found?.tokenHash);
    }
    await next();
  };
}

/**
 * Allows signed-in callers with one of `roles` (any role when none are given). 401 / 403 otherwise,
 * and 403 `password_change_required` while the caller still has a temporary password.
 */
export function requireRole(...roles: AuthUser['role'][]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.get('user');
    if (!user) throw unauthorized();
    if (user.mustChangePassword) throw passwordChangeRequired();
    if (roles.length > 0 && !roles.includes(user.role)) throw forbidden();
    await next();
  };
}

/** Allows any signed-in caller, one with a temporary password too: only for changing it, and for signing out. */
export function requireSignedIn(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get('user')) throw unauthorized();
    await next();
  };
}

const passwordChangeRequired = () => new ApiError(403, 'password_change_required', 'account.password_change_required');

/** The signed-in caller, for handlers behind `requireRole` (throws 401 if misused without it). */
export function currentUser(c: { get(key: 'user'): AuthUser | undefined }): AuthUser {
  const user = c.get('user');
  if (!user) throw unauthorized();
  return user;
}
