/**
 * Tens of thousands of stored records in an embedded store in a few seconds, for tests whose subject
 * is what happens to a big store (the move to PostgreSQL): rows written straight into the SQLite
 * file in one transaction, as the server would have stored them (sealed person, keyed hash and
 * fingerprint, local day, a member row per first enrollment of a person, the daily counters of
 * exactly these rows). Records must be valid as `enrollment()` / `consultation()` make them; the
 * store must exist (migrated) and be closed.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { Keys } from '../../../src/server/secrets';
import { sqlitePath } from '../../../src/server/storage/open';
import { recordFingerprint } from '../../../src/server/sync/fingerprint';
import { encryptPerson, personHash } from '../../../src/server/sync/person';
import { localDay } from '../../../src/server/time';
import type { RecordT } from '../../../src/shared/records';
import type { consultation, enrollment } from '../../support/records';

type Seedable = ReturnType<typeof enrollment> | ReturnType<typeof consultation>;

export function bulkStore(dataDir: string, keys: Keys, timeZone: string, records: Seedable[]): void {
  const db = new BetterSqlite3(sqlitePath(dataDir), { fileMustExist: true });
  try {
    db.pragma('journal_mode = WAL');
    const stalls = new Map((db.prepare('SELECT id, org_id FROM stalls').all() as { id: string; org_id: string }[]).map((s) => [s.id, s.org_id]));
    const insertRecord = db.prepare(
      `INSERT INTO records (id, kind, stall_id, org_id, channel, occupation, topic, outcome, day, created_at, device_created_at, received_at,
         device_id, person_hash, person_enc, services, consent, fingerprint)
       VALUES (@id, @kind, @stall_id, @org_id, @channel, @occupation, @topic, @outcome, @day, @created_at, @device_created_at, @received_at,
         @device_id, @person_hash, @person_enc, @services, @consent, @fingerprint)`,
    );
    const insertMember = db.prepare('INSERT INTO members (person_hash, record_id, joined_at) VALUES (?, ?, ?)');
    const upsertCount = db.prepare(
      `INSERT INTO daily_counts (day, stall_id, occupation, channel, enrolled, existing, consultations) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (day, stall_id, occupation, channel) DO UPDATE SET enrolled = enrolled + excluded.enrolled,
         existing = existing + excluded.existing, consultations = consultations + excluded.consultations`,
    );
    const members = new Set<string>(db.prepare('SELECT person_hash FROM members').pluck().all() as string[]);
    const counts = new Map<string, [string, string, string, string, number, number, number]>();
    const receivedAt = new Date().toISOString();
    db.transaction(() => {
      for (const r of records) {
        const orgId = stalls.get(r.stallId);
        if (!orgId) throw new Error('bulkStore: unknown stall');
        const at = new Date(Date.parse(r.createdAt));
        const day = localDay(at, timeZone);
        const base = {
          id: r.id, stall_id: r.stallId, org_id: orgId, day, created_at: at.toISOString(), device_created_at: r.createdAt,
          received_at: receivedAt, device_id: 'seeded', fingerprint: recordFingerprint(keys.personHash, r as RecordT),
        };
        let occupation = '';
        let outcome: 'accepted' | 'existing_member' = 'accepted';
        if (r.kind === 'consultation') {
          insertRecord.run({ ...base, kind: 'consultation', channel: 'staff', occupation: null, topic: r.topic, outcome, person_hash: null, person_enc: null, services: null, consent: null });
        } else {
          const hash = personHash(keys.personHash, r.person.idNumber);
          occupation = r.person.occupation;
          if (members.has(hash)) outcome = 'existing_member';
          else {
            members.add(hash);
            insertMember.run(hash, r.id, base.created_at);
          }
          insertRecord.run({
            ...base, kind: 'enrollment', channel: r.channel, occupation, topic: null, outcome, person_hash: hash,
            person_enc: encryptPerson(keys.personEncryption, r.person as never), services: JSON.stringify(r.services), consent: JSON.stringify(r.consent),
          });
        }
        const channel = r.kind === 'consultation' ? 'staff' : r.channel;
        const key = `${day}\u0000${r.stallId}\u0000${occupation}\u0000${channel}`;
        const c = counts.get(key) ?? [day, r.stallId, occupation, channel, 0, 0, 0];
        if (r.kind === 'consultation') c[6]++;
        else if (outcome === 'accepted') c[4]++;
        else c[5]++;
        counts.set(key, c);
      }
      for (const c of counts.values()) upsertCount.run(...c);
    })();
  } finally {
    db.close();
  }
}
