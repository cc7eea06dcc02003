/**
 * Serves the built client from `dist/`. Hashed files under /assets/ are cached for a year (their name
 * changes when they do); index.html, the service worker and the manifest are never cached, so an
 * update reaches every device on its next visit.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { AppEnv } from './env';

const NEVER_CACHE = 'no-cache, no-store, must-revalidate';
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

/** App routes the shell answers (client-side routing). Everything else that is not a file is a 404. */
const APP_ROUTES = /^\/(index\.html|admin|dashboard|queue|stall\/[^/]+\/qr)?\/?$/;

/**
 * While the kill switch is on, the page says so, and the page's service-worker bridge then registers
 * nothing (else each visit would install the retiring worker again, and reload again).
 */
export const RETIRED_MARKER = '<meta name="ruhui-sw" content="retired">';

export function staticRoutes(staticDir: string, retireServiceWorker: boolean): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const indexHtml = path.join(staticDir, 'index.html');

  app.get('/sw.js', async (c, next) => {
    if (!retireServiceWorker) return next();
    c.header('Cache-Control', NEVER_CACHE);
    return c.body(RETIRING_WORKER, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  });

  // Cache headers are set once the file is found; names under /assets/ carry their content hash.
  app.use('*', async (c, next) => {
    await next();
    if (c.res.status !== 200 || c.res.headers.has('cache-control')) return;
    c.header('Cache-Control', c.req.path.startsWith('/assets/') ? FOREVER : NEVER_CACHE);
  });
  // The shell, for every app route (client-side routing), before the file server sees '/'.
  app.get('*', async (c, next) => {
    if (!APP_ROUTES.test(c.req.path) || !fs.existsSync(indexHtml)) return next();
    const html = await fs.promises.readFile(indexHtml, 'utf8');
    c.header('Cache-Control', NEVER_CACHE);
    return c.html(retireServiceWorker ? html.replace(/<head[^>]*>/i, (head) => head + RETIRED_MARKER) : html);
  });
  if (fs.existsSync(staticDir)) app.use('*', serveStatic({ root: staticDir }));
  return app;
}
