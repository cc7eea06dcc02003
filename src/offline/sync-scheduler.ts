/**
 * When the engine runs a pass: one at a time (single flight; a trigger during a pass runs another
 * after it), a retry timer while backing off, a poll timer while records wait and nothing else is
 * scheduled, and the gates: the server's Retry-After holds every trigger, a backoff holds all but
 * the user's and the network's (`BYPASS_BACKOFF`).
 */
import type { RunResult } from './sync-pass';
import type { SyncState } from './sync-state';
import type { Clock } from './sync-transport';

/** What set a pass going; `now`, `online`, `start` and `session` skip a pending backoff (never a Retry-After). */
export type SyncTrigger = 'start' | 'online' | 'visible' | 'timer' | 'retry' | 'changed' | 'background' | 'now' | 'session';

/** The triggers that skip a pending backoff. */
export const BYPASS_BACKOFF: ReadonlySet<SyncTrigger> = new Set(['now', 'online', 'start', 'session']);
/** After finding the lock held (or another context sending), look again after 2–4 s rather than a whole poll. */
export const BUSY_POLL_MS = 2_000;

/** What the scheduler needs from the engine. */
export interface SchedulerHost {
  clock: Clock;
  random: () => number;
  /** How often to look again while records wait and nothing else is scheduled. */
  pollMs: number;
  /** One pass, lock and all. */
  run(reason: SyncTrigger): Promise<RunResult>;
  /** No request before this (ms since epoch): the server's Retry-After. */
  notBefore(): number;
  state(): SyncState;
  /** Shows when the next automatic try is due (undefined: none). */
  setRetryAt(at: number | undefined): void;
  /** Another context is sending right now. */
  remoteSending(): boolean;
  refreshWaiting(): Promise<number>;
  requestBackgroundSync?: () => void;
}

export interface Scheduler {
  /** Timers may be set from now on. */
  start(): void;
  /** Clears every timer and sets no more. */
  stop(): void;
  trigger(reason: SyncTrigger): void;
  syncNow(): Promise<RunResult>;
  /** One pass (or the one already running), and no scheduling after it. */
  runOnce(reason: SyncTrigger): Promise<RunResult>;
  /** A retry is scheduled (this context is backing off). */
  retryPending(): boolean;
}

export function createScheduler(host: SchedulerHost): Scheduler {
  const { clock, random, pollMs } = host;
  let started = false;
  let running: Promise<RunResult> | null = null;
  /** Something changed while a pass ran: look again when it ends. */
  let dirty = false;
  let retryTimer: unknown = null;
  let pollTimer: unknown = null;

  function runOnce(reason: SyncTrigger): Promise<RunResult> {
    if (running) {
      dirty = true;
      return running;
    }
    dirty = false;
    running = host.run(reason).finally(() => {
      running = null;
    });
    return running;
  }

  function clearTimer(which: 'retry' | 'poll'): void {
    if (which === 'retry' && retryTimer !== null) {
      clock.clearTimeout(retryTimer);
      retryTimer = null;
      if (host.state().retryAt !== undefined) host.setRetryAt(undefined);
    }
    if (which === 'poll' && pollTimer !== null) {
      clock.clearTimeout(pollTimer);
      pollTimer = null;
    }
  }

  function scheduleRetry(delayMs: number): void {
    if (!started) return;
    clearTimer('retry');
    clearTimer('poll');
    const at = clock.now() + delayMs;
    retryTimer = clock.setTimeout(() => {
      retryTimer = null;
      host.setRetryAt(undefined);
      trigger('retry');
    }, delayMs);
    host.setRetryAt(at);
  }

  const busyPollDelay = () => Math.min(pollMs, BUSY_POLL_MS + Math.floor(random() * BUSY_POLL_MS));

  function schedulePoll(delayMs: number = pollMs): void {
    if (!started || retryTimer !== null) return;
    clearTimer('poll');
    pollTimer = clock.setTimeout(() => {
      pollTimer = null;
      trigger('timer');
    }, delayMs);
  }

  /** After a pass: what to do next. */
  function follow(result: RunResult): void {
    if (!started) return;
    const state = host.state();
    switch (result.kind) {
      case 'retry':
        scheduleRetry(result.delayMs);
        return;
      case 'done':
        clearTimer('retry');
        if (dirty) {
          dirty = false;
          trigger('changed');
        } else if (state.waiting > 0) schedulePoll();
        return;
      case 'busy':
        // Another context holds the lock: look again soon (jittered), in case it stops short.
        if (state.waiting > 0) schedulePoll(busyPollDelay());
        return;
      case 'needs-sign-in':
      case 'offline':
        // Waiting for a sign-in or the network (their events come first): look again now and then.
        if (state.waiting > 0 || state.needsSignIn) schedulePoll();
        return;
      case 'stopped':
        return;
    }
  }

  function kick(reason: SyncTrigger): Promise<RunResult> {
    clearTimer('poll');
    const run = runOnce(reason);
    void run.then(follow, () => undefined);
    return run;
  }

  function trigger(reason: SyncTrigger): void {
    if (running) {
      dirty = true;
      return;
    }
    if (reason === 'changed') {
      // Another context is sending: its progress says what waits, and its pass takes new records too.
      // Look again shortly all the same, in case that context was closed mid-pass.
      if (host.remoteSending()) {
        if (pollTimer === null) schedulePoll(busyPollDelay());
        return;
      }
      // A record was saved (or a result applied): show the count now, ask for a Background Sync too.
      void host.refreshWaiting().then((waiting) => {
        if (waiting > 0) host.requestBackgroundSync?.();
        if (waiting > 0 || host.state().needsSignIn) gate(reason);
      });
      return;
    }
    gate(reason);
  }

  function gate(reason: SyncTrigger): void {
    if (running) {
      dirty = true;
      return;
    }
    const now = clock.now();
    const notBefore = host.notBefore();
    if (notBefore > now) {
      // The server asked for a pause: every trigger waits for it.
      if (retryTimer === null) scheduleRetry(notBefore - now);
      return;
    }
    if (retryTimer !== null && !BYPASS_BACKOFF.has(reason)) return;
    clearTimer('retry');
    void kick(reason);
  }

  return {
    start() {
      started = true;
    },
    stop() {
      started = false;
      clearTimer('retry');
      clearTimer('poll');
    },
    trigger,
    async syncNow() {
      const now = clock.now();
      const notBefore = host.notBefore();
      if (notBefore > now) {
        const error = host.state().lastError ?? { kind: 'throttled' as const, message: 'the server asked to wait', at: now };
        if (started && retryTimer === null) scheduleRetry(notBefore - now);
        return { kind: 'retry', delayMs: notBefore - now, error };
      }
      if (running) {
        dirty = true;
        return running;
      }
      clearTimer('retry');
      if (!started) return runOnce('now');
      return kick('now');
    },
    runOnce,
    retryPending: () => retryTimer !== null,
  };
}
