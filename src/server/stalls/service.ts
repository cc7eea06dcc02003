/**
 * Stalls as the API shows them: the caller's subtree's stalls, each with its join link. Shared by
 * `GET /api/stalls`, `POST /api/stalls` and `GET /api/me` (what a stall phone caches).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { StallView } from '../../shared/accounts';
import type { StallToday } from '../../shared/stall-today';
import { audit } from '../audit';
import { subtreePattern } from '../auth/scope';
import type { AppDeps } from '../deps';
import type { AuthUser } from '../http/env';
import { joinTokenExpiry, joinUrl, signJoinToken } from '../join-tokens';
import type { Database, StallsTable } from '../storage/schema';

/** Most stalls one list answers with (a city's whole week is a few thousand). */
export const STALL_LIST_LIMIT = 5000;

/**
 * The base of join links (and so of every poster): PUBLIC_URL when set. Without it, the Host the
 * request names only when it is this server itself, `localhost` or an address of one of this machine's
 * network interfaces, on the port the server listens on (a phone on the stall's Wi-Fi reaching
 * `http://192.168.1.5:8080`); any other Host (`evil.example`, a name in a proxy's X-Forwarded-Host,
 * which is never read) gives `http://localhost:PORT`, a link that leads nowhere else. Always plain
 * HTTP: behind a TLS proxy, PUBLIC_URL says the public name.
 */
export function linkBase(deps: AppDeps, requestUrl: string): string {
  if (deps.config.publicUrl) return deps.config.publicUrl;
  const port = deps.config.port;
  const fallback = port ? `http://localhost:${port}` : 'http://localhost';
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return fallback;
  }
  const requestPort = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (port && requestPort !== port) return fallback;
  return isOwnHost(url.hostname) ? `http://${url.host}` : fallback;
}

/** Whether a URL's hostname is this machine: `localhost` or an address on one of its interfaces. */
function isOwnHost(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  const address = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return Object.values(os.networkInterfaces()).some((list) => (list ?? []).some((i) => i.address.toLowerCase() === address));
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

/** Where a stall page ended: the last stall's date, name and id (the list's order). */
export type StallPosition = readonly [date: string, name: string, id: string];

/**
 * One page of the user's subtree's stalls from `from` to `to`, by date, name and id, after `after`:
 * `limit` stalls and whether more follow (one row more is read to know it).
 */
export async function stallsPage(
  db: Kysely<Database>,
  user: AuthUser,
  range: { from: string; to?: string | undefined },
  page: { limit: number; after: StallPosition | null },
): Promise<{ rows: StallsTable[]; hasMore: boolean }> {
  let q = db
    .selectFrom('stalls')
    .innerJoin('orgs', 'orgs.id', 'stalls.org_id')
    .selectAll('stalls')
    .where('orgs.path', 'like', subtreePattern(user))
    .where('stalls.date', '>=', range.from);
  if (range.to) q = q.where('stalls.date', '<=', range.to);
  if (page.after) {
    const [date, name, id] = page.after;
    q = q.where((eb) =>
      eb.or([
        eb('stalls.date', '>', date),
        eb.and([eb('stalls.date', '=', date), eb('stalls.name', '>', name)]),
        eb.and([eb('stalls.date', '=', date), eb('stalls.name', '=', name), eb('stalls.id', '>', id)]),
      ]),
    );
  }
  const rows = await q.orderBy('stalls.date').orderBy('stalls.name').orderBy('stalls.id').limit(page.limit + 1).execute();
  return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}

/** Saves a new stall and its audit entry in one transaction. */
export async function createStall(
  db: Kysely<Database>,
  user: AuthUser,
  body: { name: string; orgId: string; date: string; location?: string | null },
): Promise<StallsTable> {
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
  return stall;
}

/** A stall's counts for `day` from the daily counters (a few rows, never the records): staff-entered apart from self-registrations. */
export async function stallToday(db: Kysely<Database>, stallId: string, day: string): Promise<StallToday> {
  const rows = await db
    .selectFrom('daily_counts')
    .select([
      'channel',
      sql<number | string>`sum(enrolled)`.as('enrolled'),
      sql<number | string>`sum(existing)`.as('existing'),
      sql<number | string>`sum(consultations)`.as('consultations'),
    ])
    .where('stall_id', '=', stallId)
    .where('day', '=', day)
    .groupBy('channel')
    .execute();
  const body: StallToday = { stallId, day, enrolled: 0, existing: 0, consultations: 0, self: 0 };
  for (const r of rows) {
    if (r.channel === 'self') body.self += Number(r.enrolled) + Number(r.existing);
    else {
      body.enrolled += Number(r.enrolled);
      body.existing += Number(r.existing);
    }
    body.consultations += Number(r.consultations);
  }
  return body;
}
