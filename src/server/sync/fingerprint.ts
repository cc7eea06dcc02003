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

/**
 * Every property name a record has, at any level, sorted as `canonicalJson` sorts them. Given as the
 * replacer of JSON.stringify, the native serializer writes exactly `canonicalJson`'s text (objects'
 * members in this order, undefined members left out) several times faster. A record carrying any
 * other name is written by `canonicalJson` itself, so the text never depends on this list being
 * complete.
 */
const RECORD_KEYS = [
  'at', 'birthDate', 'channel', 'consent', 'createdAt', 'employer', 'ethnicity', 'gender', 'id', 'idNumber', 'idType',
  'join', 'kind', 'name', 'noticeVersion', 'occupation', 'person', 'phone', 'sensitiveInfo', 'services', 'stallId', 'topic',
].sort();
const KNOWN = new Set(RECORD_KEYS);

/** Are all of `value`'s property names, at every level, in RECORD_KEYS? */
function onlyKnownKeys(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(onlyKnownKeys);
  for (const key in value) if (!KNOWN.has(key) || !onlyKnownKeys((value as Record<string, unknown>)[key])) return false;
  return true;
}

/** The canonical text of a record: `canonicalJson(record)`, by the native serializer where it can. */
export function recordJson(record: unknown): string {
  return onlyKnownKeys(record) ? JSON.stringify(record, RECORD_KEYS) : canonicalJson(record);
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
  return crypto.createHmac('sha256', fingerprintKey(personHashKey)).update(recordJson(record), 'utf8').digest('base64url');
}
