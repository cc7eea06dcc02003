/**
 * The operations commands: `npm run backup -- <file>`, `npm run restore -- <file> [--secret-file <path>]`,
 * `npm run move-to-postgres [-- --batch-size <n>]`. Arguments are checked with zod; the store comes
 * from the same environment the server reads (RUHUI_DATA_DIR, DATABASE_URL, RUHUI_SECRET). Exit code
 * 0 done, 1 refused or failed (the reason on stderr), 2 bad arguments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod/mini';
import { loadConfig, type Config } from '../config';
import { secretFilePath } from '../secrets';
import { backupStoppedStore, type BackupResult } from './backup';
import { requestBackup } from './control';
import { moveToPostgres } from './move';
import { restoreSnapshot } from './restore';

class UsageError extends Error {}

const USAGE: Record<string, string> = {
  backup: 'npm run backup -- <snapshot-file>',
  restore: 'npm run restore -- <snapshot-file> [--secret-file <path-to-secret.key>]',
  'move-to-postgres': 'npm run move-to-postgres [-- --batch-size <100-10000>]',
};

const filePath = z.string().check(
  z.minLength(1, 'a file path is needed'),
  z.refine((p: string) => !p.endsWith('/') && !p.includes('\u0000'), 'must be a file path, not a folder'),
);

function parse<T>(command: string, schema: z.ZodMiniType<T>, args: string[], options: NonNullable<Parameters<typeof parseArgs>[0]>['options']): T {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const result = schema.safeParse({ ...parsed.values, positionals: parsed.positionals });
  if (!result.success) {
    throw new UsageError(result.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '));
  }
  return result.data;
}

/** Exactly one positional argument: the snapshot file. */
const oneFile = z.array(filePath).check(z.length(1, 'give exactly one snapshot file'));

const table = (counts: Record<string, number>) => {
  const width = Math.max(...Object.keys(counts).map((t) => t.length));
  return Object.entries(counts)
    .map(([t, n]) => `  ${t.padEnd(width)}  ${n.toLocaleString('en')}`)
    .join('\n');
};

function secretWhere(config: Config): string {
  if (process.env.RUHUI_SECRET_FILE) return `the file ${path.resolve(process.env.RUHUI_SECRET_FILE)} (RUHUI_SECRET_FILE)`;
  return config.secret ? 'the RUHUI_SECRET setting in the server\'s environment' : secretFilePath(config.dataDir);
}

async function backup(args: string[], config: Config): Promise<void> {
  const { positionals } = parse('backup', z.object({ positionals: oneFile }), args, {});
  if (config.databaseUrl) {
    throw new Error('DATABASE_URL is set: this store is PostgreSQL, and its backups are pg_dump (see the README, "Operations").');
  }
  const file = path.resolve(positionals[0]!);
  const reply = await requestBackup(config.dataDir, file);
  let result: BackupResult;
  if (reply === undefined) {
    console.log(`No server is running on ${config.dataDir}: taking the snapshot directly.`);
    result = await backupStoppedStore(config.dataDir, file);
  } else if (!reply.ok) {
    throw new Error(`The server could not take the snapshot: ${reply.error}`);
  } else {
    result = reply;
  }
  console.log(`Snapshot written: ${result.file} (${result.bytes.toLocaleString('en')} bytes). Rows copied:\n${table(result.counts)}`);
  console.log(
    `\nThe snapshot does not hold the server secret. Without it no record in the snapshot can be read and returning members are not ` +
      `recognized; with it, whoever has the snapshot can read every member's ID number and phone. The secret is ${secretWhere(config)}: ` +
      'keep one copy of it apart from the snapshots (a password manager or a sealed offline medium, readable only by the operators), ' +
      'and give it to `npm run restore` with --secret-file.',
  );
}

async function restore(args: string[], config: Config): Promise<void> {
  const { positionals, 'secret-file': secretFile } = parse(
    'restore',
    z.object({ positionals: oneFile, 'secret-file': z.optional(filePath) }),
    args,
    { 'secret-file': { type: 'string' } },
  );
  if (config.databaseUrl) throw new Error('DATABASE_URL is set: a PostgreSQL database is restored with pg_restore (see the README, "Operations").');
  let secret: { value: string; from: 'file' | 'env' } | undefined;
  if (secretFile) {
    let value: string;
    try {
      value = fs.readFileSync(secretFile, 'utf8').trim();
    } catch (err) {
      throw new Error(`The secret file ${secretFile} cannot be read (${err instanceof Error && 'code' in err ? String(err.code) : 'error'}).`);
    }
    if (value.length < 32) throw new Error(`The secret file ${secretFile} does not hold a secret (fewer than 32 characters).`);
    secret = { value, from: 'file' };
  } else if (config.secret) {
    secret = { value: config.secret, from: 'env' };
  }
  const result = await restoreSnapshot({ file: positionals[0]!, dataDir: config.dataDir, secret });
  const sealed = result.info ? `taken ${result.info.takenAt} by version ${result.info.version}; every table matches its checksum` : 'not sealed by npm run backup: its structure was checked, its rows have no checksums';
  console.log(`Snapshot checked: SQLite integrity ok, a Ruhui store, schema ${result.migrations.at(-1) ?? '(none)'} (${sealed}).`);
  console.log(`Restored into ${result.dataDir}. Rows:\n${table(result.counts)}`);
  if (result.needsMigration) console.log('This version has newer migrations: the server applies them when it starts on the folder.');
  if (result.secretWritten) console.log(`The secret was written to ${secretFilePath(result.dataDir)} (readable by this account only).`);
  else if (secret) console.log('The secret comes from RUHUI_SECRET or RUHUI_SECRET_FILE: start the server with the same setting.');
  else
    console.log(
      `No secret given: before starting, copy the old server's secret.key to ${secretFilePath(result.dataDir)} (mode 0600) or set RUHUI_SECRET; ` +
        'the server refuses to start on these records without it.',
    );
  console.log(`Start the server with RUHUI_DATA_DIR=${result.dataDir}.`);
}

async function moveCommand(args: string[], config: Config): Promise<void> {
  const options = parse(
    'move-to-postgres',
    z.object({
      positionals: z.array(z.string()).check(z.maxLength(0, 'takes no file: the source is RUHUI_DATA_DIR, the target DATABASE_URL')),
      'batch-size': z._default(z.coerce.number().check(z.int(), z.minimum(100), z.maximum(10_000)), 1000),
      sample: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100_000)), 200),
    }),
    args,
    { 'batch-size': { type: 'string' }, sample: { type: 'string' } },
  );
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set: point it at the empty PostgreSQL database to move into.');
  console.log(`Moving the embedded store in ${config.dataDir} into PostgreSQL (${redactUrl(config.databaseUrl)}).`);
  const result = await moveToPostgres({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    secret: config.secret,
    batchSize: options['batch-size'],
    sample: options.sample,
    progress: (line) => console.log(line),
  });
  const width = Math.max(...Object.keys(result.counts).map((t) => t.length));
  console.log(
    `Verified: rows per table (store → database):
` +
      Object.entries(result.counts)
        .map(([t, c]) => `  ${t.padEnd(width)}  ${c.source.toLocaleString('en')} → ${c.target.toLocaleString('en')}${t === 'settings' ? ' (plus the move\'s mark and the secret)' : ''}`)
        .join('\n'),
  );
  console.log(`Daily counters: ${result.counterKeys.toLocaleString('en')} equal to a count of the records. Decrypted with the database's secret: ${result.decrypted} sampled records.`);
  console.log(result.outcome === 'verified' ? 'Nothing left to copy: the move was complete.' : `Move complete${result.resumed ? ' (resumed)' : ''}.`);
  console.log(
    result.secretIn === 'settings'
      ? "The secret is now also in the database's settings (server_secret): guard its dumps as you guard the secret."
      : 'The secret stays in RUHUI_SECRET or RUHUI_SECRET_FILE: start the PostgreSQL servers with the same setting.',
  );
  console.log('Start the servers with DATABASE_URL set; keep the embedded folder, stopped, until you are satisfied.');
}

/** A database URL without its password, for output. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return `${u.host}${u.pathname}`;
  } catch {
    return 'the database';
  }
}

const COMMANDS: Record<string, (args: string[], config: Config) => Promise<void>> = { backup, restore, 'move-to-postgres': moveCommand };

/** Runs one command; resolves with the exit code. */
export async function runCommand(command: string, args: string[]): Promise<number> {
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`Unknown command ${command}. Commands: ${Object.values(USAGE).join(' | ')}\n`);
    return 2;
  }
  try {
    await run(args, loadConfig());
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${command}: ${err.message}\nUsage: ${USAGE[command]}\n`);
      return 2;
    }
    process.stderr.write(`${command} refused: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
