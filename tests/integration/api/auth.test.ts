import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSession } from '../../../src/server/auth/sessions';
import { ADDRESS_LIMIT, FAILURE_MEMORY_MS, FIRST_LOCK_MS, USERNAME_LIMIT, beginAttempt } from '../../../src/server/auth/throttle';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { FIXTURE_PASSWORD, addUser, seedTree } from '../support/fixtures';
import { client, daysFromNow, rowCounts } from './helpers';

describeEachEngine('sign-in, sessions and throttling', (engine) => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  beforeEach(async () => {
    t = await startTestApp(engine);
    api = client(t);
  });
  afterEach(async () => t.close());

  /** A login from a given client address (in-process requests have no socket; this gives them one). */
  const loginFrom = (address: string | undefined, username: string, password: string, headers: Record<string, string> = {}) =>
    t.app.request(
      '/api/auth/login',
      { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) },
      address ? { incoming: { socket: { remoteAddress: address } } } : undefined,
    );

  it('signs in the first-start admin and answers { token, user }; the token works', async () => {
    const res = await api.post('/api/auth/login', { username: 'ADMIN ', password: 'admin-password-for-tests' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.user).toMatchObject({ username: 'admin', role: 'admin' });
    expect(Object.keys(body.user).sort()).toEqual(['id', 'orgId', 'role', 'username']);
    const me = await api.get('/api/me', body.token);
    expect(me.status).toBe(200);
    expect((await me.json()).org).toMatchObject({ code: 'root', level: 'city', parentId: null, name: '总工会' });
    // Only the token's hash is stored.
    const sessions = await t.storage.db.selectFrom('sessions').select('token_hash').execute();
    expect(sessions.map((s) => s.token_hash)).not.toContain(body.token);
  });

  it('answers a wrong password and an unknown user with the same 401', async () => {
    const { city } = await seedTree(t.storage);
    const staff = await addUser(t.storage, city, 'staff');
    const wrong = await api.post('/api/auth/login', { username: staff.username, password: 'not-the-password' });
    const unknown = await api.post('/api/auth/login', { username: 'nobody-here', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    expect(wrong.headers.get('retry-after')).toBeNull();
  });

  it('refuses a username no account can have (NUL, lone surrogate, bidi override) with 400 and writes nothing', async () => {
    const before = await rowCounts(t);
    for (const username of ['\u0000admin', 'admin\u0000', '\uD800admin', '\u202Eadmin', 'ad\u0007min']) {
      const res = await api.post('/api/auth/login', { username, password: ' ' });
      expect(res.status, JSON.stringify(username)).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_input');
    }
    expect(await rowCounts(t)).toEqual(before);
  });

  it('refuses a non-JSON or malformed login with 415/400 and writes nothing', async () => {
    const before = await rowCounts(t);
    const form = await t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'username=admin&password=admin-password-for-tests',
    });
    expect(form.status).toBe(415);
    expect((await form.json()).error.code).toBe('unsupported_media_type');
    const bad = await api.post('/api/auth/login', { username: 42, password: ['x'] });
    expect(bad.status).toBe(400);
    expect(await rowCounts(t)).toEqual(before);
  });

  it(`throttles a username after ${USERNAME_LIMIT} failures with 429 and Retry-After, even with the right password`, async () => {
    const { city } = await seedTree(t.storage);
    const staff = await addUser(t.storage, city, 'staff');
    const other = await addUser(t.storage, city, 'staff');
    for (let i = 0; i < USERNAME_LIMIT; i++) {
      expect((await api.post('/api/auth/login', { username: staff.username, password: `wrong-${i}` })).status).toBe(401);
    }
    const refused = await api.post('/api/auth/login', { username: staff.username, password: FIXTURE_PASSWORD });
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.code).toBe('too_many_attempts');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(FIRST_LOCK_MS / 1000 - 30);
    expect(retryAfter).toBeLessThanOrEqual(FIRST_LOCK_MS / 1000);
    // Another account is not affected, and an unknown name is throttled the same way (no hint it is unknown).
    expect((await api.post('/api/auth/login', { username: other.username, password: FIXTURE_PASSWORD })).status).toBe(200);
    for (let i = 0; i < USERNAME_LIMIT; i++) await api.post('/api/auth/login', { username: 'ghost-user', password: 'x' });
    expect((await api.post('/api/auth/login', { username: 'ghost-user', password: 'x' })).status).toBe(429);
    const actions = await t.storage.db.selectFrom('audit').select('action').where('action', '=', 'auth.login_throttled').execute();
    expect(actions).toHaveLength(2);
  });

  it('lets the lock pass: once it has run out, one more try is allowed; after a day nothing is remembered', async () => {
    const who = { username: 'someone' };
    const start = new Date('2030-01-01T00:00:00Z');
    for (let i = 0; i < USERNAME_LIMIT; i++) {
      expect((await beginAttempt(t.storage.db, t.keys.pseudonym, who, new Date(start.getTime() + i * 1000))).ok).toBe(true);
    }
    const last = start.getTime() + (USERNAME_LIMIT - 1) * 1000;
    const before = await rowCounts(t);
    const blocked = await beginAttempt(t.storage.db, t.keys.pseudonym, who, new Date(last + 10_000));
    expect(blocked).toEqual({ ok: false, retryAfter: FIRST_LOCK_MS / 1000 - 10 });
    // A refusal is a read: a flood of them writes nothing.
    expect(await rowCounts(t)).toEqual(before);
    // Refused attempts do not count: once the lock has run out, one more try is allowed.
    expect((await beginAttempt(t.storage.db, t.keys.pseudonym, who, new Date(last + FIRST_LOCK_MS))).ok).toBe(true);
    expect((await beginAttempt(t.storage.db, t.keys.pseudonym, who, new Date(last + FIRST_LOCK_MS + FAILURE_MEMORY_MS))).ok).toBe(true);
  });

  it('forgives a username’s failures after a successful sign-in', async () => {
    const { city } = await seedTree(t.storage);
    const staff = await addUser(t.storage, city, 'staff');
    for (let i = 0; i < USERNAME_LIMIT - 1; i++) await api.post('/api/auth/login', { username: staff.username, password: 'wrong-pass' });
    expect((await api.post('/api/auth/login', { username: staff.username, password: FIXTURE_PASSWORD })).status).toBe(200);
    for (let i = 0; i < USERNAME_LIMIT - 1; i++) {
      expect((await api.post('/api/auth/login', { username: staff.username, password: 'wrong-pass' })).status).toBe(401);
    }
  });

  it('counts concurrent guesses against each other (no burst slips through)', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () => api.post('/api/auth/login', { username: 'admin', password: 'guess-guess' })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(USERNAME_LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(12 - USERNAME_LIMIT);
  });

  it(`throttles a client address after ${ADDRESS_LIMIT} failures across usernames, and only that address`, async () => {
    for (let i = 0; i < ADDRESS_LIMIT; i++) {
      expect((await loginFrom('203.0.113.7', `spray-${i}`, 'password1')).status).toBe(401);
    }
    const refused = await loginFrom('203.0.113.7', 'admin', 'admin-password-for-tests');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await loginFrom('198.51.100.20', 'admin', 'admin-password-for-tests')).status).toBe(200);
    // The address itself is not stored, only its pseudonym; the lock is audited once, as a pseudonym.
    const keys = await t.storage.db.selectFrom('login_attempts').select('key').execute();
    expect(JSON.stringify(keys)).not.toContain('203.0.113.7');
    const locks = await t.storage.db.selectFrom('audit').select('target').where('action', '=', 'auth.login_throttled').execute();
    expect(locks).toEqual([{ target: expect.stringMatching(/^address:[0-9a-f]{32}$/) }]);
  });

  it('ignores X-Forwarded-For unless proxies are configured, then takes the address the proxy saw', async () => {
    for (let i = 0; i < ADDRESS_LIMIT; i++) {
      await loginFrom('10.0.0.1', `spoof-${i}`, 'password1', { 'X-Forwarded-For': `192.0.2.${i}` });
    }
    expect((await loginFrom('10.0.0.1', 'x-user', 'password1', { 'X-Forwarded-For': '192.0.2.200' })).status).toBe(429);

    const proxied = await startTestApp(engine, { trustProxyHops: 1 });
    try {
      const via = (xff: string) =>
        proxied.app.request(
          '/api/auth/login',
          { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': xff }, body: JSON.stringify({ username: `u${Math.random()}`, password: 'password1' }) },
          { incoming: { socket: { remoteAddress: '10.0.0.1' } } },
        );
      // The client may prepend anything; the proxy appends the real address last.
      for (let i = 0; i < ADDRESS_LIMIT; i++) expect((await via(`1.1.1.${i}, 203.0.113.50`)).status).toBe(401);
      expect((await via('1.1.1.1, 203.0.113.50')).status).toBe(429);
      expect((await via('203.0.113.51')).status).toBe(401);
    } finally {
      await proxied.close();
    }
  });

  it('ends a session when it expires (30 days), not before', async () => {
    const { city } = await seedTree(t.storage);
    const staff = await addUser(t.storage, city, 'staff');
    const old = await createSession(t.storage.db, staff.id, daysFromNow(-31));
    const recent = await createSession(t.storage.db, staff.id, daysFromNow(-29));
    expect((await api.get('/api/me', old)).status).toBe(401);
    expect((await api.get('/api/me', recent)).status).toBe(200);
  });

  it('logout ends this session only', async () => {
    const a = await api.post('/api/auth/login', { username: 'admin', password: 'admin-password-for-tests' });
    const b = await api.post('/api/auth/login', { username: 'admin', password: 'admin-password-for-tests' });
    const [ta, tb] = [(await a.json()).token, (await b.json()).token];
    expect((await api.post('/api/auth/logout', undefined, ta)).status).toBe(200);
    expect((await api.get('/api/me', ta)).status).toBe(401);
    expect((await api.post('/api/auth/logout', undefined, ta)).status).toBe(401);
    expect((await api.get('/api/me', tb)).status).toBe(200);
  });

  it('revoke ends every session of a user at once; they can sign in again', async () => {
    const { city, districts } = await seedTree(t.storage);
    const admin = await addUser(t.storage, city, 'admin');
    const staff = await addUser(t.storage, districts.chaoyang, 'staff');
    const second = await createSession(t.storage.db, staff.id);
    const bystander = await addUser(t.storage, districts.chaoyang, 'staff');
    const res = await api.post(`/api/users/${staff.id}/revoke`, undefined, admin.token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ revoked: 2 });
    expect((await api.get('/api/me', staff.token)).status).toBe(401);
    expect((await api.get('/api/me', second)).status).toBe(401);
    expect((await api.get('/api/me', bystander.token)).status).toBe(200);
    expect((await api.post('/api/auth/login', { username: staff.username, password: FIXTURE_PASSWORD })).status).toBe(200);
  });

  it('refuses malformed and unknown bearer tokens with 401', async () => {
    for (const header of ['Bearer', 'Bearer short', `Bearer ${'a'.repeat(43)}`, 'Basic YWRtaW46YWRtaW4=', `bearer ${'b'.repeat(43)}`]) {
      const res = await t.app.request('/api/me', { headers: { Authorization: header } });
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
    }
  });
});
