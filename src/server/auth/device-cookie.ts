/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): proof that this
 * browser has signed in as a username before, so failures from elsewhere do not lock it out
 * (throttle.ts). A successful sign-in sets one cookie per username:
 *
 *   name  `rd_` + 16 hex of a keyed pseudonym of the username (a shared stall phone keeps one per user)
 *   value `<issued, seconds, base 36>.<nonce>.<HMAC-SHA256(key, username, issued, nonce)>`
 *
 * It is verified with the server's key alone (every app server can), binds the username (a cookie for
 * `wang.li` is worth nothing for `admin`), and its nonce names its own failure counter, so one
 * cookie can be locked out individually. HttpOnly (page scripts never see it), SameSite=Strict,
 * Path=/api/auth, Secure over HTTPS. It is not a session: it opens nothing without the password.
 */
import crypto from 'node:crypto';
import { pseudonym } from '../audit';

/** How long a device cookie is good for. */
export const DEVICE_COOKIE_DAYS = 365;

const NAME_PREFIX = 'rd_';
const VALUE = /^([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** The cookie name for a (normalized) username. */
export function deviceCookieName(key: Buffer, username: string): string {
  return NAME_PREFIX + pseudonym(key, `device-cookie-name:${username}`).slice(0, 16);
}

function mac(key: Buffer, username: string, issued: string, nonce: string): string {
  return crypto.createHmac('sha256', key).update(`device:${username}\u0000${issued}\u0000${nonce}`).digest('base64url');
}

/** A fresh device cookie value for `username`. */
export function issueDeviceCookie(key: Buffer, username: string, now = new Date()): string {
  const issued = Math.floor(now.getTime() / 1000).toString(36);
  const nonce = crypto.randomBytes(16).toString('base64url');
  return `${issued}.${nonce}.${mac(key, username, issued, nonce)}`;
}

/** The nonce of `value` when it is a genuine, unexpired device cookie for `username`; undefined otherwise. */
export function verifyDeviceCookie(key: Buffer, username: string, value: string | undefined, now = new Date()): string | undefined {
  const m = VALUE.exec(value ?? '');
  if (!m) return undefined;
  const [, issued, nonce, given] = m as unknown as [string, string, string, string];
  const issuedMs = parseInt(issued, 36) * 1000;
  if (!(issuedMs <= now.getTime() + 60_000 && now.getTime() - issuedMs < DEVICE_COOKIE_DAYS * 86_400_000)) return undefined;
  const expected = Buffer.from(mac(key, username, issued, nonce));
  const actual = Buffer.from(given);
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected) ? nonce : undefined;
}

/** One cookie's value from a Cookie header, without decoding (device cookie values need none). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie header value for a device cookie. */
export function deviceCookieHeader(name: string, value: string, secure: boolean): string {
  const attrs = [`${name}=${value}`, `Max-Age=${DEVICE_COOKIE_DAYS * 86_400}`, 'Path=/api/auth', 'HttpOnly', 'SameSite=Strict'];
  if (secure) attrs.push('Secure');
  return attrs.join('; ');
}
