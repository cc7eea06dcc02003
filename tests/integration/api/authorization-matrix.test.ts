/**
 * The authorization matrix: every /api route × caller (anonymous, staff, supervisor, admin) × inside /
 * outside the caller's org subtree, with the status it must answer, run against the real app. The app's
 * registered routes are enumerated, so a route added without a row here fails this test, and a row for
 * a route that no longer exists fails it too.
 *
 * Callers: staff of a street (建外), a supervisor and an admin of its district (朝阳), so every role has
 * an outside (海淀). "in" targets an org, stall or user inside the caller's subtree; "out" one in 海淀.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/server/auth/passwords';
import { createSession } from '../../../src/server/auth/sessions';
import { hashToken } from '../../../src/server/auth/tokens';
import { joinTokenExpiry, signJoinToken } from '../../../src/server/join-tokens';
import { addDays, today } from '../../../src/server/time';
import { enrollment } from '../../support/records';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { FIXTURE_PASSWORD, addStall, addUser, seedTree, type FixtureOrg, type FixtureUser } from '../support/fixtures';

type Role = 'staff' | 'supervisor' | 'admin';
type Scope = 'in' | 'out';
/** A status for both scopes, or [inside, outside] for routes that act on something in a subtree. */
type Expect = number | [number, number];

// prettier-ignore
/** The table. One row per route: anonymous, then staff, supervisor, admin (each [in, out] where scope applies). */
const MATRIX: Record<string, [anonymous: number, staff: Expect, supervisor: Expect, admin: Expect]> = {
  'GET /api/health':                 [200, 200,        200,        200       ],
  'GET /api/health/live':            [200, 200,        200,        200       ],
  'GET /api/health/ready':           [200, 200,        200,        200       ],
  'POST /api/auth/login':            [200, 200,        200,        200       ],
  'POST /api/auth/logout':           [401, 200,        200,        200       ],
  'GET /api/me':                     [401, 200,        200,        200       ],
  'GET /api/orgs':                   [401, 200,        200,        200       ],
  'POST /api/orgs':                  [401, [403, 403], [403, 403], [201, 403]],
  'POST /api/orgs/import':           [401, [403, 403], [403, 403], [200, 200]], // out: 200 with the line refused (checked below)
  'GET /api/users':                  [401, 403,        403,        200       ],
  'POST /api/users':                 [401, [403, 403], [403, 403], [201, 403]],
  'POST /api/users/:id/revoke':      [401, [403, 403], [403, 403], [200, 403]],
  'POST /api/users/:id/disable':     [401, [403, 403], [403, 403], [200, 403]],
  'POST /api/users/:id/enable':      [401, [403, 403], [403, 403], [200, 403]],
  'POST /api/users/:id/password':    [401, [403, 403], [403, 403], [200, 403]],
  'GET /api/users/:id/devices':      [401, [403, 403], [403, 403], [200, 403]],
  'POST /api/users/:id/devices/:sessionId/revoke': [401, [403, 403], [403, 403], [200, 403]],
  'POST /api/me/password':           [401, 200,        200,        200       ],
  'GET /api/me/devices':             [401, 200,        200,        200       ],
  'POST /api/me/devices/:id/revoke': [401, 200,        200,        200       ],
  'GET /api/stalls':                 [401, 200,        200,        200       ],
  'POST /api/stalls':                [401, [201, 403], [201, 403], [201, 403]],
  'GET /api/stalls/:id/today':       [401, [200, 403], [200, 403], [200, 403]],
  'GET /api/audit':                  [401, 403,        403,        200       ],
  'POST /api/sync':                  [401, [200, 200], [200, 200], [403, 403]], // out: 200 with the record rejected as forbidden_stall
  'GET /api/stats':                  [401, 403,        200,        200       ],
  'GET /api/stats.csv':              [401, 403,        200,        200       ],
  'GET /api/stats.xlsx':             [401, 403,        200,        200       ],
  'GET /api/members.xlsx':           [401, 403,        403,        200       ],
  'GET /api/openapi.json':           [200, 200,        200,        200       ],
  'GET /api/join/:token':            [200, 200,        200,        200       ], // public: the join link is the key
  'POST /api/join/:token':           [200, 200,        200,        200       ],
};

interface World {
  t: TestApp;
  orgs: { inside: Record<Role, FixtureOrg>; outside: FixtureOrg; outsideDistrict: FixtureOrg; chaoyang: FixtureOrg };
  actors: Record<Role, FixtureUser>;
  stalls: { inside: string; outside: string };
  /** Ids that must never appear in an answer to a caller of 朝阳 or below. */
  outsideIds: string[];
}

interface Call {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  /** Extra checks on a 2xx answer. */
  verify?: (body: unknown) => void;
}

const unique = () => crypto.randomBytes(4).toString('hex');
const json = (v: unknown) => JSON.stringify(v);

/** The inside stall's join link token. */
const joinToken = (w: World) =>
  signJoinToken(w.t.keys.joinToken, w.stalls.inside, joinTokenExpiry(today('Asia/Shanghai'), w.t.config.joinDays, 'Asia/Shanghai'));

/** How to call each route as `role`, aimed inside or outside the caller's subtree. */
const CALLS: Record<string, (w: World, role: Role | 'anonymous', scope: Scope) => Promise<Call> | Call> = {
  'GET /api/health': () => ({ method: 'GET', path: '/api/health' }),
  'GET /api/health/live': () => ({ method: 'GET', path: '/api/health/live' }),
  'GET /api/health/ready': () => ({ method: 'GET', path: '/api/health/ready' }),
  'POST /api/auth/login': (w, role) => ({
    method: 'POST',
    path: '/api/auth/login',
    body: json({ username: w.actors[role === 'anonymous' ? 'staff' : role].username, password: FIXTURE_PASSWORD }),
  }),
  'POST /api/auth/logout': () => ({ method: 'POST', path: '/api/auth/logout' }),
  'GET /api/me': () => ({ method: 'GET', path: '/api/me' }),
  'GET /api/orgs': () => ({ method: 'GET', path: '/api/orgs' }),
  'POST /api/orgs': (w, _role, scope) => ({
    method: 'POST',
    path: '/api/orgs',
    body: json({ parentId: scope === 'in' ? w.orgs.chaoyang.id : w.orgs.outsideDistrict.id, name: '新街道', level: 'street', code: `m-${unique()}` }),
  }),
  'POST /api/orgs/import': (w, _role, scope) => ({
    method: 'POST',
    path: '/api/orgs/import',
    contentType: 'text/csv',
    body: `code,name,level,parentCode\nm-${unique()},新街道,street,${(scope === 'in' ? w.orgs.chaoyang : w.orgs.outsideDistrict).code}\n`,
    verify: (body) => expect(body).toMatchObject(scope === 'in' ? { created: 1, errors: [] } : { created: 0, errors: [{ line: 2 }] }),
  }),
  'GET /api/users': () => ({ method: 'GET', path: '/api/users' }),
  'POST /api/users': (w, _role, scope) => ({
    method: 'POST',
    path: '/api/users',
    body: json({ username: `m-${unique()}`, password: 'matrix-pass-1', role: 'staff', orgId: (scope === 'in' ? w.orgs.inside.staff : w.orgs.outside).id }),
  }),
  'POST /api/users/:id/revoke': async (w, _role, scope) => {
    const victim = await addUser(w.t.storage, scope === 'in' ? w.orgs.inside.staff : w.orgs.outside, 'staff');
    return { method: 'POST', path: `/api/users/${victim.id}/revoke` };
  },
  'POST /api/users/:id/disable': async (w, _role, scope) => {
    const victim = await addUser(w.t.storage, scope === 'in' ? w.orgs.inside.staff : w.orgs.outside, 'staff');
    return { method: 'POST', path: `/api/users/${victim.id}/disable` };
  },
  'POST /api/users/:id/enable': async (w, _role, scope) => {
    const victim = await addUser(w.t.storage, scope === 'in' ? w.orgs.inside.staff : w.orgs.outside, 'staff');
    return { method: 'POST', path: `/api/users/${victim.id}/enable` };
  },
  'POST /api/users/:id/password': async (w, _role, scope) => {
    const victim = await addUser(w.t.storage, scope === 'in' ? w.orgs.inside.staff : w.orgs.outside, 'staff');
    return { method: 'POST', path: `/api/users/${victim.id}/password`, body: json({ password: 'matrix-temp-1' }) };
  },
  'GET /api/users/:id/devices': async (w, _role, scope) => {
    const victim = await addUser(w.t.storage, scope === 'in' ? w.orgs.inside.staff : w.orgs.outside, 'staff');
    return { method: 'GET', path: `/api/users/${victim.id}/devices` };
  },
  'POST /api/users/:id/devices/:sessionId/revoke': async (w, _role, scope) => {
    const victim = await addUser(w.t.storage, scope === 'in' ? w.orgs.inside.staff : w.orgs.outside, 'staff');
    return { method: 'POST', path: `/api/users/${victim.id}/devices/${await sessionIdOf(w, victim.token)}/revoke` };
  },
  'POST /api/me/password': async (w, role) => {
    // The actor's password is set to another one first, and changed back by the call.
    const actor = w.actors[role === 'anonymous' ? 'staff' : role];
    await w.t.storage.db.updateTable('users').set({ password_hash: await hashPassword('matrix-old-pass') }).where('id', '=', actor.id).execute();
    return { method: 'POST', path: '/api/me/password', body: json({ currentPassword: 'matrix-old-pass', newPassword: FIXTURE_PASSWORD }) };
  },
  'GET /api/me/devices': () => ({ method: 'GET', path: '/api/me/devices' }),
  'POST /api/me/devices/:id/revoke': async (w, role) => {
    const other = await createSession(w.t.storage.db, w.actors[role === 'anonymous' ? 'staff' : role].id);
    return { method: 'POST', path: `/api/me/devices/${await sessionIdOf(w, other)}/revoke` };
  },
  'GET /api/stalls': () => ({ method: 'GET', path: `/api/stalls?from=${addDays(today('Asia/Shanghai'), -30)}` }),
  'POST /api/stalls': (w, role, scope) => ({
    method: 'POST',
    path: '/api/stalls',
    body: json({ name: '摊位', orgId: scope === 'in' ? w.orgs.inside[role === 'anonymous' ? 'staff' : role].id : w.orgs.outside.id, date: today('Asia/Shanghai') }),
  }),
  'GET /api/stalls/:id/today': (w, _role, scope) => ({ method: 'GET', path: `/api/stalls/${scope === 'in' ? w.stalls.inside : w.stalls.outside}/today` }),
  'GET /api/audit': () => ({ method: 'GET', path: '/api/audit' }),
  'POST /api/sync': (w, _role, scope) => ({
    method: 'POST',
    path: '/api/sync',
    body: json({
      deviceId: 'matrix-device',
      sentAt: new Date().toISOString(),
      records: [{
        kind: 'consultation', id: crypto.randomUUID(), stallId: scope === 'in' ? w.stalls.inside : w.stalls.outside,
        createdAt: new Date().toISOString(), topic: 'legal',
      }],
    }),
    verify: (body) => {
      const status = (body as { results: { status: string; reason?: { code: string } }[] }).results[0];
      if (scope === 'in') expect(status).toMatchObject({ status: 'accepted' });
      else expect(status).toMatchObject({ status: 'rejected', reason: { code: 'forbidden_stall' } });
    },
  }),
  'GET /api/join/:token': (w) => ({ method: 'GET', path: `/api/join/${joinToken(w)}` }),
  'POST /api/join/:token': (w) => {
    const e = enrollment({ stallId: w.stalls.inside, n: crypto.randomInt(1, 1_000_000) });
    return {
      method: 'POST',
      path: `/api/join/${joinToken(w)}`,
      body: json({ id: e.id, createdAt: e.createdAt, person: e.person, services: e.services, consent: e.consent }),
    };
  },
  'GET /api/stats': () => ({ method: 'GET', path: `/api/stats?from=${addDays(today('Asia/Shanghai'), -7)}&to=${today('Asia/Shanghai')}&group=stall` }),
  'GET /api/stats.csv': () => ({ method: 'GET', path: `/api/stats.csv?group=stall` }),
  'GET /api/stats.xlsx': () => ({ method: 'GET', path: `/api/stats.xlsx?group=stall` }),
  'GET /api/openapi.json': () => ({ method: 'GET', path: '/api/openapi.json' }),
  'GET /api/members.xlsx': () => ({ method: 'GET', path: `/api/members.xlsx?reason=${encodeURIComponent('登记入会')}` }),
};

/** The device id of a session. */
async function sessionIdOf(w: World, token: string): Promise<string> {
  const row = await w.t.storage.db.selectFrom('sessions').select('id').where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();
  return row.id!;
}

/** The app's /api routes as `METHOD /path`, middleware left out. */
function registeredRoutes(t: TestApp): string[] {
  const keys = t.app.routes
    .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/'))
    .map((r) => `${r.method} ${r.path}`);
  return [...new Set(keys)].sort();
}

describeEachEngine('authorization matrix', (engine) => {
  let w: World;
  beforeAll(async () => {
    const t = await startTestApp(engine);
    const tree = await seedTree(t.storage);
    const actors = {
      staff: await addUser(t.storage, tree.streets.jianwai, 'staff'),
      supervisor: await addUser(t.storage, tree.districts.chaoyang, 'supervisor'),
      admin: await addUser(t.storage, tree.districts.chaoyang, 'admin'),
    };
    const insideStall = await addStall(t.storage, tree.streets.jianwai, today('Asia/Shanghai'));
    const outsideStall = await addStall(t.storage, tree.streets.zhongguancun, today('Asia/Shanghai'));
    const outsider = await addUser(t.storage, tree.streets.zhongguancun, 'staff');
    w = {
      t,
      orgs: {
        inside: { staff: tree.streets.jianwai, supervisor: tree.districts.chaoyang, admin: tree.districts.chaoyang },
        outside: tree.streets.zhongguancun,
        outsideDistrict: tree.districts.haidian,
        chaoyang: tree.districts.chaoyang,
      },
      actors,
      stalls: { inside: insideStall.id, outside: outsideStall.id },
      outsideIds: [tree.districts.haidian.id, tree.streets.zhongguancun.id, tree.streets.haidianStreet.id, outsideStall.id, outsider.id],
    };
  });
  afterAll(async () => w?.t.close());

  it('has a row for every registered /api route, and no row for a route that does not exist', () => {
    const registered = registeredRoutes(w.t);
    expect(registered.filter((r) => !(r in MATRIX)), 'routes without a row in MATRIX').toEqual([]);
    expect(Object.keys(MATRIX).filter((r) => !registered.includes(r)), 'rows for routes that are not registered').toEqual([]);
    expect(Object.keys(MATRIX).filter((r) => !(r in CALLS)), 'rows without a way to call them').toEqual([]);
  });

  const cases: { route: string; who: Role | 'anonymous'; scope: Scope | '-'; status: number }[] = [];
  for (const [route, [anon, ...byRole]] of Object.entries(MATRIX)) {
    cases.push({ route, who: 'anonymous', scope: '-', status: anon });
    (['staff', 'supervisor', 'admin'] as const).forEach((role, i) => {
      const e = byRole[i]!;
      if (Array.isArray(e)) {
        cases.push({ route, who: role, scope: 'in', status: e[0] });
        cases.push({ route, who: role, scope: 'out', status: e[1] });
      } else cases.push({ route, who: role, scope: '-', status: e });
    });
  }

  it('a caller with a temporary password gets 403 password_change_required from every signed-in route but the change and sign-out', async () => {
    const pending = await addUser(w.t.storage, w.orgs.inside.staff, 'staff');
    await w.t.storage.db.updateTable('users').set({ password_reset_at: new Date().toISOString() }).where('id', '=', pending.id).execute();
    const open = ['POST /api/me/password', 'POST /api/auth/logout'];
    for (const [route, [anonymous]] of Object.entries(MATRIX)) {
      if (anonymous !== 401 || open.includes(route)) continue;
      const call = await CALLS[route]!(w, 'staff', 'in');
      const headers: Record<string, string> = { Authorization: `Bearer ${await createSession(w.t.storage.db, pending.id)}` };
      if (call.body !== undefined) headers['Content-Type'] = call.contentType ?? 'application/json';
      const res = await w.t.app.request(call.path, { method: call.method, headers, body: call.body });
      expect(res.status, route).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code, route).toBe('password_change_required');
    }
    const logout = await w.t.app.request('/api/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${await createSession(w.t.storage.db, pending.id)}` } });
    expect(logout.status).toBe(200);
  });

  describe.each(cases)('$route as $who ($scope)', ({ route, who, scope, status }) => {
    it(`answers ${status}`, async () => {
      const call = await CALLS[route]!(w, who, scope === '-' ? 'in' : scope);
      const headers: Record<string, string> = {};
      if (call.body !== undefined) headers['Content-Type'] = call.contentType ?? 'application/json';
      // A fresh session per call: logout and revoke rows must not end the next row's session.
      if (who !== 'anonymous') headers.Authorization = `Bearer ${await createSession(w.t.storage.db, w.actors[who].id)}`;
      const res = await w.t.app.request(call.path, { method: call.method, headers, body: call.body });
      const text = await res.text();
      expect(res.status, text).toBe(status);
      const body: unknown = text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined; // downloads are not JSON
      if (status >= 400) {
        expect(body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
        return;
      }
      call.verify?.(body);
      // Nothing from outside the caller's subtree ever shows up in an answer (list routes, /api/me).
      if (who !== 'anonymous' && call.method === 'GET') {
        for (const id of w.outsideIds) expect(text, `${route} leaked ${id}`).not.toContain(id);
      }
    });
  });
});
