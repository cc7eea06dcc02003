/**
 * `npm run restore`: a snapshot into an empty data folder, after every check of snapshot.ts. The
 * secret comes separately (a copy of the old secret.key, or RUHUI_SECRET), is tried on the
 * snapshot's records before anything is written, and is written beside the database (0600).
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { deriveKeys, secretFilePath } from '../secrets';
import { DataDirInUseError, openSqliteExclusive, sqlitePath } from '../storage/open';
import { decryptPerson } from '../sync/person';
import { serverAnswers } from './control';
import { inspectSnapshot, SNAPSHOT_INFO, SnapshotRefusedError, type SnapshotReport } from './snapshot';

export interface RestoreOptions {
  file: string;
  dataDir: string;
  /** The store's secret, and where it came from: a file (copied into the folder) or RUHUI_SECRET (left there). */
  secret?: { value: string; from: 'file' | 'env' };
}

export interface RestoreResult extends SnapshotReport {
  dataDir: string;
  secretWritten: boolean;
}

/** Refuses a data folder a server is using, or one that holds anything at all. */
async function checkTarget(dataDir: string): Promise<void> {
  if (!fs.existsSync(dataDir)) return;
  if (!fs.statSync(dataDir).isDirectory()) throw new SnapshotRefusedError(`${dataDir} is not a folder.`);
  if (await serverAnswers(dataDir)) {
    throw new SnapshotRefusedError(`The data folder ${dataDir} is in use: a Ruhui server is running on it. Restore into a new, empty folder.`);
  }
  if (fs.existsSync(sqlitePath(dataDir))) {
    try {
      openSqliteExclusive(dataDir).close();
    } catch (err) {
      if (err instanceof DataDirInUseError) {
        throw new SnapshotRefusedError(`The data folder ${dataDir} is in use: another process holds its store. Restore into a new, empty folder.`);
      }
    }
  }
  const entries = fs.readdirSync(dataDir);
  if (entries.length > 0) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} in all)` : '');
    throw new SnapshotRefusedError(
      `The data folder ${dataDir} is not empty (it holds ${shown}). A restore never writes over a store: give an empty or new folder.`,
    );
  }
}

/** Tries the secret on a few of the snapshot's sealed records. */
function checkSecret(file: string, secret: string): void {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const sealed = db.prepare('SELECT person_enc FROM records WHERE person_enc IS NOT NULL LIMIT 5').pluck().all() as string[];
    const key = deriveKeys(secret).personEncryption;
    for (const s of sealed) {
      try {
        decryptPerson(key, s);
      } catch {
        throw new SnapshotRefusedError(
          "The secret given is not this store's: it cannot open the snapshot's records. Give the secret.key (or RUHUI_SECRET) of the server the snapshot was taken from.",
        );
      }
    }
  } finally {
    db.close();
  }
}

export async function restoreSnapshot(opts: RestoreOptions): Promise<RestoreResult> {
  const file = path.resolve(opts.file);
  const dataDir = path.resolve(opts.dataDir);
  const report = inspectSnapshot(file);
  await checkTarget(dataDir);
  if (opts.secret) checkSecret(file, opts.secret.value);

  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const target = sqlitePath(dataDir);
  const partial = `${target}.restoring-${process.pid}`;
  try {
    const source = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      await source.backup(partial);
    } finally {
      source.close();
    }
    const restored = new BetterSqlite3(partial, { fileMustExist: true });
    try {
      restored.exec(`DROP TABLE IF EXISTS ${SNAPSHOT_INFO}`);
      restored.pragma('journal_mode = DELETE');
    } finally {
      restored.close();
    }
    fs.chmodSync(partial, 0o600);
    const fd = fs.openSync(partial, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    // A link, not a rename: it fails if a server created a store here meanwhile, never replacing it.
    try {
      fs.linkSync(partial, target);
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'EEXIST') {
        throw new SnapshotRefusedError(`A store appeared in ${dataDir} while restoring (a server started there?). Nothing was replaced.`);
      }
      throw err;
    }
  } finally {
    fs.rmSync(partial, { force: true });
    fs.rmSync(`${partial}-journal`, { force: true });
  }
  let secretWritten = false;
  if (opts.secret?.from === 'file') {
    fs.writeFileSync(secretFilePath(dataDir), opts.secret.value + '\n', { mode: 0o600, flag: 'wx' });
    secretWritten = true;
  }
  const dirFd = fs.openSync(dataDir, 'r');
  fs.fsyncSync(dirFd);
  fs.closeSync(dirFd);
  return { ...report, dataDir, secretWritten };
}
