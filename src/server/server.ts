/**
 * Starts and stops a Ruhui server: open the store, serve the app, and on shutdown stop accepting,
 * let requests in flight finish, then close the store.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { bootstrap } from './bootstrap';
import type { Config } from './config';
import { describeError, log } from './log';
import { deriveKeys, loadSecret } from './secrets';
import { openStorage, type Storage } from './storage/open';

export interface RunningServer {
  url: string;
  port: number;
  storage: Storage;
  /** Graceful stop: no new connections, in-flight requests finish, then the store closes. */
  close(): Promise<void>;
}

/** How long in-flight requests get to finish on shutdown before their connections are cut. */
const DRAIN_MS = 10_000;

export async function startServer(config: Config): Promise<RunningServer> {
  const storage = await openStorage({
    databaseUrl: config.databaseUrl,
    databaseSchema: config.databaseSchema,
    dataDir: config.dataDir,
  });
  const keys = deriveKeys(await loadSecret(config.secret, storage, config.dataDir));
  // First start: the root org and the admin user (a generated password is printed once).
  await bootstrap(storage, config);
  const app = createApp({ config, storage, keys });

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: '0.0.0.0' }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  log.info('listening', { port, db: storage.engine });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      const timer = setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections();
      }, DRAIN_MS);
      await drained;
      clearTimeout(timer);
      try {
        await storage.close();
      } catch (err) {
        log.error('closing the store failed', describeError(err));
      }
      log.info('stopped');
    })());

  return { url: `http://127.0.0.1:${port}`, port, storage, close };
}
