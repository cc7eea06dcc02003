/**
 * The sync engine: sends the outbox to POST /api/sync until nothing is pending, exactly once per record
 * whatever the network does. Records carry their own UUIDs and the server answers a replay with the
 * first outcome, so the engine only has to keep trying, never to guess whether a lost answer was stored.
 *
 * - One pass at a time per context (single flight) and across contexts (the `ruhui-sync` Web Lock,
 *   taken if available: a tab that finds it held leaves the work to the holder).
 * - Batches of at most MAX_BATCH, oldest first; each answer applied in one outbox transaction.
 *   The token is read fresh before every request; a 401 pauses (every record kept) until the session
 *   holds a different token.
 * - Network errors, timeouts, 408, 429, 5xx, answers that are not ours: retried without limit with
 *   full-jitter backoff, `Retry-After` as a floor. Any other 4xx is a bug, not a record problem: the
 *   records stay, the error is shown, and the engine backs off the same way. A 413 or a timeout halves
 *   the batch (weak links), success doubles it back.
 *
 * Its parts: the cross-tab state (`sync-state.ts`, pure), the send pass (`sync-pass.ts`), the sender
 * (`sync-sender.ts`: one context's state and broadcasts, a pass under the lock), the scheduler
 * (`sync-scheduler.ts`: timers, gates, kicks) and, here, the public API that wires them and merges
 * the other contexts' news. Every dependency is injected (outbox, session, fetch, clock, random,
 * lock), so tests drive the same code with fake timers, a fake fetch, or fake-indexeddb against a
 * real server. `sync-device.ts` wires it to this device's page; the service worker runs only a
 * sender, one pass per Background Sync event (`sync-background.ts`).
 */
import { createSender, type SenderDeps, type SyncPoster } from './sync-sender';
import type { RunResult } from './sync-pass';
import { createScheduler, type SyncTrigger } from './sync-scheduler';
import { systemClock } from './sync-transport';
import { isLater, receive, type SyncBroadcast, type SyncState } from './sync-state';

export type { PendingEntry, RunResult, SyncOutbox, SyncSessionStore } from './sync-pass';
export type { SyncTrigger } from './sync-scheduler';
export type { SyncBroadcast, SyncError, SyncState } from './sync-state';

/** A broadcast link to the other tabs and the worker (BroadcastChannel in the browser). */
export interface SyncChannel extends SyncPoster {
  subscribe(listener: (message: SyncBroadcast) => void): () => void;
}

/** The engine's dependencies (the sender's, `sync-sender.ts`); only `outbox` and `session` have no default. */
export interface SyncEngineDeps extends SenderDeps {
  channel?: SyncChannel;
  /** How often to look again while records wait and nothing else is scheduled. Default 30 s. */
  pollMs?: number;
}

/** The engine's public face. */
export interface SyncEngine {
  /** Begins automatic syncing (poll and retry timers) and runs a first pass. */
  start(): void;
  /** Stops timers and aborts a request in flight; records stay as they are. */
  stop(): void;
  /** Something happened that may let records through; runs a pass unless backing off. */
  trigger(reason: SyncTrigger): void;
  /** The user's "sync now": skips the backoff wait (a Retry-After still holds); resolves when the pass ends. */
  syncNow(): Promise<RunResult>;
  /** One pass and no scheduling: the service worker's `sync` event. */
  runOnce(reason?: SyncTrigger): Promise<RunResult>;
  /** The browser went on- or offline. */
  setOnline(online: boolean): void;
  getState(): SyncState;
  /** Calls `listener` now and on every change. Returns an unsubscribe. */
  subscribe(listener: (state: SyncState) => void): () => void;
}

/** Builds an engine over `deps`. Nothing runs until `start`, `trigger`, `syncNow` or `runOnce`. */
export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const listeners = new Set<(state: SyncState) => void>();
  const sender = createSender(deps, (state) => {
    for (const listener of listeners) listener(state);
  });
  const { tuning, setState, refreshWaiting } = sender;
  let started = false;
  let abort = new AbortController();
  let unsubscribeChannel: (() => void) | undefined;

  function onRemote(message: SyncBroadcast): void {
    if (message.from === sender.instance) return;
    const heard = receive(sender.model, message, { sendingHere: sender.sendingHere, quiet: !sender.sendingHere && !scheduler.retryPending() });
    sender.replace(heard.model);
    if (heard.senderStopped) void refreshWaiting();
    // Someone signed in again, or sent with a token that works: our refused one may be history.
    if (tuning.refusedToken !== undefined && (heard.signedInAgain || heard.patch.lastSuccessAt !== undefined)) void recheckSession();
  }

  /** After news from another context: a session other than the refused one means we may send again. */
  async function recheckSession(): Promise<void> {
    const session = await deps.session.current().catch(() => undefined);
    if (!session || session.expired || session.token === tuning.refusedToken) return;
    tuning.refusedToken = undefined;
    if (sender.model.own.needsSignIn) setState({ needsSignIn: false });
    if (sender.model.state.needsSignIn && sender.model.remoteSignIn.size === 0) setState({ needsSignIn: false }, false);
    scheduler.trigger('session');
  }

  const scheduler = createScheduler({
    clock: deps.clock ?? systemClock,
    random: deps.random ?? Math.random,
    pollMs: deps.pollMs ?? 30_000,
    run: () => sender.run(abort.signal),
    notBefore: () => tuning.notBefore,
    state: () => sender.model.state,
    setRetryAt: (retryAt) => setState({ retryAt }),
    remoteSending: () => sender.model.remoteSender !== null,
    refreshWaiting,
    requestBackgroundSync: deps.requestBackgroundSync,
  });

  return {
    start() {
      if (started) return;
      started = true;
      abort = new AbortController();
      scheduler.start();
      unsubscribeChannel = deps.channel?.subscribe(onRemote);
      void (async () => {
        const last = await deps.lastSuccess?.get().catch(() => undefined);
        if (last && isLater(last, sender.model.state.lastSuccessAt)) setState({ lastSuccessAt: last });
        await refreshWaiting();
        scheduler.trigger('start');
      })();
    },
    stop() {
      started = false;
      abort.abort();
      scheduler.stop();
      unsubscribeChannel?.();
      unsubscribeChannel = undefined;
    },
    trigger: (reason) => scheduler.trigger(reason),
    syncNow: () => scheduler.syncNow(),
    runOnce: (reason = 'background') => scheduler.runOnce(reason),
    setOnline(online) {
      if (online !== sender.model.state.online) setState({ online });
      if (online) scheduler.trigger('online');
    },
    getState: () => sender.model.state,
    subscribe(listener) {
      listeners.add(listener);
      listener(sender.model.state);
      return () => listeners.delete(listener);
    },
  };
}
