import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSyncEngine, type SyncBroadcast, type SyncEngine, type SyncEngineDeps, type SyncState } from '../../../src/offline/sync-engine';
import { processLock } from '../../../src/offline/sync-lock';
import { MIN_BATCH } from '../../../src/offline/sync-pass';
import { localIsoWithOffset } from '../../../src/shared/local-time';
import { MAX_BATCH } from '../../../src/shared/records';
import { FakeServer, MemoryOutbox, MemorySession, acceptAll, hang, json, refuse, status, type SeenRequest } from './sync-fakes';

const T0 = Date.parse('2025-03-01T04:00:00Z');
/** More than one full batch; after one halving, the rest fits one batch grown back (checked below). */
const OVER_ONE_BATCH = MAX_BATCH + 100;
const HALF = Math.max(MIN_BATCH, Math.floor(MAX_BATCH / 2));
/** A full batch fails, half of it goes, then the rest in a batch doubled back. */
const HALVED_THEN_GROWN = [MAX_BATCH, HALF, OVER_ONE_BATCH - HALF];
if (OVER_ONE_BATCH - HALF > Math.min(MAX_BATCH, HALF * 2)) throw new Error('the rest no longer fits one grown batch: pick another count');

let outbox: MemoryOutbox;
let session: MemorySession;
let server: FakeServer;
let engines: SyncEngine[];

function engine(overrides: Partial<SyncEngineDeps> = {}): SyncEngine {
  const e = createSyncEngine({
    outbox,
    session,
    fetch: server.fetch,
    baseUrl: 'http://sync.test',
    random: () => 0.5,
    lock: processLock(`test-${Math.random()}`),
    backoff: { baseMs: 1_000, capMs: 60_000, maxRetryAfterMs: 600_000 },
    pollMs: 30_000,
    // Compression runs on real streams, outside the fake clock; sync-transport.test.ts covers it.
    compressUploads: false,
    ...overrides,
  });
  engines.push(e);
  return e;
}

/** Lets pending promise chains run (real setImmediate: only timers and Date are faked). */
const flush = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};
const advance = async (ms: number) => {
  await vi.advanceTimersByTimeAsync(ms);
  await flush();
};
const sentIds = (seen: SeenRequest[]) => seen.flatMap((r) => r.body.records.map((rec) => rec.id));
const times = () => server.seen.map((r) => r.at - T0);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 });
  outbox = new MemoryOutbox();
  session = new MemorySession();
  server = new FakeServer();
  engines = [];
});

afterEach(() => {
  for (const e of engines) e.stop();
  vi.useRealTimers();
});

describe('sync engine', () => {
  it('sends every pending record oldest first, in batches of at most MAX_BATCH, with progress', async () => {
    const n = 2 * MAX_BATCH + 200;
    const records = outbox.add(n);
    const e = engine();
    const progress: SyncState['progress'][] = [];
    e.subscribe((s) => s.syncing && progress.push(s.progress));

    expect(await e.syncNow()).toEqual({ kind: 'done', sent: n });
    expect(server.seen.map((r) => r.body.records.length)).toEqual([MAX_BATCH, MAX_BATCH, n - 2 * MAX_BATCH]);
    expect(sentIds(server.seen)).toEqual(records.map((r) => r.id));
    expect(progress).toContainEqual({ sent: 0, total: n });
    expect(progress).toContainEqual({ sent: 2 * MAX_BATCH, total: n });
    const req = server.seen[0]!;
    expect(req.token).toBe('token-one');
    expect(req.body.deviceId).toBe('device-1');
    expect(req.body.sentAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    expect(Date.parse(req.body.sentAt)).toBe(T0);
    expect(outbox.byStatus('sent')).toHaveLength(n);
    expect(e.getState()).toMatchObject({ syncing: false, waiting: 0, lastSuccessAt: localIsoWithOffset(T0) });
    expect(e.getState().lastError).toBeUndefined();
  });

  it('retries 5xx with full-jitter backoff until the server answers, then sends each record once', async () => {
    outbox.add(3);
    server.then(status(500), status(503), status(502));
    const e = engine();
    e.start();
    await flush();
    expect(e.getState().lastError).toMatchObject({ kind: 'server', status: 500 });
    expect(e.getState().retryAt).toBe(T0 + 500);
    await advance(10_000);
    // random() = 0.5: half of 1 s, 2 s, 4 s.
    expect(times()).toEqual([0, 500, 1_500, 3_500]);
    expect(outbox.byStatus('sent')).toHaveLength(3);
    expect(e.getState()).toMatchObject({ waiting: 0, needsSignIn: false });
    expect(e.getState().lastError).toBeUndefined();
    expect(e.getState().retryAt).toBeUndefined();
    // Each failed attempt was counted on the records.
    expect([...outbox.entries.values()].map((x) => x.attempts)).toEqual([3, 3, 3]);
  });

  it('honours 429 Retry-After: nothing is sent sooner, not even on "sync now"', async () => {
    outbox.add(2);
    server.then(status(429, { 'Retry-After': '120' }));
    const e = engine();
    e.start();
    await flush();
    expect(e.getState().lastError).toMatchObject({ kind: 'throttled', status: 429 });
    await advance(10_000);
    expect(await e.syncNow()).toMatchObject({ kind: 'retry', delayMs: 110_000 });
    e.trigger('online');
    e.trigger('changed');
    await advance(109_000);
    expect(server.seen).toHaveLength(1);
    await advance(2_000);
    expect(times()).toEqual([0, 120_000]);
    expect(outbox.byStatus('sent')).toHaveLength(2);
  });

  it('honours Retry-After given as an HTTP date on a 503', async () => {
    outbox.add(1);
    server.then(status(503, { 'Retry-After': new Date(T0 + 45_000).toUTCString() }));
    const e = engine();
    e.start();
    await advance(60_000);
    expect(times()).toEqual([0, 45_000]);
  });

  it('times out a request with no answer, retries it, and halves the batch on a weak link', async () => {
    outbox.add(OVER_ONE_BATCH);
    server.then(hang);
    const e = engine({ timeoutMs: 60_000 });
    e.start();
    await advance(59_999);
    expect(server.seen).toHaveLength(1);
    expect(outbox.byStatus('pending')).toHaveLength(OVER_ONE_BATCH);
    await advance(1);
    expect(e.getState().lastError).toMatchObject({ kind: 'timeout' });
    await advance(1_000);
    expect(server.seen.map((r) => r.body.records.length)).toEqual(HALVED_THEN_GROWN);
    expect(outbox.byStatus('sent')).toHaveLength(OVER_ONE_BATCH);
  });

  it('a 401 pauses sync with every record kept, and a new token resumes it', async () => {
    outbox.add(5);
    server.then(status(401));
    const states: SyncState[] = [];
    const e = engine();
    e.subscribe((s) => states.push(s));
    e.start();
    await flush();
    expect(e.getState().needsSignIn).toBe(true);
    expect(session.session?.expired).toBe(true);
    // Paused: time passes, triggers come, nothing is sent and nothing is lost.
    e.trigger('online');
    e.trigger('visible');
    await e.syncNow();
    await advance(10 * 60_000);
    expect(server.seen).toHaveLength(1);
    expect(outbox.byStatus('pending')).toHaveLength(5);

    session.signIn('token-two');
    e.trigger('session');
    await flush();
    expect(server.seen.map((r) => r.token)).toEqual(['token-one', 'token-two']);
    expect(outbox.byStatus('sent')).toHaveLength(5);
    expect(e.getState().needsSignIn).toBe(false);
    expect(states.some((s) => s.needsSignIn)).toBe(true);
  });

  it('notices a new token by itself (signed in in another tab) within one poll', async () => {
    outbox.add(1);
    server.then(status(401));
    const e = engine();
    e.start();
    await flush();
    expect(e.getState().needsSignIn).toBe(true);
    session.signIn('token-two');
    await advance(30_000);
    expect(server.seen.map((r) => r.token)).toEqual(['token-one', 'token-two']);
    expect(outbox.byStatus('pending')).toHaveLength(0);
  });

  it('reads the token fresh for every request (records are never tied to a token)', async () => {
    outbox.add(700);
    server.then((req) => {
      session.signIn('token-two');
      return acceptAll(req, new AbortController().signal);
    });
    await engine().syncNow();
    expect(server.seen.map((r) => r.token)).toEqual(['token-one', 'token-two']);
  });

  it('applies partial results: rejected records keep their reason, the rest are sent', async () => {
    const [a, b, c] = outbox.add(3);
    server.then(() =>
      json({
        serverTime: new Date().toISOString(),
        results: [
          { id: a!.id, status: 'accepted' },
          { id: b!.id, status: 'rejected', reason: { code: 'forbidden_stall', field: 'stallId', message: '此摊位不属于您所在组织的范围' } },
          { id: c!.id, status: 'duplicate' },
        ],
      }),
    );
    expect(await engine().syncNow()).toEqual({ kind: 'done', sent: 3 });
    expect(server.seen).toHaveLength(1);
    expect(outbox.entries.get(a!.id)).toMatchObject({ status: 'sent' });
    expect(outbox.entries.get(c!.id)).toMatchObject({ status: 'sent' });
    expect(outbox.entries.get(b!.id)).toMatchObject({ status: 'rejected', reason: { code: 'forbidden_stall', field: 'stallId' } });
    expect(outbox.applyCalls).toBe(1);
  });

  it('sends again a record the answer left out', async () => {
    const [a, b] = outbox.add(2);
    server.then(() => json({ serverTime: new Date().toISOString(), results: [{ id: a!.id, status: 'accepted' }] }));
    await engine().syncNow();
    expect(server.seen.map((r) => r.body.records.map((x) => x.id))).toEqual([[a!.id, b!.id], [b!.id]]);
    expect(outbox.byStatus('pending')).toHaveLength(0);
  });

  it('retries network errors and answers that are not ours (a captive portal page)', async () => {
    outbox.add(2);
    const portal = () => new Response('<html>Sign in to Wi-Fi</html>', { status: 200, headers: { 'Content-Type': 'text/html' } });
    const wrongJson = () => json({ results: 'nope' });
    const stranger = () => json({ serverTime: new Date().toISOString(), results: [{ id: 'someone-else', status: 'accepted' }] });
    server.then(refuse, portal, wrongJson, stranger);
    const e = engine();
    e.start();
    await flush();
    expect(e.getState().lastError).toMatchObject({ kind: 'network' });
    await advance(60_000);
    expect(server.seen).toHaveLength(5);
    expect(outbox.byStatus('sent')).toHaveLength(2);
  });

  it('treats any other 4xx as a bug: records kept, error shown, backed off', async () => {
    outbox.add(2);
    server.then(status(400), status(404));
    const e = engine();
    e.start();
    await flush();
    expect(e.getState().lastError).toMatchObject({ kind: 'client', status: 400 });
    expect(e.getState().needsSignIn).toBe(false);
    expect(outbox.byStatus('pending')).toHaveLength(2);
    expect(outbox.byStatus('rejected')).toHaveLength(0);
    await advance(499);
    expect(server.seen).toHaveLength(1);
    await advance(10_000);
    expect(times()).toEqual([0, 500, 1_500]);
    expect(outbox.byStatus('sent')).toHaveLength(2);
  });

  it('retries 408 like a timeout', async () => {
    outbox.add(1);
    server.then(status(408));
    const e = engine();
    e.start();
    await advance(5_000);
    expect(server.seen).toHaveLength(2);
    expect(outbox.byStatus('sent')).toHaveLength(1);
  });

  it('halves the batch on 413 and carries on at once', async () => {
    outbox.add(OVER_ONE_BATCH);
    server.then(status(413));
    expect(await engine().syncNow()).toEqual({ kind: 'done', sent: OVER_ONE_BATCH });
    expect(server.seen.map((r) => r.body.records.length)).toEqual(HALVED_THEN_GROWN);
  });

  it('does not wait out a backoff when the user taps "sync now" or the network comes back', async () => {
    outbox.add(1);
    server.then(refuse, refuse);
    const e = engine({ random: () => 0.99 });
    e.start();
    await flush();
    expect(e.getState().retryAt).toBe(T0 + 990);
    await advance(990);
    expect(server.seen).toHaveLength(2);
    // Now a ~2 s backoff is pending: a saved record waits for it, "sync now" does not.
    outbox.add(1);
    e.trigger('changed');
    await flush();
    expect(server.seen).toHaveLength(2);
    expect(await e.syncNow()).toEqual({ kind: 'done', sent: 2 });
    expect(server.seen).toHaveLength(3);
    expect(e.getState().retryAt).toBeUndefined();
  });

  it('never sends while certainly offline, and sends as soon as the network is back', async () => {
    outbox.add(2);
    let online = false;
    const e = engine({ isOnline: () => online });
    e.start();
    await advance(120_000);
    expect(server.seen).toHaveLength(0);
    expect(e.getState()).toMatchObject({ online: false, waiting: 2 });
    online = true;
    e.setOnline(true);
    await flush();
    expect(server.seen).toHaveLength(1);
    expect(e.getState()).toMatchObject({ online: true, waiting: 0 });
  });

  it('keeps trying without limit while records wait', async () => {
    outbox.add(1);
    server.fallback = status(503);
    const e = engine();
    e.start();
    await advance(60 * 60_000);
    // Cap 60 s with full jitter at 0.5: ~30 s apart once capped, still going after an hour.
    expect(server.seen.length).toBeGreaterThan(100);
    expect(outbox.byStatus('pending')).toHaveLength(1);
    server.fallback = acceptAll;
    await advance(60_000);
    expect(outbox.byStatus('sent')).toHaveLength(1);
  });

  it('runs one pass at a time: a second engine under the same lock leaves the work to the first', async () => {
    const records = outbox.add(1_000);
    const lock = processLock('shared-test-lock');
    const a = engine({ lock });
    const b = engine({ lock });
    const [ra, rb] = await Promise.all([a.syncNow(), b.syncNow()]);
    expect([ra.kind, rb.kind].sort()).toEqual(['busy', 'done']);
    expect(sentIds(server.seen).sort()).toEqual(records.map((r) => r.id).sort());
  });

  it('applying an answer overlaps the next request, yet no record is sent twice and every answer lands', async () => {
    const records = outbox.add(1_700);
    // A slow disk: each apply takes a while; the next batch is on the wire meanwhile.
    const apply = outbox.applyResults.bind(outbox);
    let inFlightApplies = 0;
    let overlapped = false;
    outbox.applyResults = async (results) => {
      inFlightApplies++;
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      inFlightApplies--;
      return apply(results);
    };
    server.fallback = (req, signal) => {
      if (inFlightApplies > 0) overlapped = true;
      return acceptAll(req, signal);
    };
    expect(await engine().syncNow()).toEqual({ kind: 'done', sent: 1_700 });
    expect(overlapped).toBe(true);
    const ids = sentIds(server.seen);
    expect(ids).toHaveLength(1_700);
    expect(new Set(ids).size).toBe(1_700);
    expect(ids).toEqual(records.map((r) => r.id));
    expect(outbox.byStatus('sent')).toHaveLength(1_700);
  });

  it('a failed outbox write (storage trouble) keeps the records and is retried; the replay is harmless', async () => {
    outbox.add(3);
    const apply = outbox.applyResults.bind(outbox);
    let failures = 1;
    outbox.applyResults = async (results) => {
      if (failures-- > 0) throw new DOMException('The transaction was aborted', 'AbortError');
      return apply(results);
    };
    const e = engine();
    e.start();
    await flush();
    expect(e.getState().lastError).toMatchObject({ kind: 'storage' });
    expect(outbox.byStatus('pending')).toHaveLength(3);
    await advance(1_000);
    expect(server.seen).toHaveLength(2);
    expect(outbox.byStatus('sent')).toHaveLength(3);
  });

  it('a record saved during a pass goes out in the same run', async () => {
    outbox.add(1);
    server.then((req) => {
      outbox.add(1);
      return acceptAll(req, new AbortController().signal);
    });
    expect(await engine().syncNow()).toEqual({ kind: 'done', sent: 2 });
  });

  /** A BroadcastChannel stand-in: asynchronous, structured-cloned delivery to every subscriber. */
  function makeBus() {
    const listeners = new Set<(m: SyncBroadcast) => void>();
    return {
      post: (m: SyncBroadcast) => queueMicrotask(() => listeners.forEach((l) => l(structuredClone(m)))),
      subscribe: (l: (m: SyncBroadcast) => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
  }

  it('shows every tab that a sign-in is needed, and every tab resumes after one signs in again', async () => {
    const bus = makeBus();
    outbox.add(2);
    server.then(status(401));
    const lock = processLock('signin-test-lock');
    const a = engine({ channel: bus, lock });
    const b = engine({ channel: bus, lock });
    a.start();
    await flush();
    b.start();
    await flush();
    expect(a.getState().needsSignIn).toBe(true);
    expect(b.getState().needsSignIn).toBe(true);
    expect(b.getState().syncing).toBe(false);

    session.signIn('token-two');
    b.trigger('session');
    await flush();
    expect(outbox.byStatus('sent')).toHaveLength(2);
    expect(a.getState()).toMatchObject({ needsSignIn: false, syncing: false, waiting: 0 });
    expect(b.getState()).toMatchObject({ needsSignIn: false, syncing: false, waiting: 0 });
    expect(a.getState().lastSuccessAt).toBe(localIsoWithOffset(T0));
  });

  it('takes over when the tab that was syncing is closed mid-pass without a word', async () => {
    const bus = makeBus();
    let aTalks = true;
    const aChannel = { post: (m: SyncBroadcast) => aTalks && bus.post(m), subscribe: bus.subscribe };
    outbox.add(3);
    server.then(hang);
    const lock = processLock('closed-tab-lock');
    const a = engine({ channel: aChannel, lock });
    const b = engine({ channel: bus, lock });
    a.start();
    b.start();
    await flush();
    expect(b.getState()).toMatchObject({ syncing: true, waiting: 3 });
    // Tab A is closed: it falls silent and its lock is released with its request.
    aTalks = false;
    a.stop();
    await flush();
    outbox.add(1);
    b.trigger('changed');
    await advance(4_000);
    expect(outbox.byStatus('pending')).toHaveLength(0);
    expect(b.getState()).toMatchObject({ syncing: false, waiting: 0 });
  });

  it('tells other contexts what it is doing, and shows theirs', async () => {
    const bus = makeBus();
    outbox.add(3);
    let release!: () => void;
    server.then(async (req) => {
      await new Promise<void>((r) => (release = r));
      return acceptAll(req, new AbortController().signal);
    });
    const lock = processLock('broadcast-test-lock');
    const a = engine({ channel: bus, lock });
    const b = engine({ channel: bus, lock });
    a.start();
    b.start();
    await flush();
    expect(b.getState()).toMatchObject({ syncing: true, progress: { sent: 0, total: 3 } });
    release();
    await flush();
    expect(b.getState()).toMatchObject({ syncing: false, waiting: 0, lastSuccessAt: localIsoWithOffset(T0) });
    expect(server.seen).toHaveLength(1);
  });
});
