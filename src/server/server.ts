/**
 * Starts and stops a Ruhui server: open the store, serve the app, and on shutdown stop accepting,
 * let requests in flight finish, then close the store.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { bootstrap } from './bootstrap';
import type { Config } from './config';
import { createMetrics } from './http/metrics';
import { describeError, log } from './log';
import { startControlSocket } from './ops/control';
import { checkSecretOpensStore, deriveKeys, loadSecret } from './secrets';
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
    poolSize: config.pgPoolSize,
    maxPoolWaiting: config.pgPoolQueue,
  });
  let keys: ReturnType<typeof deriveKeys>;
  try {
    keys = deriveKeys(await loadSecret(config.secret, storage, config.dataDir));
    await checkSecretOpensStore(storage, keys);
  } catch (err) {
    await storage.close();
    throw err;
  }
  // First start: the root org and the admin user (a generated password is printed once).
  await bootstrap(storage, config);
  const app = createApp({ config, storage, keys, metrics: createMetrics(storage, { processMetrics: true }) });

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: '0.0.0.0' }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  // The embedded engine: `npm run backup` asks this process for its snapshot through the data folder.
  const control = await startControlSocket(storage, config.dataDir);
  log.info('listening', { port, db: storage.engine });
  if (!config.publicUrl) {
    log.warn('PUBLIC_URL unset: join links and posters name this server by the address a request reached it on, when that is this machine, else localhost', { port });
  }

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
      await control?.close();
      try {
        await storage.close();
      } catch (err) {
        log.error('closing the store failed', describeError(err));
      }
      log.info('stopped');
    })());

  return { url: `http://127.0.0.1:${port}`, port, storage, close };
}
