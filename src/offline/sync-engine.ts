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
 * Four parts: the cross-tab state (`sync-state.ts`, pure), the send pass (`sync-pass.ts`), the
 * scheduler (`sync-scheduler.ts`: timers, gates, kicks) and, here, the public API that wires them.
 * Every dependency is injected (outbox, session, fetch, clock, random, lock), so tests drive the same
 * code with fake timers, a fake fetch, or fake-indexeddb against a real server. `sync-device.ts` wires
 * it to this device; the page and the service worker each run one.
 */
import { MAX_BATCH } from '../shared/enums';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './sync-backoff';
import { processLock, type SyncLock } from './sync-lock';
import { newTuning, runPass, type PassHost, type RunResult, type SyncOutbox, type SyncSessionStore } from './sync-pass';
import { createScheduler, type SyncTrigger } from './sync-scheduler';
import {
  applyPatch,
  broadcastKey,
  broadcastOf,
  holdingLock,
  initialModel,
  isLater,
  receive,
  sessionAccepted,
  type SyncBroadcast,
  type SyncModel,
  type SyncState,
} from './sync-state';
import { sendBatch, systemClock, type Clock, type FetchFn } from './sync-transport';

export type { PendingEntry, RunResult, SyncOutbox, SyncSessionStore } from './sync-pass';
export type { SyncTrigger } from './sync-scheduler';
export type { SyncBroadcast, SyncError, SyncState } from './sync-state';

/** A broadcast link to the other tabs and the worker (BroadcastChannel in the browser). */
export interface SyncChannel {
  post(message: SyncBroadcast): void;
  subscribe(listener: (message: SyncBroadcast) => void): () => void;
}

/** The engine's dependencies; only `outbox` and `session` have no default. */
export interface SyncEngineDeps {
  outbox: SyncOutbox;
  session: SyncSessionStore;
  fetch?: FetchFn;
  /** '' in the browser (same origin), `http://127.0.0.1:port` in Node. */
  baseUrl?: string;
  lock?: SyncLock;
  clock?: Clock;
  random?: () => number;
  /** navigator.onLine where there is one; false only means "certainly offline". */
  isOnline?: () => boolean;
  /** Where the last success time is kept across restarts. */
  lastSuccess?: { get(): Promise<string | undefined>; set(iso: string): Promise<void> };
  /** Asks for a Background Sync (a bonus trigger where the browser has one). */
  requestBackgroundSync?: () => void;
  channel?: SyncChannel;
  backoff?: BackoffPolicy;
  /** Per request, headers and body; longer than a slow server takes over a full batch. Default 60 s. */
  timeoutMs?: number;
  /** Largest batch (≤ MAX_BATCH). */
  batchSize?: number;
  /** How often to look again while records wait and nothing else is scheduled. Default 30 s. */
  pollMs?: number;
  /** Accept-Language of requests (the language of rejection reasons). */
  lang?: () => string;
  /** gzip large batches where CompressionStream exists (default true; see sync-transport.ts). */
  compressUploads?: boolean;
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

/** Engines made in this realm, so two of them never share a broadcast id. */
let engines = 0;

/** Builds an engine over `deps`. Nothing runs until `start`, `trigger`, `syncNow` or `runOnce`. */
export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const lock = deps.lock ?? processLock();
  const timeoutMs = deps.timeoutMs ?? 60_000;
  const isOnline = deps.isOnline ?? (() => true);
  const fetchFn: FetchFn = deps.fetch ?? ((input, init) => fetch(input, init));
  const tuning = newTuning(Math.max(1, Math.min(deps.batchSize ?? MAX_BATCH, MAX_BATCH)));
  const instance = `${Date.now().toString(36)}-${(++engines).toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

  let model: SyncModel = initialModel(isOnline());
  const listeners = new Set<(state: SyncState) => void>();
  let started = false;
  let abort = new AbortController();
  let unsubscribeChannel: (() => void) | undefined;
  let lastBroadcast = '';
  /** This context is sending (as opposed to showing another context's progress). */
  let sendingHere = false;

  const notify = () => {
    for (const listener of listeners) listener(model.state);
  };

  /** Updates the state; `mine` (default) also records it as this context's own news and broadcasts it. */
  function setState(patch: Partial<SyncState>, mine = true): void {
    model = applyPatch(model, patch, mine);
    notify();
    if (mine) broadcast();
  }

  function broadcast(): void {
    if (!deps.channel) return;
    const message = broadcastOf(model, instance, sendingHere);
    const key = broadcastKey(message);
    if (key === lastBroadcast) return;
    lastBroadcast = key;
    try {
      deps.channel.post(message);
    } catch {
      // A closed channel only costs the other tabs a moment of staleness.
    }
  }

  function onRemote(message: SyncBroadcast): void {
    if (message.from === instance) return;
    const heard = receive(model, message, { sendingHere, quiet: !sendingHere && !scheduler.retryPending() });
    model = heard.model;
    if (heard.senderStopped) void refreshWaiting();
    notify();
    // Someone signed in again, or sent with a token that works: our refused one may be history.
    if (tuning.refusedToken !== undefined && (heard.signedInAgain || heard.patch.lastSuccessAt !== undefined)) void recheckSession();
  }

  /** After news from another context: a session other than the refused one means we may send again. */
  async function recheckSession(): Promise<void> {
    const session = await deps.session.current().catch(() => undefined);
    if (!session || session.expired || session.token === tuning.refusedToken) return;
    tuning.refusedToken = undefined;
    if (model.own.needsSignIn) setState({ needsSignIn: false });
    if (model.state.needsSignIn && model.remoteSignIn.size === 0) setState({ needsSignIn: false }, false);
    scheduler.trigger('session');
  }

  async function refreshWaiting(): Promise<number> {
    try {
      const waiting = await deps.outbox.countPending();
      if (waiting !== model.state.waiting) setState({ waiting });
      return waiting;
    } catch {
      return model.state.waiting;
    }
  }

  const passHost: PassHost = {
    outbox: deps.outbox,
    session: deps.session,
    clock,
    random,
    policy: deps.backoff ?? DEFAULT_BACKOFF,
    tuning,
    send: (request) =>
      sendBatch({ ...request, fetch: fetchFn, baseUrl: deps.baseUrl ?? '', timeoutMs, clock, lang: deps.lang?.(), compress: deps.compressUploads }),
    lastSuccess: deps.lastSuccess,
    requestBackgroundSync: deps.requestBackgroundSync,
    setState: (patch) => setState(patch),
    setSending(on) {
      sendingHere = on;
    },
    sessionAccepted() {
      const before = model;
      model = sessionAccepted(model);
      if (model.state !== before.state) {
        notify();
        broadcast();
      }
    },
    refreshWaiting,
  };

  /** One pass: offline is no pass at all; a lock held elsewhere leaves the work to its holder. */
  async function run(): Promise<RunResult> {
    if (!isOnline()) {
      if (model.state.online) setState({ online: false });
      await refreshWaiting();
      return { kind: 'offline' };
    }
    if (!model.state.online) setState({ online: true });
    const locked = await lock(() => {
      const before = model;
      model = holdingLock(model, sendingHere);
      if (model.state !== before.state) notify();
      return runPass(passHost, abort.signal);
    });
    if (!locked.acquired) {
      await refreshWaiting();
      return { kind: 'busy' };
    }
    return locked.value;
  }

  const scheduler = createScheduler({
    clock,
    random,
    pollMs: deps.pollMs ?? 30_000,
    run,
    notBefore: () => tuning.notBefore,
    state: () => model.state,
    setRetryAt: (retryAt) => setState({ retryAt }),
    remoteSending: () => model.remoteSender !== null,
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
        if (last && isLater(last, model.state.lastSuccessAt)) setState({ lastSuccessAt: last });
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
      if (online !== model.state.online) setState({ online });
      if (online) scheduler.trigger('online');
    },
    getState: () => model.state,
    subscribe(listener) {
      listeners.add(listener);
      listener(model.state);
      return () => listeners.delete(listener);
    },
  };
}
