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
import { createSession } from '../../../src/server/auth/sessions';
import { addDays, today } from '../../../src/server/time';
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
  'POST /api/auth/login':            [200, 200,        200,        200       ],
  'POST /api/auth/logout':           [401, 200,        200,        200       ],
  'GET /api/me':                     [401, 200,        200,        200       ],
  'GET /api/orgs':                   [401, 200,        200,        200       ],
  'POST /api/orgs':                  [401, [403, 403], [403, 403], [201, 403]],
  'POST /api/orgs/import':           [401, [403, 403], [403, 403], [200, 200]], // out: 200 with the line refused (checked below)
  'GET /api/users':                  [401, 403,        403,        200       ],
  'POST /api/users':                 [401, [403, 403], [403, 403], [201, 403]],
  'POST /api/users/:id/revoke':      [401, [403, 403], [403, 403], [200, 403]],
  'GET /api/stalls':                 [401, 200,        200,        200       ],
  'POST /api/stalls':                [401, [201, 403], [201, 403], [201, 403]],
  'GET /api/audit':                  [401, 403,        403,        200       ],
  'POST /api/sync':                  [401, [200, 200], [200, 200], [403, 403]], // out: 200 with the record rejected as forbidden_stall
  'GET /api/stats':                  [401, 403,        200,        200       ],
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

/** How to call each route as `role`, aimed inside or outside the caller's subtree. */
const CALLS: Record<string, (w: World, role: Role | 'anonymous', scope: Scope) => Promise<Call> | Call> = {
  'GET /api/health': () => ({ method: 'GET', path: '/api/health' }),
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
  'GET /api/stalls': () => ({ method: 'GET', path: `/api/stalls?from=${addDays(today('Asia/Shanghai'), -30)}` }),
  'POST /api/stalls': (w, role, scope) => ({
    method: 'POST',
    path: '/api/stalls',
    body: json({ name: '摊位', orgId: scope === 'in' ? w.orgs.inside[role === 'anonymous' ? 'staff' : role].id : w.orgs.outside.id, date: today('Asia/Shanghai') }),
  }),
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
  'GET /api/stats': () => ({ method: 'GET', path: `/api/stats?from=${addDays(today('Asia/Shanghai'), -7)}&to=${today('Asia/Shanghai')}&group=stall` }),
};

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
      const body: unknown = text ? JSON.parse(text) : undefined;
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
