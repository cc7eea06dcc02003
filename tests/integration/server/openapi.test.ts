/**
 * GET /api/openapi.json: a valid OpenAPI 3.1 document (checked by a validator against the
 * specification's own JSON Schema) that has every route the app registers, with each route's
 * parameters, body and statuses; and the published schemas accept what the tests send and refuse
 * what the server refuses.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { consultation, enrollment, syncBody } from '../../support/records';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { addStall, seedTree } from '../support/fixtures';

type Json = Record<string, any>;

/** The app's routes as `METHOD /path` (OpenAPI's `{param}` form), middleware left out: the API and /metrics. */
function registeredRoutes(t: TestApp): string[] {
  const keys = t.app.routes
    .filter((r) => r.method !== 'ALL' && (r.path.startsWith('/api/') || r.path === '/metrics'))
    .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
  return [...new Set(keys)].sort();
}

describeEachEngine('GET /api/openapi.json', (engine) => {
  let t: TestApp;
  let doc: Json;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op })),
    );
  const bodySchema = (path: string, method = 'post') => doc.paths[path][method].requestBody.content['application/json'].schema as Json;
  const answerSchema = (path: string, status: number, method = 'get') => doc.paths[path][method].responses[status].content['application/json'].schema as Json;

  beforeAll(async () => {
    t = await startTestApp(engine);
    const res = await t.app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = (await res.json()) as Json;
  });
  afterAll(async () => t.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator itself refuses broken documents: a parameter in a place OpenAPI has no such thing, no info.
    const badParameter = structuredClone(doc);
    badParameter.paths['/api/stats'].get.parameters[0].in = 'body';
    expect((await new Validator().validate(badParameter)).valid).toBe(false);
    const noInfo = structuredClone(doc);
    delete noInfo.info;
    expect((await new Validator().validate(noInfo)).valid).toBe(false);
  });

  it('has every registered route, and no route the app does not have', () => {
    const registered = registeredRoutes(t);
    expect(registered.length).toBeGreaterThan(20);
    const documented = operations().map((o) => o.key).sort();
    expect(registered.filter((r) => !documented.includes(r)), 'routes missing from the document').toEqual([]);
    expect(documented.filter((r) => !registered.includes(r)), 'documented routes the app does not have').toEqual([]);
  });

  it('gives each operation its parameters, body and statuses', () => {
    for (const { key, path, op } of operations()) {
      expect(Object.keys(op.responses).some((s) => s.startsWith('2')), `${key} has a success answer`).toBe(true);
      for (const name of path.match(/\{(\w+)\}/g) ?? []) {
        expect(op.parameters?.some((p: Json) => p.in === 'path' && `{${p.name}}` === name && p.required), `${key} path ${name}`).toBe(true);
      }
      // Signed-in routes answer 401; public ones say they need no token.
      if (op.security) expect(op.security).toEqual([]);
      else expect(op.responses['401'], `${key} 401`).toBeDefined();
    }
    const stats = doc.paths['/api/stats'].get;
    expect(stats.parameters.map((p: Json) => p.name).sort()).toEqual(['from', 'group', 'to']);
    expect(stats.responses['400']).toBeDefined();
    const roster = doc.paths['/api/members.xlsx'].get;
    expect(roster.parameters.find((p: Json) => p.name === 'reason')).toMatchObject({ in: 'query', required: true });
    expect(roster.parameters.find((p: Json) => p.name === 'full')).toMatchObject({ in: 'query', required: false });
    expect(Object.keys(roster.responses).sort()).toEqual(['200', '400', '401', '403', '429']);
    expect(doc.paths['/api/orgs/import'].post.requestBody.content['text/csv']).toBeDefined();
    expect(bodySchema('/api/auth/login')).toMatchObject({ type: 'object', required: ['username', 'password'] });
  });

  it('publishes a sync body schema that takes a body the tests send, and refuses what the server refuses', async () => {
    const tree = await seedTree(t.storage);
    const stall = await addStall(t.storage, tree.streets.jianwai, '2026-05-01');
    const body = syncBody([enrollment({ stallId: stall.id, n: 42 }), consultation({ stallId: stall.id })]);
    const validate = ajv.compile(bodySchema('/api/sync'));
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...body, records: [] })).toBe(false);
    expect(validate({ ...body, records: [{ ...(body.records[1] as object), kind: 'gossip' }] })).toBe(false);
    expect(validate({ ...body, records: [{ ...(body.records[0] as object), services: ['free_lunch'] }] })).toBe(false);
    expect(validate({ ...body, deviceId: 'has spaces' })).toBe(false);

    const e = enrollment({ stallId: stall.id, n: 43 });
    const join = ajv.compile(bodySchema('/api/join/{token}'));
    expect(join({ id: e.id, createdAt: e.createdAt, person: e.person, services: e.services, consent: e.consent }), JSON.stringify(join.errors)).toBe(true);
    expect(join({ id: e.id, createdAt: e.createdAt, services: e.services, consent: e.consent })).toBe(false);
  });

  it('describes real answers: /api/health and a sign-in validate against their published schemas', async () => {
    const health = ajv.compile(answerSchema('/api/health', 200));
    expect(health(await (await t.app.request('/api/health')).json())).toBe(true);
    const res = await t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-password-for-tests' }),
    });
    const login = ajv.compile(answerSchema('/api/auth/login', 200, 'post'));
    expect(login(await res.json()), JSON.stringify(login.errors)).toBe(true);
    const error = ajv.compile(doc.components.schemas.Error);
    expect(error(await (await t.app.request('/api/me')).json())).toBe(true);
  });
});
