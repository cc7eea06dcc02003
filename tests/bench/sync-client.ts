/**
 * Benchmark: 10,000 records queued on a device (the real outbox on fake-indexeddb, in Node) synced by
 * the real engine to a real server process (embedded SQLite) on loopback. Reports records/s end to end,
 * and how the time splits between waiting on the server and the device's own work (validation is not
 * in it: records are queued before the clock starts). fake-indexeddb is slower than a browser's
 * IndexedDB, so the device share is an upper bound.
 */
import 'fake-indexeddb/auto';
import { performance } from 'node:perf_hooks';
import { closeDB } from '../../src/offline/db';
import { counts } from '../../src/offline/outbox';
import { freshDevice, deviceEngine, queueRecords, signIn, startWorld } from '../integration/sync-engine/world';

const RECORDS = 10_000;

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

    let serverMs = 0;
    let requests = 0;
    const engine = deviceEngine(world, {
      // Straight to the server: the proxy is for fault tests.
      baseUrl: world.server.url,
      fetch: async (input, init) => {
        const t = performance.now();
        requests++;
        try {
          const res = await fetch(input, init);
          await res.clone().arrayBuffer();
          return res;
        } finally {
          serverMs += performance.now() - t;
        }
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
    const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
    return [
      `sync client: ${records} records (${saved.enrollments} enrollments, ${saved.consultations} consultations) in ${requests} requests`,
      `  end to end (outbox → /api/sync → results applied): ${Math.round(syncMs)} ms = ${rate(records, syncMs)} records/s`,
      `  of which waiting on the server (request + answer): ${Math.round(serverMs)} ms (${Math.round((serverMs / syncMs) * 100)}%) = ${rate(records, serverMs)} records/s`,
      `  device work (take batch, note attempt, apply results; fake-indexeddb): ${Math.round(syncMs - serverMs)} ms`,
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
