/**
 * A real Ruhui server in a child process, on a free port, for browser, crash and fault tests.
 * It is started exactly as `npm start` starts it (minus the build), with its own environment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process printed (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, with no chance to clean up. */
  kill(): Promise<number | null>;
}

/**
 * Starts the server with `env` added to this process's environment; resolves once it listens.
 * `options.nodeArgs` go to node after tsx and before the entry point (e.g. `--expose-gc`, an
 * `--import` of a TypeScript probe);
 * `options.ipc` opens an IPC channel to the child (`child.send`). It runs
 * on the embedded engine unless `env` names a DATABASE_URL: the test run's own DATABASE_URL points at
 * a database that tests share schema by schema, never a server process's to write in. To run a server
 * on PostgreSQL, give it a store of its own from `createServerStore` (server-store.ts).
 */
export function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
  options: { nodeArgs?: string[]; ipc?: boolean } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...(options.nodeArgs ?? []), path.join(root, 'src/server/main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: '0', RUHUI_LOG: 'info', DATABASE_URL: '', ...env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"msg":"listening","port":(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        const port = Number(match[1]);
        const stopWith = (signal: NodeJS.Signals) => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        };
        resolve({
          url: `http://127.0.0.1:${port}`,
          port,
          child,
          output: () => out,
          exited,
          stop: () => stopWith('SIGTERM'),
          kill: () => stopWith('SIGKILL'),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
}
