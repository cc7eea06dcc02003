/**
 * The caller's own account: `POST /api/me/password` (the current password, then a new one by the
 * shared rule), `GET /api/me/devices` and `POST /api/me/devices/:id/revoke`. Changing the password
 * is the one route open to a caller with a temporary password; it clears that state and ends every
 * other session, so a device that knew the old password must sign in again.
 */
import { Hono } from 'hono';
import { z } from 'zod/mini';
import { changePasswordBodySchema } from '../../shared/account-actions';
import { idSchema } from '../../shared/accounts';
import type { AppDeps } from '../deps';
import { changeOwnPassword, endDevice } from '../accounts/service';
import { currentUser, requireRole, requireSignedIn } from '../auth/middleware';
import { listDevices } from '../auth/sessions';
import type { AppEnv } from '../http/env';
import { check, readJson } from '../http/validate';

const deviceParam = z.object({ id: idSchema('accounts.invalid.id') });

export function accountRoutes({ storage }: AppDeps): Hono<AppEnv> {
  const db = storage.db;
  return new Hono<AppEnv>()
    .post('/me/password', requireSignedIn(), async (c) => {
      const body = await readJson(c, changePasswordBodySchema);
      return c.json({ revoked: await changeOwnPassword(db, currentUser(c), body, c.get('tokenHash')) });
    })
    .get('/me/devices', requireRole(), async (c) => {
      const user = currentUser(c);
      return c.json(await listDevices(db, user.id, c.get('tokenHash')));
    })
    .post('/me/devices/:id/revoke', requireRole(), async (c) => {
      const user = currentUser(c);
      await endDevice(db, user, user.id, check(deviceParam, c.req.param()).id);
      return c.json({ revoked: 1 });
    });
}
