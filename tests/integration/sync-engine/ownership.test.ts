/**
 * Records belong to who saved them, against the real server: one device, staff A saves records and
 * signs out, staff B of another district signs in and syncs. None of A's goes out under B (counted at
 * the server), B's own go under B, and A's go once A signs in again. An admin's session sends
 * nothing; an admin's records stay for their owner. A supervisor's explicit take-over sends others'.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { closeDB } from '../../../src/offline/db';
import { adoptRecords } from '../../../src/offline/outbox-actions';
import { enqueue } from '../../../src/offline/outbox';
import { ownCounts } from '../../../src/offline/outbox-counts';
import { clearSession, saveSession, type SessionUser } from '../../../src/offline/session';
import type { SyncEngine } from '../../../src/offline/sync-engine';
import { consultation, enrollment } from '../../support/records';
import { describeEachServerEngine } from '../../support/server-store';
import { api, deviceEngine, freshDevice, shanghaiDay, until, startWorld, type RemoteWorld } from './world';

type Login = { token: string; user: SessionUser };

describeEachServerEngine('records belong to who saved them', (serverEngine) => {
  let world: RemoteWorld;
  let b: Login;
  let bStall: string;
  let admin: Login;
  let supervisor: Login;
  let engines: SyncEngine[] = [];
  let n = 70_000;

  beforeAll(async () => {
    world = await startWorld(serverEngine);
    const base = world.server.url;
    const orgs = await api<{ id: string; level: string }[]>(base, '/api/orgs', { token: world.adminToken });
    const root = orgs.find((o) => o.level === 'city')!;
    const other = await api<{ id: string }>(base, '/api/orgs', {
      token: world.adminToken,
      body: { parentId: root.id, name: '海淀区总工会', level: 'district', code: `haidian-${Date.now()}` },
    });
    const make = async (username: string, role: string, orgId: string) => {
      await api(base, '/api/users', { token: world.adminToken, body: { username, password: 'password-for-b-1', role, orgId } });
      return api<Login>(base, '/api/auth/login', { body: { username, password: 'password-for-b-1' } });
    };
    b = await make(`staff-b-${Date.now()}`, 'staff', other.id);
    supervisor = await make(`sup-${Date.now()}`, 'supervisor', root.id);
    admin = await api<Login>(base, '/api/auth/login', { body: { username: 'admin', password: 'admin-password-1' } });
    bStall = (await api<{ id: string }>(base, '/api/stalls', { token: b.token, body: { name: '中关村摊位', orgId: other.id, date: shanghaiDay() } })).id;
  }, 60_000);
  afterAll(async () => world?.close());
  beforeEach(freshDevice);
  afterEach(async () => {
    for (const e of engines) e.stop();
    engines = [];
    await closeDB();
  });

  const run = async () => {
    const e = deviceEngine(world);
    engines.push(e);
    return e.runOnce('now');
  };
  const sentToServer = async () => {
    const t = await world.totals();
    return t.enrolled + t.existing + t.consultations;
  };

  it('sends a record only under the session of who saved it', async () => {
    const before = await sentToServer();
    await saveSession(world.staff.token, world.staff.user);
    for (let i = 0; i < 3; i++) await enqueue(enrollment({ stallId: world.stallId, n: n++ }));
    await clearSession(); // A signs out: the records stay

    await saveSession(b.token, b.user);
    await enqueue(consultation({ stallId: bStall }));
    expect(await ownCounts(b.user.id)).toMatchObject({ pending: 1, others: 3 });
    expect(await run()).toMatchObject({ kind: 'done', sent: 1 });
    expect(await sentToServer()).toBe(before + 1); // B's one, none of A's
    expect(await ownCounts(b.user.id)).toMatchObject({ pending: 0, sent: 1, rejected: 0, others: 3 });

    await clearSession();
    await saveSession(world.staff.token, world.staff.user);
    expect(await run()).toMatchObject({ kind: 'done', sent: 3 });
    expect(await ownCounts(world.staff.user.id)).toMatchObject({ pending: 0, sent: 3, rejected: 0, others: 0 });
    expect(await sentToServer()).toBe(before + 4);
  });

  it('an admin session sends nothing; the records stay for their owner, and a supervisor may take them over', async () => {
    const before = await sentToServer();
    await saveSession(world.staff.token, world.staff.user);
    await enqueue(consultation({ stallId: world.stallId }));
    await enqueue(enrollment({ stallId: world.stallId, n: n++ }));
    await clearSession();
    await saveSession(admin.token, admin.user);
    expect(await run()).toMatchObject({ kind: 'done', sent: 0 });
    expect(await ownCounts(null)).toMatchObject({ others: 2 });
    expect(await sentToServer()).toBe(before);

    // The staff member left: a city supervisor takes the records over, explicitly, and sends them.
    await clearSession();
    await saveSession(supervisor.token, supervisor.user);
    expect(await run()).toMatchObject({ kind: 'done', sent: 0 });
    expect(await adoptRecords(supervisor.user.id, new Set([world.stallId]))).toBe(2);
    expect(await run()).toMatchObject({ kind: 'done', sent: 2 });
    await until(async () => (await sentToServer()) === before + 2, 10_000, 'the server to count both');
  });
});
