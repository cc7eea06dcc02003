import { afterEach, beforeEach, expect, it } from 'vitest';
import { audit } from '../../../src/server/audit';
import { USERNAME_LIMIT } from '../../../src/server/auth/throttle';
import { addDays, today } from '../../../src/server/time';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { addUser, seedTree } from '../support/fixtures';
import { client, login } from './helpers';

describeEachEngine('the audit log: GET /api/audit and what is written', (engine) => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  beforeEach(async () => {
    t = await startTestApp(engine);
    api = client(t);
  });
  afterEach(async () => t.close());

  type Entry = { at: string; userId: string | null; action: string; target: string | null };
  /** Every entry the query finds, walking all its pages. */
  const entries = async (token: string, query = '') => {
    const all: Entry[] = [];
    let next: string | null = null;
    do {
      const sep = query ? '&' : '?';
      const res = await api.get(`/api/audit${query}${next ? `${sep}cursor=${next}` : ''}`, token);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: Entry[]; next: string | null; hasMore: boolean };
      all.push(...page.items);
      next = page.next;
    } while (next);
    return all;
  };

  it('records every audited action with who, what, when and target — and no secret or personal data', async () => {
    const admin = await login(t, 'admin', 'admin-password-for-tests');
    const adminId = (await (await api.get('/api/me', admin)).json()).user.id as string;
    const rootId = (await (await api.get('/api/me', admin)).json()).org.id as string;

    // Sign-in failures: a known user with a wrong password, an unknown name that looks like a phone number.
    await api.post('/api/auth/login', { username: 'admin', password: 'wrong-password' });
    await api.post('/api/auth/login', { username: '13812345678', password: 'secret-guess-1' });
    await api.post('/api/auth/login', { username: 'who.is.this', password: 'secret-guess-2' });
    for (let i = 0; i <= USERNAME_LIMIT; i++) await api.post('/api/auth/login', { username: 'locked.out', password: 'x' });

    const district = await (await api.post('/api/orgs', { parentId: rootId, name: '东城区总工会', level: 'district', code: '110101' }, admin)).json();
    await api.csv('/api/orgs/import', 'code,name,level,parentCode\n110101-01,东华门街道总工会,street,110101\n', admin);
    const user = await (await api.post('/api/users', { username: 'zhang.san', password: 'pass-word-9', role: 'staff', orgId: district.id }, admin)).json();
    const staffToken = await login(t, 'zhang.san', 'pass-word-9');
    const stall = await (await api.post('/api/stalls', { name: '摊位', orgId: district.id, date: today('Asia/Shanghai') }, staffToken)).json();
    await api.post(`/api/users/${user.id}/revoke`, undefined, admin);
    const again = await login(t, 'zhang.san', 'pass-word-9');
    await api.post('/api/auth/logout', undefined, again);

    const log = await entries(admin);
    const has = (action: string, userId: string | null, target: string | RegExp) =>
      expect(log, `${action} ${String(target)}`).toContainEqual({
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        userId,
        action,
        target: typeof target === 'string' ? target : expect.stringMatching(target),
      });
    has('auth.login', adminId, `user:${adminId}`);
    has('auth.login_failed', adminId, `user:${adminId}`);
    has('auth.login_failed', null, /^username:[0-9a-f]{32}$/);
    has('auth.login_throttled', null, /^username:[0-9a-f]{32}$/);
    has('org.create', adminId, 'org:110101');
    has('org.import', adminId, 'orgs:created=1,skipped=0,errors=0');
    has('user.create', adminId, `user:${user.id}`);
    has('auth.login', user.id, `user:${user.id}`);
    has('stall.create', user.id, `stall:${stall.id}`);
    has('user.revoke', adminId, `user:${user.id}`);
    has('auth.logout', user.id, `user:${user.id}`);
    // Newest first.
    expect([...log].sort((a, b) => b.at.localeCompare(a.at))).toEqual(log);

    const everything = JSON.stringify(await t.storage.db.selectFrom('audit').selectAll().execute());
    for (const secret of ['13812345678', 'who.is.this', 'secret-guess', 'wrong-password', 'pass-word-9', admin, staffToken]) {
      expect(everything).not.toContain(secret);
    }
    // The same unknown name maps to the same pseudonym, so repeated attacks on it can be seen.
    const locked = log.filter((e) => e.action === 'auth.login_failed' && e.userId === null).map((e) => e.target);
    expect(new Set(locked).size).toBe(3);
  });

  it('never stores a phone or ID number even if a caller passes one as a target', async () => {
    await audit(t.storage.db, { userId: null, action: 'stats.export', target: 'export:13812345678:110105194912310021' });
    const row = await t.storage.db.selectFrom('audit').select('target').where('action', '=', 'stats.export').executeTakeFirstOrThrow();
    expect(row.target).toBe('export:[redacted]:[redacted]');
    // A UUID whose last group happens to be all digits is not a phone number.
    const id = '0b7f0483-2562-47be-9c3d-395130502480';
    await audit(t.storage.db, { userId: null, action: 'user.revoke', target: `user:${id}` });
    const kept = await t.storage.db.selectFrom('audit').select('target').where('action', '=', 'user.revoke').executeTakeFirstOrThrow();
    expect(kept.target).toBe(`user:${id}`);
  });

  it('filters by local days (from/to inclusive, Asia/Shanghai) and defaults to the last 7 days', async () => {
    const admin = await login(t, 'admin', 'admin-password-for-tests');
    const d = today('Asia/Shanghai');
    // 23:30 Beijing time on the day 10 days ago, and 00:30 on the day after it (16:30 UTC the same UTC day).
    const old = addDays(d, -10);
    await audit(t.storage.db, { userId: null, action: 'org.create', target: 'org:late', at: new Date(`${old}T23:30:00+08:00`) });
    await audit(t.storage.db, { userId: null, action: 'org.create', target: 'org:early', at: new Date(`${addDays(old, 1)}T00:30:00+08:00`) });
    const targets = async (q: string) => (await entries(admin, q)).filter((e) => e.action === 'org.create').map((e) => e.target);
    expect(await targets(`?from=${old}&to=${old}`)).toEqual(['org:late']);
    expect(await targets(`?from=${addDays(old, 1)}&to=${addDays(old, 1)}`)).toEqual(['org:early']);
    expect(await targets('')).toEqual([]);
    expect((await entries(admin)).some((e) => e.action === 'auth.login')).toBe(true);
    expect((await api.get('/api/audit?from=2025-13-01', admin)).status).toBe(400);
  });

  it('is for admins only; an admin below the root sees what their subtree’s users did', async () => {
    const tree = await seedTree(t.storage);
    const districtAdmin = await addUser(t.storage, tree.districts.chaoyang, 'admin');
    const supervisor = await addUser(t.storage, tree.city, 'supervisor');
    const inside = await addUser(t.storage, tree.streets.jianwai, 'staff');
    const outside = await addUser(t.storage, tree.streets.zhongguancun, 'staff');
    await audit(t.storage.db, { userId: inside.id, action: 'stall.create', target: 'stall:in' });
    await audit(t.storage.db, { userId: outside.id, action: 'stall.create', target: 'stall:out' });
    await audit(t.storage.db, { userId: null, action: 'auth.login_failed', target: 'username:x' });
    expect((await api.get('/api/audit', supervisor.token)).status).toBe(403);
    expect((await api.get('/api/audit', inside.token)).status).toBe(403);
    expect((await api.get('/api/audit')).status).toBe(401);
    const seen = (await entries(districtAdmin.token)).map((e) => e.target);
    expect(seen).toEqual(['stall:in']);
    const root = await login(t, 'admin', 'admin-password-for-tests');
    expect((await entries(root)).map((e) => e.target)).toEqual(expect.arrayContaining(['stall:in', 'stall:out', 'username:x']));
  });
});
