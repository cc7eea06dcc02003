/**
 * Benchmark: 10,000 records queued on a device (the real outbox on fake-indexeddb, in Node) synced by
 * the real engine to a real server process (embedded SQLite) on loopback, against the same server
 * taking as many fresh records straight from a loop of POSTs (no device: the most any client could
 * get) in the same run. `sync-server` compares the server with a bare batch insert. fake-indexeddb
 * runs on the benchmark's own thread and is slower than a browser's IndexedDB, so the device's share
 * is an upper bound.
 */
import 'fake-indexeddb/auto';
import { performance } from 'node:perf_hooks';
import { closeDB } from '../../src/offline/db';
import { counts } from '../../src/offline/outbox';
import { MAX_BATCH, syncResponseSchema } from '../../src/shared/records';
import { consultation, enrollment, syncBody, syncInit } from '../support/records';
import { freshDevice, deviceEngine, queueRecords, signIn, startWorld } from '../integration/sync-engine/world';

const RECORDS = 10_000;

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

/** Runs the benchmark; returns a report (one line per figure). */
export async function benchSyncClient(records = RECORDS): Promise<string> {
  const world = await startWorld();
  try {
    await freshDevice();
    await signIn(world);
    const q0 = performance.now();
    const saved = await queueRecords(world, records);
    const queueMs = performance.now() - q0;
    const before = await world.totals();

    let requests = 0;
    const engine = deviceEngine(world, {
      // Straight to the server: the proxy is for fault tests.
      baseUrl: world.server.url,
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    const t0 = performance.now();
    const result = await engine.syncNow();
    const syncMs = performance.now() - t0;
    engine.stop();

    const after = await world.totals();
    const counted = after.enrolled - before.enrolled + (after.consultations - before.consultations);
    const device = await counts();
    if (result.kind !== 'done' || device.pending !== 0 || counted !== records) {
      throw new Error(`sync incomplete: ${JSON.stringify({ result, device, counted })}`);
    }

    // The same mix of fresh records, POSTed in full batches one after another with nothing else to do.
    const bodies: string[] = [];
    for (let i = 0; i < records; i += MAX_BATCH) {
      const list = Array.from({ length: Math.min(MAX_BATCH, records - i) }, (_, k) =>
        (i + k) % 10 === 9 ? consultation({ stallId: world.stallId }) : enrollment({ stallId: world.stallId, n: 500_000 + i + k }),
      );
      bodies.push(JSON.stringify(syncBody(list, { deviceId: 'bench-direct' })));
    }
    const auth = { Authorization: `Bearer ${world.staff.token}` };
    const d0 = performance.now();
    for (const body of bodies) {
      const res = await fetch(`${world.server.url}/api/sync`, syncInit(body, auth));
      if (res.status !== 200) throw new Error(`direct sync answered ${res.status}`);
      syncResponseSchema.parse(await res.json());
    }
    const directMs = performance.now() - d0;

    const deviceRate = rate(records, syncMs);
    const directRate = rate(records, directMs);
    return [
      `sync client: ${records} queued records (${saved.enrollments} enrollments, ${saved.consultations} consultations), ${requests} requests, loopback, embedded SQLite`,
      `  device → server (read batch, POST, apply results; fake-indexeddb): ${Math.round(syncMs)} ms = ${deviceRate} records/s`,
      `  the same server, fresh records POSTed by a bare loop (no device): ${Math.round(directMs)} ms = ${directRate} records/s`,
      `  device / bare loop: ${Math.round((deviceRate / directRate) * 100)}%  (server / bare insert: see sync-server)`,
      `  queueing them first (validate + one strict transaction each, fake-indexeddb): ${rate(records, queueMs)} records/s`,
    ].join('\n');
  } finally {
    await closeDB();
    await world.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchSyncClient(Number(process.argv[2]) || RECORDS).then(
    (report) => console.log(report),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
