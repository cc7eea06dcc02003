/**
 * Cursor paging of GET /api/audit and GET /api/stalls on each engine: walking every page of a list
 * longer than a page yields each row once, in the list's order, also with rows that share a sort key;
 * the answer says whether more follow (never a silent cap); a cursor that is not one of that list's
 * own is a 400 bad_cursor, and a limit past the most a page holds is a 400 too.
 */
import crypto from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, STALL_PAGE_MAX } from '../../../src/shared/paging';
import { addDays, today } from '../../../src/server/time';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { addStall, addUser, seedTree } from '../support/fixtures';
import { client, login } from './helpers';

type Entry = { at: string; userId: string | null; action: string; target: string | null };
type AuditPage = { items: Entry[]; next: string | null; hasMore: boolean };

describeEachEngine('cursor paging: GET /api/audit and GET /api/stalls', (engine) => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let admin: string;
  beforeEach(async () => {
    t = await startTestApp(engine);
    api = client(t);
    admin = await login(t, 'admin', 'admin-password-for-tests');
  });
  afterEach(async () => t.close());

  /** Writes `n` audit entries of one day straight into the store, three at each instant (ties on `at`). */
  const seedAudit = async (n: number, day: string, userId: string | null, action = 'stall.create') => {
    const base = new Date(`${day}T09:00:00+08:00`).getTime();
    const rows = Array.from({ length: n }, (_, i) => ({
      id: crypto.randomUUID(),
      at: new Date(base + Math.floor(i / 3) * 1000).toISOString(),
      user_id: userId,
      action,
      target: `stall:${i}`,
    }));
    for (let i = 0; i < rows.length; i += 200) await t.storage.db.insertInto('audit').values(rows.slice(i, i + 200)).execute();
    return rows;
  };

  const auditPage = async (query: string): Promise<AuditPage> => {
    const res = await api.get(`/api/audit?${query}`, admin);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as AuditPage;
  };

  it('audit: every page walked gives each entry once, newest first, and the last page says there is no more', async () => {
    const day = addDays(today('Asia/Shanghai'), -2);
    const rows = await seedAudit(257, day, null);
    const seen: Entry[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await auditPage(`from=${day}&to=${day}&limit=40${cursor ? `&cursor=${cursor}` : ''}`);
      pages++;
      expect(page.items.length).toBe(page.hasMore ? 40 : 257 % 40);
      expect(page.hasMore).toBe(page.next !== null);
      seen.push(...page.items);
      cursor = page.next;
    } while (cursor);
    expect(pages).toBe(7);
    expect(seen.map((e) => e.target).sort()).toEqual(rows.map((r) => r.target).sort());
    expect(new Set(seen.map((e) => e.target)).size).toBe(257);
    expect([...seen].sort((a, b) => b.at.localeCompare(a.at))).toEqual(seen);

    // Without a limit a page holds the default; the answer keeps DESIGN.md's fields and says more follow.
    const first = await auditPage(`from=${day}&to=${day}`);
    expect(first.items).toHaveLength(AUDIT_PAGE_DEFAULT);
    expect(first).toMatchObject({ hasMore: true, next: expect.any(String) });
    expect(Object.keys(first.items[0]!).sort()).toEqual(['action', 'at', 'target', 'userId']);
  });

  it('audit: filters by user and action apply on every page', async () => {
    const tree = await seedTree(t.storage);
    const a = await addUser(t.storage, tree.streets.jianwai, 'staff');
    const b = await addUser(t.storage, tree.streets.jianwai, 'staff');
    const day = addDays(today('Asia/Shanghai'), -1);
    await seedAudit(45, day, a.id, 'stall.create');
    await seedAudit(30, day, a.id, 'auth.login');
    await seedAudit(20, day, b.id, 'stall.create');
    const walk = async (query: string) => {
      const out: Entry[] = [];
      let cursor: string | null = null;
      do {
        const page = await auditPage(`from=${day}&to=${day}&limit=10&${query}${cursor ? `&cursor=${cursor}` : ''}`);
        out.push(...page.items);
        cursor = page.next;
      } while (cursor);
      return out;
    };
    const mineCreates = await walk(`userId=${a.id}&action=stall.create`);
    expect(mineCreates).toHaveLength(45);
    expect(mineCreates.every((e) => e.userId === a.id && e.action === 'stall.create')).toBe(true);
    expect(await walk(`userId=${a.id}`)).toHaveLength(75);
    expect(await walk('action=stall.create')).toHaveLength(65);
    expect(await walk(`userId=${crypto.randomUUID()}`)).toEqual([]);
  });

  it('audit: a bad cursor, a cursor of another list, a bad limit or filter is a 400 with a reason', async () => {
    const day = addDays(today('Asia/Shanghai'), -1);
    await seedAudit(5, day, null);
    const page = await auditPage(`from=${day}&to=${day}&limit=2`);
    expect(page.next).toEqual(expect.any(String));
    const stallCursor = Buffer.from(JSON.stringify({ l: 'stalls', k: ['2026-01-01', 'x', 'y'] })).toString('base64url');
    const wrongKeys = Buffer.from(JSON.stringify({ l: 'audit', k: ['yesterday', 42] })).toString('base64url');
    for (const cursor of ['not*base64', 'x'.repeat(600), Buffer.from('{"l":').toString('base64url'), stallCursor, wrongKeys, `${page.next}AA`]) {
      const res = await api.get(`/api/audit?from=${day}&to=${day}&cursor=${encodeURIComponent(cursor)}`, admin);
      expect(res.status, cursor).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, cursor).toBe('bad_cursor');
      expect(body.error.message).toBeTruthy();
    }
    for (const query of [`limit=${AUDIT_PAGE_MAX + 1}`, 'limit=0', 'limit=-3', 'limit=ten', 'userId=nobody', 'action=DROP TABLE']) {
      expect((await api.get(`/api/audit?${query}`, admin)).status, query).toBe(400);
    }
    expect((await api.get(`/api/audit?limit=${AUDIT_PAGE_MAX}`, admin)).status).toBe(200);
  });

  it('stalls: the body stays the array of stalls; X-Has-More and X-Next-Cursor walk every page once, in order', async () => {
    const tree = await seedTree(t.storage);
    const supervisor = await addUser(t.storage, tree.districts.chaoyang, 'supervisor');
    const d0 = today('Asia/Shanghai');
    const made: string[] = [];
    // Stalls on three days, several with the same name on one day (ties on the sort keys before the id).
    for (let i = 0; i < 23; i++) made.push((await addStall(t.storage, tree.streets.jianwai, addDays(d0, i % 3), `摊位 ${i % 4}`)).id);
    await addStall(t.storage, tree.streets.zhongguancun, d0, '海淀的摊位'); // outside the supervisor's subtree
    const seen: { id: string; date: string; name: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await api.get(`/api/stalls?from=${d0}&limit=5${cursor ? `&cursor=${cursor}` : ''}`, supervisor.token);
      expect(res.status).toBe(200);
      const list = (await res.json()) as { id: string; date: string; name: string; joinUrl: string }[];
      expect(Array.isArray(list)).toBe(true);
      const more = res.headers.get('X-Has-More');
      cursor = res.headers.get('X-Next-Cursor');
      expect(more).toBe(cursor ? 'true' : 'false');
      expect(list.length).toBe(more === 'true' ? 5 : 3);
      seen.push(...list);
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen.map((s) => s.id).sort()).toEqual([...made].sort());
    const dates = seen.map((s) => s.date);
    expect([...dates].sort()).toEqual(dates);

    // Without a limit: one page of up to STALL_PAGE_MAX, saying there is no more.
    const all = await api.get(`/api/stalls?from=${d0}`, supervisor.token);
    expect(((await all.json()) as unknown[]).length).toBe(23);
    expect(all.headers.get('X-Has-More')).toBe('false');
    expect(all.headers.get('X-Next-Cursor')).toBeNull();

    const auditCursor = Buffer.from(JSON.stringify({ l: 'audit', k: [new Date().toISOString(), crypto.randomUUID()] })).toString('base64url');
    for (const bad of [`cursor=${auditCursor}`, 'cursor=%%%', `limit=${STALL_PAGE_MAX + 1}`, 'limit=0']) {
      const res = await api.get(`/api/stalls?from=${d0}&${bad}`, supervisor.token);
      expect(res.status, bad).toBe(400);
    }
  });
});
