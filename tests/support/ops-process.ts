/** Runs an operations command (`npm run backup | restore | move-to-postgres`) as its own process, as an operator would. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface OpsRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `scripts/ops.mjs <command> ...args` with `env` over this environment (DATABASE_URL cleared
 * unless given). `onStdout` sees the output as it comes (a test may kill the process mid-run).
 */
export function runOps(
  command: string,
  args: string[],
  env: Record<string, string>,
  onStdout?: (text: string, child: ChildProcess) => void,
): Promise<OpsRun> {
  const child = spawn(process.execPath, [path.join(root, 'scripts/ops.mjs'), command, ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', RUHUI_SECRET: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    onStdout?.(stdout, child);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** The rows per table that a backup or restore printed (`  table  1,234` lines). */
export function printedCounts(stdout: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of stdout.matchAll(/^ {2}([a-z_]+) +([\d,]+)$/gm)) out[m[1]!] = Number(m[2]!.replaceAll(',', ''));
  return out;
}
