import crypto from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod/mini';
import { createUserBodySchema, idSchema, type UserListItem, type UserView } from '../../shared/accounts';
import { temporaryPasswordBodySchema, type AccountState } from '../../shared/account-actions';
import type { AppDeps } from '../deps';
import { audit } from '../audit';
import { currentUser, requireRole } from '../auth/middleware';
import { hashPassword } from '../auth/passwords';
import { requireOrgInScope, requireUserInScope, subtreePattern } from '../auth/scope';
import { listDevices, revokeDevice, revokeUserSessions } from '../auth/sessions';
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
    .get('/users', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const rows = await db
        .selectFrom('users')
        .innerJoin('orgs', 'orgs.id', 'users.org_id')
        .select(['users.id', 'users.username', 'users.role', 'users.org_id', 'users.created_at', 'users.disabled_at', 'users.password_reset_at'])
        .where('orgs.path', 'like', subtreePattern(user))
        .orderBy('users.username')
        .execute();
      const answer: UserListItem[] = rows.map((r) => ({
        id: r.id, username: r.username, role: r.role, orgId: r.org_id, createdAt: r.created_at,
        disabled: r.disabled_at !== null, mustChangePassword: r.password_reset_at !== null,
      }));
      return c.json(answer);
    })
    .post('/users', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const body = await readJson(c, createUserBodySchema);
      await requireOrgInScope(db, user, body.orgId);
      const taken = () => new ApiError(409, 'username_taken', 'accounts.username_taken');
      if (await db.selectFrom('users').select('id').where('username', '=', body.username).executeTakeFirst()) throw taken();
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
        if (!inserted) throw taken();
        await audit(trx, { userId: user.id, action: 'user.create', target: `user:${created.id}` });
      });
      return c.json(created, 201);
    })
    .post('/users/:id/revoke', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const { id } = check(idParam, c.req.param());
      const target = await requireUserInScope(db, user, id);
      const revoked = await db.transaction().execute(async (trx) => {
        const n = await revokeUserSessions(trx, target.id);
        await audit(trx, { userId: user.id, action: 'user.revoke', target: `user:${target.id}` });
        return n;
      });
      return c.json({ revoked });
    })
    .post('/users/:id/disable', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const target = await requireOtherUserInScope(db, user, check(idParam, c.req.param()).id);
      const answer: AccountState = await db.transaction().execute(async (trx) => {
        const now = new Date();
        // A second disable keeps the first time; sessions made since cannot exist (sign-in is refused).
        await trx.updateTable('users').set({ disabled_at: now.toISOString() }).where('id', '=', target.id).where('disabled_at', 'is', null).execute();
        const revoked = await revokeUserSessions(trx, target.id, now);
        await audit(trx, { userId: user.id, action: 'user.disable', target: `user:${target.id}` });
        return { disabled: true, revoked };
      });
      return c.json(answer);
    })
    .post('/users/:id/enable', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const target = await requireOtherUserInScope(db, user, check(idParam, c.req.param()).id);
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ disabled_at: null }).where('id', '=', target.id).execute();
        await audit(trx, { userId: user.id, action: 'user.enable', target: `user:${target.id}` });
      });
      const answer: AccountState = { disabled: false, revoked: 0 };
      return c.json(answer);
    })
    .post('/users/:id/password', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const target = await requireOtherUserInScope(db, user, check(idParam, c.req.param()).id);
      const body = await readJson(c, temporaryPasswordBodySchema);
      const passwordHash = await hashPassword(body.password);
      // Whoever had the old password is signed out everywhere; the next sign-in must choose a new one.
      const revoked = await db.transaction().execute(async (trx) => {
        const now = new Date();
        await trx.updateTable('users').set({ password_hash: passwordHash, password_reset_at: now.toISOString() }).where('id', '=', target.id).execute();
        const n = await revokeUserSessions(trx, target.id, now);
        await audit(trx, { userId: user.id, action: 'user.password_reset', target: `user:${target.id}` });
        return n;
      });
      return c.json({ revoked });
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
      await db.transaction().execute(async (trx) => {
        if (!(await revokeDevice(trx, target.id, sessionId))) throw unknownDevice();
        await audit(trx, { userId: user.id, action: 'user.device_revoke', target: `user:${target.id}/session:${sessionId}` });
      });
      return c.json({ revoked: 1 });
    });
}

const deviceParams = z.object({ id: idSchema('accounts.invalid.id'), sessionId: idSchema('accounts.invalid.id') });

/** A session that is not (or no longer) one of this user's live ones. */
export const unknownDevice = () => new ApiError(404, 'unknown_device', 'account.unknown_device');

/** As `requireUserInScope`, and not the caller: an admin cannot lock themselves out or skip their own current password. */
async function requireOtherUserInScope(db: AppDeps['storage']['db'], user: AuthUser, id: string) {
  if (id === user.id) throw new ApiError(400, 'not_self', 'account.not_self');
  return requireUserInScope(db, user, id);
}
