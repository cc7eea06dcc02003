/**
 * Seeds stored records straight through the storage layer's one write (`writeBatch`: idempotency,
 * person dedup and the daily counters, as sync stores them), at the times written on them and on any
 * channel. For tests of what is read back (stats, exports) that need records sync would refuse on
 * purpose: self-registrations (only the join route stores those) and days other than a stall's.
 * Invalid records are skipped, as the server would refuse them.
 */
import type { Insertable } from 'kysely';
import { validateRecord } from '../../../src/shared/records';
import type { RecordsTable } from '../../../src/server/storage/schema';
import { recordFingerprint } from '../../../src/server/sync/fingerprint';
import { encryptPerson, personHash } from '../../../src/server/sync/person';
import { writeBatch, type PendingRecord } from '../../../src/server/sync/write';
import { localDay } from '../../../src/server/time';
import type { TestApp } from './engines';

/** Stores the valid ones of `records` (in order); returns how many were valid. */
export async function storeRecords(t: Pick<TestApp, 'storage' | 'keys' | 'config'>, records: unknown[]): Promise<number> {
  const stalls = new Map((await t.storage.db.selectFrom('stalls').select(['id', 'org_id']).execute()).map((s) => [s.id, s.org_id]));
  const receivedAt = new Date().toISOString();
  let valid = 0;
  let pending: PendingRecord[] = [];
  const flush = async () => {
    if (pending.length > 0) await writeBatch(t.storage.db, t.storage.engine, pending);
    pending = [];
  };
  for (const input of records) {
    const v = validateRecord(input, 'en');
    if (!v.ok) continue;
    const r = v.record;
    const orgId = stalls.get(r.stallId);
    if (!orgId) throw new Error('storeRecords: unknown stall');
    valid++;
    // One id once per write: a later copy goes into the next one (and is judged a replay there).
    if (pending.some((p) => p.row.id === r.id)) await flush();
    const at = new Date(Date.parse(r.createdAt));
    const base = {
      id: r.id,
      stall_id: r.stallId,
      org_id: orgId,
      day: localDay(at, t.config.timeZone),
      created_at: at.toISOString(),
      device_created_at: r.createdAt,
      received_at: receivedAt,
      device_id: 'seeded',
      fingerprint: recordFingerprint(t.keys.personHash, r),
      outcome: 'accepted' as const,
    };
    if (r.kind === 'consultation') {
      const row: Insertable<RecordsTable> = {
        ...base, kind: 'consultation', channel: 'staff', occupation: null, topic: r.topic,
        person_hash: null, person_enc: null, services: null, consent: null,
      };
      pending.push({ row, personHash: null });
    } else {
      const hash = personHash(t.keys.personHash, r.person.idNumber);
      const row: Insertable<RecordsTable> = {
        ...base, kind: 'enrollment', channel: r.channel, occupation: r.person.occupation, topic: null,
        person_hash: hash, person_enc: encryptPerson(t.keys.personEncryption, r.person),
        services: JSON.stringify(r.services), consent: JSON.stringify(r.consent),
      };
      pending.push({ row, personHash: hash });
    }
  }
  await flush();
  return valid;
}
