/**
 * Byte counts of the built client (dist/), deterministic for a given build: what a page loads up
 * front (its HTML's script, module preloads and stylesheets, and every module those import
 * statically), each lazy screen's own files, and the service worker. gzip at level 9, as the size
 * budgets speak of it; brotli as served (the build's .br files) alongside.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export interface FileSize {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

export interface SizeGroup {
  files: FileSize[];
  raw: number;
  gzip: number;
  brotli: number;
}

export interface BuildSizes {
  /** index.html's JS + CSS (the sign-in screen and the app frame). */
  staffUpFront: SizeGroup;
  /** join.html's JS + CSS. */
  joinPage: SizeGroup;
  /** Each lazy chunk with what it imports that the staff app's up-front files do not hold. */
  chunks: Record<'stall' | 'queue' | 'admin' | 'dashboard' | 'qr', SizeGroup>;
  serviceWorker: SizeGroup;
}

function size(dist: string, file: string): FileSize {
  const body = fs.readFileSync(path.join(dist, file));
  return {
    file,
    raw: body.length,
    gzip: zlib.gzipSync(body, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

function group(dist: string, files: Iterable<string>): SizeGroup {
  const sizes = [...new Set(files)].sort().map((f) => size(dist, f));
  const sum = (k: 'raw' | 'gzip' | 'brotli') => sizes.reduce((n, s) => n + s[k], 0);
  return { files: sizes, raw: sum('raw'), gzip: sum('gzip'), brotli: sum('brotli') };
}

/** `assets/x.js` and every module it imports statically (`import … from "./y.js"`), transitively. */
function staticClosure(dist: string, entries: string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.js')) continue;
    const code = fs.readFileSync(path.join(dist, file), 'utf8');
    // Static imports only: `import{a}from"./b.js"` and `import"./b.js"`; never `import("./b.js")`.
    for (const m of code.matchAll(/\bimport\s*(?:[\w*{}\s,$]+?\s*from\s*)?["'](\.\/[^"']+\.js)["']/g)) {
      queue.push(path.posix.join(path.posix.dirname(file), m[1]!));
    }
  }
  return seen;
}

/** What an HTML page loads before it runs: its script, module preloads and stylesheets, and their static imports. */
export function pageFiles(dist: string, html: string): Set<string> {
  const text = fs.readFileSync(path.join(dist, html), 'utf8');
  const refs = [...text.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  return staticClosure(dist, refs);
}

/** The lazy chunk named `name` (its JS and CSS) and its static imports, minus what is already loaded up front. */
function chunkFiles(dist: string, name: string, upFront: Set<string>): string[] {
  const own = fs.readdirSync(path.join(dist, 'assets')).filter((f) => f.startsWith(`${name}-`) && /\.(js|css)$/.test(f)).map((f) => `assets/${f}`);
  if (!own.some((f) => f.endsWith('.js'))) throw new Error(`no chunk ${name} in the build`);
  return [...staticClosure(dist, own)].filter((f) => !upFront.has(f));
}

export function buildSizes(dist = path.resolve('dist')): BuildSizes {
  const upFront = pageFiles(dist, 'index.html');
  return {
    staffUpFront: group(dist, upFront),
    joinPage: group(dist, pageFiles(dist, 'join.html')),
    chunks: {
      stall: group(dist, chunkFiles(dist, 'EnrollScreen', upFront)),
      queue: group(dist, chunkFiles(dist, 'QueueScreen', upFront)),
      admin: group(dist, chunkFiles(dist, 'Admin', upFront)),
      dashboard: group(dist, chunkFiles(dist, 'Dashboard', upFront)),
      qr: group(dist, chunkFiles(dist, 'StallQr', upFront)),
    },
    serviceWorker: group(dist, ['sw.js']),
  };
}

/** One line per group: name, raw, gzip -9 and brotli in kB, and the files. */
export function formatSizes(sizes: BuildSizes): string {
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  const line = (name: string, g: SizeGroup) =>
    `  ${name.padEnd(22)} raw ${kb(g.raw).padStart(9)}  gzip ${kb(g.gzip).padStart(8)}  br ${kb(g.brotli).padStart(8)}  (${g.files.map((f) => f.file.replace('assets/', '')).join(', ')})`;
  return [
    line('staff app up front', sizes.staffUpFront),
    ...Object.entries(sizes.chunks).map(([name, g]) => line(`  + ${name} chunk`, g)),
    line('join page', sizes.joinPage),
    line('sw.js', sizes.serviceWorker),
  ].join('\n');
}
