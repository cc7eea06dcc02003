/**
 * Join tokens: what a stall's QR code carries. A token names one stall and the instant its link stops
 * working, signed with HMAC-SHA-256 under the join-token key, so nobody can forge one for another stall
 * or extend one. It needs no table: the stall's date fixes the expiry, so the same stall always gets
 * the same token, and a restart (same secret) keeps every printed poster valid.
 *
 * Layout, 37 bytes as 50 base64url characters (short, for a QR code a cheap camera reads in sun):
 *   version (1) | stall id, a UUID's 16 bytes | expiry, Unix seconds, uint32 BE (4) | HMAC-SHA-256 of
 *   the first 21 bytes, truncated to 16 (128 bits is far beyond guessing).
 */
import crypto from 'node:crypto';
import { addDays, dayStart } from './time';

const VERSION = 1;
const MAC_BYTES = 16;
const TOKEN_BYTES = 1 + 16 + 4 + MAC_BYTES;
const TOKEN_CHARS = Math.ceil((TOKEN_BYTES * 4) / 3);
const TOKEN_SHAPE = new RegExp(`^[A-Za-z0-9_-]{${TOKEN_CHARS}}$`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What checking a token found: the stall and expiry, or why it is refused. */
export type JoinTokenCheck =
  | { ok: true; stallId: string; expiresAt: Date }
  | { ok: false; reason: 'invalid' | 'expired' };

/**
 * When a stall's link stops working: the end of the day `joinDays` after the stall's date, in the
 * configured time zone (a stall on 1 May with 7 days works through 8 May 23:59:59 local time).
 */
export function joinTokenExpiry(stallDate: string, joinDays: number, timeZone: string): Date {
  return dayStart(addDays(stallDate, joinDays + 1), timeZone);
}

function mac(key: Buffer, payload: Buffer): Buffer {
  return crypto.createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES);
}

/** Signs a token for a stall (its id must be a UUID) that works until `expiresAt`. */
export function signJoinToken(key: Buffer, stallId: string, expiresAt: Date): string {
  if (!UUID.test(stallId)) throw new Error('join tokens are for stalls with UUID ids');
  const seconds = Math.ceil(expiresAt.getTime() / 1000);
  if (!(seconds > 0 && seconds <= 0xffffffff)) throw new Error('join token expiry out of range');
  const payload = Buffer.alloc(TOKEN_BYTES - MAC_BYTES);
  payload.writeUInt8(VERSION, 0);
  Buffer.from(stallId.replaceAll('-', ''), 'hex').copy(payload, 1);
  payload.writeUInt32BE(seconds, 17);
  return Buffer.concat([payload, mac(key, payload)]).toString('base64url');
}

/**
 * Checks a token: `invalid` when it is malformed, forged or signed with another key (the join routes
 * answer 404: nothing to find), `expired` when genuine but past its time (410: it existed, it is over).
 * The signature is checked before the expiry, so a forged token never learns anything about time.
 */
export function verifyJoinToken(key: Buffer, token: string, now: Date = new Date()): JoinTokenCheck {
  if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: 'invalid' };
  const bytes = Buffer.from(token, 'base64url');
  // Base64url leaves spare bits in the last character: only the canonical spelling is the token.
  if (bytes.length !== TOKEN_BYTES || bytes.toString('base64url') !== token) return { ok: false, reason: 'invalid' };
  const payload = bytes.subarray(0, TOKEN_BYTES - MAC_BYTES);
  if (!crypto.timingSafeEqual(bytes.subarray(TOKEN_BYTES - MAC_BYTES), mac(key, payload))) {
    return { ok: false, reason: 'invalid' };
  }
  if (payload.readUInt8(0) !== VERSION) return { ok: false, reason: 'invalid' };
  const hex = payload.subarray(1, 17).toString('hex');
  const stallId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const expiresAt = new Date(payload.readUInt32BE(17) * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, stallId, expiresAt };
}

/** The join link printed as the stall's QR code: `<base>/join?t=<token>`. */
export function joinUrl(base: string, token: string): string {
  return `${base.replace(/\/+$/, '')}/join?t=${token}`;
}
