/**
 * The server secret and the keys derived from it. RUHUI_SECRET wins; unset, a random secret is made
 * once and kept with the data (a 0600 file in the data folder for the embedded engine, the
 * `settings` table on PostgreSQL, where servers share it), so restarts keep tokens, join links and
 * ID-number hashes valid.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Storage } from './storage/open';

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
}

/** Derives the purpose keys from the secret with HKDF-SHA-256. */
export function deriveKeys(secret: string): Keys {
  const derive = (info: string) => Buffer.from(crypto.hkdfSync('sha256', secret, 'ruhui', info, 32));
  return {
    joinToken: derive('join-token'),
    personHash: derive('person-hash'),
    personEncryption: derive('person-encryption'),
    pseudonym: derive('pseudonym'),
  };
}

const SECRET_FILE = 'secret.key';
const SETTINGS_KEY = 'server_secret';

/** The secret in force: from config, or the one kept with the data (made on first start). */
export async function loadSecret(configured: string | undefined, storage: Storage, dataDir: string): Promise<string> {
  if (configured) return configured;
  const fresh = crypto.randomBytes(32).toString('base64url');
  if (storage.engine === 'sqlite') {
    const file = path.join(dataDir, SECRET_FILE);
    try {
      // 'wx': create only if absent, so an existing secret is never overwritten.
      fs.writeFileSync(file, fresh + '\n', { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
    }
    return fs.readFileSync(file, 'utf8').trim();
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
