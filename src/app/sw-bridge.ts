/**
 * The page's only door to the service worker: registers it, tells the UI when an update is waiting,
 * and applies the update only when asked (the UI asks the user, and never while a form is half
 * filled). Nothing else in the app touches `navigator.serviceWorker`.
 */
import type { ToWorkerMessage } from '../shared/sw-messages';

type UpdateListener = (ready: boolean) => void;

let waiting: ServiceWorker | null = null;
const listeners = new Set<UpdateListener>();

function setWaiting(worker: ServiceWorker | null): void {
  waiting = worker;
  for (const listener of listeners) listener(worker !== null);
}

function post(worker: ServiceWorker, message: ToWorkerMessage): void {
  worker.postMessage(message);
}

/** Registers the worker (production builds only). Resolves when registration settled, never rejects. */
export async function registerServiceWorker(): Promise<void> {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  try {
    // The server's kill switch is on: register nothing, and drop any worker still registered.
    if (document.querySelector('meta[name="ruhui-sw"][content="retired"]')) {
      for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
      return;
    }
    const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    // A worker already waiting from an earlier visit: offer it.
    if (registration.waiting && navigator.serviceWorker.controller) setWaiting(registration.waiting);
    registration.addEventListener('updatefound', () => {
      const installing = registration.installing;
      installing?.addEventListener('statechange', () => {
        // 'installed' with a controller present means a new version waits behind the current one.
        if (installing.state === 'installed' && navigator.serviceWorker.controller) setWaiting(installing);
      });
    });
    let reloading = false;
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      // Only reload for an update the user accepted; the first install takes control silently.
      if (reloading || !applyRequested) return;
      reloading = true;
      location.reload();
    });
  } catch {
    // No worker (private mode, unsupported): the app still runs online.
  }
}

let applyRequested = false;

/** Lets the waiting version take over; the page reloads once it has. */
export function applyUpdate(): void {
  if (!waiting) return;
  applyRequested = true;
  post(waiting, { type: 'skip-waiting' });
}

/** Calls `listener` now and whenever an update becomes ready. Returns an unsubscribe function. */
export function onUpdateReady(listener: UpdateListener): () => void {
  listeners.add(listener);
  listener(waiting !== null);
  return () => listeners.delete(listener);
}

/** Resolves when a worker controls this page (tests and the "ready offline" badge use it). */
export async function whenOfflineReady(): Promise<boolean> {
  if (!('serviceWorker' in navigator)) return false;
  await navigator.serviceWorker.ready;
  return true;
}
