/**
 * Bytes on the wire, in real Chromium against the real server (loopback, no throttling: bytes do not
 * depend on speed). A counting proxy in front of the server sees every request, the service worker's
 * included; the page's own requests are also read from CDP (`Network.loadingFinished`
 * encodedDataLength, headers included) and split by kind.
 * - the build's sizes (raw, gzip -9, brotli): staff app up front, each lazy chunk, join page, sw.js;
 * - staff app first visit (sign-in screen, worker installed and precached), then a repeat visit;
 * - join page first visit;
 * - upload bytes per record of a 50- and a 500-record batch of enrollments and of consultations, sent
 *   gzip-compressed by Chromium's CompressionStream as the sync engine does; baseline: the same batch as plain JSON.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { CDPSession, Page } from 'playwright-core';
import { AppShell } from '../browser/pages/app-shell';
import { JoinPage } from '../browser/pages/join-page';
import { SignInPage } from '../browser/pages/sign-in-page';
import { api, setUpStall } from '../browser/support/api-setup';
import { launchBrowser } from '../browser/support/chromium';
import { buildSizes, formatSizes, type SizeGroup } from '../support/build-sizes';
import { consultation, enrollment, syncBody } from '../support/records';
import { startServerProcess } from '../support/server-process';
import type { BenchFigure, BenchReport } from './report';

const ADMIN_PASSWORD = 'bench-admin-password';
const kb = (n: number) => n / 1000;

interface Counted {
  /** Request bytes (request line, headers, body) and response bytes (status line, headers, body). */
  up: number;
  down: number;
  requests: number;
}

/** An HTTP proxy that counts bytes both ways: what the browser and its service worker exchange with the server. */
async function countingProxy(target: string): Promise<{ url: string; take(): Counted; close(): Promise<void> }> {
  const upstream = new URL(target);
  let counted: Counted = { up: 0, down: 0, requests: 0 };
  const headerBytes = (first: string, raw: string[]) => {
    let n = first.length + 2 + 2;
    for (let i = 0; i < raw.length; i += 2) n += raw[i]!.length + 2 + Buffer.byteLength(raw[i + 1]!) + 2;
    return n;
  };
  const server = http.createServer((req, res) => {
    counted.requests++;
    counted.up += headerBytes(`${req.method} ${req.url} HTTP/1.1`, req.rawHeaders);
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      counted.down += headerBytes(`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}`, answer.rawHeaders);
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.on('data', (chunk: Buffer) => (counted.down += chunk.length));
      answer.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    req.on('data', (chunk: Buffer) => (counted.up += chunk.length));
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    take() {
      const c = counted;
      counted = { up: 0, down: 0, requests: 0 };
      return c;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Bytes of the page's own responses by kind (CDP resource type), while it is watched. */
async function watchPage(page: Page): Promise<{ cdp: CDPSession; byKind(): Record<string, number> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const kinds = new Map<string, string>();
  const bytes: Record<string, number> = {};
  cdp.on('Network.responseReceived', (e: { requestId: string; type: string; response: { fromServiceWorker?: boolean } }) => {
    kinds.set(e.requestId, e.response.fromServiceWorker ? 'from worker' : e.type);
  });
  cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
    const kind = kinds.get(e.requestId) ?? 'Other';
    bytes[kind] = (bytes[kind] ?? 0) + e.encodedDataLength;
  });
  return { cdp, byKind: () => ({ ...bytes }) };
}

const sum = (r: Record<string, number>) => Object.entries(r).filter(([k]) => k !== 'from worker').reduce((n, [, v]) => n + v, 0);
const split = (r: Record<string, number>) =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} kB`)
    .join(', ');

function sizeFigures(id: string, what: string, g: SizeGroup, goal?: { kb: number; text: string }): BenchFigure {
  return {
    id,
    what: `${what}, gzip -9 (raw ${kb(g.raw).toFixed(1)} kB, brotli ${kb(g.brotli).toFixed(1)} kB)`,
    value: kb(g.gzip),
    unit: 'kB',
    ...(goal ? { goal: goal.text, met: kb(g.gzip) <= goal.kb } : {}),
  };
}

export async function benchWire(): Promise<BenchReport> {
  const sizes = buildSizes();
  const figures: BenchFigure[] = [
    sizeFigures('P1.staff.upFront', 'staff app JS + CSS up front (index.html and its static imports)', sizes.staffUpFront, { kb: 35, text: '≤ 35 kB (budget 50 kB)' }),
    sizeFigures('P1.staff.stallChunk', 'stall screen chunk (form, tally), loaded once signed in', sizes.chunks.stall),
    sizeFigures('P1.staff.adminChunk', 'admin chunk', sizes.chunks.admin),
    sizeFigures('P1.staff.dashboardChunk', 'dashboard chunk', sizes.chunks.dashboard),
    sizeFigures('P1.staff.qrChunk', 'QR and poster chunk', sizes.chunks.qr),
    sizeFigures('P1.join', 'join page JS + CSS', sizes.joinPage, { kb: 15, text: '≤ 15 kB (budget 20 kB)' }),
    sizeFigures('P1.sw', 'sw.js', sizes.serviceWorker, { kb: 15, text: '≤ 15 kB (budget 20 kB)' }),
  ];
  const lines = ['Build sizes:', formatSizes(sizes), ''];

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-bench-wire-'));
  const server = await startServerProcess({ RUHUI_DATA_DIR: dataDir, RUHUI_ADMIN_PASSWORD: ADMIN_PASSWORD });
  const proxy = await countingProxy(server.url);
  try {
    const setup = await setUpStall(server.url, ADMIN_PASSWORD);

    // Staff app: first visit (sign-in screen; the worker installs and precaches the app), then again.
    const browser = await launchBrowser();
    try {
      let page = await browser.context.newPage();
      let watched = await watchPage(page);
      proxy.take();
      const shell = new AppShell(page);
      await shell.open(proxy.url);
      await new SignInPage(page).waitUntilShown();
      const pageFirst = watched.byKind();
      await shell.waitUntilOfflineReady();
      await page.waitForLoadState('networkidle');
      const first = proxy.take();
      await page.close();

      page = await browser.context.newPage();
      watched = await watchPage(page);
      await new AppShell(page).open(proxy.url);
      await new SignInPage(page).waitUntilShown();
      await page.waitForLoadState('networkidle');
      const repeat = proxy.take();
      const pageRepeat = watched.byKind();
      figures.push(
        { id: 'wire.staff.first.page', what: `staff app first visit until sign-in shows, the page's own requests (CDP; ${split(pageFirst)})`, value: kb(sum(pageFirst)), unit: 'kB', goal: '≤ 60 kB', met: sum(pageFirst) <= 60_000 },
        { id: 'wire.staff.first.all', what: `staff app first visit with the worker's precache of every screen (proxy, ${first.requests} requests, ${kb(first.up).toFixed(1)} kB up)`, value: kb(first.down), unit: 'kB' },
        { id: 'wire.staff.repeat', what: `staff app repeat visit with the worker (proxy, ${repeat.requests} requests)`, value: kb(repeat.down), unit: 'kB', baseline: { what: 'first visit, all', value: kb(first.down), unit: 'kB' }, ratio: repeat.down / first.down },
      );
      lines.push(
        'Staff app, bytes on the wire (responses, headers included):',
        `  first visit, page until sign-in: ${kb(sum(pageFirst)).toFixed(1)} kB (${split(pageFirst)})`,
        `  first visit, everything incl. the worker's precache: ${kb(first.down).toFixed(1)} kB down in ${first.requests} requests`,
        `  repeat visit with the worker: ${kb(repeat.down).toFixed(1)} kB down in ${repeat.requests} requests (page: ${split(pageRepeat)})`,
      );

      // Uploads: one POST /api/sync per batch, gzip by CompressionStream as the engine sends it.
      const login = await api<{ token: string }>(server.url, '/api/auth/login', { method: 'POST', body: { username: setup.username, password: setup.password } });
      lines.push('Uploads (one POST /api/sync each, request line + headers + body):');
      for (const kind of ['enrollment', 'consultation'] as const) {
        for (const n of [50, 500]) {
          const records = Array.from({ length: n }, (_, i) =>
            kind === 'enrollment' ? enrollment({ stallId: setup.stall.id, n: 100_000 + n * 10 + i }) : consultation({ stallId: setup.stall.id }),
          );
          const plain = JSON.stringify(syncBody(records, { deviceId: `bench-${kind}-${n}` }));
          proxy.take();
          const answer = await page.evaluate(
            async ({ text, token }) => {
              const gz = await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
              const res = await fetch('/api/sync', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${token}` },
                body: gz,
              });
              const body = (await res.json()) as { results: { status: string }[] };
              return { status: res.status, accepted: body.results.filter((r) => r.status === 'accepted').length, gzip: gz.byteLength };
            },
            { text: plain, token: login.token },
          );
          const sent = proxy.take();
          if (answer.status !== 200 || answer.accepted !== n) throw new Error(`upload of ${n} ${kind}s: ${answer.status}, ${answer.accepted} accepted`);
          const per = sent.up / n;
          figures.push({
            id: `wire.upload.${kind}.${n}`,
            what: `upload bytes per ${kind} in a ${n}-record batch, gzip (body ${answer.gzip} B)`,
            value: per,
            unit: 'B',
            baseline: { what: 'the same batch as plain JSON, per record', value: Buffer.byteLength(plain) / n, unit: 'B' },
            ratio: per / (Buffer.byteLength(plain) / n),
            ...(kind === 'enrollment' && n === 500 ? { goal: '≤ 200 B', met: per <= 200 } : {}),
          });
          lines.push(`  ${n} ${kind}s: ${(per).toFixed(0)} B per record on the wire (gzip body ${answer.gzip} B; plain JSON ${(Buffer.byteLength(plain) / n).toFixed(0)} B per record)`);
        }
      }
    } finally {
      await browser.close();
    }

    // Join page: a worker's phone, first visit (it never installs the staff app's worker).
    const phone = await launchBrowser({ serviceWorkers: 'block' });
    try {
      const page = await phone.context.newPage();
      const watched = await watchPage(page);
      proxy.take();
      const join = new JoinPage(page);
      await join.open(`${proxy.url}/join?t=${setup.stall.joinToken}`);
      await join.waitForForm(setup.stall.name);
      await page.waitForLoadState('networkidle');
      const all = proxy.take();
      const byKind = watched.byKind();
      figures.push({ id: 'wire.join.first', what: `join page first visit (CDP; ${split(byKind)}; proxy ${kb(all.down).toFixed(1)} kB in ${all.requests} requests)`, value: kb(sum(byKind)), unit: 'kB', goal: '≤ 25 kB', met: sum(byKind) <= 25_000 });
      lines.push(`Join page first visit: ${kb(sum(byKind)).toFixed(1)} kB (${split(byKind)})`);
    } finally {
      await phone.close();
    }
    return { text: lines.join('\n'), figures };
  } finally {
    await proxy.close();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
