/** The server process: read config, start, stop cleanly on SIGTERM/SIGINT. */
import { loadConfig } from './config';
import { describeError, log } from './log';
import { startServer } from './server';
import { SecretMismatchError } from './secrets';
import { StoreNewerError } from './storage/migrations';
import { DataDirInUseError } from './storage/open';

async function main(): Promise<void> {
  const config = loadConfig();
  const server = await startServer(config);
  const stop = (signal: string) => {
    log.info('shutting down', { signal });
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof DataDirInUseError || err instanceof StoreNewerError || err instanceof SecretMismatchError || (err instanceof Error && err.message.startsWith('Bad configuration'))) {
    process.stderr.write(`${err.message}\n`);
  } else {
    log.error('failed to start', describeError(err));
  }
  process.exit(1);
});
