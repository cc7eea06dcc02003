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
 * Every dependency is injected (outbox, session, fetch, clock, random, lock), so tests drive the same
 * code with fake timers, a fake fetch, or fake-indexeddb against a real server. `sync-device.ts` wires
 * it to this device; the page and the service worker each run one.
 */
import { MAX_BATCH, type RecordT, type SyncResult } from '../shared/records';
import type { ApplyResult } from './outbox';
import { DEFAULT_BACKOFF, retryDelay, type BackoffPolicy } from './sync-backoff';
import { processLock, type SyncLock } from './sync-lock';
import { sendBatch, systemClock, type Clock, type FetchFn, type RetryCause } from './sync-transport';

/** What set a pass going; `now`, `online`, `start` and `session` skip a pending backoff (never a Retry-After). */
export type SyncTrigger = 'start' | 'online' | 'visible' | 'timer' | 'retry' | 'changed' | 'background' | 'now' | 'session';

/** The last thing that went wrong, for the status line. */
export interface SyncError {
  kind: RetryCause | 'client' | 'storage';
  status?: number;
  message: string;
  /** When it happened (ms since epoch). */
  at: number;
}

/** Everything the UI shows about sync. */
export interface SyncState {
  online: boolean;
  syncing: boolean;
  /** Of the records this pass set out to send (n of m). */
  progress: { sent: number; total: number };
  /** When the server last took a batch (local ISO-8601 with offset), across restarts and contexts. */
  lastSuccessAt: string | null;
  /** Records still pending on this device. */
  waiting: number;
  /** The server refused the session: every record is kept until someone signs in again. */
  needsSignIn: boolean;
  lastError?: SyncError;
  /** When the next automatic try is due (ms since epoch), while backing off. */
  retryAt?: number;
}

/** How one pass ended. */
export type RunResult =
  | { kind: 'done'; sent: number }
  | { kind: 'busy' }
  | { kind: 'offline' }
  | { kind: 'needs-sign-in' }
  | { kind: 'retry'; delayMs: number; error: SyncError }
  | { kind: 'stopped' };

/** A pending outbox entry as the engine needs it. */
export interface PendingEntry {
  id: string;
  record?: RecordT;
}

/** The outbox functions the engine calls. */
export interface SyncOutbox {
  /** Up to `limit` pending entries, oldest first. */
  takePending(limit: number): Promise<PendingEntry[]>;
  /** Applies one answer's results in one transaction. */
  applyResults(results: readonly ApplyResult[]): Promise<number>;
  countPending(): Promise<number>;
  /** Bookkeeping: these records were sent and not confirmed (only failures cost a write). */
  noteAttempt?(ids: readonly string[]): Promise<void>;
}

/** The device session as the engine needs it. */
export interface SyncSessionStore {
  current(): Promise<{ token: string; deviceId: string; expired?: boolean } | undefined>;
  /** The server refused `token`: remember it so every context (and the sign-in screen) knows. */
  markExpired?(token: string): Promise<void>;
}

/** A broadcast link to the other tabs and the worker (BroadcastChannel in the browser). */
export interface SyncChannel {
  post(message: SyncBroadcast): void;
  subscribe(listener: (message: SyncBroadcast) => void): () => void;
}

/** What one context tells the others. */
export interface SyncBroadcast {
  type: 'sync-state';
  from: string;
  syncing: boolean;
  progress: { sent: number; total: number };
  lastSuccessAt: string | null;
  needsSignIn: boolean;
  /** The sender's last failure and next try, so every tab shows why records still wait. */
  lastError?: SyncError;
  retryAt?: number;
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

/** After finding the lock held, look again after 2–4 s rather than a whole poll. */
const BUSY_POLL_MS = 2_000;
/** Halving a batch after a timeout stops here. */
const MIN_BATCH = 25;
const BYPASS_BACKOFF: ReadonlySet<SyncTrigger> = new Set(['now', 'online', 'start', 'session']);

const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');

/** Local time with its offset (`2025-03-01T12:30:00.000+08:00`), the form the API wants for `sentAt`. */
export function isoWithOffset(ms: number): string {
  const offsetMin = -new Date(ms).getTimezoneOffset();
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
  const sign = offsetMin >= 0 ? '+' : '-';
  return `${local}${sign}${pad(offsetMin / 60)}:${pad(offsetMin % 60)}`;
}

/** Is ISO time `a` later than `b` (or `b` unknown)? */
const isLater = (a: string | null | undefined, b: string | null | undefined) => Boolean(a) && (!b || Date.parse(a!) > Date.parse(b));

/** Engines made in this realm, so two of them never share a broadcast id. */
let engines = 0;

const describeError = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** Builds an engine over `deps`. Nothing runs until `start`, `trigger`, `syncNow` or `runOnce`. */
export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const lock = deps.lock ?? processLock();
  const policy = deps.backoff ?? DEFAULT_BACKOFF;
  const timeoutMs = deps.timeoutMs ?? 60_000;
  const maxBatch = Math.max(1, Math.min(deps.batchSize ?? MAX_BATCH, MAX_BATCH));
  const pollMs = deps.pollMs ?? 30_000;
  const isOnline = deps.isOnline ?? (() => true);
  const fetchFn: FetchFn = deps.fetch ?? ((input, init) => fetch(input, init));
  const instance = `${Date.now().toString(36)}-${(++engines).toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

  let state: SyncState = {
    online: isOnline(),
    syncing: false,
    progress: { sent: 0, total: 0 },
    lastSuccessAt: null,
    waiting: 0,
    needsSignIn: false,
  };
  const listeners = new Set<(state: SyncState) => void>();

  let started = false;
  let running: Promise<RunResult> | null = null;
  /** Something changed while a pass ran: look again when it ends. */
  let dirty = false;
  let attempt = 0;
  let batchSize = maxBatch;
  let retryTimer: unknown = null;
  let pollTimer: unknown = null;
  /** No request before this (ms since epoch): the server's Retry-After. */
  let notBefore = 0;
  /** The token the server refused; a different one in the session resumes syncing. */
  let refusedToken: string | undefined;
  let abort = new AbortController();
  let unsubscribeChannel: (() => void) | undefined;
  let lastBroadcast = '';
  /** This context is sending (as opposed to showing another context's progress). */
  let sendingHere = false;

  /**
   * What this context itself knows (as opposed to what it shows from others): only these are
   * broadcast, so a tab never echoes another's stale state back to it.
   */
  const own: { needsSignIn: boolean; lastError?: SyncError; retryAt?: number } = { needsSignIn: false };
  /** The other context currently syncing, and those that said a sign-in is needed. */
  let remoteSender: string | null = null;
  const remoteSignIn = new Set<string>();

  /** Updates the state; `mine` (default) also records it as this context's own news and broadcasts it. */
  function setState(patch: Partial<SyncState>, mine = true): void {
    state = { ...state, ...patch };
    if (mine) {
      if ('needsSignIn' in patch) own.needsSignIn = Boolean(patch.needsSignIn);
      if ('lastError' in patch) own.lastError = patch.lastError;
      if ('retryAt' in patch) own.retryAt = patch.retryAt;
    }
    for (const listener of listeners) listener(state);
    if (mine) broadcast();
  }

  function broadcast(): void {
    if (!deps.channel) return;
    const message: SyncBroadcast = {
      type: 'sync-state',
      from: instance,
      syncing: sendingHere,
      progress: sendingHere ? state.progress : { sent: 0, total: 0 },
      lastSuccessAt: state.lastSuccessAt,
      needsSignIn: own.needsSignIn,
      ...(own.lastError ? { lastError: own.lastError } : {}),
      ...(own.retryAt !== undefined ? { retryAt: own.retryAt } : {}),
    };
    const key = JSON.stringify({ ...message, from: '' });
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
    const patch: Partial<SyncState> = {};
    const quiet = !sendingHere && retryTimer === null;
    if (message.syncing) {
      remoteSender = message.from;
      const waiting = Math.max(0, message.progress.total - message.progress.sent);
      if (!sendingHere) Object.assign(patch, { syncing: true, progress: message.progress, waiting });
    } else if (message.from === remoteSender) {
      remoteSender = null;
      if (!sendingHere) Object.assign(patch, { syncing: false, progress: message.progress });
      void refreshWaiting();
    }
    if (isLater(message.lastSuccessAt, state.lastSuccessAt)) {
      patch.lastSuccessAt = message.lastSuccessAt;
      if (quiet) Object.assign(patch, { lastError: undefined, retryAt: undefined });
    }
    // Why records still wait, as the context that tried saw it (unless we have news of our own).
    if (message.lastError && quiet && (!state.lastError || message.lastError.at > state.lastError.at)) {
      Object.assign(patch, { lastError: message.lastError, retryAt: message.retryAt });
    }
    let signedInAgain = false;
    if (message.needsSignIn) {
      remoteSignIn.add(message.from);
      patch.needsSignIn = true;
    } else if (remoteSignIn.delete(message.from) && remoteSignIn.size === 0) {
      signedInAgain = true;
      if (!own.needsSignIn) patch.needsSignIn = false;
    }
    setState(patch, false);
    // Someone signed in again, or sent with a token that works: our refused one may be history.
    if (refusedToken !== undefined && (signedInAgain || patch.lastSuccessAt !== undefined)) void recheckSession();
  }

  /** After news from another context: a session other than the refused one means we may send again. */
  async function recheckSession(): Promise<void> {
    const session = await deps.session.current().catch(() => undefined);
    if (!session || session.expired || session.token === refusedToken) return;
    refusedToken = undefined;
    if (own.needsSignIn) setState({ needsSignIn: false });
    if (state.needsSignIn && remoteSignIn.size === 0) setState({ needsSignIn: false }, false);
    trigger('session');
  }

  async function refreshWaiting(): Promise<number> {
    try {
      const waiting = await deps.outbox.countPending();
      if (waiting !== state.waiting) setState({ waiting });
      return waiting;
    } catch {
      return state.waiting;
    }
  }

  function fail(error: Omit<SyncError, 'at'>, retryAfterMs?: number): RunResult {
    const delayMs = retryDelay(attempt, retryAfterMs, policy, random);
    attempt++;
    const now = clock.now();
    if (retryAfterMs !== undefined) notBefore = now + Math.min(retryAfterMs, policy.maxRetryAfterMs);
    const full: SyncError = { ...error, at: now };
    setState({ lastError: full });
    deps.requestBackgroundSync?.();
    return { kind: 'retry', delayMs, error: full };
  }

  /**
   * One pass under the lock: batches until nothing is pending or something stops us. One request is in
   * flight at a time; while it is on the wire the next batch is read (past the records in flight or
   * still being applied), and an answer's results are applied while the next batch is on the wire.
   * Answers are applied in order, and all of them before the pass ends.
   */
  async function pass(): Promise<RunResult> {
    /** Results applied to the outbox, and results received (some may still be being applied). */
    let sent = 0;
    let answered = 0;
    let total = 0;
    let applying: { ids: Set<string>; done: Promise<void> } | null = null;
    type Sendable = PendingEntry & { record: RecordT };
    let prefetched: Promise<Sendable[]> | null = null;
    const settle = async () => {
      const current = applying;
      applying = null;
      if (current) await current.done;
    };
    /** Up to batchSize pending records, oldest first, other than `exclude`. */
    const take = async (exclude: ReadonlySet<string>): Promise<Sendable[]> =>
      (await deps.outbox.takePending(batchSize + exclude.size))
        .filter((e): e is Sendable => e.record !== undefined && !exclude.has(e.id))
        .slice(0, batchSize);
    /** Ends the pass: what is being applied lands first. */
    const end = async (result: RunResult | (() => RunResult)): Promise<RunResult> => {
      prefetched = null;
      await settle();
      return typeof result === 'function' ? result() : result;
    };
    const signal = abort.signal;
    try {
      total = await deps.outbox.countPending();
      for (;;) {
        if (signal.aborted) return await end({ kind: 'stopped' });
        const session = await deps.session.current();
        if (!session || session.expired || session.token === refusedToken) {
          await end({ kind: 'needs-sign-in' });
          const waiting = await refreshWaiting();
          setState({ needsSignIn: Boolean(session?.expired || session?.token === refusedToken) || waiting > 0 });
          return { kind: 'needs-sign-in' };
        }
        // The session is good: whatever any context said about signing in is over.
        refusedToken = undefined;
        remoteSignIn.clear();
        if (state.needsSignIn || own.needsSignIn) setState({ needsSignIn: false });

        const next = prefetched;
        prefetched = null;
        const batch: Sendable[] = next ? await next : await take(applying?.ids ?? new Set<string>());
        if (batch.length === 0) {
          if (applying) {
            // Only records still being applied were left: let them land, then look again.
            await settle();
            continue;
          }
          setState({ waiting: 0, progress: { sent, total: sent } });
          return { kind: 'done', sent };
        }
        total = Math.max(total, answered + batch.length);
        sendingHere = true;
        setState({ syncing: true, waiting: Math.max(0, total - sent), progress: { sent, total } });
        const ids: string[] = batch.map((e) => e.id);

        const sending = sendBatch({
          fetch: fetchFn,
          baseUrl: deps.baseUrl ?? '',
          token: session.token,
          deviceId: session.deviceId,
          sentAt: isoWithOffset(clock.now()),
          records: batch.map((e) => e.record),
          timeoutMs,
          clock,
          signal,
          lang: deps.lang?.(),
        });
        // Read the next batch while this one is on the wire.
        const upcoming = take(new Set([...ids, ...(applying?.ids ?? [])]));
        upcoming.catch(() => undefined);
        prefetched = upcoming;
        const outcome = await sending;
        if (signal.aborted) return await end({ kind: 'stopped' });
        const failed = async (error: Omit<SyncError, 'at'>, retryAfterMs?: number) => {
          await end({ kind: 'stopped' });
          await deps.outbox.noteAttempt?.(ids).catch(() => undefined);
          return fail(error, retryAfterMs);
        };

        switch (outcome.kind) {
          case 'ok': {
            const wanted = new Set(ids);
            const results: SyncResult[] = outcome.response.results.filter((r) => wanted.delete(r.id));
            if (results.length === 0) return await end(() => fail({ kind: 'bad-response', message: 'the answer named none of the records sent' }));
            answered += results.length;
            attempt = 0;
            notBefore = 0;
            if (batchSize < maxBatch) {
              // Growing again after a weak link: the prefetched batch was sized for the old limit.
              batchSize = Math.min(maxBatch, batchSize * 2);
              prefetched = null;
            }
            // Answers are applied in order: the previous one lands before this one starts.
            await settle();
            const done = deps.outbox.applyResults(results).then(async () => {
              sent += results.length;
              const lastSuccessAt = isoWithOffset(clock.now());
              await deps.lastSuccess?.set(lastSuccessAt).catch(() => undefined);
              setState({
                lastSuccessAt,
                lastError: undefined,
                retryAt: undefined,
                waiting: Math.max(0, total - sent),
                progress: { sent, total },
              });
            });
            // Never an unhandled rejection: `settle` rethrows it where the pass fails properly.
            done.catch(() => undefined);
            applying = { ids: new Set(results.map((r) => r.id)), done };
            if (results.length < ids.length) prefetched = null; // the left-out ones go first next time
            continue;
          }
          case 'unauthorized':
            await end({ kind: 'needs-sign-in' });
            refusedToken = session.token;
            await deps.session.markExpired?.(session.token).catch(() => undefined);
            setState({
              needsSignIn: true,
              lastError: { kind: 'client', status: 401, message: 'the session was refused', at: clock.now() },
            });
            return { kind: 'needs-sign-in' };
          case 'too-large':
            if (batch.length > 1) {
              prefetched = null;
              await deps.outbox.noteAttempt?.(ids).catch(() => undefined);
              batchSize = Math.max(1, Math.floor(batch.length / 2));
              continue;
            }
            return await failed({ kind: 'client', status: outcome.status, message: outcome.message });
          case 'retry':
            if (outcome.cause === 'timeout') batchSize = Math.max(Math.min(MIN_BATCH, maxBatch), Math.floor(batch.length / 2));
            return await failed({ kind: outcome.cause, status: outcome.status, message: outcome.message }, outcome.retryAfterMs);
          case 'client-error':
            return await failed({ kind: 'client', status: outcome.status, message: outcome.code ? `${outcome.code}: ${outcome.message}` : outcome.message });
        }
      }
    } catch (error) {
      // IndexedDB failed (storage cleared, quota, a closed connection): records stay; try again later.
      prefetched = null;
      await settle().catch(() => undefined);
      return fail({ kind: 'storage', message: describeError(error) });
    } finally {
      if (sendingHere) {
        sendingHere = false;
        setState({ syncing: false });
      }
    }
  }

  function runOnce(_reason: SyncTrigger = 'background'): Promise<RunResult> {
    if (running) {
      dirty = true;
      return running;
    }
    dirty = false;
    running = (async (): Promise<RunResult> => {
      if (!isOnline()) {
        if (state.online) setState({ online: false });
        await refreshWaiting();
        return { kind: 'offline' };
      }
      if (!state.online) setState({ online: true });
      const locked = await lock(() => {
        // We hold the lock: nobody else is syncing, whatever the last word from a closed tab was.
        if (remoteSender !== null) {
          remoteSender = null;
          if (state.syncing && !sendingHere) setState({ syncing: false }, false);
        }
        return pass();
      });
      if (!locked.acquired) {
        await refreshWaiting();
        return { kind: 'busy' };
      }
      return locked.value;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  function clearTimer(which: 'retry' | 'poll'): void {
    if (which === 'retry' && retryTimer !== null) {
      clock.clearTimeout(retryTimer);
      retryTimer = null;
      if (state.retryAt !== undefined) setState({ retryAt: undefined });
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
      setState({ retryAt: undefined });
      trigger('retry');
    }, delayMs);
    setState({ retryAt: at });
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
      if (remoteSender !== null) {
        if (pollTimer === null) schedulePoll(busyPollDelay());
        return;
      }
      // A record was saved (or a result applied): show the count now, ask for a Background Sync too.
      void refreshWaiting().then((waiting) => {
        if (waiting > 0) deps.requestBackgroundSync?.();
        if (waiting > 0 || state.needsSignIn) gate(reason);
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
      if (started) return;
      started = true;
      abort = new AbortController();
      unsubscribeChannel = deps.channel?.subscribe(onRemote);
      void (async () => {
        const last = await deps.lastSuccess?.get().catch(() => undefined);
        if (last && isLater(last, state.lastSuccessAt)) setState({ lastSuccessAt: last });
        await refreshWaiting();
        trigger('start');
      })();
    },
    stop() {
      started = false;
      abort.abort();
      clearTimer('retry');
      clearTimer('poll');
      unsubscribeChannel?.();
      unsubscribeChannel = undefined;
    },
    trigger,
    async syncNow() {
      const now = clock.now();
      if (notBefore > now) {
        const error = state.lastError ?? { kind: 'throttled' as const, message: 'the server asked to wait', at: now };
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
    setOnline(online) {
      if (online !== state.online) setState({ online });
      if (online) trigger('online');
    },
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      listener(state);
      return () => listeners.delete(listener);
    },
  };
}
