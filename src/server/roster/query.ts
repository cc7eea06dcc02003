/**
 * The new members of a subtree in a day range, for the roster export: enrollments stored as new
 * members (outcome `accepted`, so a person counts once, where they first joined), with their stall,
 * street and district, the person decrypted here on the server. Read in pages by keyset on
 * (day, created_at, id), so 100,000 members never sit in memory at once.
 */
import type { Kysely } from 'kysely';
import { SERVICES, type Service } from '../../shared/enums';
import type { Channel, Person } from '../../shared/records';
import { subtreePattern } from '../auth/scope';
import type { AuthUser } from '../http/env';
import type { OrgNames } from '../stats/query';
import { placeOf } from '../stats/query';
import type { Database } from '../storage/schema';
import { decryptPerson } from '../sync/person';

/** One new member as the roster lists them. */
export interface RosterMember {
  person: Person;
  day: string;
  createdAt: string;
  channel: Channel;
  services: Service[];
  stall: string;
  street: string | null;
  district: string | null;
}

export interface RosterRange {
  from: string;
  to: string;
}

const PAGE = 500;

interface Cursor {
  day: string;
  createdAt: string;
  id: string;
}

interface PageRow {
  id: string;
  day: string;
  created_at: string;
  channel: Channel;
  services: string | null;
  person_enc: string | null;
  stall: string;
  org_path: string;
}

const isService = (s: unknown): s is Service => SERVICES.some((v) => v === s);
function servicesOf(json: string | null): Service[] {
  if (!json) return [];
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter(isService) : [];
}

/** The members in the caller's subtree, in (day, time, id) order. */
export async function* streamRoster(
  db: Kysely<Database>,
  key: Buffer,
  user: Pick<AuthUser, 'orgPath'>,
  range: RosterRange,
): AsyncGenerator<RosterMember> {
  const orgs: OrgNames = new Map();
  let after: Cursor | null = null;
  for (;;) {
    const cursor: Cursor | null = after;
    const page: PageRow[] = await db
      .selectFrom('records as r')
      .innerJoin('stalls as s', 's.id', 'r.stall_id')
      .innerJoin('orgs as o', 'o.id', 'r.org_id')
      .select(['r.id', 'r.day', 'r.created_at', 'r.channel', 'r.services', 'r.person_enc', 's.name as stall', 'o.path as org_path'])
      .where('r.kind', '=', 'enrollment')
      .where('r.outcome', '=', 'accepted')
      .where('r.day', '>=', range.from)
      .where('r.day', '<=', range.to)
      .where('o.path', 'like', subtreePattern(user))
      .$if(cursor !== null, (qb) =>
        qb.where((eb) => eb(eb.refTuple('r.day', 'r.created_at', 'r.id'), '>', eb.tuple(cursor!.day, cursor!.createdAt, cursor!.id))),
      )
      .orderBy('r.day')
      .orderBy('r.created_at')
      .orderBy('r.id')
      .limit(PAGE)
      .execute();
    // Names of the orgs on these stalls' paths not yet known (a few hundred for a whole city).
    const unknown = [...new Set(page.flatMap((r) => r.org_path.split('/').filter(Boolean)))].filter((id) => !orgs.has(id));
    for (let i = 0; i < unknown.length; i += 1000) {
      const found = await db.selectFrom('orgs').select(['id', 'name', 'level']).where('id', 'in', unknown.slice(i, i + 1000)).execute();
      for (const org of found) orgs.set(org.id, org);
    }
    for (const r of page) {
      if (!r.person_enc) continue;
      const { district, street } = placeOf(r.org_path, orgs);
      yield {
        person: decryptPerson(key, r.person_enc),
        day: r.day,
        createdAt: r.created_at,
        channel: r.channel,
        services: servicesOf(r.services),
        stall: r.stall,
        street: street?.name ?? null,
        district: district?.name ?? null,
      };
    }
    const last: PageRow | undefined = page.at(-1);
    if (!last || page.length < PAGE) return;
    after = { day: last.day, createdAt: last.created_at, id: last.id };
  }
}
