/**
 * The page's sync engine wired to this device: the IndexedDB outbox and session, the Web Lock, fetch
 * (all as `sync-background.ts` gives them to the worker's one pass), a BroadcastChannel to the other
 * tabs and the worker, and the browser's triggers: online, visibility, every outbox change, and a
 * Background Sync registration as a bonus.
 */
import { onOutboxChange } from './outbox-channel';
import { deviceSenderDeps, openSyncChannel, SYNC_CHANNEL, SYNC_TAG } from './sync-background';
import { createSyncEngine, type SyncBroadcast, type SyncChannel, type SyncEngine, type SyncEngineDeps } from './sync-engine';
import { syncBroadcastSchema } from './sync-state';

/** A BroadcastChannel carrying engine states, checked on arrival; undefined where there is none. */
export function broadcastChannel(name: string = SYNC_CHANNEL): SyncChannel | undefined {
  const channel = openSyncChannel(name);
  if (!channel) return undefined;
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

/** The page engine's dependencies: the device's (shared with the worker's pass) and the checked channel. */
export function deviceSyncDeps(overrides: Partial<SyncEngineDeps> = {}): SyncEngineDeps {
  return { ...deviceSenderDeps(), channel: broadcastChannel(), ...overrides };
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
