/**
 * The service worker only wires events: precache the app shell, answer app navigations with it when
 * offline, and take over when the page says the user agreed to update. It never answers /api or /join.
 */
/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { runBackgroundSync, SYNC_TAG } from '../src/offline/sync-background';
import { toWorkerMessage } from '../src/shared/sw-messages';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };
/** Background Sync's event (Chromium only; not in TypeScript's lib). */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
}

precacheAndRoute(self.__WB_MANIFEST);
// On first install, control the open page at once so it works offline without a reload. Updates
// still wait in 'installed' until the user agrees (see skip-waiting below).
clientsClaim();
cleanupOutdatedCaches();

registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    // The API must reach the server or fail; the join page works without a worker by design.
    denylist: [/^\/api\//, /^\/join/, /^\/sw\.js$/],
  }),
);

self.addEventListener('message', (event) => {
  const parsed = toWorkerMessage.safeParse(event.data);
  if (!parsed.success) return;
  switch (parsed.data.type) {
    case 'skip-waiting':
      void self.skipWaiting();
      break;
  }
});

// Background Sync (Chromium): send the outbox when the browser sees a network, even with no tab
// open. A bonus: pages sync on their own triggers everywhere, Safari included.
self.addEventListener('sync', (event) => {
  const sync = event as SyncEvent;
  if (sync.tag === SYNC_TAG) sync.waitUntil(runBackgroundSync());
});
