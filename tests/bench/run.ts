/**
 * `npm run bench`: runs every registered benchmark in turn and prints its report, then one table of
 * every figure (each against its baseline from the same run) on stdout and the same as JSON in
 * bench/results/<time>.json (and bench/results/latest.json). Never part of `npm test`. Register a
 * benchmark by adding it to BENCHES; `npm run bench -- <name>` runs only the named ones.
 */
import './quiet-logs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnrollSave } from './enroll-save';
import { benchSyncClient } from './sync-client';
import { benchSyncServer } from './sync-server';
import { benchCampaign } from './campaign';
import { benchStallScreen } from './stall-screen';
import { benchJoinPage } from './join-page';
import { benchStatsExport } from './stats-export';
import { benchWire } from './wire';
import { formatTable, type BenchFigure, type BenchOutcome } from './report';

const BENCHES: Record<string, () => Promise<BenchOutcome>> = {
  'enroll-save': () => benchEnrollSave(),
  'sync-server': () => benchSyncServer(),
  'sync-client': () => benchSyncClient(),
  'stall-screen': () => benchStallScreen(),
  campaign: () => benchCampaign(),
  'join-page': () => benchJoinPage(),
  'stats-export': () => benchStatsExport(),
  wire: () => benchWire(),
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const only = process.argv.slice(2);
const figures: BenchFigure[] = [];
const runs: { name: string; seconds: number; ok: boolean }[] = [];
const began = Date.now();
for (const [name, run] of Object.entries(BENCHES)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  let ok = true;
  try {
    const outcome = await run();
    console.log(typeof outcome === 'string' ? outcome : outcome.text);
    if (typeof outcome !== 'string') figures.push(...outcome.figures);
  } catch (error) {
    ok = false;
    console.error(`${name} failed:`, error);
    process.exitCode = 1;
  }
  const seconds = (Date.now() - started) / 1000;
  runs.push({ name, seconds, ok });
  console.log(`  (${seconds.toFixed(1)} s)`);
}

const totalSeconds = (Date.now() - began) / 1000;
const machine = {
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
};
console.log(`\n${formatTable(figures)}`);
console.log(`\n${runs.length} benchmarks in ${totalSeconds.toFixed(0)} s on ${machine.cpus} × ${machine.cpu}, load ${machine.loadAverage.join(' ')}`);

const dir = path.join(root, 'bench/results');
fs.mkdirSync(dir, { recursive: true });
const at = new Date().toISOString();
const json = JSON.stringify({ at, machine, totalSeconds, runs, figures }, null, 2) + '\n';
const file = path.join(dir, `${at.replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(file, json);
fs.writeFileSync(path.join(dir, 'latest.json'), json);
console.log(`figures written to ${path.relative(root, file)}`);
