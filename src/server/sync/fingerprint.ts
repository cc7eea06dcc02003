/**
 * A record's fingerprint: the same id with other content is an id conflict, not a duplicate. It covers
 * the whole validated record (everything the device controls, normalized, keys sorted), and is keyed
 * (HMAC) because the record holds an ID number and a phone: a plain hash stored next to the rest of
 * the row would let anyone holding the database test guesses of them.
 */
import crypto from 'node:crypto';
import type { RecordT } from '../../shared/records';

/** JSON with object keys sorted at every level and `undefined` members left out: one text per value. */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out += (i > 0 ? ',' : '') + (item === undefined ? 'null' : canonicalJson(item));
    }
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  let out = '{';
  // Default sort: by UTF-16 code units, the same on every machine and in every locale.
  for (const key of Object.keys(object).sort()) {
    const item = object[key];
    if (item === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

const subkeys = new WeakMap<Buffer, Buffer>();

/** The fingerprint key, derived from the person-hash key so that the two uses never share a key. */
function fingerprintKey(personHashKey: Buffer): Buffer {
  let key = subkeys.get(personHashKey);
  if (!key) {
    key = Buffer.from(crypto.hkdfSync('sha256', personHashKey, 'ruhui', 'record-fingerprint', 32));
    subkeys.set(personHashKey, key);
  }
  return key;
}

/** HMAC-SHA-256 (base64url) of the record's canonical JSON. */
export function recordFingerprint(personHashKey: Buffer, record: RecordT): string {
  return crypto.createHmac('sha256', fingerprintKey(personHashKey)).update(canonicalJson(record), 'utf8').digest('base64url');
}
