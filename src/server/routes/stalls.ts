import { Hono } from 'hono';
import { z } from 'zod/mini';
import { createStallBodySchema } from '../../shared/accounts';
import { HAS_MORE_HEADER, NEXT_CURSOR_HEADER, STALL_PAGE_MAX, stallListQuerySchema } from '../../shared/paging';
import { currentUser, requireRole } from '../auth/middleware';
import { requireOrgInScope } from '../auth/scope';
import type { AppDeps } from '../deps';
import { decodeCursor, encodeCursor } from '../http/cursor';
import type { AppEnv } from '../http/env';
import { readJson, readQuery } from '../http/validate';
import { createStall, linkBase, stallsPage, stallView } from '../stalls/service';
import { today } from '../time';

const stallKeys = z.tuple([z.string(), z.string(), z.string()]);

/**
 * `GET /api/stalls?from=&to=&cursor=&limit=` (from defaults to today) and `POST /api/stalls`, inside
 * the caller's subtree. The list is paged (at most STALL_PAGE_MAX a page) and keeps its body, the
 * array of stalls; `X-Has-More` says whether more follow and `X-Next-Cursor` leads on.
 */
export function stallRoutes(deps: AppDeps): Hono<AppEnv> {
  const db = deps.storage.db;
  return new Hono<AppEnv>()
    .get('/stalls', requireRole(), async (c) => {
      const user = currentUser(c);
      const q = readQuery(c, stallListQuerySchema);
      const after = q.cursor === undefined ? null : decodeCursor('stalls', stallKeys, q.cursor);
      const { rows, hasMore } = await stallsPage(db, user, { from: q.from ?? today(deps.config.timeZone), to: q.to }, { limit: q.limit ?? STALL_PAGE_MAX, after });
      const last = rows.at(-1);
      c.header(HAS_MORE_HEADER, String(hasMore));
      if (hasMore && last) c.header(NEXT_CURSOR_HEADER, encodeCursor('stalls', [last.date, last.name, last.id]));
      const base = linkBase(deps, c.req.url);
      return c.json(rows.map((s) => stallView(deps, base, s)));
    })
    .post('/stalls', requireRole('staff', 'supervisor', 'admin'), async (c) => {
      const user = currentUser(c);
      const body = await readJson(c, createStallBodySchema);
      await requireOrgInScope(db, user, body.orgId);
      const stall = await createStall(db, user, body);
      return c.json(stallView(deps, linkBase(deps, c.req.url), stall), 201);
    });
}
