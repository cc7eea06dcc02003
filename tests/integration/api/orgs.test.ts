import fs from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { addUser, seedTree } from '../support/fixtures';
import { client, login, rowCounts } from './helpers';

const BEIJING = fs.readFileSync(new URL('../../fixtures/beijing-orgs.csv', import.meta.url));

describeEachEngine('the org tree: GET/POST /api/orgs and CSV import', (engine) => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let admin: string;
  beforeEach(async () => {
    t = await startTestApp(engine);
    api = client(t);
    admin = await login(t, 'admin', 'admin-password-for-tests');
  });
  afterEach(async () => t.close());

  const orgsByCode = async () => {
    const rows = await t.storage.db.selectFrom('orgs').selectAll().execute();
    return new Map(rows.map((r) => [r.code, r]));
  };

  it('imports the Beijing sample, then importing it again creates nothing new', async () => {
    const first = await api.csv('/api/orgs/import', BEIJING, admin);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ created: 34, skipped: 0, errors: [] });
    const orgs = await orgsByCode();
    expect(orgs.get('110105')).toMatchObject({ name: '朝阳区总工会', level: 'district', parent_id: orgs.get('root')!.id });
    expect(orgs.get('110105-03')).toMatchObject({ name: '望京街道总工会', level: 'street', parent_id: orgs.get('110105')!.id });
    expect(orgs.get('110105-03')!.path).toBe(`${orgs.get('110105')!.path}${orgs.get('110105-03')!.id}/`);

    const again = await api.csv('/api/orgs/import', BEIJING, admin);
    expect(await again.json()).toEqual({ created: 0, skipped: 34, errors: [] });
    expect((await orgsByCode()).size).toBe(35);
  });

  it('reports bad lines by line number and still creates the good ones', async () => {
    const csv = [
      'code,name,level,parentCode',
      '200001,甲区总工会,district,root', // 2 ok
      '200001-01,甲街道总工会,street,200001', // 3 ok
      'bad code!,乙区,district,root', // 4 bad code
      '200002,,district,root', // 5 empty name
      '200003,丙区,province,root', // 6 bad level
      '200004,丁街道,street,root', // 7 street under the city
      '200005,戊街道,street,999999', // 8 unknown parent
      '200006,己区,district', // 9 three columns
      '200001,甲区重复,district,root', // 10 duplicate in the file
      '200007-01,庚街道,street,200007', // 11 parent later in the file
      '200007,庚区总工会,district,root', // 12 ok
      '"200008","辛区, 含逗号的""名称""",district,root', // 13 ok, quoted
      '"200009,unterminated', // 14 broken quoting, to the end of the file
    ].join('\r\n');
    const res = await api.csv('/api/orgs/import', csv, admin);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.created).toBe(5);
    expect(body.skipped).toBe(0);
    expect(body.errors.map((e: { line: number }) => e.line)).toEqual([4, 5, 6, 7, 8, 9, 10, 14]);
    for (const e of body.errors) expect(typeof e.message).toBe('string');
    const orgs = await orgsByCode();
    expect(orgs.get('200008')!.name).toBe('辛区, 含逗号的"名称"');
    expect(orgs.get('200007-01')!.parent_id).toBe(orgs.get('200007')!.id);
    expect(orgs.get('200001')!.name).toBe('甲区总工会');
  });

  it('orders parents within one file freely, and reports a line whose parent failed', async () => {
    const csv = [
      'code,name,level,parentCode',
      '300001-01,街道一,street,300001',
      '300002-01,街道二,street,300002',
      '300001,区一,district,root',
      '300002,区二,district,nowhere!', // bad parent code
    ].join('\n');
    const body = await (await api.csv('/api/orgs/import', csv, admin)).json();
    expect(body.created).toBe(2);
    expect(body.errors).toEqual([
      { line: 3, message: expect.stringContaining('300002') },
      { line: 5, message: expect.any(String) },
    ]);
  });

  it('reports a changed line on re-import as a conflict and changes nothing', async () => {
    await api.csv('/api/orgs/import', 'code,name,level,parentCode\n400001,区,district,root\n', admin);
    const body = await (await api.csv('/api/orgs/import', 'code,name,level,parentCode\n400001,改名的区,district,root\n', admin, 'text/plain')).json();
    expect(body).toMatchObject({ created: 0, skipped: 0, errors: [{ line: 2 }] });
    expect((await orgsByCode()).get('400001')!.name).toBe('区');
  });

  it('reads GB18030 files from Excel/WPS, a BOM, and messages in English when asked', async () => {
    // Encode as GB18030 by hand for the two Chinese names (北京区 = B1B1 BEA9 C7F8, 区 = C7F8).
    const bytes = Buffer.concat([
      Buffer.from('code,name,level,parentCode\r\n500001,'),
      Buffer.from([0xb1, 0xb1, 0xbe, 0xa9, 0xc7, 0xf8]),
      Buffer.from(',district,root\r\n500002,'),
      Buffer.from([0xc7, 0xf8]),
      Buffer.from(',street,root\r\n'),
    ]);
    const res = await t.app.request('/api/orgs/import', {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv', Authorization: `Bearer ${admin}`, 'Accept-Language': 'en' },
      body: bytes,
    });
    const body = await res.json();
    expect(body.created).toBe(1);
    expect(body.errors[0].line).toBe(3);
    expect(body.errors[0].message).toMatch(/parent of a street must be a district/);
    expect((await orgsByCode()).get('500001')!.name).toBe('北京区');
    const bom = await api.csv('/api/orgs/import', '\uFEFFcode,name,level,parentCode\n500003,区三,district,root\n', admin);
    expect((await bom.json()).created).toBe(1);
  });

  it('refuses a wrong header, a wrong content type, or a caller who is not an admin', async () => {
    const before = await rowCounts(t);
    expect((await api.csv('/api/orgs/import', 'name,code\n', admin)).status).toBe(400);
    expect((await api.csv('/api/orgs/import', '', admin)).status).toBe(400);
    expect((await api.csv('/api/orgs/import', 'code,name,level,parentCode\n', admin, 'application/json')).status).toBe(415);
    expect((await api.csv('/api/orgs/import', 'code,name,level,parentCode\n', admin, 'text/csv; charset=latin1')).status).toBe(400);
    const { districts } = await seedTree(t.storage);
    const supervisor = await addUser(t.storage, districts.chaoyang, 'supervisor');
    const afterSeed = await rowCounts(t);
    expect((await api.csv('/api/orgs/import', 'code,name,level,parentCode\n600001,区,district,root\n', supervisor.token)).status).toBe(403);
    expect(await rowCounts(t)).toEqual(afterSeed);
    expect(before.orgs).toBe(1);
  });

  it('imports only under parents inside the admin’s own subtree', async () => {
    const { districts } = await seedTree(t.storage);
    const districtAdmin = await addUser(t.storage, districts.chaoyang, 'admin');
    const csv = `code,name,level,parentCode\n700001,朝阳新街道,street,${districts.chaoyang.code}\n700002,海淀新街道,street,${districts.haidian.code}\n700003,新区,district,root\n`;
    const body = await (await api.csv('/api/orgs/import', csv, districtAdmin.token)).json();
    expect(body.created).toBe(1);
    expect(body.errors.map((e: { line: number }) => e.line)).toEqual([3, 4]);
  });

  it('POST /api/orgs nests levels, keeps codes unique, and answers the org', async () => {
    const orgs = await orgsByCode();
    const root = orgs.get('root')!;
    const district = await api.post('/api/orgs', { parentId: root.id, name: ' 通州区总工会 ', level: 'district', code: '110112' }, admin);
    expect(district.status).toBe(201);
    const d = await district.json();
    expect(d).toEqual({ id: expect.any(String), parentId: root.id, name: '通州区总工会', level: 'district', code: '110112' });
    const street = await api.post('/api/orgs', { parentId: d.id, name: '永顺镇总工会', level: 'street', code: '110112-01' }, admin);
    expect(street.status).toBe(201);
    const s = await street.json();

    const bad = async (body: unknown, status: number, code: string) => {
      const res = await api.post('/api/orgs', body, admin);
      expect(res.status).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    };
    await bad({ parentId: root.id, name: '街道', level: 'street', code: 'x1' }, 400, 'org_nesting');
    await bad({ parentId: s.id, name: '街道下的街道', level: 'street', code: 'x2' }, 400, 'org_nesting');
    await bad({ parentId: d.id, name: '区下的区', level: 'district', code: 'x3' }, 400, 'org_nesting');
    await bad({ parentId: root.id, name: '另一个市', level: 'city', code: 'x4' }, 400, 'invalid_input');
    await bad({ parentId: root.id, name: '重复', level: 'district', code: '110112' }, 409, 'org_code_taken');
    await bad({ parentId: crypto.randomUUID(), name: '无上级', level: 'district', code: 'x5' }, 404, 'unknown_org');
    await bad({ parentId: root.id, name: 'a\u202Eb', level: 'district', code: 'x6' }, 400, 'invalid_input');

    const list = await (await api.get('/api/orgs', admin)).json();
    expect(list).toHaveLength(3);
    expect(list[0]).toEqual({ id: expect.any(String), parentId: expect.anything(), name: expect.any(String), level: expect.any(String), code: expect.any(String) });
  });

  it('GET /api/orgs shows only the caller’s subtree', async () => {
    const { districts, streets } = await seedTree(t.storage);
    const supervisor = await addUser(t.storage, districts.chaoyang, 'supervisor');
    const staff = await addUser(t.storage, streets.jianwai, 'staff');
    const seen = async (token: string) => ((await (await api.get('/api/orgs', token)).json()) as { id: string }[]).map((o) => o.id).sort();
    expect(await seen(supervisor.token)).toEqual([districts.chaoyang.id, streets.jianwai.id, streets.sanlitun.id].sort());
    expect(await seen(staff.token)).toEqual([streets.jianwai.id]);
    expect(await seen(admin)).toHaveLength(7);
  });
});
