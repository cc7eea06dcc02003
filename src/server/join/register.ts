/**
 * Storing one self-registration through the sync path: the same row (`toRow`), the same one
 * transaction (`writeBatch`: idempotency on the record id, person dedup on the ID-number hash, daily
 * counters), so a worker who joins by QR code is counted exactly like one enrolled by staff, with
 * `channel: "self"`. What differs is decided here: the stall comes from the join token, and the
 * record's time is the server's when it arrives (a worker's own phone is online when it sends, and its
 * clock is not the union's), its device time kept beside it.
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RecordT, SelfRegistration } from '../../shared/records';
import type { Keys } from '../secrets';
import type { Storage } from '../storage/open';
import type { Database } from '../storage/schema';
import { recordFingerprint } from '../sync/fingerprint';
import { toRow } from '../sync/ingest';
import { IV_BYTES } from '../sync/person';
import { writeBatch } from '../sync/write';

/** What storing needs from the server. */
export interface RegisterDeps {
  storage: Storage;
  keys: Keys;
  timeZone: string;
}

/** The stored outcome of a registration (the first one, for a replay), or a clash of ids. */
export type RegisterResult =
  | { ok: true; outcome: 'accepted' | 'existing_member'; createdAt: string }
  | { ok: false; reason: 'id_conflict' };

/** Stores the registration at `stall` (or finds it stored before under its id). */
export async function registerSelf(
  deps: RegisterDeps,
  stall: { id: string; org_id: string },
  body: SelfRegistration,
  now: Date = new Date(),
): Promise<RegisterResult> {
  const record: RecordT = {
    kind: 'enrollment',
    id: body.id,
    stallId: stall.id,
    createdAt: body.createdAt,
    channel: 'self',
    person: body.person,
    services: body.services,
    consent: body.consent,
  };
  const fingerprint = recordFingerprint(deps.keys.personHash, record);
  const ctx = { keys: deps.keys, timeZone: deps.timeZone, offset: 0, receivedAt: now.toISOString(), receivedMs: now.getTime(), deviceId: 'join' };
  // The row's time is the arrival time (`at`), not the phone's.
  const pending = toRow({ index: 0, record, fingerprint }, stall, ctx, crypto.randomBytes(IV_BYTES), now.getTime());
  // The schema already checked createdAt; a row is always made.
  if (!pending) throw new Error('self-registration without a time');
  const outcome = (await writeBatch(deps.storage.db, deps.storage.engine, [pending])).get(record.id);
  if (outcome === 'accepted' || outcome === 'existing_member') return { ok: true, outcome, createdAt: String(pending.row.created_at) };
  if (outcome === 'id_conflict') return { ok: false, reason: 'id_conflict' };
  // Stored before with this content: answer what the first request was answered.
  const stored = await deps.storage.db
    .selectFrom('records')
    .select(['outcome', 'created_at'])
    .where('id', '=', record.id)
    .executeTakeFirstOrThrow();
  return { ok: true, outcome: stored.outcome, createdAt: stored.created_at };
}

// Crockford's base-32 digits: no I, L, O or U, so a code read aloud or copied by hand is not misread.
const DIGITS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The receipt's short code: six characters (30 bits) of a hash of the record id, the same on every replay. */
export function receiptCode(recordId: string): string {
  const hash = crypto.createHash('sha256').update(recordId).digest();
  const bits = hash.readUInt32BE(0) >>> 2;
  let code = '';
  for (let i = 5; i >= 0; i--) code += DIGITS[(bits >>> (i * 5)) & 31];
  return code;
}

/** The stall a join link names, with its union's name; undefined when the stall is gone. */
export async function stallWithUnion(db: Kysely<Database>, stallId: string) {
  return db
    .selectFrom('stalls')
    .innerJoin('orgs', 'orgs.id', 'stalls.org_id')
    .select(['stalls.id', 'stalls.name', 'stalls.org_id', 'stalls.date', 'stalls.location', 'orgs.name as org_name'])
    .where('stalls.id', '=', stallId)
    .executeTakeFirst();
}
