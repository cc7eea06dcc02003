/**
 * Every outbox change announced: to this tab's listeners at once, and on the `ruhui-outbox`
 * BroadcastChannel to the other tabs and the service worker, so all of them refresh their tally and
 * queue. Each announcement also brings the localStorage marker up to date (`outbox-marker.ts`).
 */
import { refreshPendingMarker } from './outbox-marker';

/** The name of the channel on which every outbox change is announced. */
export const OUTBOX_CHANNEL = 'ruhui-outbox';

type ChangeListener = () => void;
const listeners = new Set<ChangeListener>();
let channel: BroadcastChannel | null = null;

function getChannel(): BroadcastChannel | null {
  if (channel || typeof BroadcastChannel === 'undefined') return channel;
  channel = new BroadcastChannel(OUTBOX_CHANNEL);
  // Node (unit tests) would otherwise stay alive for an open channel.
  (channel as BroadcastChannel & { unref?: () => void }).unref?.();
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'outbox-changed') {
      for (const listener of listeners) listener();
      // The change may come from the service worker, which has no localStorage to keep the marker in.
      void refreshPendingMarker();
    }
  };
  return channel;
}

/** Calls `listener` after every outbox change in this tab, another tab, or the service worker. Returns an unsubscribe. */
export function onOutboxChange(listener: ChangeListener): () => void {
  listeners.add(listener);
  getChannel();
  return () => listeners.delete(listener);
}

/** Tells this tab, the others and the worker that the outbox changed (also outbox-actions.ts's). */
export function notify(): void {
  for (const listener of listeners) listener();
  getChannel()?.postMessage({ type: 'outbox-changed' });
  void refreshPendingMarker();
}
