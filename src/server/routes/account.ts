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
import { audit } from '../audit';
import { currentUser, requireRole, requireSignedIn } from '../auth/middleware';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { listDevices, revokeDevice, revokeUserSessions } from '../auth/sessions';
import type { AppEnv } from '../http/env';
import { ApiError } from '../http/errors';
import { check, readJson } from '../http/validate';
import { unknownDevice } from './users';

/** Wrong current passwords a user may type in WRONG_WINDOW_MS before changes are refused for a while. */
export const WRONG_CURRENT_LIMIT = 5;
const WRONG_WINDOW_MS = 15 * 60_000;

const deviceParam = z.object({ id: idSchema('accounts.invalid.id') });

export function accountRoutes({ storage }: AppDeps): Hono<AppEnv> {
  const db = storage.db;
  return new Hono<AppEnv>()
    .post('/me/password', requireSignedIn(), async (c) => {
      const user = currentUser(c);
      const body = await readJson(c, changePasswordBodySchema);
      const now = new Date();
      // Counted in the audit log, so every app server agrees: a stolen session cannot try password after password.
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
      const revoked = await db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ password_hash: passwordHash, password_reset_at: null }).where('id', '=', user.id).execute();
        const n = await revokeUserSessions(trx, user.id, now, c.get('tokenHash'));
        await audit(trx, { userId: user.id, action: 'user.password_change', target: `user:${user.id}` });
        return n;
      });
      return c.json({ revoked });
    })
    .get('/me/devices', requireRole(), async (c) => {
      const user = currentUser(c);
      return c.json(await listDevices(db, user.id, c.get('tokenHash')));
    })
    .post('/me/devices/:id/revoke', requireRole(), async (c) => {
      const user = currentUser(c);
      const { id } = check(deviceParam, c.req.param());
      await db.transaction().execute(async (trx) => {
        if (!(await revokeDevice(trx, user.id, id))) throw unknownDevice();
        await audit(trx, { userId: user.id, action: 'user.device_revoke', target: `user:${user.id}/session:${id}` });
      });
      return c.json({ revoked: 1 });
    });
}
