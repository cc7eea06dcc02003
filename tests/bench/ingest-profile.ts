/**
 * Not a benchmark of its own: ingests 10,000 enrollments in-process (app.request, no sockets) so that
 * `node --cpu-prof --import tsx tests/bench/ingest-profile.ts [sqlite|postgres]` shows where server
 * CPU goes per record. Prints µs per record. With RUHUI_PROFILE=<file>, profiles only the timed loop
 * (node:inspector) and writes a .cpuprofile there instead.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { enrollment, syncBody, syncInit } from '../support/records';
import { startTestApp } from '../integration/support/engines';
import { seedWorld } from '../integration/sync/helpers';

const engine = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
const t = await startTestApp(engine);
try {
  const w = await seedWorld(t.storage);
  const at = '2026-05-01T12:00:00+08:00';
  const bodies: string[] = [];
  for (let i = 0; i < 10_000; i += 500) {
    bodies.push(JSON.stringify(syncBody(Array.from({ length: 500 }, (_, k) => enrollment({ stallId: w.stalls.jianwai.id, n: i + k, createdAt: at })), { deviceId: 'profile' })));
  }
  await t.app.request('/api/sync', syncInit(JSON.stringify(syncBody([enrollment({ stallId: w.stalls.jianwai.id, n: 999_999, createdAt: at })])), w.users.cityStaff.auth));
  const session = new Session();
  if (process.env.RUHUI_PROFILE) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const body of bodies) {
    const res = await t.app.request('/api/sync', syncInit(body, w.users.cityStaff.auth));
    if (res.status !== 200) throw new Error(`sync answered ${res.status}`);
    await res.text();
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (process.env.RUHUI_PROFILE) {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(process.env.RUHUI_PROFILE, JSON.stringify(profile));
    session.disconnect();
  }
  console.log(`${engine}: ${Math.round(ms)} ms wall, ${(((cpu.user + cpu.system) / 10_000)).toFixed(0)} µs CPU per record, ${Math.round(10_000_000 / ms)} records/s`);
} finally {
  await t.close();
}
