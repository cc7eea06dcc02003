/**
 * Hostile input by table, not by chance: a fixed list of strings that have broken servers (NUL, lone
 * surrogates, U+202E, zero-width and combining-mark floods, 1 MB, SQL, spreadsheet formulas,
 * `__proto__`) goes into every string field of every route, one field at a time, on each engine.
 *
 * What each answer must be:
 * - a string the text rule refuses (everything but SQL and `__proto__`/`constructor`): a 4xx with the
 *   error shape, or, inside a sync batch, that record `rejected` with the field named; and no row
 *   written anywhere (row counts of every table unchanged);
 * - SQL and `__proto__`/`constructor`: text like any other. Where a field's format refuses them (ids,
 *   dates, enums, usernames starting with `_`), as above; where they are valid free text (a stall
 *   called `' OR '1'='1`) they may be stored, and then must come back exactly as sent, with every
 *   table still there and nothing else changed (no injection, no prototype pollution);
 * - sign-in fields: a 400, or a 401 that writes only its audit line and throttling counter.
 * The property-based runs in hostile-input.test.ts cover random strings; this covers the known ones.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { today } from '../../../src/server/time';
import { consultation, enrollment, syncBody } from '../../support/records';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { hashPassword } from '../../../src/server/auth/passwords';
import { createSession } from '../../../src/server/auth/sessions';
import { FIXTURE_PASSWORD, addStall, addUser, seedTree, type FixtureOrg } from '../support/fixtures';
import { allTables, rowCounts } from './helpers';

interface Hostile {
  label: string;
  value: string;
  /** Valid as free text: may be stored (then verbatim), where the field's own format allows it. */
  inert?: boolean;
}

const COMBINING = 'a' + '\u0301'.repeat(49);
/** The table. Each entry is sent as the whole value of a field. */
export const HOSTILE_TABLE: Hostile[] = [
  { label: 'NUL', value: '\u0000' },
  { label: 'NUL inside', value: '建外\u0000admin' },
  { label: 'lone high surrogate', value: '建外\uD800街道' },
  { label: 'lone low surrogate', value: '\uDFFF' },
  { label: 'right-to-left override', value: '摊位\u202Egpj.exe' },
  { label: 'zero-width space', value: '摊\u200B位' },
  { label: 'escape', value: 'x\u001B[31mred' },
  { label: '49 combining marks', value: COMBINING },
  { label: '1 MB', value: 'x'.repeat(1 << 20) },
  { label: 'formula =', value: '=HYPERLINK("http://evil.example","点此领取")' },
  { label: 'formula +', value: "+cmd|' /C calc'!A0" },
  { label: 'formula @', value: '@SUM(1+1)*cmd|\' /C calc\'!A0' },
  { label: 'formula -', value: "-2+3+cmd|' /C calc'!A0" },
  { label: 'SQL quote', value: "' OR '1'='1", inert: true },
  { label: 'SQL drop', value: "x'); DROP TABLE users; --", inert: true },
  { label: '__proto__', value: '__proto__', inert: true },
  { label: 'constructor', value: 'constructor', inert: true },
];

type Who = 'admin' | 'staff';
type Obj = Record<string, unknown>;

/** Sets `path` (dotted, numeric parts index arrays) in a deep copy of `body`. */
function withField(body: Obj, path: string, value: unknown): Obj {
  const copy = structuredClone(body);
  const parts = path.split('.');
  let at: Obj = copy;
  for (const p of parts.slice(0, -1)) at = at[p] as Obj;
  at[parts.at(-1)!] = value;
  return copy;
}

/** Percent-encodes the UTF-8 bytes (a lone surrogate becomes U+FFFD, as a browser would send it). */
const percent = (v: string) => [...Buffer.from(v, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

describeEachEngine('hostile strings by table, in every string field of every route', (engine) => {
  let t: TestApp;
  let tables: string[];
  let tokens: Record<Who, string>;
  let streetId: string;
  let street: FixtureOrg;
  let rootId: string;
  let stallId: string;
  let n = 1000;

  beforeAll(async () => {
    t = await startTestApp(engine);
    tables = await allTables(t);
    const tree = await seedTree(t.storage);
    const admin = await addUser(t.storage, tree.city, 'admin');
    const staff = await addUser(t.storage, tree.streets.jianwai, 'staff');
    tokens = { admin: admin.token, staff: staff.token };
    streetId = tree.streets.jianwai.id;
    street = tree.streets.jianwai;
    rootId = tree.city.id;
    stallId = (await addStall(t.storage, tree.streets.jianwai, today('Asia/Shanghai'))).id;
  });
  afterAll(async () => t?.close());

  const post = (path: string, who: Who | null, body: unknown, type = 'application/json') =>
    t.app.request(path, {
      method: 'POST',
      headers: { 'Content-Type': type, ...(who ? { Authorization: `Bearer ${tokens[who]}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  /** A refusal: 4xx with the error shape, and not one row written. */
  async function expectRefused(res: Response, before: Record<string, number>, what: string) {
    const text = await res.text();
    expect(res.status, `${what} → ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
    expect(res.status, what).toBeLessThan(500);
    // (The join route also names the field, as a sync rejection does.)
    const { error } = JSON.parse(text) as { error: Obj };
    expect(error, what).toEqual({ code: expect.any(String), message: expect.any(String), ...('field' in error ? { field: expect.any(String) } : {}) });
    expect(await rowCounts(t, tables), `${what} wrote`).toEqual(before);
  }

  interface JsonRoute {
    path: string;
    who: Who;
    base: () => Obj;
    /** The string fields (dotted paths). */
    fields: string[];
    /** The field the answer echoes, to check an inert value came back verbatim. */
    echo?: Record<string, (answer: Obj) => unknown>;
  }
  const code = () => `h-${crypto.randomBytes(4).toString('hex')}`;
  const ROUTES: JsonRoute[] = [
    {
      path: '/api/orgs', who: 'admin', fields: ['parentId', 'name', 'level', 'code'],
      base: () => ({ parentId: rootId, name: '新区', level: 'district', code: code() }),
      echo: { name: (a) => a.name },
    },
    {
      path: '/api/users', who: 'admin', fields: ['username', 'password', 'role', 'orgId'],
      base: () => ({ username: code(), password: 'a-good-password', role: 'staff', orgId: streetId }),
      echo: { username: (a) => a.username },
    },
    {
      path: '/api/stalls', who: 'staff', fields: ['name', 'orgId', 'date', 'location'],
      base: () => ({ name: '摊位', orgId: streetId, date: today('Asia/Shanghai'), location: '路口' }),
      echo: { name: (a) => a.name, location: (a) => a.location },
    },
    {
      path: '/api/sync', who: 'staff', fields: ['deviceId', 'sentAt'],
      base: () => syncBody([consultation({ stallId })]),
    },
  ];

  for (const route of ROUTES) {
    it(`${route.path}: every field, every hostile string`, async () => {
      for (const field of route.fields) {
        for (const h of HOSTILE_TABLE) {
          const what = `${route.path} ${field} = ${h.label}`;
          const before = await rowCounts(t, tables);
          const res = await post(route.path, route.who, withField(route.base(), field, h.value));
          // A password is not free text: any 8–256 characters a person can type is one.
          const mayPass = h.inert || (field === 'password' && !/[\p{Cc}\p{Cs}]/u.test(h.value) && h.value.length <= 256);
          if (res.status < 300 && mayPass) {
            const answer = (await res.json()) as Obj;
            const echo = route.echo?.[field];
            if (echo) expect(echo(answer), what).toBe(h.value);
            expect(await allTables(t), what).toEqual(tables);
            expect(({} as Obj).polluted, what).toBeUndefined();
            continue;
          }
          await expectRefused(res, before, what);
        }
      }
    });
  }

  it('/api/auth/login: every field, every hostile string → 400, or 401 writing only its audit line and counter', async () => {
    for (const field of ['username', 'password']) {
      for (const h of HOSTILE_TABLE) {
        const what = `login ${field} = ${h.label}`;
        const before = await rowCounts(t, tables);
        // A fresh name each time for the password field, so the username throttle never stops the check early.
        const res = await post('/api/auth/login', null, withField({ username: field === 'password' ? code() : 'admin', password: 'wrong-password' }, field, h.value));
        expect([400, 401, 429], what).toContain(res.status);
        const after = await rowCounts(t, tables);
        for (const table of tables) {
          if (res.status === 401 && (table === 'audit' || table === 'login_attempts')) continue;
          expect(after[table], `${what} wrote to ${table}`).toBe(before[table]);
        }
      }
    }
  });

  it('/api/users/:id/password and /api/me/password: every field, every hostile string', async () => {
    const victim = await addUser(t.storage, street, 'staff');
    const pass = (v: string) => !/[\p{Cc}\p{Cs}]/u.test(v) && v.length >= 8 && v.length <= 256;
    const restore = async () =>
      t.storage.db.updateTable('users').set({ password_hash: await hashPassword(FIXTURE_PASSWORD), password_reset_at: null }).where('id', '=', victim.id).execute();
    for (const h of HOSTILE_TABLE) {
      const before = await rowCounts(t, tables);
      const reset = await post(`/api/users/${victim.id}/password`, 'admin', { password: h.value });
      if (reset.status === 200 && pass(h.value)) {
        // Stored as a password, so it signs in.
        const login = await post('/api/auth/login', null, { username: victim.username, password: h.value });
        expect(login.status, `temporary password = ${h.label}`).toBe(200);
        await restore();
        continue;
      }
      await expectRefused(reset, before, `temporary password = ${h.label}`);
    }
    // (A temporary password ended the victim's sessions: a new one for the user's own change.)
    const session = await createSession(t.storage.db, victim.id);
    const self = (body: Obj) => t.app.request('/api/me/password', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session}` }, body: JSON.stringify(body),
    });
    for (const h of HOSTILE_TABLE) {
      const before = await rowCounts(t, tables);
      const res = await self({ currentPassword: FIXTURE_PASSWORD, newPassword: h.value });
      if (res.status === 200 && pass(h.value)) {
        await restore();
        continue;
      }
      await expectRefused(res, before, `newPassword = ${h.label}`);
    }
    for (const h of HOSTILE_TABLE) {
      const before = await rowCounts(t, tables);
      const res = await self({ currentPassword: h.value, newPassword: 'a-fresh-password' });
      const what = `currentPassword = ${h.label}`;
      // A wrong current password is counted in the audit log (and after five, refused for a while); nothing else is written.
      expect([400, 429], what).toContain(res.status);
      const after = await rowCounts(t, tables);
      for (const table of tables) if (table !== 'audit') expect(after[table], `${what} wrote to ${table}`).toBe(before[table]);
      expect(after.audit! - before.audit!, what).toBeLessThanOrEqual(1);
    }
  });

  /** Every string field of a record, with the field the rejection must name. */
  const RECORD_FIELDS: { kind: 'enrollment' | 'consultation'; path: string; inertOk?: boolean }[] = [
    ...['kind', 'id', 'stallId', 'createdAt', 'topic'].map((path) => ({ kind: 'consultation' as const, path })),
    ...['channel', 'person.idType', 'person.idNumber', 'person.gender', 'person.birthDate', 'person.phone', 'person.occupation', 'services.0', 'consent.at']
      .map((path) => ({ kind: 'enrollment' as const, path })),
    ...['person.name', 'person.employer', 'person.ethnicity', 'consent.noticeVersion'].map((path) => ({ kind: 'enrollment' as const, path, inertOk: true })),
  ];

  it('/api/sync: every string field of a record, every hostile string → that record rejected, naming the field', async () => {
    for (const h of HOSTILE_TABLE) {
      // One batch per hostile string (the 1 MB one alone fills a batch): one record per field.
      const cases = RECORD_FIELDS.map((f) => {
        const base: Obj = f.kind === 'enrollment' ? enrollment({ stallId, n: n++ }) : consultation({ stallId });
        if (f.path === 'services.0') base.services = ['legal_aid'];
        return { ...f, record: withField(base, f.path, h.value) };
      });
      const before = await rowCounts(t, tables);
      // The 1 MB string goes one record per request (a batch of them would pass the body limit).
      const batches = h.value.length > 1000 ? cases.map((c) => [c]) : [cases];
      const results: { status: string; reason?: { code: string; field?: string } }[] = [];
      for (const batch of batches) {
        const res = await post('/api/sync', 'staff', syncBody(batch.map((c) => c.record)));
        expect(res.status, h.label).toBe(200);
        results.push(...((await res.json()) as { results: typeof results }).results);
      }
      expect(results, h.label).toHaveLength(cases.length);
      let stored = 0;
      cases.forEach((c, i) => {
        const r = results[i]!;
        const what = `${c.path} = ${h.label}`;
        if (h.inert && c.inertOk && r.status !== 'rejected') {
          stored++;
          return;
        }
        expect(r.status, what).toBe('rejected');
        // An unknown kind names no field: the record is not a record at all.
        if (c.path !== 'kind') expect(r.reason?.field, `${what}: ${r.reason?.code}`).toBe(c.path.replace(/\.0$/, ''));
      });
      if (stored === 0) expect(await rowCounts(t, tables), `${h.label} wrote`).toEqual(before);
      else expect(await allTables(t)).toEqual(tables);
    }
  });

  it('/api/join/:token: every string field of a self-registration and the token itself → 4xx, nothing written', async () => {
    const stalls = (await (await t.app.request('/api/stalls', { headers: { Authorization: `Bearer ${tokens.staff}` } })).json()) as { id: string; joinToken: string }[];
    const token = stalls.find((s) => s.id === stallId)!.joinToken;
    const self = () => {
      const { kind: _k, stallId: _s, channel: _c, ...body } = enrollment({ stallId, n: n++ });
      return { ...body, services: ['legal_aid'] } as Obj;
    };
    const fields = ['id', 'createdAt', 'services.0', 'consent.at', ...RECORD_FIELDS.filter((f) => f.path.startsWith('person.') || f.path === 'consent.noticeVersion').map((f) => f.path)];
    for (const h of HOSTILE_TABLE) {
      for (const field of fields) {
        const what = `join ${field} = ${h.label}`;
        const before = await rowCounts(t, tables);
        const res = await post(`/api/join/${token}`, null, withField(self(), field, h.value));
        const inertOk = RECORD_FIELDS.some((f) => f.path === field && f.inertOk);
        if (res.status === 200 && h.inert && inertOk) continue;
        await expectRefused(res, before, what);
      }
      if (h.value.length > 1000) continue;
      const before = await rowCounts(t, tables);
      await expectRefused(await t.app.request(`/api/join/${percent(h.value)}`), before, `GET join :token = ${h.label}`);
      await expectRefused(await post(`/api/join/${percent(h.value)}`, null, self()), before, `POST join :token = ${h.label}`);
    }
  });

  it('/api/orgs/import: a hostile string in any column is that line’s error; nothing of it is created', async () => {
    // A CSV upload is bytes: a lone surrogate cannot be sent in it (it arrives as U+FFFD, a valid character).
    for (const h of HOSTILE_TABLE.filter((x) => x.value.length < 1000 && !/\p{Cs}/u.test(x.value))) {
      for (const column of [0, 1, 2, 3]) {
        const fields = [code(), '新区', 'district', 'root'];
        fields[column] = h.value;
        const csv = `code,name,level,parentCode\n${fields.map((f) => `"${f.replaceAll('"', '""')}"`).join(',')}\n`;
        const what = `import column ${column} = ${h.label}`;
        const before = await rowCounts(t, tables);
        const res = await post('/api/orgs/import', 'admin', csv, 'text/csv; charset=utf-8');
        expect(res.status, what).toBeLessThan(500);
        if (res.status >= 400) {
          await expectRefused(res, before, what);
          continue;
        }
        const result = (await res.json()) as { created: number; errors: { line: number }[] };
        // SQL as a name and `constructor` as a code are valid values: created, or skipped as already there.
        if (h.inert && result.errors.length === 0) continue;
        expect(result, what).toMatchObject({ created: 0, errors: [{ line: 2 }] });
        // An import is audited even when every line failed; nothing else is written.
        expect(await rowCounts(t, tables), `${what} wrote`).toEqual({ ...before, audit: before.audit! + 1 });
      }
    }
  });

  it('queries and path parameters: every hostile string → 4xx, nothing written', async () => {
    const targets: [string, string, Who][] = [
      ['/api/stalls', 'from', 'staff'], ['/api/stalls', 'to', 'staff'],
      ['/api/audit', 'from', 'admin'], ['/api/audit', 'to', 'admin'],
      ['/api/stats', 'from', 'admin'], ['/api/stats', 'to', 'admin'], ['/api/stats', 'group', 'admin'],
      ['/api/audit', 'userId', 'admin'], ['/api/audit', 'action', 'admin'], ['/api/audit', 'cursor', 'admin'], ['/api/audit', 'limit', 'admin'],
      ['/api/stalls', 'cursor', 'staff'], ['/api/stalls', 'limit', 'staff'],
      // The roster with every other parameter valid, so a refusal is the hostile one's.
      ['/api/members.xlsx?reason=hostile-table&to=2026-01-02', 'from', 'admin'],
      ['/api/members.xlsx?reason=hostile-table&from=2026-01-01', 'to', 'admin'],
      ['/api/members.xlsx?reason=hostile-table&from=2026-01-01&to=2026-01-02', 'full', 'admin'],
      ['/api/members.xlsx?reason=hostile-table&from=2026-01-01&to=2026-01-02', 'lang', 'admin'],
    ];
    for (const h of HOSTILE_TABLE.filter((x) => x.value.length < 1000)) {
      for (const [path, param, who] of targets) {
        const before = await rowCounts(t, tables);
        const res = await t.app.request(`${path}${path.includes('?') ? '&' : '?'}${param}=${percent(h.value)}`, { headers: { Authorization: `Bearer ${tokens[who]}` } });
        await expectRefused(res, before, `${path}?${param} = ${h.label}`);
      }
      const before = await rowCounts(t, tables);
      const res = await post(`/api/users/${percent(h.value)}/revoke`, 'admin', '{}');
      await expectRefused(res, before, `revoke :id = ${h.label}`);
      for (const path of [`/api/users/${percent(h.value)}/disable`, `/api/users/${percent(h.value)}/devices/${percent(h.value)}/revoke`, `/api/me/devices/${percent(h.value)}/revoke`]) {
        await expectRefused(await post(path, 'admin', '{}'), before, `${path} = ${h.label}`);
      }
    }
  });

  it('a __proto__ key in any body changes nothing it should not, and pollutes no prototype', async () => {
    for (const route of ROUTES) {
      const body = `{"__proto__":{"polluted":true,"role":"admin"},${JSON.stringify(route.base()).slice(1)}`;
      const res = await post(route.path, route.who, body);
      expect(res.status, route.path).toBeLessThan(500);
      expect(({} as Obj).polluted).toBeUndefined();
    }
    const login = await post('/api/auth/login', null, '{"__proto__":{"username":"admin","password":"admin-password-for-tests"}}');
    expect(login.status).toBe(400);
  });
});
