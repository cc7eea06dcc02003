/**
 * What the server keeps of a person: a keyed hash of the normalized ID number (their identity for
 * "already a member", unguessable without the key) and the person encrypted with AES-256-GCM. The
 * plaintext ID number and phone never reach the database or the logs.
 */
import crypto from 'node:crypto';
import type { Person } from '../../shared/records';

/** HMAC-SHA-256 of the normalized ID number (base64url). The ID type is left out: the number alone names a person. */
export function personHash(key: Buffer, idNumber: string): string {
  return crypto.createHmac('sha256', key).update(idNumber, 'utf8').digest('base64url');
}

const VERSION = 'v1';

/** The key as OpenSSL holds it, made once: a cipher from a KeyObject starts about a third faster than from bytes. */
const keyObjects = new WeakMap<Buffer, crypto.KeyObject>();
function keyObject(key: Buffer): crypto.KeyObject {
  let k = keyObjects.get(key);
  if (!k) keyObjects.set(key, (k = crypto.createSecretKey(key)));
  return k;
}

/** Length of the GCM nonce. */
export const IV_BYTES = 12;

/**
 * The person as `v1.<iv>.<tag>.<ciphertext>` (base64url): AES-256-GCM with a random 12-byte IV per
 * record (callers sealing many at once may pass IVs cut from one larger random draw).
 */
export function encryptPerson(key: Buffer, person: Person, iv: Buffer = crypto.randomBytes(IV_BYTES)): string {
  if (iv.length !== IV_BYTES) throw new Error('bad IV length');
  const cipher = crypto.createCipheriv('aes-256-gcm', keyObject(key), iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(person), 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** The person back from `encryptPerson`'s output; throws if the text was altered or the key is wrong. */
export function decryptPerson(key: Buffer, sealed: string): Person {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed person');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as Person;
}
