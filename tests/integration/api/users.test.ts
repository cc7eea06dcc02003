import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { addUser, seedTree } from '../support/fixtures';
import { client, login, rowCounts } from './helpers';

describeEachEngine('users: GET/POST /api/users and revoke', (engine) => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let tree: Awaited<ReturnType<typeof seedTree>>;
  let admin: string;
  beforeEach(async () => {
    t = await startTestApp(engine);
    api = client(t);
    tree = await seedTree(t.storage);
    admin = await login(t, 'admin', 'admin-password-for-tests');
  });
  afterEach(async () => t.close());

  it('creates a user who can then sign in; the answer has no password or hash', async () => {
    const res = await api.post('/api/users', { username: 'Li.Na', password: 'stall-phone-1', role: 'staff', orgId: tree.streets.jianwai.id }, admin);
    expect(res.status).toBe(201);
    const user = await res.json();
    expect(user).toEqual({ id: expect.any(String), username: 'li.na', role: 'staff', orgId: tree.streets.jianwai.id });
    const token = await login(t, 'li.na', 'stall-phone-1');
    const me = await (await api.get('/api/me', token)).json();
    expect(me.user).toEqual(user);
    expect(me.org).toMatchObject({ id: tree.streets.jianwai.id, level: 'street' });
    const stored = await t.storage.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^scrypt\$/);
    expect(stored.password_hash).not.toContain('stall-phone-1');
  });

  it('refuses short passwords, bad usernames and roles, taken usernames, unknown orgs — and writes nothing', async () => {
    const before = await rowCounts(t);
    const cases: [unknown, number, string][] = [
      [{ username: 'wang', password: 'short', role: 'staff', orgId: tree.city.id }, 400, 'invalid_input'],
      [{ username: 'wang', password: 'x'.repeat(257), role: 'staff', orgId: tree.city.id }, 400, 'invalid_input'],
      [{ username: 'w', password: 'long-enough', role: 'staff', orgId: tree.city.id }, 400, 'invalid_input'],
      [{ username: 'wang li', password: 'long-enough', role: 'staff', orgId: tree.city.id }, 400, 'invalid_input'],
      [{ username: 'wang', password: 'long-enough', role: 'root', orgId: tree.city.id }, 400, 'invalid_input'],
      [{ username: 'wang', password: 'long-enough', role: 'staff', orgId: 'not-a-uuid' }, 400, 'invalid_input'],
      [{ username: 'wang', password: 'long-enough', role: 'staff', orgId: crypto.randomUUID() }, 404, 'unknown_org'],
      [{ username: 'ADMIN', password: 'long-enough', role: 'staff', orgId: tree.city.id }, 409, 'username_taken'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api.post('/api/users', body, admin);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    }
    expect(await rowCounts(t)).toEqual(before);
  });

  it('lets a district admin manage users of their district only', async () => {
    const districtAdmin = await addUser(t.storage, tree.districts.chaoyang, 'admin');
    const inside = await addUser(t.storage, tree.streets.sanlitun, 'staff');
    const outside = await addUser(t.storage, tree.streets.zhongguancun, 'staff');
    const make = (orgId: string) =>
      api.post('/api/users', { username: `u-${orgId.slice(0, 8)}`, password: 'long-enough', role: 'staff', orgId }, districtAdmin.token);
    expect((await make(tree.streets.jianwai.id)).status).toBe(201);
    expect((await make(tree.streets.haidianStreet.id)).status).toBe(403);
    expect((await make(tree.city.id)).status).toBe(403);
    expect((await api.post(`/api/users/${inside.id}/revoke`, undefined, districtAdmin.token)).status).toBe(200);
    expect((await api.post(`/api/users/${outside.id}/revoke`, undefined, districtAdmin.token)).status).toBe(403);
    expect((await api.get('/api/me', outside.token)).status).toBe(200);
    const listed = ((await (await api.get('/api/users', districtAdmin.token)).json()) as { id: string }[]).map((u) => u.id);
    expect(listed).toContain(inside.id);
    expect(listed).not.toContain(outside.id);
  });

  it('revoke answers 404 for an unknown user and 400 for a malformed id', async () => {
    expect((await api.post(`/api/users/${crypto.randomUUID()}/revoke`, undefined, admin)).status).toBe(404);
    expect((await api.post('/api/users/not-an-id/revoke', undefined, admin)).status).toBe(400);
  });

  it('GET /api/users lists users with their org and creation time, never a hash', async () => {
    const res = await api.get('/api/users', admin);
    expect(res.status).toBe(200);
    const users = await res.json();
    expect(users).toHaveLength(1);
    expect(users[0]).toEqual({ id: expect.any(String), username: 'admin', role: 'admin', orgId: tree.city.id, createdAt: expect.any(String), disabled: false, mustChangePassword: false });
  });
});
