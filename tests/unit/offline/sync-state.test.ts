import { describe, expect, it } from 'vitest';
import {
  applyPatch,
  broadcastKey,
  broadcastOf,
  holdingLock,
  initialModel,
  receive,
  sessionAccepted,
  syncBroadcastSchema,
  type SyncBroadcast,
  type SyncError,
} from '../../../src/offline/sync-state';

const error = (at: number): SyncError => ({ kind: 'network', message: 'fetch failed', at });
const from = (other: string, news: Partial<SyncBroadcast> = {}): SyncBroadcast => ({
  type: 'sync-state',
  from: other,
  syncing: false,
  progress: { sent: 0, total: 0 },
  lastSuccessAt: null,
  needsSignIn: false,
  ...news,
});
const idle = { sendingHere: false, quiet: true };

describe('sync state: own news and what is broadcast', () => {
  it('records only its own patches as news; what it shows from others is not broadcast', () => {
    let model = applyPatch(initialModel(true), { lastError: error(1), retryAt: 5 }, true);
    model = applyPatch(model, { needsSignIn: true, lastError: error(2) }, false);
    expect(model.state).toMatchObject({ needsSignIn: true, lastError: error(2), retryAt: 5 });
    expect(broadcastOf(model, 'me', false)).toEqual(from('me', { lastError: error(1), retryAt: 5 }));
  });

  it('broadcasts progress only while this context is the one sending', () => {
    const model = applyPatch(initialModel(true), { syncing: true, progress: { sent: 3, total: 9 } }, true);
    expect(broadcastOf(model, 'me', true)).toMatchObject({ syncing: true, progress: { sent: 3, total: 9 } });
    expect(broadcastOf(model, 'me', false)).toMatchObject({ syncing: false, progress: { sent: 0, total: 0 } });
  });

  it('keys a broadcast by what it says, not by who says it', () => {
    expect(broadcastKey(from('a'))).toBe(broadcastKey(from('b')));
    expect(broadcastKey(from('a'))).not.toBe(broadcastKey(from('a', { needsSignIn: true })));
  });

  it('every broadcast it makes passes the schema a receiver checks it with; a wrong one does not', () => {
    const model = applyPatch(initialModel(true), { lastError: error(1), retryAt: 5, needsSignIn: true }, true);
    expect(syncBroadcastSchema.safeParse(broadcastOf(model, 'me', true)).success).toBe(true);
    expect(syncBroadcastSchema.safeParse({ ...from('x'), lastError: { ...error(1), kind: 'lost' } }).success).toBe(false);
    expect(syncBroadcastSchema.safeParse({ ...from('x'), type: 'other' }).success).toBe(false);
  });
});

describe('sync state: merging another context', () => {
  it("shows another context's progress, unless this one is sending", () => {
    const news = from('tab-b', { syncing: true, progress: { sent: 2, total: 7 } });
    const heard = receive(initialModel(true), news, idle);
    expect(heard.model.state).toMatchObject({ syncing: true, progress: { sent: 2, total: 7 }, waiting: 5 });
    expect(heard.model.remoteSender).toBe('tab-b');
    const busy = receive(initialModel(true), news, { sendingHere: true, quiet: false });
    expect(busy.model.state.syncing).toBe(false);
    expect(busy.model.remoteSender).toBe('tab-b');
  });

  it('notices when the sender stops, and only that sender', () => {
    const sending = receive(initialModel(true), from('tab-b', { syncing: true, progress: { sent: 0, total: 4 } }), idle).model;
    const other = receive(sending, from('tab-c'), idle);
    expect(other.senderStopped).toBe(false);
    expect(other.model.remoteSender).toBe('tab-b');
    const stopped = receive(sending, from('tab-b', { progress: { sent: 4, total: 4 } }), idle);
    expect(stopped.senderStopped).toBe(true);
    expect(stopped.model.remoteSender).toBeNull();
    expect(stopped.model.state).toMatchObject({ syncing: false, progress: { sent: 4, total: 4 } });
  });

  it("takes a later success; it clears this context's error only while no retry is scheduled here", () => {
    const failing = applyPatch(initialModel(true), { lastError: error(1), retryAt: 9, lastSuccessAt: '2025-03-01T12:00:00.000+08:00' }, true);
    const news = from('tab-b', { lastSuccessAt: '2025-03-01T12:05:00.000+08:00' });
    const quiet = receive(failing, news, idle);
    expect(quiet.model.state).toMatchObject({ lastSuccessAt: news.lastSuccessAt, lastError: undefined, retryAt: undefined });
    const backingOff = receive(failing, news, { sendingHere: false, quiet: false });
    expect(backingOff.model.state).toMatchObject({ lastSuccessAt: news.lastSuccessAt, lastError: error(1), retryAt: 9 });
    const older = receive(failing, from('tab-b', { lastSuccessAt: '2025-03-01T11:00:00.000+08:00' }), idle);
    expect(older.patch.lastSuccessAt).toBeUndefined();
  });

  it("shows another context's newer failure (why records wait), never an older one", () => {
    const mine = applyPatch(initialModel(true), { lastError: error(10) }, true);
    expect(receive(mine, from('tab-b', { lastError: error(20), retryAt: 99 }), idle).model.state).toMatchObject({ lastError: error(20), retryAt: 99 });
    expect(receive(mine, from('tab-b', { lastError: error(5) }), idle).model.state.lastError).toEqual(error(10));
    // What it shows from others stays out of its own news.
    expect(receive(mine, from('tab-b', { lastError: error(20) }), idle).model.own.lastError).toEqual(error(10));
  });

  it('needs a sign-in while any context says so; the last one signing in again says so', () => {
    let model = receive(initialModel(true), from('tab-b', { needsSignIn: true }), idle).model;
    model = receive(model, from('tab-c', { needsSignIn: true }), idle).model;
    const one = receive(model, from('tab-b'), idle);
    expect(one.signedInAgain).toBe(false);
    expect(one.model.state.needsSignIn).toBe(true);
    const both = receive(one.model, from('tab-c'), idle);
    expect(both.signedInAgain).toBe(true);
    expect(both.model.state.needsSignIn).toBe(false);
  });

  it('keeps needing a sign-in when this context itself was refused', () => {
    const refused = applyPatch(initialModel(true), { needsSignIn: true }, true);
    const model = receive(refused, from('tab-b', { needsSignIn: true }), idle).model;
    const heard = receive(model, from('tab-b'), idle);
    expect(heard.signedInAgain).toBe(true);
    expect(heard.model.state.needsSignIn).toBe(true);
  });

  it('holding the lock forgets a sender that never said it stopped', () => {
    const model = receive(initialModel(true), from('closed-tab', { syncing: true, progress: { sent: 1, total: 3 } }), idle).model;
    const held = holdingLock(model, false);
    expect(held.remoteSender).toBeNull();
    expect(held.state.syncing).toBe(false);
    expect(holdingLock(held, false)).toBe(held);
  });

  it('an accepted session ends every sign-in notice, as news of its own', () => {
    let model = receive(initialModel(true), from('tab-b', { needsSignIn: true }), idle).model;
    model = applyPatch(model, { needsSignIn: true }, true);
    const accepted = sessionAccepted(model);
    expect(accepted.remoteSignIn.size).toBe(0);
    expect(accepted.state.needsSignIn).toBe(false);
    expect(broadcastOf(accepted, 'me', false).needsSignIn).toBe(false);
    const calm = initialModel(true);
    expect(sessionAccepted(calm).state).toBe(calm.state);
  });
});
