import crypto from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod/mini';
import { createUserBodySchema, idSchema, type UserListItem, type UserView } from '../../shared/accounts';
import type { AppDeps } from '../app';
import { audit } from '../audit';
import { currentUser, requireRole } from '../auth/middleware';
import { hashPassword } from '../auth/passwords';
import { requireOrgInScope, requireUserInScope, subtreePattern } from '../auth/scope';
import { revokeUserSessions } from '../auth/sessions';
import type { AppEnv } from '../http/env';
import { ApiError } from '../http/errors';
import { check, readJson } from '../http/validate';

const idParam = z.object({ id: idSchema('accounts.invalid.id') });

/** `GET /api/users`, `POST /api/users` and `POST /api/users/:id/revoke`: admins, inside their subtree. */
export function userRoutes({ storage }: AppDeps): Hono<AppEnv> {
  const db = storage.db;
  return new Hono<AppEnv>()
    .get('/users', requireRole('admin'), async (c) => {
      const user = currentUser(c);
      const rows = await db
        .selectFrom('users')
        .innerJoin('orgs', 'orgs.id', 'users.org_id')
        .select(['users.id', 'users.username', 'users.role', 'users.org_id', 'users.created_at'])
        .where('orgs.path', 'like', subtreePattern(user))
        .orderBy('users.username')
        .execute();
      const answer: UserListItem[] = rows.map((r) => ({
        id: r.id, username: r.username, role: r.role, orgId: r.org_id, createdAt: r.created_at,
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
            org_id: created.orgId, created_at: new Date().toISOString(),
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
    });
}
