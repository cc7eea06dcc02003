/**
 * Measurement: the join page as a worker's phone meets it, on loopback under Chromium's "Slow 4G"
 * network profile (DevTools' figures: 562.5 ms latency, 180 kB/s down, 84.4 kB/s up) with the CPU slowed
 * 4×, service workers blocked and the cache disabled (a first scan). Per cold load: the bytes on the
 * wire (every response, headers included, as the server compressed it) and the time from starting
 * the navigation to the form being ready to type in, and to the stall being named; then, on one load, the time from tapping Submit
 * to the receipt. Also the page's JS + CSS at gzip -9, the figure the size budget speaks of. Context
 * for the issue note, never a pass/fail test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from 'playwright-core';
import { setUpStall } from '../browser/support/api-setup';
import { launchBrowser } from '../browser/support/chromium';
import { worker } from '../browser/support/workers';
import { JoinPage } from '../browser/pages/join-page';
import { startServerProcess } from '../support/server-process';
import type { BenchFigure, BenchReport } from './report';

const ADMIN_PASSWORD = 'bench-admin-password';
const RUNS = 5;
/** DevTools' "Slow 4G" preset (front_end/core/sdk/NetworkManager.ts). */
const SLOW_4G = { offline: false, latency: 150 * 3.75, downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9, uploadThroughput: ((750 * 1000) / 8) * 0.9 };
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The JS and CSS that join.html loads, each at gzip -9. */
function budgetBytes(): { files: { file: string; raw: number; gzip: number }[]; total: number } {
  const dist = path.join(root, 'dist');
  const html = fs.readFileSync(path.join(dist, 'join.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const files = refs.map((ref) => {
    const body = fs.readFileSync(path.join(dist, ref));
    return { file: ref, raw: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length };
  });
  return { files, total: files.reduce((n, f) => n + f.gzip, 0) };
}

async function throttle(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return cdp;
}

/** Sums encodedDataLength of every response finished while `fn` runs. */
async function countBytes<T>(cdp: CDPSession, fn: () => Promise<T>): Promise<{ result: T; bytes: number; requests: number }> {
  let bytes = 0;
  let requests = 0;
  const onFinished = (e: { encodedDataLength: number }) => {
    bytes += e.encodedDataLength;
    requests++;
  };
  cdp.on('Network.loadingFinished', onFinished);
  try {
    const result = await fn();
    return { result, bytes, requests };
  } finally {
    cdp.off('Network.loadingFinished', onFinished);
  }
}

export async function benchJoinPage(): Promise<BenchReport> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-bench-join-'));
  const server = await startServerProcess({ RUHUI_DATA_DIR: dataDir, RUHUI_ADMIN_PASSWORD: ADMIN_PASSWORD });
  try {
    const setup = await setUpStall(server.url, ADMIN_PASSWORD);
    const link = `${server.url}/join?t=${setup.stall.joinToken}`;
    const loads: { ms: number; namedMs: number; bytes: number; requests: number }[] = [];
    let submitMs = 0;
    for (let run = 0; run < RUNS; run++) {
      const browser = await launchBrowser({ serviceWorkers: 'block' });
      try {
        const page = await browser.context.newPage();
        const cdp = await throttle(page);
        const join = new JoinPage(page);
        const { result, bytes, requests } = await countBytes(cdp, async () => {
          const started = Date.now();
          await join.open(link);
          await page.locator('form.join-form [name="person.idNumber"]').waitFor();
          const ready = Date.now() - started;
          await join.waitForForm(setup.stall.name);
          return { ready, named: Date.now() - started };
        });
        loads.push({ ms: result.ready, namedMs: result.named, bytes, requests });
        if (run === 0) {
          await join.fill(worker(run));
          const started = Date.now();
          await join.submit();
          await join.receipt();
          submitMs = Date.now() - started;
        }
      } finally {
        await browser.close();
      }
    }
    const budget = budgetBytes();
    const bytes = median(loads.map((l) => l.bytes));
    const ms = median(loads.map((l) => l.ms));
    const namedMs = median(loads.map((l) => l.namedMs));
    const figures: BenchFigure[] = [
      { id: 'join.budget.gzip', what: 'join page JS + CSS, gzip -9 (the size budget)', value: budget.total / 1000, unit: 'kB', goal: '≤ 15 kB (hard 20 kB)', met: budget.total <= 15_000 },
      { id: 'join.wire.bytes', what: 'join page cold load, bytes on the wire (all responses, headers included; median)', value: bytes / 1000, unit: 'kB' },
      { id: 'join.slow4g.ready', what: 'join page cold load to a form ready to type in, Slow 4G + 4× CPU (median)', value: ms, unit: 'ms' },
      { id: 'join.slow4g.named', what: 'join page cold load until the stall and its union are named (GET /api/join answered), Slow 4G + 4× CPU (median)', value: namedMs, unit: 'ms' },
      { id: 'join.slow4g.submit', what: 'tap Submit to receipt, Slow 4G + 4× CPU', value: submitMs, unit: 'ms' },
    ];
    const text = [
      `Join page under Slow 4G (562.5 ms latency, 180 kB/s down, 84 kB/s up) and 4× CPU slowdown, ${RUNS} cold loads (cache disabled, no service worker):`,
      `  ready to type: median ${ms} ms (each: ${loads.map((l) => l.ms).join(', ')} ms)`,
      `  stall named: median ${namedMs} ms (each: ${loads.map((l) => l.namedMs).join(', ')} ms)`,
      `  on the wire: median ${(bytes / 1000).toFixed(1)} kB in ${loads[0]!.requests} requests (each: ${loads.map((l) => (l.bytes / 1000).toFixed(1)).join(', ')} kB)`,
      `  tap Submit → receipt: ${submitMs} ms`,
      `  JS + CSS at gzip -9: ${(budget.total / 1000).toFixed(1)} kB (${budget.files.map((f) => `${f.file} ${(f.gzip / 1000).toFixed(1)} kB`).join(', ')})`,
    ].join('\n');
    return { text, figures };
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
