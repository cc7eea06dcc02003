/**
 * `npm run backup`: a consistent snapshot of the embedded store, taken while the server runs.
 *
 * The running server holds its SQLite database under an exclusive lock (one process owns a data
 * folder, and a crash drops the lock with the process), so no other process can read the file while
 * it serves. The snapshot is therefore taken by the server itself, through SQLite's online backup on
 * its own connection: asked over a control socket in the data folder (`control.sock`, mode 0600 in
 * the 0700 folder, so only the account that runs the server can ask, and nothing on the network can).
 * With no server running, the backup opens the store itself, under the same lock.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openSqliteExclusive, sqlitePath } from '../storage/open';
import { sealSnapshot } from './snapshot';

/** What a backup wrote. */
export interface BackupResult {
  file: string;
  bytes: number;
  /** Rows copied per table. */
  counts: Record<string, number>;
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes a sealed snapshot to `file` with `copy` (an online backup into the path it is given): into a
 * temporary file beside it first, renamed over `file` only once complete and on disk, so a failed
 * backup never leaves a half file under the snapshot's name or spoils an earlier one.
 */
export async function writeSnapshot(file: string, copy: (into: string) => Promise<void>): Promise<BackupResult> {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) throw new Error(`The folder ${dir} does not exist.`);
  const partial = `${target}.partial-${process.pid}`;
  fs.rmSync(partial, { force: true });
  try {
    await copy(partial);
    const counts = sealSnapshot(partial);
    fs.chmodSync(partial, 0o600);
    fsyncPath(partial);
    fs.renameSync(partial, target);
    fsyncPath(dir);
    return { file: target, bytes: fs.statSync(target).size, counts };
  } finally {
    fs.rmSync(partial, { force: true });
    fs.rmSync(`${partial}-journal`, { force: true });
  }
}

/** A backup with no server running: this process opens the store, under the lock a server would take. */
export async function backupStoppedStore(dataDir: string, file: string): Promise<BackupResult> {
  const dbFile = sqlitePath(dataDir);
  if (!fs.existsSync(dbFile)) throw new Error(`There is no Ruhui store in ${dataDir} (no ${path.basename(dbFile)}).`);
  // Held until the end: no server can start on the folder meanwhile.
  const db = openSqliteExclusive(dataDir);
  try {
    return await writeSnapshot(file, async (into) => {
      await db.backup(into);
    });
  } finally {
    db.close();
  }
}
