/**
 * The audit log: who did what, when, to what. Sign-ins (and failed ones), user and org changes,
 * revokes, stall creation and exports write one entry each through `audit()`. An entry never holds a
 * password, a token, an ID number or a phone: targets are ids and codes (`user:<id>`, `org:<code>`),
 * and an unknown username from a failed sign-in is kept only as a keyed pseudonym.
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './storage/schema';
import { coversWholeTree, subtreePattern } from './auth/scope';
import type { AuthUser } from './http/env';

/** Every action the log knows. Add new ones here, so the list of what is audited stays in one place. */
export type AuditAction =
  | 'auth.login'
  | 'auth.login_failed'
  /** A failure that starts locking a username, an address or a device cookie (written once, not per refusal). */
  | 'auth.login_throttled'
  | 'auth.logout'
  /** The right password for a disabled account. */
  | 'auth.login_disabled'
  | 'user.create'
  | 'user.revoke'
  | 'user.disable'
  | 'user.enable'
  /** An admin set a temporary password. */
  | 'user.password_reset'
  /** A user changed their own password. */
  | 'user.password_change'
  /** A wrong current password on a change (counted: a stolen session cannot guess on and on). */
  | 'user.password_change_failed'
  /** One device's session ended, by its user or an admin. */
  | 'user.device_revoke'
  | 'org.create'
  | 'org.import'
  | 'stall.create'
  | 'stats.export'
  /** A roster export: range, masked or full, and the admin's reason. */
  | 'members.export';

/** One entry to write. */
export interface AuditInput {
  /** The acting user; null when nobody signed in (a failed sign-in with an unknown name). */
  userId: string | null;
  action: AuditAction;
  /** What was acted on, as `kind:id`; never personal data. */
  target?: string | null;
  at?: Date;
}

// A run of 11+ digits could be a phone or an ID number: never store one, whatever a caller passes.
// (Not inside a hex run or after a hyphen: a UUID's last group can be 12 digits.)
const LONG_DIGITS = /(?<![0-9A-Fa-f-])\d{11,}[Xx]?(?![0-9A-Fa-f-])/g;

/** Writes an audit entry (in the caller's transaction when given one). */
export async function audit(db: Kysely<Database>, entry: AuditInput): Promise<void> {
  await db
    .insertInto('audit')
    .values({
      id: crypto.randomUUID(),
      at: (entry.at ?? new Date()).toISOString(),
      user_id: entry.userId,
      action: entry.action,
      target: entry.target == null ? null : entry.target.replace(LONG_DIGITS, '[redacted]').slice(0, 300),
    })
    .execute();
}

/**
 * A stable pseudonym for a value that must not be stored raw (an unknown username, a client address):
 * HMAC-SHA-256 under the server's pseudonym key, 16 bytes hex. Equal inputs match; nobody without the
 * key can test guesses (a plain hash of a phone number is reversed in minutes).
 */
export function pseudonym(key: Buffer, value: string): string {
  return crypto.createHmac('sha256', key).update(value).digest('hex').slice(0, 32);
}

/** What one read of the log asks for: a time range, optional user and action, and where the last page ended. */
export interface AuditRead {
  from: Date;
  before: Date;
  userId?: string | undefined;
  action?: string | undefined;
  /** The last entry of the previous page: `[at, id]`. */
  after: readonly [string, string] | null;
  limit: number;
}

/** Entries `admin` may see (their subtree's users; the root sees all), newest first, then by id. */
export async function auditEntries(db: Kysely<Database>, admin: AuthUser, read: AuditRead) {
  let query = db
    .selectFrom('audit')
    .leftJoin('users', 'users.id', 'audit.user_id')
    .leftJoin('orgs', 'orgs.id', 'users.org_id')
    .select(['audit.id', 'audit.at', 'audit.user_id', 'audit.action', 'audit.target'])
    .where('audit.at', '>=', read.from.toISOString())
    .where('audit.at', '<', read.before.toISOString());
  if (!coversWholeTree(admin)) query = query.where('orgs.path', 'like', subtreePattern(admin));
  if (read.userId) query = query.where('audit.user_id', '=', read.userId);
  if (read.action) query = query.where('audit.action', '=', read.action);
  if (read.after) {
    const [at, id] = read.after;
    query = query.where((eb) => eb.or([eb('audit.at', '<', at), eb.and([eb('audit.at', '=', at), eb('audit.id', '>', id)])]));
  }
  return query.orderBy('audit.at', 'desc').orderBy('audit.id').limit(read.limit).execute();
}
