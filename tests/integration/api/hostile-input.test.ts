/**
 * Property-based tests of every /api route's input (fast-check): random and hostile bodies, queries,
 * path parameters and headers get a 4xx with `{ error: { code, message } }`, never a 5xx, and a refused
 * request writes nothing (every table's row count is the same before and after). Each call is made as
 * a caller the route admits, so the input really reaches validation rather than stopping at a 403.
 */
import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSession } from '../../../src/server/auth/sessions';
import { today } from '../../../src/server/time';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { addStall, addUser, seedTree } from '../support/fixtures';
import { allTables, rowCounts } from './helpers';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

/** Strings that have broken other servers: injections, control and format characters, odd Unicode. */
const HOSTILE = [
  "' OR '1'='1", '"; DROP TABLE users; --', '\u0000', '\u0000admin', '\uFEFF', '\u202Eevil', '\u200B', '../../etc/passwd',
  '<script>alert(1)</script>', '%00', '${7*7}', '{{7*7}}', '__proto__', 'constructor', 'prototype', '\uD800', '\uDFFF',
  '１２３４５６', '𠀀𠮷', 'ᄀᄀᄀ', 'e\u0301', '\r\n\r\n', '\t', ' ', '', 'null', 'undefined', 'NaN', '-1', '1e309',
  'x'.repeat(5000), '北'.repeat(300), '13812345678', '110105194912310021', '%', '_', '\\', '/', 'admin\nX-Injected: 1',
];
const hostileString = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 }));
/** Any JSON value that is not a string. */
const nonString = fc.oneof(
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);
/** A body that is not even an object: a scalar or an array. */
const notAnObject = fc.oneof(fc.integer(), fc.string({ maxLength: 40 }), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }));
/** Text that is not JSON. */
const notJson = fc.oneof(
  fc.constantFrom('', '{', '{"a":', "{'a':1}", '[1,2', 'undefined', 'NaN', '{"a":1}}', '\uFEFF{"a":1', '<xml/>', 'a=1&b=2'),
  fc.string({ maxLength: 60 }).filter((s) => { try { JSON.parse(s); return false; } catch { return true; } }),
);
/** Content types that are not JSON. */
const notJsonType = fc.constantFrom('text/plain', 'text/csv', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'json', 'application/xml', '');
/** Percent-encodes every UTF-8 byte (lone surrogates become U+FFFD, as a browser would send them). */
const percent = (v: string) => [...Buffer.from(v, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
/** Header values: printable Latin-1 (what a Headers object accepts). */
const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 120 });

type Who = 'admin' | 'staff' | 'supervisor';

interface JsonRoute {
  method: 'POST';
  path: string;
  who: Who;
  /** A valid body; mutations of it are what the properties send. */
  base: (w: World) => Record<string, unknown>;
  /** Fields that any wrong-typed value, or any hostile string, makes invalid (ids, enums, dates). */
  strict: string[];
  /** Fields that may be left out. */
  optional?: string[];
}

interface World {
  t: TestApp;
  tokens: Record<Who, string>;
  rootId: string;
  streetId: string;
  stallId: string;
}

const JSON_ROUTES: JsonRoute[] = [
  { method: 'POST', path: '/api/auth/login', who: 'admin', base: () => ({ username: 'admin', password: 'a-password' }), strict: [] },
  {
    method: 'POST', path: '/api/orgs', who: 'admin',
    base: (w) => ({ parentId: w.rootId, name: '新区', level: 'district', code: `f-${crypto.randomBytes(3).toString('hex')}` }),
    strict: ['parentId', 'level'],
  },
  {
    method: 'POST', path: '/api/users', who: 'admin',
    base: (w) => ({ username: `f-${crypto.randomBytes(3).toString('hex')}`, password: 'fuzz-password', role: 'staff', orgId: w.streetId }),
    strict: ['role', 'orgId'],
  },
  {
    method: 'POST', path: '/api/stalls', who: 'staff',
    base: (w) => ({ name: '摊位', orgId: w.streetId, date: today('Asia/Shanghai'), location: '路口' }),
    strict: ['orgId', 'date'],
    optional: ['location'],
  },
  {
    method: 'POST', path: '/api/sync', who: 'staff',
    base: (w) => ({
      deviceId: 'fuzz-device', sentAt: new Date().toISOString(),
      records: [{ kind: 'consultation', id: crypto.randomUUID(), stallId: w.stallId, createdAt: new Date().toISOString(), topic: 'other' }],
    }),
    strict: ['sentAt', 'records'],
  },
];

/** A mutation that makes a valid body invalid. */
const invalidMutation = (route: JsonRoute) => {
  const required = Object.keys(route.base(PLACEHOLDER)).filter((k) => !route.optional?.includes(k));
  const all = Object.keys(route.base(PLACEHOLDER));
  return fc.oneof(
    fc.record({ kind: fc.constant('drop' as const), field: fc.constantFrom(...required) }),
    // (An optional field may be null: that is "left out", not wrong. NaN and ±Infinity travel as null in JSON.)
    fc.record({ kind: fc.constant('retype' as const), field: fc.constantFrom(...all.filter((f) => f !== 'records')), value: nonString })
      .filter((m) => !(JSON.stringify(m.value) === 'null' && route.optional?.includes(m.field))),
    ...(route.strict.length > 0
      ? [fc.record({ kind: fc.constant('hostile' as const), field: fc.constantFrom(...route.strict), value: fc.constantFrom(...HOSTILE) })]
      : []),
  );
};
const PLACEHOLDER: World = { t: undefined as never, tokens: { admin: '', staff: '', supervisor: '' }, rootId: '00000000-0000-4000-8000-000000000000', streetId: '00000000-0000-4000-8000-000000000000', stallId: '00000000-0000-4000-8000-000000000000' };

describeEachEngine('hostile input never gets a 5xx and never writes', (engine) => {
  let w: World;
  let tables: string[];
  beforeAll(async () => {
    const t = await startTestApp(engine);
    tables = await allTables(t);
    const tree = await seedTree(t.storage);
    const admin = await addUser(t.storage, tree.city, 'admin');
    const staff = await addUser(t.storage, tree.streets.jianwai, 'staff');
    const supervisor = await addUser(t.storage, tree.districts.chaoyang, 'supervisor');
    const stall = await addStall(t.storage, tree.streets.jianwai, today('Asia/Shanghai'));
    w = { t, tokens: { admin: admin.token, staff: staff.token, supervisor: supervisor.token }, rootId: tree.city.id, streetId: tree.streets.jianwai.id, stallId: stall.id };
  });
  afterAll(async () => w?.t.close());

  /** Sends a request; checks the answer is never a 5xx and that a refusal has the error shape and wrote nothing. */
  async function send(
    path: string,
    init: RequestInit,
    opts: { mustRefuse?: boolean; mayWriteOn?: (status: number) => readonly string[] } = {},
  ): Promise<number> {
    const before = await rowCounts(w.t, tables);
    const res = await w.t.app.request(path, init);
    const text = await res.text();
    expect(res.status, `${init.method ?? 'GET'} ${path} → ${text.slice(0, 300)}`).toBeLessThan(500);
    if (opts.mustRefuse) expect(res.status, `${path} accepted ${String(init.body).slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    if (res.status >= 400) {
      expect(JSON.parse(text)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
      const after = await rowCounts(w.t, tables);
      const allowed = new Set(opts.mayWriteOn?.(res.status) ?? []);
      for (const table of Object.keys(before)) if (!allowed.has(table)) expect(after[table], `${path} wrote to ${table}`).toBe(before[table]);
    }
    return res.status;
  }
  // A failed sign-in is audited and counted for throttling: those two writes are the point of a 401/429.
  const loginWrites = (status: number) => (status === 401 || status === 429 ? ['audit', 'login_attempts'] : []);
  const auth = (who: Who) => ({ Authorization: `Bearer ${w.tokens[who]}` });

  for (const route of JSON_ROUTES) {
    it(`${route.path}: bodies with a missing, mistyped or hostile field get a 4xx`, async () => {
      await fc.assert(
        fc.asyncProperty(invalidMutation(route), async (m) => {
          const body: Record<string, unknown> = route.base(w);
          if (m.kind === 'drop') delete body[m.field];
          else body[m.field] = m.value;
          await send(route.path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth(route.who) }, body: JSON.stringify(body) }, { mustRefuse: true });
        }),
        { numRuns: RUNS },
      );
    });

    it(`${route.path}: non-objects, non-JSON text and non-JSON content types get a 4xx`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            notAnObject.map((v) => ({ type: 'application/json', body: JSON.stringify(v) })),
            notJson.map((body) => ({ type: 'application/json; charset=utf-8', body })),
            fc.tuple(notJsonType, fc.constant(JSON.stringify(route.base(w)))).map(([type, body]) => ({ type, body })),
          ),
          async ({ type, body }) => {
            const headers: Record<string, string> = { ...auth(route.who) };
            if (type) headers['Content-Type'] = type;
            await send(route.path, { method: 'POST', headers, body }, { mustRefuse: true });
          },
        ),
        { numRuns: RUNS },
      );
    });

    it(`${route.path}: hostile strings in every field never get a 5xx, and a refusal writes nothing`, async () => {
      const keys = Object.keys(route.base(PLACEHOLDER)).filter((k) => k !== 'records');
      await fc.assert(
        fc.asyncProperty(fc.record(Object.fromEntries(keys.map((k) => [k, fc.oneof(hostileString, nonString)]))), async (fields) => {
          const body = { ...route.base(w), ...fields };
          await send(
            route.path,
            { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth(route.who) }, body: JSON.stringify(body) },
            { mayWriteOn: route.path === '/api/auth/login' ? loginWrites : undefined },
          );
        }),
        { numRuns: route.path === '/api/auth/login' ? Math.ceil(RUNS / 2) : RUNS },
      );
    });
  }

  it('/api/orgs/import: random text and broken CSV get a 4xx or a per-line report, never a 5xx', async () => {
    const header = 'code,name,level,parentCode';
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }).filter((s) => !s.replace(/^\uFEFF/, '').toLowerCase().startsWith(header.toLowerCase())),
          fc.array(fc.array(hostileString, { maxLength: 6 }).map((f) => f.join(',')), { maxLength: 8 }).map((lines) => [header, ...lines].join('\n')),
          fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
        ),
        fc.constantFrom('text/csv', 'text/plain; charset=utf-8', 'text/csv; charset=gbk', 'application/json', 'text/csv; charset=ebcdic'),
        async (text, type) => {
          const status = await send('/api/orgs/import', { method: 'POST', headers: { 'Content-Type': type, ...auth('admin') }, body: text });
          if (!text.startsWith(header)) expect(status).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('queries: random from/to/group values on every GET route get a 200 or a 4xx, never a 5xx', async () => {
    const GETS: [string, Who][] = [
      ['/api/health', 'staff'], ['/api/me', 'staff'], ['/api/orgs', 'staff'], ['/api/users', 'admin'],
      ['/api/stalls', 'staff'], ['/api/audit', 'admin'], ['/api/stats', 'supervisor'],
    ];
    const queryValue = fc.oneof(hostileString, fc.constantFrom('2025-01-01', '2025-02-30', '0000-01-01', '9999-12-31', '2025-1-1', 'day,stall', 'day,day,nope'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...GETS),
        fc.dictionary(fc.constantFrom('from', 'to', 'group', 'lang', 'x', '__proto__', 'from[]'), queryValue, { maxKeys: 4 }),
        // Broken escapes and repeated keys, as a hand-made URL may carry them.
        fc.constantFrom('', '&from=%E0%A4%A', '&to=%ZZ', '&from=%', '&group=%00', '&from=2025-01-01&from=2025-02-01', '&&&=&'),
        async ([path, who], query, raw) => {
          const qs = Object.entries(query).map(([k, v]) => `${percent(k)}=${percent(v)}`).join('&');
          await send(`${path}?${qs}${raw}`, { headers: auth(who) });
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('path parameters: random user ids on revoke get a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileString.filter((s) => s.length > 0), fc.uuid()), async (id) => {
        await send(`/api/users/${percent(id)}/revoke`, { method: 'POST', headers: auth('admin') }, { mustRefuse: true });
      }),
      { numRuns: RUNS },
    );
  });

  it('headers: random Authorization, Accept-Language, Content-Type and X-Forwarded-For never get a 5xx', async () => {
    const ROUTES: [string, string][] = [
      ['GET', '/api/me'], ['GET', '/api/orgs'], ['POST', '/api/auth/logout'], ['POST', '/api/stalls'], ['POST', '/api/orgs'],
      ['POST', '/api/users'], ['GET', '/api/audit'], ['POST', '/api/sync'], ['GET', '/api/stats'], ['POST', '/api/orgs/import'],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.oneof(headerValue, headerValue.map((v) => `Bearer ${v}`), fc.constantFrom('Bearer', 'Bearer ' + 'A'.repeat(43), 'Basic YTpi', '')),
        headerValue,
        fc.oneof(headerValue, fc.constantFrom('application/json', 'application/json; charset=utf-16', 'APPLICATION/JSON')),
        headerValue,
        async ([method, path], authorization, lang, type, xff) => {
          const headers: Record<string, string> = { 'Accept-Language': lang, 'X-Forwarded-For': xff };
          if (authorization) headers.Authorization = authorization;
          if (type) headers['Content-Type'] = type;
          const status = await send(path, { method, headers, body: method === 'POST' ? '{}' : undefined });
          // No valid token was sent: every route but the public ones refuses.
          expect(status).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('a body over the size limit gets 413 on every POST route, and writes nothing', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024 + 10) });
    for (const path of ['/api/auth/login', '/api/orgs', '/api/orgs/import', '/api/users', '/api/stalls', '/api/sync', `/api/users/${crypto.randomUUID()}/revoke`]) {
      const session = await createSession(w.t.storage.db, (await w.t.storage.db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirstOrThrow()).id);
      const type = path.endsWith('import') ? 'text/csv' : 'application/json';
      const status = await send(path, { method: 'POST', headers: { 'Content-Type': type, Authorization: `Bearer ${session}` }, body: big });
      expect(status, path).toBe(413);
    }
  });
});
