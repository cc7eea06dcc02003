import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/offline/sync-pass';
import { BUSY_POLL_MS, BYPASS_BACKOFF, createScheduler, type SyncTrigger } from '../../../src/offline/sync-scheduler';
import { initialModel, type SyncState } from '../../../src/offline/sync-state';
import type { Clock } from '../../../src/offline/sync-transport';

/** Timers that fire only when a test moves the time. */
class ManualClock implements Clock {
  at = 0;
  private timers = new Map<number, { due: number; fn: () => void }>();
  private next = 1;
  now = () => this.at;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.set(id, { due: this.at + ms, fn });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.timers.delete(handle as number);
  };
  /** When the timers are due, from now. */
  pending = () => [...this.timers.values()].map((t) => t.due - this.at).sort((a, b) => a - b);
  async advance(ms: number) {
    const until = this.at + ms;
    for (;;) {
      const due = [...this.timers.entries()].sort((a, b) => a[1].due - b[1].due)[0];
      if (!due || due[1].due > until) break;
      this.timers.delete(due[0]);
      this.at = due[1].due;
      due[1].fn();
      await flush();
    }
    this.at = until;
    await flush();
  }
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

const POLL_MS = 30_000;

/** A scheduler whose passes answer from `results` in turn (then `done`), or wait for `hold` to be released. */
function world(results: RunResult[] = []) {
  const clock = new ManualClock();
  let state: SyncState = initialModel(true).state;
  const runs: SyncTrigger[] = [];
  let notBefore = 0;
  let remoteSending = false;
  let hold: { promise: Promise<void>; release: () => void } | undefined;
  const scheduler = createScheduler({
    clock,
    random: () => 0.5,
    pollMs: POLL_MS,
    async run(reason) {
      runs.push(reason);
      if (hold) await hold.promise;
      return results.shift() ?? { kind: 'done', sent: 0 };
    },
    notBefore: () => notBefore,
    state: () => state,
    setRetryAt: (retryAt) => {
      state = { ...state, retryAt };
    },
    remoteSending: () => remoteSending,
    refreshWaiting: async () => state.waiting,
  });
  return {
    clock,
    scheduler,
    runs,
    state: () => state,
    setState: (patch: Partial<SyncState>) => {
      state = { ...state, ...patch };
    },
    pauseUntil: (at: number) => {
      notBefore = at;
    },
    setRemoteSending: (on: boolean) => {
      remoteSending = on;
    },
    holdPasses() {
      let release!: () => void;
      const promise = new Promise<void>((r) => (release = r));
      hold = { promise, release: () => ((hold = undefined), release()) };
      return hold.release;
    },
  };
}

const retry = (delayMs: number): RunResult => ({ kind: 'retry', delayMs, error: { kind: 'network', message: 'down', at: 0 } });

describe('sync scheduler', () => {
  it('runs one pass at a time; a trigger during a pass runs one more after it', async () => {
    const w = world();
    w.setState({ waiting: 1 });
    w.scheduler.start();
    const release = w.holdPasses();
    w.scheduler.trigger('visible');
    const during = w.scheduler.runOnce('background');
    w.scheduler.trigger('changed');
    expect(w.runs).toEqual(['visible']);
    release();
    expect(await during).toEqual({ kind: 'done', sent: 0 });
    await flush();
    expect(w.runs).toEqual(['visible', 'changed']);
  });

  it('after a failed pass, retries when the delay is up, showing when; held triggers wait, bypassing ones do not', async () => {
    const w = world([retry(5_000), retry(5_000)]);
    w.scheduler.start();
    w.scheduler.trigger('start');
    await flush();
    expect(w.state().retryAt).toBe(5_000);
    expect(w.scheduler.retryPending()).toBe(true);
    const held = (['visible', 'timer'] as const).filter((r) => !BYPASS_BACKOFF.has(r));
    for (const reason of held) w.scheduler.trigger(reason);
    await flush();
    expect(w.runs).toEqual(['start']);
    await w.clock.advance(5_000);
    expect(w.runs).toEqual(['start', 'retry']);
    // Backing off again: the network coming back goes at once.
    expect(BYPASS_BACKOFF.has('online')).toBe(true);
    w.scheduler.trigger('online');
    await flush();
    expect(w.runs).toEqual(['start', 'retry', 'online']);
    expect(w.state().retryAt).toBeUndefined();
  });

  it("holds every trigger, the user's too, while the server's pause lasts, then runs once", async () => {
    const w = world();
    w.scheduler.start();
    w.pauseUntil(60_000);
    w.scheduler.trigger('online');
    expect(await w.scheduler.syncNow()).toMatchObject({ kind: 'retry', delayMs: 60_000, error: { kind: 'throttled' } });
    expect(w.runs).toEqual([]);
    expect(w.clock.pending()).toEqual([60_000]);
    w.pauseUntil(0);
    await w.clock.advance(60_000);
    expect(w.runs).toEqual(['retry']);
  });

  it('polls while records wait, every pollMs', async () => {
    const w = world();
    w.setState({ waiting: 3 });
    w.scheduler.start();
    w.scheduler.trigger('start');
    await flush();
    expect(w.clock.pending()).toEqual([POLL_MS]);
    await w.clock.advance(POLL_MS);
    expect(w.runs).toEqual(['start', 'timer']);
    w.setState({ waiting: 0 });
    await w.clock.advance(POLL_MS);
    expect(w.clock.pending()).toEqual([]);
  });

  it('looks again within BUSY_POLL_MS to twice that when another context holds the lock', async () => {
    const w = world([{ kind: 'busy' }]);
    w.setState({ waiting: 1 });
    w.scheduler.start();
    w.scheduler.trigger('start');
    await flush();
    const [delay] = w.clock.pending();
    expect(delay).toBeGreaterThanOrEqual(BUSY_POLL_MS);
    expect(delay).toBeLessThan(2 * BUSY_POLL_MS);
  });

  it('a change while another context sends runs nothing, only a short look later', async () => {
    const w = world();
    w.setState({ waiting: 1 });
    w.setRemoteSending(true);
    w.scheduler.start();
    w.scheduler.trigger('changed');
    await flush();
    expect(w.runs).toEqual([]);
    expect(w.clock.pending()).toHaveLength(1);
    expect(w.clock.pending()[0]).toBeLessThan(2 * BUSY_POLL_MS);
  });

  it('a change with nothing waiting and no sign-in needed runs nothing', async () => {
    const w = world();
    w.scheduler.start();
    w.scheduler.trigger('changed');
    await flush();
    expect(w.runs).toEqual([]);
  });

  it('stopped, it clears its timers and schedules nothing after a pass', async () => {
    const w = world([retry(5_000), retry(5_000)]);
    w.scheduler.start();
    w.scheduler.trigger('start');
    await flush();
    expect(w.clock.pending()).toEqual([5_000]);
    w.scheduler.stop();
    expect(w.clock.pending()).toEqual([]);
    await w.scheduler.runOnce('background');
    await flush();
    expect(w.clock.pending()).toEqual([]);
  });
});
