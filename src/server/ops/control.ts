/**
 * The embedded store's control socket: a unix socket in the data folder through which the running
 * server takes a backup on its own connection (see backup.ts for why). Local by construction: a
 * file in the 0700 data folder, itself 0600, so only the account running the server can connect;
 * nothing listens on the network. One request per connection, one JSON line each way.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod/mini';
import { describeError, log } from '../log';
import type { Storage } from '../storage/open';
import { writeSnapshot, type BackupResult } from './backup';

/** The socket's path in a data folder. */
export function controlSocketPath(dataDir: string): string {
  return path.join(dataDir, 'control.sock');
}

/** Longest unix socket path Linux and macOS take (sun_path, less its final NUL). */
const MAX_SOCKET_PATH = 103;

const requestSchema = z.object({ op: z.literal('backup'), file: z.string().check(z.minLength(1), z.refine((f: string) => path.isAbsolute(f), 'must be absolute')) });
const replySchema = z.union([
  z.object({ ok: z.literal(true), file: z.string(), bytes: z.number(), counts: z.record(z.string(), z.number()) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type ControlReply = z.infer<typeof replySchema>;

export interface ControlSocket {
  close(): Promise<void>;
}

/**
 * Listens on the data folder's control socket (SQLite only). Called once the store is open, so the
 * exclusive lock is this process's and any socket file left there is a dead server's, safe to replace.
 */
export async function startControlSocket(storage: Storage, dataDir: string): Promise<ControlSocket | undefined> {
  const backup = storage.backup;
  if (!backup) return undefined;
  const socketPath = controlSocketPath(dataDir);
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
    log.warn('control socket not opened: the data folder path is too long for a unix socket; npm run backup needs the server stopped', {
      limit: MAX_SOCKET_PATH,
    });
    return undefined;
  }
  fs.rmSync(socketPath, { force: true });
  let running: Promise<unknown> = Promise.resolve();
  const server = net.createServer((socket) => {
    let input = '';
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('data', (chunk: string) => {
      input += chunk;
      if (input.length > 10_000) socket.destroy();
      if (!input.includes('\n')) return;
      const answer = (reply: ControlReply) => socket.end(JSON.stringify(reply) + '\n');
      let parsed: unknown;
      try {
        parsed = JSON.parse(input.slice(0, input.indexOf('\n')));
      } catch {
        parsed = undefined;
      }
      const request = requestSchema.safeParse(parsed);
      if (!request.success) return answer({ ok: false, error: 'bad request: expected {"op":"backup","file":"/absolute/path"}' });
      // One backup at a time; a second waits for the first.
      const job = running.then(async () => {
        const started = Date.now();
        try {
          const result: BackupResult = await writeSnapshot(request.data.file, backup);
          log.info('backup written', { bytes: result.bytes, records: result.counts.records ?? 0, ms: Date.now() - started });
          answer({ ok: true, ...result });
        } catch (err) {
          log.error('backup failed', describeError(err));
          answer({ ok: false, error: err instanceof Error ? err.message : String(err) });
        }
      });
      running = job;
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  fs.chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(socketPath, { force: true });
      }).then(() => running.then(() => undefined)),
  };
}

/** Asks the server running on `dataDir` for a backup; undefined when no server answers there. */
export function requestBackup(dataDir: string, file: string): Promise<ControlReply | undefined> {
  const socketPath = controlSocketPath(dataDir);
  if (!fs.existsSync(socketPath)) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let output = '';
    let connected = false;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write(JSON.stringify({ op: 'backup', file }) + '\n');
    });
    socket.on('data', (chunk: string) => (output += chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A socket file with no one listening: a server that died; the store is free.
      if (!connected && (err.code === 'ECONNREFUSED' || err.code === 'ENOENT')) resolve(undefined);
      else reject(err);
    });
    socket.on('end', () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(output.trim());
      } catch {
        parsed = undefined;
      }
      const reply = replySchema.safeParse(parsed);
      if (reply.success) resolve(reply.data);
      else reject(new Error('the server answered the backup request with something unreadable'));
    });
  });
}

/** Whether a server answers on the data folder's control socket right now. */
export function serverAnswers(dataDir: string): Promise<boolean> {
  const socketPath = controlSocketPath(dataDir);
  if (!fs.existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
