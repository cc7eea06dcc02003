import { Hono } from 'hono';
import type { MeResponse } from '../../shared/accounts';
import type { AppDeps } from '../deps';
import { currentUser, requireRole } from '../auth/middleware';
import type { AppEnv } from '../http/env';
import { orgById } from '../orgs/service';
import { today } from '../time';
import { linkBase, stallsInScope, stallView } from '../stalls/service';

/** `GET /api/me`: the caller, their org, and their subtree's stalls from today on (what a stall phone caches). */
export function meRoutes(deps: AppDeps): Hono<AppEnv> {
  const db = deps.storage.db;
  return new Hono<AppEnv>().get('/me', requireRole(), async (c) => {
    const user = currentUser(c);
    const org = await orgById(db, user.orgId);
    const stalls = await stallsInScope(db, user, today(deps.config.timeZone));
    const base = linkBase(deps, c.req.url);
    const answer: MeResponse = {
      user: { id: user.id, username: user.username, role: user.role, orgId: user.orgId },
      org,
      stalls: stalls.map((s) => stallView(deps, base, s)),
    };
    return c.json(answer);
  });
}
