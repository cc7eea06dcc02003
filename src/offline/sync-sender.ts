/**
 * One context's sender: its view of the sync state (what it shows and broadcasts), the tuning that
 * carries over between passes, and `run`, one send pass under the lock. The page's engine
 * (`sync-engine.ts`) adds the scheduler, the listeners and what other contexts broadcast; the
 * service worker (`sync-background.ts`) runs it alone, one pass per Background Sync event, so it
 * builds none of the rest.
 */
import { MAX_BATCH } from '../shared/enums';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './sync-backoff';
import { processLock, type SyncLock } from './sync-lock';
import { newTuning, runPass, type PassHost, type RunResult, type SendTuning, type SyncOutbox, type SyncSessionStore } from './sync-pass';
import { applyPatch, broadcastKey, broadcastOf, holdingLock, initialModel, sessionAccepted, type SyncBroadcast, type SyncModel, type SyncState } from './sync-state';
import { sendBatch, systemClock, type Clock, type FetchFn } from './sync-transport';

/** Where a context posts its own news for the other tabs and the worker (BroadcastChannel in the browser). */
export interface SyncPoster {
  post(message: SyncBroadcast): void;
}

/** What a sender needs; only `outbox` and `session` have no default. */
export interface SenderDeps {
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
  channel?: SyncPoster;
  backoff?: BackoffPolicy;
  /** Per request, headers and body; longer than a slow server takes over a full batch. Default 60 s. */
  timeoutMs?: number;
  /** Largest batch (≤ MAX_BATCH). */
  batchSize?: number;
  /** Accept-Language of requests (the language of rejection reasons). */
  lang?: () => string;
  /** gzip large batches where CompressionStream exists (default true; see sync-transport.ts). */
  compressUploads?: boolean;
}

export interface Sender {
  /** This context's id in broadcasts. */
  readonly instance: string;
  readonly tuning: SendTuning;
  readonly model: SyncModel;
  /** Replaces the model with what another context's news made of it (shown, not broadcast). */
  replace(model: SyncModel): void;
  /** Updates the state; `mine` (default) also records it as this context's own news and broadcasts it. */
  setState(patch: Partial<SyncState>, mine?: boolean): void;
  /** Reads the count of waiting records into the state. */
  refreshWaiting(): Promise<number>;
  /** This context is sending (as opposed to showing another context's progress). */
  readonly sendingHere: boolean;
  /** One pass: offline is no pass at all; a lock held elsewhere leaves the work to its holder. */
  run(signal: AbortSignal): Promise<RunResult>;
}

/** Senders made in this realm, so two of them never share a broadcast id. */
let senders = 0;

/** A sender over `deps`; `changed` hears every change of what is shown. Nothing runs until `run`. */
export function createSender(deps: SenderDeps, changed: (state: SyncState) => void = () => undefined): Sender {
  const clock = deps.clock ?? systemClock;
  const lock = deps.lock ?? processLock();
  const timeoutMs = deps.timeoutMs ?? 60_000;
  const isOnline = deps.isOnline ?? (() => true);
  const fetchFn: FetchFn = deps.fetch ?? ((input, init) => fetch(input, init));
  const tuning = newTuning(Math.max(1, Math.min(deps.batchSize ?? MAX_BATCH, MAX_BATCH)));
  const instance = `${Date.now().toString(36)}-${(++senders).toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

  let model: SyncModel = initialModel(isOnline());
  let lastBroadcast = '';
  let sendingHere = false;

  const notify = () => changed(model.state);

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
    random: deps.random ?? Math.random,
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

  async function run(signal: AbortSignal): Promise<RunResult> {
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
      return runPass(passHost, signal);
    });
    if (!locked.acquired) {
      await refreshWaiting();
      return { kind: 'busy' };
    }
    return locked.value;
  }

  return {
    instance,
    tuning,
    get model() {
      return model;
    },
    replace(next) {
      model = next;
      notify();
    },
    setState,
    refreshWaiting,
    get sendingHere() {
      return sendingHere;
    },
    run,
  };
}
