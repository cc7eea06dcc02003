/**
 * The org tree: reading a subtree, creating one org and importing many from CSV. Both keep the same rules: a district
 * sits under the city and a street under a district, codes are unique, and the parent is inside the
 * caller's scope. An org's materialized path (its ancestors' ids) is fixed when it is created.
 */
import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { PARENT_LEVEL, orgCodeSchema, textSchema, type ChildLevel, type OrgView } from '../../shared/accounts';
import { t, type Lang } from '../../shared/i18n';
import { audit } from '../audit';
import { pathInScope, requireOrgInScope, subtreePattern } from '../auth/scope';
import { ApiError, badRequest } from '../http/errors';
import type { AuthUser } from '../http/env';
import type { Database, OrgsTable } from '../storage/schema';
import { parseCsv } from './csv';

/** An org row as the API shows it. */
export function orgView(org: Pick<OrgsTable, 'id' | 'parent_id' | 'name' | 'level' | 'code'>): OrgView {
  return { id: org.id, parentId: org.parent_id, name: org.name, level: org.level, code: org.code };
}

const codeTaken = () => new ApiError(409, 'org_code_taken', 'accounts.org_code_taken');

/** Creates a district or street under `parentId` (which must be in the caller's scope and one level up). */
/** A new org under `parent` (its path extends the parent's). */
function childOrg(parent: { id: string; path: string }, o: { name: string; level: ChildLevel; code: string }, createdAt: string): OrgsTable {
  const id = crypto.randomUUID();
  return { id, parent_id: parent.id, name: o.name, level: o.level, code: o.code, path: `${parent.path}${id}/`, created_at: createdAt };
}

/**
 * Inserts `row` unless its code is taken; false if it is. The unique code decides a race between two
 * admins (or an admin and an import), not a check before the insert.
 */
async function insertOrg(trx: Transaction<Database>, row: OrgsTable): Promise<boolean> {
  const inserted = await trx.insertInto('orgs').values(row).onConflict((oc) => oc.column('code').doNothing()).returning('id').executeTakeFirst();
  return inserted !== undefined;
}

export async function createOrg(
  db: Kysely<Database>,
  user: AuthUser,
  input: { parentId: string; name: string; level: ChildLevel; code: string },
): Promise<OrgView> {
  const parent = await requireOrgInScope(db, user, input.parentId);
  if (parent.level !== PARENT_LEVEL[input.level]) throw badRequest('accounts.org_nesting', 'org_nesting');
  const row = childOrg(parent, input, new Date().toISOString());
  return db.transaction().execute(async (trx) => {
    if (!(await insertOrg(trx, row))) throw codeTaken();
    await audit(trx, { userId: user.id, action: 'org.create', target: `org:${input.code}` });
    return orgView(row);
  });
}

const HEADER = ['code', 'name', 'level', 'parentcode'];
const nameSchema = textSchema(100, 'accounts.invalid.name');
/** Codes looked up per query: well under SQLite's parameter limit. */
const LOOKUP_CHUNK = 500;

interface Row {
  line: number;
  code: string;
  name: string;
  level: ChildLevel;
  parentCode: string;
}

/**
 * Imports orgs from CSV text (`code,name,level,parentCode`, header first). Each line stands alone: a
 * bad one is reported with its line number and the good ones are created. A line whose code exists
 * with the same name, level and parent is skipped, so importing a file twice creates nothing new.
 * Parents may come later in the same file. The whole import is one transaction.
 */
export async function importOrgs(
  db: Kysely<Database>,
  user: AuthUser,
  text: string,
  lang: Lang,
): Promise<{ created: number; skipped: number; errors: { line: number; message: string }[] }> {
  const records = parseCsv(text);
  const header = records[0];
  if (!header || 'malformed' in header || header.fields.map((f) => f.trim().toLowerCase()).join(',') !== HEADER.join(',')) {
    throw badRequest('accounts.csv_header', 'csv_header');
  }

  const errors: { line: number; message: string }[] = [];
  const fail = (line: number, message: string) => errors.push({ line, message });
  const rows = new Map<string, Row>();

  for (const rec of records.slice(1)) {
    if ('malformed' in rec) {
      fail(rec.line, t(lang, 'import.quote'));
      continue;
    }
    if (rec.fields.length !== 4) {
      fail(rec.line, t(lang, 'import.columns', { count: rec.fields.length }));
      continue;
    }
    const [code, rawName, rawLevel, parentCode] = rec.fields.map((f) => f.trim()) as [string, string, string, string];
    if (!orgCodeSchema.safeParse(code).success) {
      fail(rec.line, t(lang, 'import.code', { value: code.slice(0, 64) }));
      continue;
    }
    const name = nameSchema.safeParse(rawName);
    if (!name.success) {
      fail(rec.line, t(lang, name.error.issues[0]?.message === 'accounts.invalid.formula' ? 'accounts.invalid.formula' : 'import.name'));
      continue;
    }
    const level = rawLevel.toLowerCase();
    if (level !== 'district' && level !== 'street') {
      fail(rec.line, t(lang, 'import.level', { value: rawLevel.slice(0, 20) }));
      continue;
    }
    if (!orgCodeSchema.safeParse(parentCode).success) {
      fail(rec.line, t(lang, 'import.code', { value: parentCode.slice(0, 64) }));
      continue;
    }
    const first = rows.get(code);
    if (first) {
      fail(rec.line, t(lang, 'import.duplicate', { code, first: first.line }));
      continue;
    }
    rows.set(code, { line: rec.line, code, name: name.data, level, parentCode });
  }

  return db.transaction().execute(async (trx) => {
    // Every org the file names, as a code or as a parent, that already exists.
    const known = new Map<string, OrgsTable>();
    const wanted = [...new Set([...rows.keys(), ...[...rows.values()].map((r) => r.parentCode)])];
    for (let i = 0; i < wanted.length; i += LOOKUP_CHUNK) {
      const chunk = wanted.slice(i, i + LOOKUP_CHUNK);
      for (const org of await trx.selectFrom('orgs').selectAll().where('code', 'in', chunk).execute()) known.set(org.code, org);
    }

    let created = 0;
    let skipped = 0;
    const now = new Date().toISOString();
    const pending = new Map(rows);
    // Settle rows whose parent is known; each pass may make more parents known (order-independent).
    for (let progress = true; progress && pending.size > 0; ) {
      progress = false;
      for (const row of [...pending.values()]) {
        const parent = known.get(row.parentCode);
        if (!parent) continue;
        pending.delete(row.code);
        progress = true;
        if (parent.level !== PARENT_LEVEL[row.level]) {
          fail(row.line, t(lang, 'import.parent_level', {
            level: row.level, parent: PARENT_LEVEL[row.level], code: row.parentCode, actual: parent.level,
          }));
          continue;
        }
        if (!pathInScope(user, parent.path)) {
          fail(row.line, t(lang, 'import.parent_scope', { code: row.parentCode }));
          continue;
        }
        const existing = known.get(row.code);
        if (existing) {
          if (existing.name === row.name && existing.level === row.level && existing.parent_id === parent.id) skipped += 1;
          else fail(row.line, t(lang, 'import.conflict', { code: row.code }));
          continue;
        }
        const org = childOrg(parent, row, now);
        if (!(await insertOrg(trx, org))) {
          // Created by someone else since we looked: report it rather than guess.
          fail(row.line, t(lang, 'import.conflict', { code: row.code }));
          continue;
        }
        known.set(org.code, org);
        created += 1;
      }
    }
    for (const row of pending.values()) {
      // A parent named in the file that never got created: its own line failed (or the two name each other).
      const key = rows.has(row.parentCode) ? 'import.parent_failed' : 'import.parent_missing';
      fail(row.line, t(lang, key, { code: row.parentCode }));
    }

    errors.sort((a, b) => a.line - b.line);
    await audit(trx, {
      userId: user.id,
      action: 'org.import',
      target: `orgs:created=${created},skipped=${skipped},errors=${errors.length}`,
    });
    return { created, skipped, errors };
  });
}

/** The orgs of `user`'s subtree (their own org first in code order), as the API shows them. */
export async function orgsInScope(db: Kysely<Database>, user: AuthUser): Promise<OrgView[]> {
  const orgs = await db
    .selectFrom('orgs')
    .select(['id', 'parent_id', 'name', 'level', 'code'])
    .where('path', 'like', subtreePattern(user))
    .orderBy('code')
    .execute();
  return orgs.map(orgView);
}

/** One org by id (a signed-in user's own: it exists, the foreign key says so). */
export async function orgById(db: Kysely<Database>, id: string): Promise<OrgView> {
  return orgView(await db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
}
