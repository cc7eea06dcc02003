import crypto from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { createStallBodySchema, dayRangeQuerySchema, type StallView } from '../../shared/accounts';
import type { AppDeps } from '../app';
import { audit } from '../audit';
import { currentUser, requireRole } from '../auth/middleware';
import { requireOrgInScope, subtreePattern } from '../auth/scope';
import type { AppEnv, AuthUser } from '../http/env';
import { readJson, readQuery } from '../http/validate';
import { joinTokenExpiry, joinUrl, signJoinToken } from '../join-tokens';
import type { Database, StallsTable } from '../storage/schema';
import { today } from '../time';

/** Most stalls one list answers with (a city's whole week is a few thousand). */
export const STALL_LIST_LIMIT = 5000;

/** The base of join links: PUBLIC_URL, else the origin the request came to. */
export function linkBase(deps: AppDeps, c: Context<AppEnv>): string {
  return deps.config.publicUrl ?? new URL(c.req.url).origin;
}

/** A stall with its join link. The token is derived from the stall, so every answer gives the same one. */
export function stallView(deps: AppDeps, base: string, stall: Pick<StallsTable, 'id' | 'name' | 'org_id' | 'date' | 'location'>): StallView {
  const expiresAt = joinTokenExpiry(stall.date, deps.config.joinDays, deps.config.timeZone);
  const token = signJoinToken(deps.keys.joinToken, stall.id, expiresAt);
  return {
    id: stall.id,
    name: stall.name,
    orgId: stall.org_id,
    date: stall.date,
    location: stall.location,
    joinUrl: joinUrl(base, token),
    joinToken: token,
    joinExpiresAt: expiresAt.toISOString(),
  };
}

/** Stalls of the user's subtree from `from` to `to` (inclusive days), by date then name. */
export async function stallsInScope(
  db: Kysely<Database>,
  user: AuthUser,
  from: string,
  to?: string,
): Promise<StallsTable[]> {
  let q = db
    .selectFrom('stalls')
    .innerJoin('orgs', 'orgs.id', 'stalls.org_id')
    .selectAll('stalls')
    .where('orgs.path', 'like', subtreePattern(user))
    .where('stalls.date', '>=', from);
  if (to) q = q.where('stalls.date', '<=', to);
  return q.orderBy('stalls.date').orderBy('stalls.name').orderBy('stalls.id').limit(STALL_LIST_LIMIT).execute();
}

/** `GET /api/stalls?from=&to=` (from defaults to today) and `POST /api/stalls`, inside the caller's subtree. */
export function stallRoutes(deps: AppDeps): Hono<AppEnv> {
  const db = deps.storage.db;
  return new Hono<AppEnv>()
    .get('/stalls', requireRole(), async (c) => {
      const user = currentUser(c);
      const q = readQuery(c, dayRangeQuerySchema);
      const rows = await stallsInScope(db, user, q.from ?? today(deps.config.timeZone), q.to);
      const base = linkBase(deps, c);
      return c.json(rows.map((s) => stallView(deps, base, s)));
    })
    .post('/stalls', requireRole('staff', 'supervisor', 'admin'), async (c) => {
      const user = currentUser(c);
      const body = await readJson(c, createStallBodySchema);
      await requireOrgInScope(db, user, body.orgId);
      const stall: StallsTable = {
        id: crypto.randomUUID(),
        name: body.name,
        org_id: body.orgId,
        date: body.date,
        location: body.location ?? null,
        created_by: user.id,
        created_at: new Date().toISOString(),
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('stalls').values(stall).execute();
        await audit(trx, { userId: user.id, action: 'stall.create', target: `stall:${stall.id}` });
      });
      return c.json(stallView(deps, linkBase(deps, c), stall), 201);
    });
}
