/**
 * First start: an empty database gets its root org (the city, named by RUHUI_ROOT_ORG, code `root`)
 * and an `admin` user in it. The admin password is RUHUI_ADMIN_PASSWORD or, unset, a generated one
 * printed once, to stdout as plain text (not as a log field), by the one server that created the user.
 * Later starts change nothing and print nothing. Safe when several servers start at once on one
 * PostgreSQL: the inserts ignore conflicts, and only the winner prints.
 */
import crypto from 'node:crypto';
import { audit } from './audit';
import { hashPassword } from './auth/passwords';
import type { Config } from './config';
import type { Storage } from './storage/open';

/** The root org's code: what the import CSV's districts name as their parent. */
export const ROOT_CODE = 'root';
/** The first admin's username. */
export const ADMIN_USERNAME = 'admin';

/** What the first start did. */
export interface BootstrapResult {
  rootCreated: boolean;
  adminCreated: boolean;
}

/** Creates the root org and the admin user when the database has none. */
export async function bootstrap(
  storage: Storage,
  config: Pick<Config, 'rootOrgName' | 'adminPassword'>,
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<BootstrapResult> {
  const hasUsers = await storage.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  const hasRoot = await storage.db.selectFrom('orgs').select('id').where('parent_id', 'is', null).limit(1).executeTakeFirst();
  if (hasUsers && hasRoot) return { rootCreated: false, adminCreated: false };

  const generated = config.adminPassword ? undefined : crypto.randomBytes(12).toString('base64url');
  // Hashed before the transaction: scrypt's ~100 ms should not hold the database's write lock.
  const hash = hasUsers ? undefined : await hashPassword(config.adminPassword ?? generated!);
  const now = new Date().toISOString();

  const result = await storage.db.transaction().execute(async (trx) => {
    const rootId = crypto.randomUUID();
    const insertedRoot = await trx
      .insertInto('orgs')
      .values({ id: rootId, parent_id: null, name: config.rootOrgName, level: 'city', code: ROOT_CODE, path: `/${rootId}/`, created_at: now })
      .onConflict((oc) => oc.column('code').doNothing())
      .returning('id')
      .executeTakeFirst();
    const root = await trx.selectFrom('orgs').select('id').where('code', '=', ROOT_CODE).executeTakeFirstOrThrow();

    let adminCreated = false;
    if (hash) {
      const adminId = crypto.randomUUID();
      const insertedAdmin = await trx
        .insertInto('users')
        .values({ id: adminId, username: ADMIN_USERNAME, password_hash: hash, role: 'admin', org_id: root.id, created_at: now })
        .onConflict((oc) => oc.column('username').doNothing())
        .returning('id')
        .executeTakeFirst();
      adminCreated = insertedAdmin !== undefined;
      if (adminCreated) await audit(trx, { userId: null, action: 'user.create', target: `user:${adminId}` });
    }
    return { rootCreated: insertedRoot !== undefined, adminCreated };
  });
  // Printed after the commit: a password is shown only once it is really the admin's.
  if (result.adminCreated && generated) {
    print(
      `\nRuhui first start: the "${ADMIN_USERNAME}" user's password is\n\n    ${generated}\n\n` +
        'It is shown only this once. Sign in at /admin and keep it somewhere safe.\n\n',
    );
  }
  return result;
}
