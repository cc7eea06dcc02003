import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from '../../../src/offline/sync-backoff';
import { MIN_BATCH, failure, newTuning, runPass, type PassHost } from '../../../src/offline/sync-pass';
import type { SyncState } from '../../../src/offline/sync-state';
import type { SendOutcome } from '../../../src/offline/sync-transport';
import { MAX_BATCH, type RecordT } from '../../../src/shared/records';
import { MemoryOutbox, MemorySession } from './sync-fakes';

const T0 = Date.parse('2025-03-01T04:00:00Z');
type Send = (records: RecordT[], token: string) => SendOutcome | Promise<SendOutcome>;
const accept: Send = (records) => ({ kind: 'ok', response: { serverTime: new Date(T0).toISOString(), results: records.map((r) => ({ id: r.id, status: 'accepted' as const })) } });

/** A pass host over the in-memory outbox; `script` answers the requests in turn, then every one is accepted. */
function world(script: Send[] = [], maxBatch = MAX_BATCH) {
  const outbox = new MemoryOutbox();
  const session = new MemorySession();
  const sent: { ids: string[]; token: string }[] = [];
  const log: string[] = [];
  const patches: Partial<SyncState>[] = [];
  const flags = { sending: false, accepted: 0, backgroundSyncs: 0 };
  const takePending = outbox.takePending.bind(outbox);
  outbox.takePending = async (limit) => {
    log.push(`take ${limit}`);
    return takePending(limit);
  };
  const applyResults = outbox.applyResults.bind(outbox);
  outbox.applyResults = async (results) => {
    log.push(`apply ${results.length}`);
    // A transaction takes a few turns of the event loop, as IndexedDB's does.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    log.push(`applied ${results.length}`);
    return applyResults(results);
  };
  const host: PassHost = {
    outbox,
    session,
    clock: { now: () => T0, setTimeout: () => 0, clearTimeout: () => undefined },
    random: () => 0.5,
    policy: DEFAULT_BACKOFF,
    tuning: newTuning(maxBatch),
    async send({ records, token }) {
      sent.push({ ids: records.map((r) => r.id), token });
      log.push(`send ${records.length}`);
      return (script.shift() ?? accept)(records, token);
    },
    requestBackgroundSync: () => flags.backgroundSyncs++,
    setState: (patch) => patches.push(patch),
    setSending: (on) => {
      flags.sending = on;
    },
    sessionAccepted: () => flags.accepted++,
    refreshWaiting: () => outbox.countPending(),
  };
  return { outbox, session, host, sent, log, patches, flags };
}

const signal = () => new AbortController().signal;

describe('send pass', () => {
  it('sends everything oldest first in batches of the largest size, and ends done', async () => {
    const w = world();
    const records = w.outbox.add(MAX_BATCH * 2 + 3);
    expect(await runPass(w.host, signal())).toEqual({ kind: 'done', sent: records.length });
    expect(w.sent.map((s) => s.ids.length)).toEqual([MAX_BATCH, MAX_BATCH, 3]);
    expect(w.sent.flatMap((s) => s.ids)).toEqual(records.map((r) => r.id));
    expect(w.outbox.byStatus('sent')).toHaveLength(records.length);
    expect(w.patches.at(-1)).toEqual({ syncing: false });
    expect(w.patches).toContainEqual(expect.objectContaining({ waiting: 0, progress: { sent: records.length, total: records.length } }));
    expect(w.flags.sending).toBe(false);
  });

  it('reads the next batch while the last is on the wire, and applies an answer while the next is on the wire', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const w = world([
      accept,
      async (records, token) => {
        await held;
        return accept(records, token);
      },
    ]);
    w.outbox.add(MAX_BATCH * 2);
    const pass = runPass(w.host, signal());
    for (let i = 0; i < 20 && w.sent.length < 2; i++) await new Promise((r) => setImmediate(r));
    // The next batch was read (past the one in flight) before the answer came; the second request
    // went out while the first answer was still being applied.
    expect(w.log.slice(0, 5)).toEqual([`take ${MAX_BATCH}`, `send ${MAX_BATCH}`, `take ${MAX_BATCH * 2}`, `apply ${MAX_BATCH}`, `send ${MAX_BATCH}`]);
    expect(w.log).not.toContain(`applied ${MAX_BATCH}`);
    release();
    expect(await pass).toEqual({ kind: 'done', sent: MAX_BATCH * 2 });
    expect(w.log.filter((line) => line === `applied ${MAX_BATCH}`)).toHaveLength(2);
  });

  it('halves a batch the server finds too large, and grows back after a success', async () => {
    const tooLarge: Send = () => ({ kind: 'too-large', status: 413, message: 'too large' });
    const w = world([tooLarge, tooLarge]);
    w.outbox.add(MAX_BATCH);
    expect(await runPass(w.host, signal())).toEqual({ kind: 'done', sent: MAX_BATCH });
    const quarter = Math.floor(Math.floor(MAX_BATCH / 2) / 2);
    expect(w.sent.map((s) => s.ids.length).slice(0, 3)).toEqual([MAX_BATCH, Math.floor(MAX_BATCH / 2), quarter]);
    expect(w.sent[3]!.ids.length).toBe(Math.min(MAX_BATCH - quarter, quarter * 2));
    expect(w.outbox.byStatus('pending').length).toBe(0);
  });

  it('after a timeout, halves the batch for next time but not below MIN_BATCH, and backs off', async () => {
    const timeout: Send = () => ({ kind: 'retry', cause: 'timeout', message: 'slow' });
    const w = world([timeout]);
    w.outbox.add(MAX_BATCH);
    const result = await runPass(w.host, signal());
    expect(result).toMatchObject({ kind: 'retry', error: { kind: 'timeout', at: T0 } });
    expect(w.host.tuning.batchSize).toBe(Math.max(MIN_BATCH, Math.floor(MAX_BATCH / 2)));
    expect(w.host.tuning.attempt).toBe(1);
    expect(w.outbox.byStatus('pending').every((e) => e.attempts === 1)).toBe(true);
    expect(w.flags.backgroundSyncs).toBe(1);

    const small = world([timeout], MIN_BATCH);
    small.outbox.add(MIN_BATCH);
    await runPass(small.host, signal());
    expect(small.host.tuning.batchSize).toBe(MIN_BATCH);
  });

  it("a Retry-After pauses every request until then, capped by the policy's ceiling", async () => {
    const w = world([() => ({ kind: 'retry', cause: 'throttled', status: 429, retryAfterMs: DEFAULT_BACKOFF.maxRetryAfterMs * 2, message: 'slow down' })]);
    w.outbox.add(1);
    await runPass(w.host, signal());
    expect(w.host.tuning.notBefore).toBe(T0 + DEFAULT_BACKOFF.maxRetryAfterMs);
    // Success clears the pause and the attempt count.
    expect(await runPass(w.host, signal())).toEqual({ kind: 'done', sent: 1 });
    expect(w.host.tuning).toMatchObject({ notBefore: 0, attempt: 0 });
  });

  it('a refused token stops the pass with every record kept, and the same token is not tried again', async () => {
    const w = world([() => ({ kind: 'unauthorized', status: 401 })]);
    w.outbox.add(3);
    expect(await runPass(w.host, signal())).toEqual({ kind: 'needs-sign-in' });
    expect(w.host.tuning.refusedToken).toBe('token-one');
    expect(w.patches).toContainEqual(expect.objectContaining({ needsSignIn: true }));
    expect(await runPass(w.host, signal())).toEqual({ kind: 'needs-sign-in' });
    expect(w.sent).toHaveLength(1);
    w.session.signIn('token-two');
    expect(await runPass(w.host, signal())).toEqual({ kind: 'done', sent: 3 });
    expect(w.sent.at(-1)!.token).toBe('token-two');
    expect(w.host.tuning.refusedToken).toBeUndefined();
    expect(w.flags.accepted).toBeGreaterThan(0);
  });

  it('an answer naming none of the records sent is a bad response; the records stay', async () => {
    const w = world([() => ({ kind: 'ok', response: { serverTime: '', results: [{ id: crypto.randomUUID(), status: 'accepted' }] } })]);
    w.outbox.add(2);
    expect(await runPass(w.host, signal())).toMatchObject({ kind: 'retry', error: { kind: 'bad-response' } });
    expect(w.outbox.byStatus('pending')).toHaveLength(2);
  });

  it('a storage failure ends the pass as a retry, not a throw', async () => {
    const w = world();
    w.outbox.countPending = () => Promise.reject(new Error('the database connection is closing'));
    expect(await runPass(w.host, signal())).toMatchObject({ kind: 'retry', error: { kind: 'storage', message: 'Error: the database connection is closing' } });
  });

  it('an abort ends the pass as stopped before anything is sent', async () => {
    const w = world();
    w.outbox.add(2);
    const abort = new AbortController();
    abort.abort();
    expect(await runPass(w.host, abort.signal)).toEqual({ kind: 'stopped' });
    expect(w.sent).toHaveLength(0);
  });

  it('failure: the backoff grows with each attempt', () => {
    const w = world();
    const first = failure(w.host, { kind: 'network', message: 'x' });
    const second = failure(w.host, { kind: 'network', message: 'x' });
    expect(w.host.tuning.attempt).toBe(2);
    expect(first.kind === 'retry' && second.kind === 'retry' && second.delayMs > first.delayMs).toBe(true);
  });
});
