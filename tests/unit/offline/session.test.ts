import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDB } from '../../../src/offline/db';
import { enqueue } from '../../../src/offline/outbox';
import { counts } from '../../../src/offline/outbox-counts';
import { clearSession, getDeviceId, getSession, markSessionExpired, saveSession } from '../../../src/offline/session';
import { cacheStalls, chooseStall, getChosenStall, listCachedStalls } from '../../../src/offline/stalls';
import { STALL, consultation, freshIndexedDB } from './fixtures';

beforeEach(freshIndexedDB);
afterEach(closeDB);

const user = { id: 'u1', username: 'staff1', role: 'staff' as const, orgId: 'o1' };

describe('device session', () => {
  it('makes one device id per device and keeps it across sign-ins', async () => {
    const [a, b] = await Promise.all([getDeviceId(), getDeviceId()]);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(b).toBe(a);
    const session = await saveSession('tok', user, '朝阳区总工会');
    expect(session).toMatchObject({ token: 'tok', user, deviceId: a, orgName: '朝阳区总工会' });
    await clearSession();
    expect((await saveSession('tok2', user)).deviceId).toBe(a);
  });

  it('signing out or an expired token never touches waiting records', async () => {
    await saveSession('tok', user);
    await enqueue(consultation());
    await markSessionExpired();
    expect(await getSession()).toMatchObject({ token: 'tok', expired: true });
    await clearSession();
    expect(await getSession()).toBeUndefined();
    expect((await counts()).pending).toBe(1);
  });
});

describe('cached stalls', () => {
  it('replaces the cache and remembers the chosen stall', async () => {
    await cacheStalls([
      { id: 'b', name: '乙', orgId: 'o1', date: '2026-11-06' },
      { id: STALL, name: '甲', orgId: 'o1', date: '2026-11-05' },
    ]);
    expect((await listCachedStalls()).map((s) => s.name)).toEqual(['甲', '乙']);
    expect(await getChosenStall()).toBeUndefined();
    await chooseStall(STALL);
    expect((await getChosenStall())?.name).toBe('甲');
    await cacheStalls([{ id: 'b', name: '乙', orgId: 'o1', date: '2026-11-06' }]);
    expect(await getChosenStall()).toBeUndefined();
  });
});
