import { Hono } from 'hono';
import { z } from 'zod/mini';
import { createUserBodySchema, idSchema } from '../../shared/accounts';
import { temporaryPasswordBodySchema } from '../../shared/account-actions';
import { createUser, disableUser, enableUser, endDevice, setTemporaryPassword, signOutEverywhere, usersInScope } from '../accounts/service';
import type { AppDeps } from '../deps';
import { currentUser, requireRole } from '../auth/middleware';
import { requireOrgInScope, requireUserInScope } from '../auth/scope';
import { listDevices } from '../auth/sessions';
import type { AppEnv, AuthUser } from '../http/env';
import { ApiError } from '../http/errors';
import { check, readJson } from '../http/validate';

const idParam = z.object({ id: idSchema('accounts.invalid.id') });

/**
 * `GET /api/users`, `POST /api/users`, and per user `revoke` (every session), `disable` / `enable`,
 * `password` (a temporary one), `devices` and ending one device: admins, inside their subtree.
 */
export function userRoutes({ storage }: AppDeps): Hono<AppEnv> {
  const db = storage.db;
  return new Hono<AppEnv>()
    .get('/users', requireRole('admin'), async (c) => c.json(await usersInScope(db, currentUser(c))))
    .post('/users', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const body = await readJson(c, createUserBodySchema);
      await requireOrgInScope(db, user, body.orgId);
      return c.json(await createUser(db, user, body), 201);
    })
    .post('/users/:id/revoke', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const target = await requireUserInScope(db, user, check(idParam, c.req.param()).id);
      return c.json({ revoked: await signOutEverywhere(db, user, target.id) });
    })
    .post('/users/:id/disable', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const target = await requireOtherUserInScope(db, user, check(idParam, c.req.param()).id);
      return c.json(await disableUser(db, user, target.id));
    })
    .post('/users/:id/enable', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const target = await requireOtherUserInScope(db, user, check(idParam, c.req.param()).id);
      return c.json(await enableUser(db, user, target.id));
    })
    .post('/users/:id/password', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const target = await requireOtherUserInScope(db, user, check(idParam, c.req.param()).id);
      const body = await readJson(c, temporaryPasswordBodySchema);
      return c.json({ revoked: await setTemporaryPassword(db, user, target.id, body.password) });
    })
    .get('/users/:id/devices', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const target = await requireUserInScope(db, user, check(idParam, c.req.param()).id);
      return c.json(await listDevices(db, target.id, c.get('tokenHash')));
    })
    .post('/users/:id/devices/:sessionId/revoke', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const { id, sessionId } = check(deviceParams, c.req.param());
      const target = await requireUserInScope(db, user, id);
      await endDevice(db, user, target.id, sessionId);
      return c.json({ revoked: 1 });
    });
}

const deviceParams = z.object({ id: idSchema('accounts.invalid.id'), sessionId: idSchema('accounts.invalid.id') });

/** As `requireUserInScope`, and not the caller: an admin cannot lock themselves out or skip their own current password. */
async function requireOtherUserInScope(db: AppDeps['storage']['db'], user: AuthUser, id: string) {
  if (id === user.id) throw new ApiError(400, 'not_self', 'account.not_self');
  return requireUserInScope(db, user, id);
}
