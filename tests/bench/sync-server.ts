/**
 * Benchmark P3: the server side of sync. One device's 10,000 enrollments sent in 500-record batches,
 * one batch after another, over loopback HTTP to a real server process, on the embedded engine
 * (SQLite, WAL, synchronous=FULL) and on PostgreSQL when DATABASE_URL is set, each against a bare
 * batch insert of the very rows that server stored into a fresh store of the same kind in the same run
 * (`bare-insert.ts`). Goal: the server reaches at least 50% of the bare rate.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { syncResponseSchema } from '../../src/shared/records';
import type { Engine } from '../../src/server/storage/open';
import { dropTestStore, testConfig } from '../integration/support/engines';
import { seedStore, serverEnv } from '../integration/support/sync-server';
import { startServerProcess } from '../support/server-process';
import { enrollment, syncBody, syncInit } from '../support/records';
import { bareInsert, percentile, processCpuMs, rate, readStored } from './bare-insert';
import type { BenchFigure, BenchReport } from './report';

const RECORDS = 10_000;
const BATCH = 500;
/** On the stall's date (the fixture stall is on 2026-05-01), so every record is in its window. */
const AT = '2026-05-01T12:00:00+08:00';

async function benchOn(engine: Engine, records: number, batch: number): Promise<BenchReport> {
  const config = testConfig(engine);
  try {
    const { stallId, staff } = await seedStore(config);
    // Realistic enrollments: names, IDs, phones, employers, services and consent as the form makes them;
    // staff records only (sync refuses `self`).
    const bodies: string[] = [];
    for (let i = 0; i < records; i += batch) {
      const list = Array.from({ length: Math.min(batch, records - i) }, (_, k) => enrollment({ stallId, n: i + k, createdAt: AT }));
      bodies.push(JSON.stringify(syncBody(list, { deviceId: 'bench-device' })));
    }
    const bytesPerRecord = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) / records;
    const warmup = JSON.stringify(syncBody(Array.from({ length: 50 }, (_, k) => enrollment({ stallId, n: 900_000 + k, createdAt: AT })), { deviceId: 'bench-warmup' }));

    const server = await startServerProcess({ ...serverEnv(config), RUHUI_LOG: 'info' });
    const latencies: number[] = [];
    let serverMs: number;
    let serverLog = '';
    let cpuBefore: number | undefined;
    let cpuAfter: number | undefined;
    try {
      const post = async (body: string) => {
        const res = await fetch(`${server.url}/api/sync`, syncInit(body, staff.auth));
        if (res.status !== 200) throw new Error(`sync answered ${res.status}: ${await res.text()}`);
        return syncResponseSchema.parse(await res.json());
      };
      await post(warmup);
      cpuBefore = processCpuMs(server.child.pid);
      const t0 = performance.now();
      for (const body of bodies) {
        const s = performance.now();
        const answer = await post(body);
        latencies.push(performance.now() - s);
        const refused = answer.results.filter((r) => r.status !== 'accepted');
        if (refused.length > 0) throw new Error(`not accepted: ${JSON.stringify(refused[0])}`);
      }
      serverMs = performance.now() - t0;
      cpuAfter = processCpuMs(server.child.pid);
    } finally {
      await server.stop();
      serverLog = server.output();
    }
    // The server's own view of each timed batch: its `sync` log line (ingest) and `request` line (whole request).
    const logged = (msg: string) =>
      serverLog
        .split('\n')
        .filter((l) => l.includes(`"msg":"${msg}"`) && (msg === 'sync' || l.includes('"route":"/api/sync"')))
        .slice(-bodies.length)
        .map((l) => Number((JSON.parse(l) as { ms: number }).ms));
    const ingestMs = logged('sync');
    const requestMs = logged('request');

    const stored = await readStored(config, 'bench-device');
    if (stored.records.length !== records) throw new Error(`expected ${records} stored rows, found ${stored.records.length}`);
    const rowBytes = stored.records.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)), 0) / records;
    // The bare side gets a warm-up too: one batch into a throwaway store.
    await bareInsert(engine, { ...stored, records: stored.records.slice(0, batch) }, batch);
    const bare = await bareInsert(engine, stored, batch);
    const serverCpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
    const perRecord = (ms: number) => (ms * 1000) / records;

    const serverRate = rate(records, serverMs);
    const bareRate = rate(records, bare.ms);
    const ratio = serverRate / bareRate;
    const label = engine === 'sqlite' ? 'embedded SQLite (WAL, synchronous=FULL)' : 'PostgreSQL';
    const figures: BenchFigure[] = [
      {
        id: `P3.${engine}.rate`,
        what: `one device, ${records} enrollments in ${batch}-record batches over HTTP, ${label}`,
        value: serverRate,
        unit: 'records/s',
        baseline: { what: 'bare batch insert, same store', value: bareRate, unit: 'records/s' },
        ratio,
        goal: '≥ 0.5',
        met: ratio >= 0.5,
      },
    ];
    if (serverCpuMs !== undefined) {
      figures.push({
        id: `P3.${engine}.cpu`,
        what: `server process CPU per record (${label}; bare: the inserting process${engine === 'postgres' ? ', PostgreSQL’s own CPU not in either' : ''})`,
        value: perRecord(serverCpuMs),
        unit: 'µs/record',
        baseline: { what: 'bare insert CPU', value: perRecord(bare.cpuMs), unit: 'µs/record' },
        ratio: serverCpuMs / bare.cpuMs,
      });
    }
    const text = [
      `sync server: ${records} enrollments in ${bodies.length} batches of ${batch}, one after another, loopback HTTP, ${label}`,
      `  request body ${(bytesPerRecord / 1024).toFixed(2)} kB per record; stored row ${(rowBytes / 1024).toFixed(2)} kB`,
      `  POST /api/sync: ${Math.round(serverMs)} ms = ${serverRate} records/s (per batch p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p95 ${percentile(latencies, 0.95).toFixed(1)} ms)`,
      `  inside the server, per batch: p50 ${percentile(requestMs, 0.5).toFixed(1)} ms per request, of which ${percentile(ingestMs, 0.5).toFixed(1)} ms ingest (validate, hash, encrypt, one transaction)`,
      `  bare batch insert of the same rows, same store kind: ${Math.round(bare.ms)} ms = ${bareRate} records/s`,
      `  server / bare: ${(ratio * 100).toFixed(0)}% (goal ≥ 50%) ${ratio >= 0.5 ? 'ok' : 'BELOW GOAL'}`,
      serverCpuMs === undefined
        ? '  CPU: not measured here (no /proc)'
        : `  CPU per record (less sensitive to a busy machine): server process ${perRecord(serverCpuMs).toFixed(0)} µs, bare insert ${perRecord(bare.cpuMs).toFixed(0)} µs`,
    ].join('\n');
    return { text, figures };
  } finally {
    await dropTestStore(config);
    fs.rmSync(config.dataDir, { recursive: true, force: true });
  }
}

/** Runs P3 on SQLite, and on PostgreSQL when DATABASE_URL is set. */
export async function benchSyncServer(records = RECORDS, batch = BATCH): Promise<BenchReport> {
  const reports = [await benchOn('sqlite', records, batch)];
  if (process.env.DATABASE_URL) reports.push(await benchOn('postgres', records, batch));
  else reports.push({ text: 'sync server on PostgreSQL: skipped (set DATABASE_URL to a database this run may create schemas in)', figures: [] });
  return { text: reports.map((r) => r.text).join('\n'), figures: reports.flatMap((r) => r.figures) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchSyncServer(Number(process.argv[2]) || RECORDS).then(
    (report) => console.log(report.text),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
