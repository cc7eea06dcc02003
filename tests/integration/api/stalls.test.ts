import { afterEach, beforeEach, expect, it } from 'vitest';
import { verifyJoinToken } from '../../../src/server/join-tokens';
import { addDays, today } from '../../../src/server/time';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { addStall, addUser, seedTree } from '../support/fixtures';
import { client, rowCounts } from './helpers';

describeEachEngine('stalls: POST/GET /api/stalls and GET /api/me', (engine) => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let tree: Awaited<ReturnType<typeof seedTree>>;
  const day = (n: number) => addDays(today('Asia/Shanghai'), n);
  beforeEach(async () => {
    t = await startTestApp(engine);
    api = client(t);
    tree = await seedTree(t.storage);
  });
  afterEach(async () => t.close());

  it('lets staff create a stall in their street, with a join link that verifies to it', async () => {
    const staff = await addUser(t.storage, tree.streets.jianwai, 'staff');
    const res = await api.post('/api/stalls', { name: ' 建外 SOHO 摊位 ', orgId: tree.streets.jianwai.id, date: day(0), location: '东三环中路' }, staff.token);
    expect(res.status).toBe(201);
    const stall = await res.json();
    expect(stall).toMatchObject({ name: '建外 SOHO 摊位', orgId: tree.streets.jianwai.id, date: day(0), location: '东三环中路' });
    expect(stall.joinUrl).toBe(`https://ruhui.test/join?t=${stall.joinToken}`);
    const check = verifyJoinToken(t.keys.joinToken, stall.joinToken);
    expect(check).toMatchObject({ ok: true, stallId: stall.id });
    // The link works through the end of the stall's day + 7, Beijing time.
    expect(stall.joinExpiresAt).toBe(new Date(`${addDays(day(0), 8)}T00:00:00+08:00`).toISOString());
  });

  it('refuses a stall outside the caller’s subtree with 403 and writes nothing', async () => {
    const staff = await addUser(t.storage, tree.streets.jianwai, 'staff');
    const supervisor = await addUser(t.storage, tree.districts.chaoyang, 'supervisor');
    const before = await rowCounts(t);
    for (const [token, orgId] of [
      [staff.token, tree.streets.sanlitun.id],
      [staff.token, tree.districts.chaoyang.id],
      [supervisor.token, tree.streets.zhongguancun.id],
      [supervisor.token, tree.city.id],
    ] as const) {
      const res = await api.post('/api/stalls', { name: '摊位', orgId, date: day(1) }, token);
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe('forbidden');
    }
    expect(await rowCounts(t)).toEqual(before);
    expect((await api.post('/api/stalls', { name: '摊位', orgId: tree.streets.sanlitun.id, date: day(1) }, supervisor.token)).status).toBe(201);
  });

  it('refuses bad dates, names and ids with 400', async () => {
    const staff = await addUser(t.storage, tree.streets.jianwai, 'staff');
    for (const body of [
      { name: '摊位', orgId: tree.streets.jianwai.id, date: '2025-02-30' },
      { name: '摊位', orgId: tree.streets.jianwai.id, date: '9999-01-01' },
      { name: '摊位', orgId: tree.streets.jianwai.id, date: '2025/05/01' },
      { name: '', orgId: tree.streets.jianwai.id, date: day(0) },
      { name: 'x'.repeat(101), orgId: tree.streets.jianwai.id, date: day(0) },
      { name: '摊位', orgId: tree.streets.jianwai.id, date: day(0), location: 'x'.repeat(201) },
      { name: '摊位', orgId: 'jianwai', date: day(0) },
      { name: '摊位', date: day(0) },
    ]) {
      const res = await api.post('/api/stalls', body, staff.token);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('never builds a join link from a foreign Host when PUBLIC_URL is unset: only this machine’s own address and port', async () => {
    const local = await startTestApp(engine, { publicUrl: undefined, port: 8080 });
    try {
      const { streets } = await seedTree(local.storage);
      const staff = await addUser(local.storage, streets.jianwai, 'staff');
      const create = (url: string, headers: Record<string, string> = {}) =>
        local.app.request(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...staff.auth, ...headers },
          body: JSON.stringify({ name: '摊位', orgId: streets.jianwai.id, date: day(0) }),
        });
      const links = async (res: Response) => {
        const body = await res.json();
        const list: { joinUrl: string; joinToken: string }[] = Array.isArray(body) ? body : 'stalls' in body ? body.stalls : [body];
        expect(list.length).toBeGreaterThan(0);
        return list.map((s) => s.joinUrl.replace(`?t=${s.joinToken}`, '?t=…'));
      };
      const own = 'http://localhost:8080/join?t=…';
      // A foreign Host, whether on the request line or in X-Forwarded-Host, on every route that gives links.
      expect(await links(await create('http://evil.example/api/stalls'))).toEqual([own]);
      expect(await links(await create('http://evil.example:8080/api/stalls', { 'X-Forwarded-Host': 'evil.example' }))).toEqual([own]);
      expect(await links(await create('http://localhost:8080/api/stalls', { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' }))).toEqual([own]);
      for (const path of ['/api/stalls', '/api/me']) {
        expect(new Set(await links(await local.app.request(`http://evil.example:8080${path}`, { headers: staff.auth })))).toEqual(new Set([own]));
      }
      // This machine by its own address (a phone on the stall's network): kept, on the listening port only.
      expect(await links(await create('http://127.0.0.1:8080/api/stalls'))).toEqual(['http://127.0.0.1:8080/join?t=…']);
      expect(await links(await create('http://127.0.0.1:9999/api/stalls'))).toEqual([own]);
      expect(await links(await create('http://[::1]:8080/api/stalls'))).toEqual(['http://[::1]:8080/join?t=…']);
      expect(await links(await create('http://127.0.0.1.evil.example:8080/api/stalls'))).toEqual([own]);
    } finally {
      await local.close();
    }
  });

  it('GET /api/stalls lists the caller’s scope within from/to (from defaults to today)', async () => {
    const supervisor = await addUser(t.storage, tree.districts.chaoyang, 'supervisor');
    const past = await addStall(t.storage, tree.streets.jianwai, day(-3), '过去的摊位');
    const todays = await addStall(t.storage, tree.streets.sanlitun, day(0), '今天的摊位');
    const later = await addStall(t.storage, tree.streets.jianwai, day(10), '以后的摊位');
    await addStall(t.storage, tree.streets.zhongguancun, day(0), '海淀的摊位');
    const ids = async (query: string) =>
      ((await (await api.get(`/api/stalls${query}`, supervisor.token)).json()) as { id: string }[]).map((s) => s.id);
    expect(await ids('')).toEqual([todays.id, later.id]);
    expect(await ids(`?from=${day(-5)}&to=${day(0)}`)).toEqual([past.id, todays.id]);
    expect(await ids(`?from=${day(1)}`)).toEqual([later.id]);
    expect((await api.get(`/api/stalls?from=${day(2)}&to=${day(1)}`, supervisor.token)).status).toBe(400);
    expect((await api.get('/api/stalls?from=yesterday', supervisor.token)).status).toBe(400);
    const listed = await (await api.get('/api/stalls', supervisor.token)).json();
    expect(listed[0]).toMatchObject({ id: todays.id, joinUrl: expect.stringContaining('/join?t=') });
  });

  it('GET /api/me gives the user, their org, and their subtree’s stalls from today on, with join links', async () => {
    const staff = await addUser(t.storage, tree.streets.jianwai, 'staff');
    await addStall(t.storage, tree.streets.jianwai, day(-1));
    const todays = await addStall(t.storage, tree.streets.jianwai, day(0));
    const tomorrow = await addStall(t.storage, tree.streets.jianwai, day(1));
    await addStall(t.storage, tree.streets.sanlitun, day(0));
    const me = await (await api.get('/api/me', staff.token)).json();
    expect(me.user).toEqual({ id: staff.id, username: staff.username, role: 'staff', orgId: tree.streets.jianwai.id });
    expect(me.org).toEqual({ id: tree.streets.jianwai.id, parentId: tree.districts.chaoyang.id, name: '建外街道总工会', level: 'street', code: tree.streets.jianwai.code });
    expect(me.stalls.map((s: { id: string }) => s.id)).toEqual([todays.id, tomorrow.id]);
    const created = await (await api.get(`/api/stalls?from=${day(0)}&to=${day(0)}`, staff.token)).json();
    expect(me.stalls[0].joinToken).toBe(created[0].joinToken);
  });
});
