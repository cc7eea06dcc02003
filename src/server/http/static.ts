/**
 * Serves the built client from `dist/`. Hashed files under /assets/ are cached for a year (their name
 * changes when they do); the pages, the service worker and the manifest are revalidated on every
 * visit (`no-cache`, answered 304 when unchanged), so an update reaches every device on its next
 * visit. Not `no-store`: that would keep the page out of the back/forward cache.
 *
 * Text files are compressed once at build (scripts/precompress.ts writes `.br` and `.gz` beside each);
 * this picks the variant the client accepts (brotli, then gzip, else the file itself) and says so
 * with Content-Encoding and Vary, for any file of any build entry.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Hono, type Context } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import type { AppEnv } from './env';

const REVALIDATE = 'no-cache';
const FOREVER = 'public, max-age=31536000, immutable';

/**
 * A worker that retires itself: served in place of the real one when the kill switch is on. The
 * browser's update check finds it, installs it, and it removes every cache and unregisters.
 */
const RETIRING_WORKER = `self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) await caches.delete(key);
    await self.registration.unregister();
    for (const client of await self.clients.matchAll({ type: 'window' })) client.navigate(client.url);
  })());
});
`;

/**
 * Page routes and the built page that answers each: the app shell for the app's client-side routes,
 * the join page for /join. Everything else that is not a file is a 404.
 */
const PAGES: Array<[RegExp, string]> = [
  [/^\/(index\.html|admin|audit|dashboard|queue|stall\/[^/]+\/qr)?\/?$/, 'index.html'],
  [/^\/join(\.html)?\/?$/, 'join.html'],
];

/**
 * While the kill switch is on, the page says so, and the page's service-worker bridge then registers
 * nothing (else each visit would install the retiring worker again, and reload again).
 */
export const RETIRED_MARKER = '<meta name="ruhui-sw" content="retired">';

/** Content codings we have variants for, best first, with their file suffix. */
const CODINGS = [
  ['br', '.br'],
  ['gzip', '.gz'],
] as const;
type Coding = (typeof CODINGS)[number][0];

/**
 * The codings an Accept-Encoding header allows (RFC 9110 §12.5.3: q=0 refuses; `*` stands for any not
 * named), in our order of preference.
 */
export function acceptedCodings(header: string | undefined): Coding[] {
  if (!header) return [];
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    if (name) q.set(name, Number.isFinite(value) ? value : 0);
  }
  const star = q.get('*');
  return CODINGS.map(([coding]) => coding).filter((coding) => (q.get(coding) ?? star ?? 0) > 0);
}

/** Resolves a request path inside `root`, or undefined for anything that tries to leave it. */
function safeJoin(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || /(^|\/)\.\.?(\/|$)/.test(decoded)) return undefined;
  const full = path.join(root, decoded);
  return full.startsWith(root + path.sep) ? full : undefined;
}

function statFile(file: string): fs.Stats | undefined {
  try {
    const stats = fs.statSync(file);
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Answers with a built file: the best precompressed variant the client accepts, an ETag of the
 * variant (so a revalidation costs a 304), and the cache policy for its path.
 */
async function sendFile(c: Context<AppEnv>, file: string, stats: fs.Stats, transform?: (text: string) => string): Promise<Response> {
  const type = getMimeType(file) ?? 'application/octet-stream';
  const variants = CODINGS.filter(([, ext]) => statFile(file + ext));
  if (variants.length > 0 || transform) c.header('Vary', 'Accept-Encoding');
  const wanted = acceptedCodings(c.req.header('accept-encoding'));
  c.header('Content-Type', type.startsWith('text/') && !type.includes('charset') ? `${type}; charset=utf-8` : type);
  c.header('Cache-Control', c.req.path.startsWith('/assets/') ? FOREVER : REVALIDATE);

  if (transform) {
    // A page altered on the fly (kill switch): small, compressed per request.
    const text = transform(await fs.promises.readFile(file, 'utf8'));
    const coding = wanted[0];
    if (coding) c.header('Content-Encoding', coding);
    const body = coding === 'br' ? zlib.brotliCompressSync(text) : coding === 'gzip' ? zlib.gzipSync(text) : Buffer.from(text);
    return c.body(new Uint8Array(body), 200);
  }

  const chosen = variants.find(([coding]) => wanted.includes(coding));
  const served = chosen ? file + chosen[1] : file;
  const servedStats = chosen ? statFile(served)! : stats;
  const etag = `"${servedStats.size.toString(36)}-${Math.floor(servedStats.mtimeMs).toString(36)}${chosen ? `-${chosen[0]}` : ''}"`;
  c.header('ETag', etag);
  c.header('Last-Modified', stats.mtime.toUTCString());
  if (chosen) c.header('Content-Encoding', chosen[0]);
  const inm = c.req.header('if-none-match');
  if (inm && inm.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) return c.body(null, 304);
  c.header('Content-Length', String(servedStats.size));
  if (c.req.method === 'HEAD') return c.body(null, 200);
  return c.body(new Uint8Array(await fs.promises.readFile(served)), 200);
}

export function staticRoutes(staticDir: string, retireServiceWorker: boolean): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const root = path.resolve(staticDir);
  const markRetired = (html: string) => html.replace(/<head[^>]*>/i, (head) => head + RETIRED_MARKER);

  app.on(['GET', 'HEAD'], '/sw.js', async (c, next) => {
    if (!retireServiceWorker) return next();
    c.header('Cache-Control', REVALIDATE);
    return c.body(RETIRING_WORKER, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  });

  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    const page = PAGES.find(([route]) => route.test(c.req.path));
    const file = page ? path.join(root, page[1]) : safeJoin(root, c.req.path);
    const stats = file && statFile(file);
    if (!file || !stats) return next();
    const isShell = page?.[1] === 'index.html' || file === path.join(root, 'index.html');
    return sendFile(c, file, stats, retireServiceWorker && isShell ? markRetired : undefined);
  });
  return app;
}
