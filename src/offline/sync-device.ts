/**
 * The sync engine wired to this device: the IndexedDB outbox and session, the Web Lock, fetch, a
 * BroadcastChannel to the other tabs and the worker, and (in a page) the browser's triggers: online,
 * visibility, every outbox change, and a Background Sync registration as a bonus.
 */
import { applyResults, noteAttempt, takePending } from './outbox';
import { onOutboxChange } from './outbox-channel';
import { countPending } from './outbox-counts';
import { getLastSyncAt, getSession, markSessionExpired, setLastSyncAt } from './session';
import { createSyncEngine, type SyncBroadcast, type SyncChannel, type SyncEngine, type SyncEngineDeps, type SyncOutbox, type SyncSessionStore } from './sync-engine';
import { defaultSyncLock, waitForSyncLock } from './sync-lock';
import { syncBroadcastSchema } from './sync-state';

/** The Background Sync tag the page registers and the worker answers. */
export const SYNC_TAG = 'ruhui-sync';
/** The channel on which engines share their state. */
export const SYNC_CHANNEL = 'ruhui-sync-state';

/** The outbox, as the engine sees it; what waits is counted for whoever is signed in (their records only). */
export const deviceOutbox: SyncOutbox = {
  takePending,
  applyResults,
  noteAttempt,
  countPending: async (owner) => {
    if (owner !== undefined) return countPending(owner);
    const session = await getSession();
    if (session?.user.role === 'admin') return 0; // an admin's session sends nothing
    return countPending(session?.user.id);
  },
};

/** The session in IndexedDB, read fresh before every request. */
export const deviceSession: SyncSessionStore = {
  current: getSession,
  markExpired: (token) => markSessionExpired(token),
};

/** A BroadcastChannel carrying engine states, checked on arrival; undefined where there is none. */
export function broadcastChannel(name: string = SYNC_CHANNEL): SyncChannel | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  const channel = new BroadcastChannel(name);
  (channel as BroadcastChannel & { unref?: () => void }).unref?.();
  const listeners = new Set<(m: SyncBroadcast) => void>();
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const parsed = syncBroadcastSchema.safeParse(event.data);
    if (parsed.success) for (const l of listeners) l(parsed.data);
  };
  return {
    post: (message) => channel.postMessage(message),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

/** Asks the page's service worker for a Background Sync; silently nothing where there is none (Safari, Firefox). */
export function requestBackgroundSync(): void {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  void navigator.serviceWorker.ready
    .then((registration) => (registration as ServiceWorkerRegistration & { sync?: SyncManagerLike }).sync?.register(SYNC_TAG))
    .catch(() => undefined);
}

/** Dependencies shared by the page's and the worker's engine. */
export function deviceSyncDeps(overrides: Partial<SyncEngineDeps> = {}): SyncEngineDeps {
  return {
    outbox: deviceOutbox,
    session: deviceSession,
    lock: defaultSyncLock(),
    isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine !== false),
    lastSuccess: { get: getLastSyncAt, set: setLastSyncAt },
    channel: broadcastChannel(),
    ...overrides,
  };
}

/** Hooks a page's engine to the browser: online/offline, visible again, every outbox change. Returns a detach. */
export function attachPageTriggers(engine: SyncEngine): () => void {
  const online = () => engine.setOnline(true);
  const offline = () => engine.setOnline(false);
  const visible = () => {
    if (document.visibilityState === 'visible') engine.trigger('visible');
  };
  addEventListener('online', online);
  addEventListener('offline', offline);
  document.addEventListener('visibilitychange', visible);
  const offChange = onOutboxChange(() => engine.trigger('changed'));
  return () => {
    removeEventListener('online', online);
    removeEventListener('offline', offline);
    document.removeEventListener('visibilitychange', visible);
    offChange();
  };
}

let pageEngine: SyncEngine | undefined;

/** The page's engine, started (with its triggers) on first call: call it at app start. */
export function startPageSync(lang?: () => string): SyncEngine {
  if (pageEngine) return pageEngine;
  const engine = createSyncEngine(deviceSyncDeps({ requestBackgroundSync, lang }));
  attachPageTriggers(engine);
  engine.start();
  pageEngine = engine;
  return engine;
}

let workerEngine: SyncEngine | undefined;

/**
 * The worker's `sync` event: one pass with no timers (a worker may be stopped between events).
 * Rejects while records still wait (network, server, or a lock it never got), so the browser tries
 * again later.
 */
export async function runBackgroundSync(): Promise<void> {
  // The browser fires `sync` only when it sees a network: no navigator.onLine second-guessing here.
  workerEngine ??= createSyncEngine(deviceSyncDeps({ isOnline: () => true }));
  let result = await workerEngine.runOnce('background');
  if (result.kind === 'busy') {
    // A tab holds the lock. It may finish, or be closed mid-pass: wait our turn and look again.
    await waitForSyncLock();
    result = await workerEngine.runOnce('background');
  }
  if (result.kind !== 'done' && result.kind !== 'needs-sign-in') throw new Error(`records still wait (${result.kind})`);
}
