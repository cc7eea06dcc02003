/**
 * Lock-out that spares the real user: a guessing flood against `admin` from many addresses locks out
 * unknown devices, never the admin's own, known device (a device cookie from an earlier sign-in). The
 * device cookie itself is locked only by its own failures. Growing lock windows, checked against the
 * schedule in throttle.ts.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEVICE_COOKIE_DAYS, deviceCookieName, issueDeviceCookie, verifyDeviceCookie } from '../../../src/server/auth/device-cookie';
import { DEVICE_LIMIT, FAILURE_MEMORY_MS, FIRST_LOCK_MS, MAX_LOCK_MS, USERNAME_LIMIT, beginAttempt, lockMs } from '../../../src/server/auth/throttle';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { FIXTURE_PASSWORD, addUser, seedTree } from '../support/fixtures';
import { rowCounts } from './helpers';

const ADMIN_PASSWORD = 'admin-password-for-tests';
const ATTACKS = 200;
const ADDRESSES = 50;

/** A sign-in through one trusted proxy, from `address`, with a Cookie header when given. */
export function signIn(app: TestApp['app'], username: string, password: string, address: string, cookie?: string) {
  return app.request(
    '/api/auth/login',
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address, ...(cookie ? { Cookie: cookie } : {}) },
      body: JSON.stringify({ username, password }),
    },
    { incoming: { socket: { remoteAddress: '10.0.0.1' } } },
  );
}

/** The `name=value` part of a response's Set-Cookie (what a browser would send back). */
export function cookieOf(res: Response): string {
  const set = res.headers.get('set-cookie');
  if (!set) throw new Error(`no Set-Cookie on a ${res.status}`);
  return set.split(';')[0]!;
}

describeEachEngine('lock-out that spares the real user', (engine) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(engine, { trustProxyHops: 1 });
  });
  afterEach(async () => t.close());

  it(`${ATTACKS} wrong passwords for admin from ${ADDRESSES} addresses: the known device signs in at once, an unknown one gets 429`, async () => {
    // The admin signed in on this device before, and kept its device cookie.
    const first = await signIn(t.app, 'admin', ADMIN_PASSWORD, '192.0.2.10');
    expect(first.status).toBe(200);
    const known = cookieOf(first);
    expect(first.headers.get('set-cookie')).toMatch(/; Path=\/api\/auth; HttpOnly; SameSite=Strict(; Secure)?$/);

    const statuses: number[] = [];
    for (let i = 0; i < ATTACKS; i++) {
      const res = await signIn(t.app, 'admin', `guess-${i}-password`, `198.51.100.${i % ADDRESSES}`);
      statuses.push(res.status);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    // The first USERNAME_LIMIT guesses are checked (401); every later one is refused unchecked.
    expect(statuses.slice(0, USERNAME_LIMIT)).toEqual(Array(USERNAME_LIMIT).fill(401));
    expect(statuses.slice(USERNAME_LIMIT)).toEqual(Array(ATTACKS - USERNAME_LIMIT).fill(429));

    // The known device gets in at once, even from one of the attacking addresses.
    const mine = await signIn(t.app, 'admin', ADMIN_PASSWORD, '198.51.100.7', known);
    expect(mine.status).toBe(200);
    expect(((await mine.json()) as { user: { username: string } }).user.username).toBe('admin');
    const renewed = cookieOf(mine);
    expect(renewed).not.toBe(known);

    // An unknown device, with the right password, is still slowed: no cookie, a forged one, or the
    // cookie of another user on this browser.
    const { city } = await seedTree(t.storage);
    const staff = await addUser(t.storage, city, 'staff');
    const staffCookie = cookieOf(await signIn(t.app, staff.username, FIXTURE_PASSWORD, '192.0.2.11'));
    const [name, value] = known.split('=') as [string, string];
    const forged = `${name}=${value.slice(0, -3)}${value.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const renamed = `${name}=${staffCookie.split('=')[1]}`;
    for (const cookie of [undefined, forged, renamed]) {
      const res = await signIn(t.app, 'admin', ADMIN_PASSWORD, '203.0.113.9', cookie);
      expect(res.status, String(cookie)).toBe(429);
      expect((await res.json()).error.code).toBe('too_many_attempts');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // …and the renewed cookie works as the old one did.
    expect((await signIn(t.app, 'admin', ADMIN_PASSWORD, '203.0.113.9', renewed)).status).toBe(200);

    // Audited as ever: each checked failure, the lock once, each sign-in.
    const actions = await t.storage.db.selectFrom('audit').select(['action', 'target']).where('action', 'like', 'auth.%').execute();
    const count = (a: string) => actions.filter((r) => r.action === a).length;
    expect(count('auth.login_failed')).toBe(USERNAME_LIMIT);
    expect(count('auth.login_throttled')).toBe(1);
    expect(count('auth.login')).toBe(4);
  });

  it('locks a device cookie by its own failures only, then judges it as an unknown device', async () => {
    const known = cookieOf(await signIn(t.app, 'admin', ADMIN_PASSWORD, '192.0.2.10'));
    // The device's failures do not touch the username's counter…
    for (let i = 0; i < DEVICE_LIMIT; i++) expect((await signIn(t.app, 'admin', 'wrong-password', '192.0.2.10', known)).status).toBe(401);
    const locks = await t.storage.db.selectFrom('audit').select('target').where('action', '=', 'auth.login_throttled').execute();
    expect(locks).toEqual([{ target: expect.stringMatching(/^device:[0-9a-f]{32}$/) }]);
    // …so a locked cookie still signs in as an unknown device would, while the username is not locked,
    const again = await signIn(t.app, 'admin', ADMIN_PASSWORD, '192.0.2.10', known);
    expect(again.status).toBe(200);
    const fresh = cookieOf(again);
    // and once it is, a locked cookie is refused with everyone else, while a fresh one is not.
    for (let i = 0; i < USERNAME_LIMIT; i++) await signIn(t.app, 'admin', 'wrong-password', '198.51.100.1');
    for (let i = 0; i < DEVICE_LIMIT; i++) expect((await signIn(t.app, 'admin', 'wrong-password', '192.0.2.10', fresh)).status).toBe(401);
    expect((await signIn(t.app, 'admin', ADMIN_PASSWORD, '192.0.2.10', fresh)).status).toBe(429);
  });

  it('refuses with a lock that grows with each further failure, and forgets failures after a day', async () => {
    const who = { username: 'someone' };
    const t0 = Date.parse('2030-01-01T00:00:00Z');
    const at = (ms: number) => new Date(t0 + ms);
    const begin = (ms: number) => beginAttempt(t.storage.db, t.keys.pseudonym, who, at(ms));
    for (let i = 0; i < USERNAME_LIMIT; i++) expect((await begin(i * 1000)).ok).toBe(true);
    let last = (USERNAME_LIMIT - 1) * 1000;
    const before = await rowCounts(t);
    // Each lock runs from the last failure: 1 minute, then 2, 4, … up to the cap.
    for (let extra = 0; extra < 8; extra++) {
      const lock = lockMs(USERNAME_LIMIT + extra, USERNAME_LIMIT);
      expect(lock).toBe(Math.min(FIRST_LOCK_MS * 2 ** extra, MAX_LOCK_MS));
      expect(await begin(last + 1000)).toEqual({ ok: false, retryAfter: lock / 1000 - 1 });
      expect(await begin(last + lock - 1)).toEqual({ ok: false, retryAfter: 1 });
      last += lock;
      expect((await begin(last)).ok).toBe(true);
    }
    // A refusal is a read: only the attempts let through were written.
    expect((await rowCounts(t)).login_attempts).toBe(before.login_attempts! + 8);
    expect(lockMs(USERNAME_LIMIT + 30, USERNAME_LIMIT)).toBe(MAX_LOCK_MS);
    // A day after the last failure, nothing is remembered.
    expect((await begin(last + 1000)).ok).toBe(false);
    expect((await begin(last + FAILURE_MEMORY_MS)).ok).toBe(true);
    expect((await rowCounts(t)).login_attempts).toBe(1);
  });

  it('verifies a device cookie only for its own username, unaltered and unexpired', () => {
    const key = t.keys.deviceCookie;
    const now = new Date('2030-01-01T00:00:00Z');
    const value = issueDeviceCookie(key, 'admin', now);
    expect(value).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(verifyDeviceCookie(key, 'admin', value, now)).toBe(value.split('.')[1]);
    expect(verifyDeviceCookie(key, 'wang.li', value, now)).toBeUndefined();
    expect(verifyDeviceCookie(t.keys.pseudonym, 'admin', value, now)).toBeUndefined();
    const [issued, nonce, mac] = value.split('.') as [string, string, string];
    expect(verifyDeviceCookie(key, 'admin', `${(parseInt(issued, 36) + 1).toString(36)}.${nonce}.${mac}`, now)).toBeUndefined();
    expect(verifyDeviceCookie(key, 'admin', value, new Date(now.getTime() + (DEVICE_COOKIE_DAYS - 1) * 86_400_000))).toBeDefined();
    expect(verifyDeviceCookie(key, 'admin', value, new Date(now.getTime() + DEVICE_COOKIE_DAYS * 86_400_000))).toBeUndefined();
    for (const bad of [undefined, '', 'x', `${value}x`, value.replace('.', '%2E'), '\u0000', 'a'.repeat(10_000)]) {
      expect(verifyDeviceCookie(key, 'admin', bad, now)).toBeUndefined();
    }
    // One cookie name per username, so a shared phone keeps one per user; the name gives no username away.
    expect(deviceCookieName(key, 'admin')).not.toBe(deviceCookieName(key, 'wang.li'));
    expect(deviceCookieName(key, 'admin')).toMatch(/^rd_[0-9a-f]{16}$/);
  });

  it('answers a hostile Cookie header like no cookie at all, never 5xx', async () => {
    const name = deviceCookieName(t.keys.deviceCookie, 'admin');
    for (const cookie of [`${name}=`, `${name}=%ZZ`, `${name}=\u00ff`, `=; ;;${name}`, `${name}=${'a'.repeat(8000)}`, '__proto__=1']) {
      const res = await signIn(t.app, 'admin', ADMIN_PASSWORD, '192.0.2.12', cookie);
      expect(res.status, cookie.slice(0, 40)).toBe(200);
    }
  });
});
