/**
 * A child process for the crash test: opens the store through the real storage layer and writes
 * records one transaction at a time, printing `ack <id>` only after each commit returned, until it is
 * killed. Whatever it acknowledged must survive the kill.
 */
import crypto from 'node:crypto';
import { openStorage } from '../../../src/server/storage/open';

const storage = await openStorage({
  databaseUrl: process.env.DATABASE_URL,
  databaseSchema: process.env.TEST_DB_SCHEMA,
  dataDir: process.env.RUHUI_DATA_DIR!,
});
const now = new Date().toISOString();
const orgId = crypto.randomUUID();
const stallId = crypto.randomUUID();
await storage.db.transaction().execute(async (trx) => {
  await trx.insertInto('orgs').values({ id: orgId, parent_id: null, name: 'crash', level: 'city', code: `c-${orgId}`, path: `/${orgId}/`, created_at: now }).execute();
  await trx.insertInto('stalls').values({ id: stallId, name: 'crash', org_id: orgId, date: '2026-11-25', location: null, created_by: 'test', created_at: now }).execute();
});
process.stdout.write('ready\n');

for (;;) {
  const id = crypto.randomUUID();
  await storage.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('records')
      .values({
        id, kind: 'consultation', stall_id: stallId, org_id: orgId, channel: 'staff', occupation: null, topic: 'legal',
        outcome: 'accepted', day: '2026-11-25', created_at: now, device_created_at: now, received_at: now,
        device_id: 'crash', person_hash: null, person_enc: null, services: null, consent: null, fingerprint: id,
      })
      .execute();
    await trx
      .insertInto('daily_counts')
      .values({ day: '2026-11-25', stall_id: stallId, occupation: '', channel: 'staff', enrolled: 0, existing: 0, consultations: 1 })
      .onConflict((oc) => oc.columns(['day', 'stall_id', 'occupation', 'channel']).doUpdateSet((eb) => ({ consultations: eb('daily_counts.consultations', '+', 1) })))
      .execute();
  });
  process.stdout.write(`ack ${id}\n`);
}
