/**
 * Running accounts: an admin disables and re-enables a user, sets a temporary password that must be
 * changed at the next sign-in; every user changes their own password and ends one of their devices;
 * an admin sees and ends a user's devices. Each inside the admin's subtree only, each audited.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { FIXTURE_PASSWORD, addUser, seedTree, type FixtureUser } from '../support/fixtures';
import { client, rowCounts } from './helpers';

const PHONE_UA = 'Mozilla/5.0 (Linux; Android 13; V2203A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36';

describeEachEngine('accounts: disable, temporary password, own password, devices', (engine) => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let tree: Awaited<ReturnType<typeof seedTree>>;
  let admin: FixtureUser;
  let staff: FixtureUser;
  beforeEach(async () => {
    t = await startTestApp(engine);
    api = client(t);
    tree = await seedTree(t.storage);
    admin = await addUser(t.storage, tree.districts.chaoyang, 'admin');
    staff = await addUser(t.storage, tree.streets.jianwai, 'staff');
  });
  afterEach(async () => t.close());

  const signIn = (username: string, password: string, ua?: string) =>
    api.post('/api/auth/login', { username, password }, undefined, ua ? { 'User-Agent': ua } : {});
  const tokenOf = async (res: Response) => ((await res.json()) as { token: string }).token;
  const auditActions = async (action: string) =>
    (await t.storage.db.selectFrom('audit').select(['user_id', 'target']).where('action', '=', action).execute());

  it('disable ends every session at once, refuses sign-in and every request; enable lets them sign in again', async () => {
    const second = await tokenOf(await signIn(staff.username, FIXTURE_PASSWORD));
    expect((await api.get('/api/me', staff.token)).status).toBe(200);
    const res = await api.post(`/api/users/${staff.id}/disable`, undefined, admin.token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ disabled: true, revoked: 2 });
    // The open tab's token is refused at once, for a read and for a sync.
    expect((await api.get('/api/me', staff.token)).status).toBe(401);
    expect((await api.get('/api/me', second)).status).toBe(401);
    const sync = await api.post('/api/sync', { deviceId: 'd1', sentAt: new Date().toISOString(), records: [] }, staff.token);
    expect(sync.status).toBe(401);
    // The right password says "disabled"; a wrong one says no more than to anyone.
    const refused = await signIn(staff.username, FIXTURE_PASSWORD);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('account_disabled');
    expect((await signIn(staff.username, 'wrong-password')).status).toBe(401);
    const listed = ((await (await api.get('/api/users', admin.token)).json()) as { id: string; disabled: boolean }[]).find((u) => u.id === staff.id);
    expect(listed?.disabled).toBe(true);

    expect(await (await api.post(`/api/users/${staff.id}/enable`, undefined, admin.token)).json()).toEqual({ disabled: false, revoked: 0 });
    expect((await signIn(staff.username, FIXTURE_PASSWORD)).status).toBe(200);
    expect(await auditActions('user.disable')).toEqual([{ user_id: admin.id, target: `user:${staff.id}` }]);
    expect(await auditActions('user.enable')).toEqual([{ user_id: admin.id, target: `user:${staff.id}` }]);
    expect((await auditActions('auth.login_disabled')).map((a) => a.target)).toEqual([`user:${staff.id}`]);
  });

  it('a disabled account whose session row was somehow left live is still refused', async () => {
    // Disabling revokes sessions in the same transaction; the token check refuses a disabled account regardless.
    await t.storage.db.updateTable('users').set({ disabled_at: new Date().toISOString() }).where('id', '=', staff.id).execute();
    expect((await api.get('/api/me', staff.token)).status).toBe(401);
  });

  it('an admin of another district cannot disable, enable, reset or see the devices of your user', async () => {
    const other = await addUser(t.storage, tree.districts.haidian, 'admin');
    const before = await rowCounts(t, ['users', 'sessions', 'audit']);
    for (const [path, body] of [
      [`/api/users/${staff.id}/disable`, undefined],
      [`/api/users/${staff.id}/enable`, undefined],
      [`/api/users/${staff.id}/password`, { password: 'temporary-1' }],
    ] as const) {
      const res = await api.post(path, body, other.token);
      expect(res.status, path).toBe(403);
    }
    expect((await api.get(`/api/users/${staff.id}/devices`, other.token)).status).toBe(403);
    const [device] = (await (await api.get('/api/me/devices', staff.token)).json()) as { id: string }[];
    expect((await api.post(`/api/users/${staff.id}/devices/${device!.id}/revoke`, undefined, other.token)).status).toBe(403);
    // Nor the city's admin, above them.
    const cityAdmin = await addUser(t.storage, tree.city, 'admin');
    expect((await api.post(`/api/users/${cityAdmin.id}/disable`, undefined, admin.token)).status).toBe(403);
    // Staff and supervisors are not admins at all.
    const supervisor = await addUser(t.storage, tree.districts.chaoyang, 'supervisor');
    expect((await api.post(`/api/users/${staff.id}/disable`, undefined, supervisor.token)).status).toBe(403);
    expect(await rowCounts(t, ['users', 'sessions', 'audit'])).toEqual({ ...before, users: before.users! + 2, sessions: before.sessions! + 2 });
    expect((await api.get('/api/me', staff.token)).status).toBe(200);
  });

  it('an admin cannot disable or reset themselves; unknown users are 404, malformed ids 400', async () => {
    for (const action of ['disable', 'password']) {
      const res = await api.post(`/api/users/${admin.id}/${action}`, action === 'password' ? { password: 'temporary-1' } : undefined, admin.token);
      expect(res.status, action).toBe(400);
      expect((await res.json()).error.code).toBe('not_self');
    }
    expect((await api.post(`/api/users/${crypto.randomUUID()}/disable`, undefined, admin.token)).status).toBe(404);
    expect((await api.post('/api/users/nope/enable', undefined, admin.token)).status).toBe(400);
    expect((await api.get('/api/users/nope/devices', admin.token)).status).toBe(400);
    expect((await api.post(`/api/users/${staff.id}/devices/nope/revoke`, undefined, admin.token)).status).toBe(400);
  });

  it('a temporary password ends every session; the sign-in with it may only change it, then all is open again', async () => {
    const weak = await api.post(`/api/users/${staff.id}/password`, { password: 'short' }, admin.token);
    expect(weak.status).toBe(400);
    expect((await weak.json()).error.message).toContain('8');
    const res = await api.post(`/api/users/${staff.id}/password`, { password: 'temporary-1' }, admin.token);
    expect(await res.json()).toEqual({ revoked: 1 });
    expect((await api.get('/api/me', staff.token)).status).toBe(401);
    expect((await signIn(staff.username, FIXTURE_PASSWORD)).status).toBe(401);
    expect(((await (await api.get('/api/users', admin.token)).json()) as { id: string; mustChangePassword: boolean }[]).find((u) => u.id === staff.id)?.mustChangePassword).toBe(true);

    const login = await signIn(staff.username, 'temporary-1');
    expect(login.status).toBe(200);
    const answer = (await login.json()) as { token: string; mustChangePassword?: boolean };
    expect(answer.mustChangePassword).toBe(true);
    const token = answer.token;
    // Every other route: 403 with the reason, in the caller's language.
    for (const call of [
      () => api.get('/api/me', token, { 'Accept-Language': 'en' }),
      () => api.get('/api/me/devices', token, { 'Accept-Language': 'en' }),
      () => api.get('/api/stalls', token, { 'Accept-Language': 'en' }),
      () => api.post('/api/sync', { deviceId: 'd1', sentAt: new Date().toISOString(), records: [] }, token, { 'Accept-Language': 'en' }),
    ]) {
      const refused = await call();
      expect(refused.status).toBe(403);
      expect((await refused.json()).error).toEqual({ code: 'password_change_required', message: expect.stringMatching(/temporary password/) });
    }
    // The new password follows the shared rule and differs from the temporary one.
    const same = await api.post('/api/me/password', { currentPassword: 'temporary-1', newPassword: 'temporary-1' }, token);
    expect(same.status).toBe(400);
    expect((await same.json()).error.message).toContain('newPassword');
    const changed = await api.post('/api/me/password', { currentPassword: 'temporary-1', newPassword: 'my-own-password' }, token);
    expect(changed.status).toBe(200);
    expect((await api.get('/api/me', token)).status).toBe(200);
    expect((await signIn(staff.username, 'temporary-1')).status).toBe(401);
    const again = await signIn(staff.username, 'my-own-password');
    expect((await again.json()).mustChangePassword).toBeUndefined();
    expect(await auditActions('user.password_reset')).toEqual([{ user_id: admin.id, target: `user:${staff.id}` }]);
    expect(await auditActions('user.password_change')).toEqual([{ user_id: staff.id, target: `user:${staff.id}` }]);
  });

  it('own password change: current password required, wrong one refused (and counted), other sessions ended', async () => {
    const other = await tokenOf(await signIn(staff.username, FIXTURE_PASSWORD));
    const before = await rowCounts(t, ['users', 'sessions']);
    const wrong = await api.post('/api/me/password', { currentPassword: 'not-it-at-all', newPassword: 'brand-new-pass' }, staff.token);
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error.code).toBe('wrong_password');
    const missing = await api.post('/api/me/password', { newPassword: 'brand-new-pass' }, staff.token);
    expect(missing.status).toBe(400);
    const short = await api.post('/api/me/password', { currentPassword: FIXTURE_PASSWORD, newPassword: 'short' }, staff.token);
    expect(short.status).toBe(400);
    expect(await rowCounts(t, ['users', 'sessions'])).toEqual(before);
    expect((await signIn(staff.username, FIXTURE_PASSWORD)).status).toBe(200);

    const ok = await api.post('/api/me/password', { currentPassword: FIXTURE_PASSWORD, newPassword: 'brand-new-pass' }, staff.token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ revoked: 2 });
    expect((await api.get('/api/me', staff.token)).status).toBe(200);
    expect((await api.get('/api/me', other)).status).toBe(401);
    expect((await signIn(staff.username, 'brand-new-pass')).status).toBe(200);
    expect((await api.post('/api/me/password', { currentPassword: 'x', newPassword: 'brand-new-pass-2' })).status).toBe(401);
  });

  it('five wrong current passwords in a row stop further tries for a while, even with the right one', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await api.post('/api/me/password', { currentPassword: `guess-${i}-xx`, newPassword: 'brand-new-pass' }, staff.token)).status).toBe(400);
    }
    const stopped = await api.post('/api/me/password', { currentPassword: FIXTURE_PASSWORD, newPassword: 'brand-new-pass' }, staff.token);
    expect(stopped.status).toBe(429);
    expect(stopped.headers.get('retry-after')).toBeTruthy();
    expect((await signIn(staff.username, FIXTURE_PASSWORD)).status).toBe(200);
  });

  it('devices: a user sees theirs (this one marked, browser summarised), ends one, and only that one ends', async () => {
    const phone = await tokenOf(await signIn(staff.username, FIXTURE_PASSWORD, PHONE_UA));
    const tablet = await tokenOf(await signIn(staff.username, FIXTURE_PASSWORD));
    const list = (await (await api.get('/api/me/devices', phone)).json()) as { id: string; current: boolean; userAgent: string | null; lastSeenAt: string | null; createdAt: string }[];
    expect(list).toHaveLength(3);
    const mine = list.filter((d) => d.current);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.userAgent).toBe('Chrome 120 · Android');
    expect(mine[0]!.lastSeenAt).not.toBeNull();
    expect(JSON.stringify(list)).not.toMatch(/token|hash/i);

    const tabletId = ((await (await api.get('/api/me/devices', tablet)).json()) as { id: string; current: boolean }[]).find((d) => d.current)!.id;
    expect((await api.post(`/api/me/devices/${tabletId}/revoke`, undefined, phone)).status).toBe(200);
    expect((await api.get('/api/me', tablet)).status).toBe(401);
    expect((await api.get('/api/me', phone)).status).toBe(200);
    expect((await api.get('/api/me', staff.token)).status).toBe(200);
    // Ended already, or someone else's: 404, and nothing of theirs ends.
    expect((await api.post(`/api/me/devices/${tabletId}/revoke`, undefined, phone)).status).toBe(404);
    const adminDevice = ((await (await api.get('/api/me/devices', admin.token)).json()) as { id: string }[])[0]!.id;
    expect((await api.post(`/api/me/devices/${adminDevice}/revoke`, undefined, phone)).status).toBe(404);
    expect((await api.get('/api/me', admin.token)).status).toBe(200);
    expect((await auditActions('user.device_revoke')).map((a) => a.target)).toEqual([`user:${staff.id}/session:${tabletId}`]);
  });

  it('devices: an admin lists a user’s devices and ends one; the others stay signed in', async () => {
    const phone = await tokenOf(await signIn(staff.username, FIXTURE_PASSWORD, PHONE_UA));
    const list = (await (await api.get(`/api/users/${staff.id}/devices`, admin.token)).json()) as { id: string; userAgent: string | null; current: boolean }[];
    expect(list).toHaveLength(2);
    expect(list.every((d) => !d.current)).toBe(true);
    const lost = list.find((d) => d.userAgent === 'Chrome 120 · Android')!;
    expect((await api.post(`/api/users/${staff.id}/devices/${lost.id}/revoke`, undefined, admin.token)).status).toBe(200);
    expect((await api.get('/api/me', phone)).status).toBe(401);
    expect((await api.get('/api/me', staff.token)).status).toBe(200);
    // A session id of another user under this user's path is unknown here.
    const adminDevice = ((await (await api.get('/api/me/devices', admin.token)).json()) as { id: string }[])[0]!.id;
    expect((await api.post(`/api/users/${staff.id}/devices/${adminDevice}/revoke`, undefined, admin.token)).status).toBe(404);
    expect((await auditActions('user.device_revoke'))).toEqual([{ user_id: admin.id, target: `user:${staff.id}/session:${lost.id}` }]);
  });
});
