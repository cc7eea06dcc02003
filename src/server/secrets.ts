/**
 * The server secret and the keys derived from it. RUHUI_SECRET wins; unset, a random secret is made
 * once and kept with the data (a 0600 file in the data folder for the embedded engine, the
 * `settings` table on PostgreSQL, where servers share it), so restarts keep tokens, join links and
 * ID-number hashes valid.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { log } from './log';
import type { Storage } from './storage/open';
import { decryptPerson } from './sync/person';

/** Separate keys per purpose, so one use can never be turned against another. */
export interface Keys {
  /** HMAC key signing join tokens. */
  joinToken: Buffer;
  /** HMAC key of the normalized ID number: the person's stable, unguessable identity. */
  personHash: Buffer;
  /** AES-256-GCM key for the stored person data. */
  personEncryption: Buffer;
  /** HMAC key for pseudonyms of what must not be stored raw (an unknown username in the audit log, a client address in the throttle). */
  pseudonym: Buffer;
  /** HMAC key of device cookies (auth/device-cookie.ts): proof a browser signed in as a user before. */
  deviceCookie: Buffer;
}

/** Derives the purpose keys from the secret with HKDF-SHA-256. */
export function deriveKeys(secret: string): Keys {
  const derive = (info: string) => Buffer.from(crypto.hkdfSync('sha256', secret, 'ruhui', info, 32));
  return {
    joinToken: derive('join-token'),
    personHash: derive('person-hash'),
    personEncryption: derive('person-encryption'),
    pseudonym: derive('pseudonym'),
    deviceCookie: derive('device-cookie'),
  };
}

const SECRET_FILE = 'secret.key';
const SETTINGS_KEY = 'server_secret';

/** The file the embedded engine keeps its secret in. */
export function secretFilePath(dataDir: string): string {
  return path.join(dataDir, SECRET_FILE);
}

/**
 * The store holds records but the secret they were sealed with is not where it should be (a restored
 * or moved store whose secret was left behind). A fresh secret would make every record unreadable
 * and every returning member new again, so the start stops instead of making one.
 */
export class SecretMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretMismatchError';
  }
}

async function holdsSealedRecords(storage: Storage): Promise<string | undefined> {
  const row = await storage.db.selectFrom('records').select('person_enc').where('person_enc', 'is not', null).limit(1).executeTakeFirst();
  return row?.person_enc ?? undefined;
}

/** The secret in force: from config, or the one kept with the data (made on first start). */
export async function loadSecret(configured: string | undefined, storage: Storage, dataDir: string): Promise<string> {
  if (configured) {
    // A secret kept with the data from an earlier start still unlocks a copy of that data: say so.
    const left =
      storage.engine === 'sqlite'
        ? fs.existsSync(path.join(dataDir, SECRET_FILE))
        : Boolean(await storage.db.selectFrom('settings').select('key').where('key', '=', SETTINGS_KEY).executeTakeFirst());
    if (left) {
      log.warn('a generated secret is still kept with the data; once nothing needs it, delete it', {
        where: storage.engine === 'sqlite' ? path.join(dataDir, SECRET_FILE) : `settings table, key ${SETTINGS_KEY}`,
      });
    }
    return configured;
  }
  const fresh = crypto.randomBytes(32).toString('base64url');
  if (storage.engine === 'sqlite') {
    const file = secretFilePath(dataDir);
    if (!fs.existsSync(file) && (await holdsSealedRecords(storage))) {
      throw new SecretMismatchError(
        `This store holds records, but its secret is missing: there is no ${file} and RUHUI_SECRET is not set. ` +
          'Put the secret it was made with there (or set RUHUI_SECRET or RUHUI_SECRET_FILE); a new secret could read none of its records.',
      );
    }
    try {
      // 'wx': create only if absent, so an existing secret is never overwritten.
      fs.writeFileSync(file, fresh + '\n', { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
    }
    return fs.readFileSync(file, 'utf8').trim();
  }
  const kept = await storage.db.selectFrom('settings').select('value').where('key', '=', SETTINGS_KEY).executeTakeFirst();
  if (kept) return kept.value;
  if (await holdsSealedRecords(storage)) {
    throw new SecretMismatchError(
      'This database holds records, but its secret is missing: no server_secret setting and neither RUHUI_SECRET nor RUHUI_SECRET_FILE is set. ' +
        'Set RUHUI_SECRET (or RUHUI_SECRET_FILE) to the secret it was made with; a new secret could read none of its records.',
    );
  }
  // Several servers may start at once: the first insert wins, everyone reads the winner.
  await storage.db
    .insertInto('settings')
    .values({ key: SETTINGS_KEY, value: fresh })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await storage.db.selectFrom('settings').select('value').where('key', '=', SETTINGS_KEY).executeTakeFirstOrThrow();
  return row.value;
}

/** Refuses a secret that cannot open the store's records (tried on one of them). */
export async function checkSecretOpensStore(storage: Storage, keys: Keys): Promise<void> {
  const sealed = await holdsSealedRecords(storage);
  if (sealed === undefined) return;
  try {
    decryptPerson(keys.personEncryption, sealed);
  } catch {
    throw new SecretMismatchError(
      'The secret in force (RUHUI_SECRET, RUHUI_SECRET_FILE, or secret.key in the data folder, or the database\'s server_secret setting) is not the one ' +
        "this store's records were sealed with. Start with the store's own secret; with another, no record could be read.",
    );
  }
}
