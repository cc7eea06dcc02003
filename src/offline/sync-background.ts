/**
 * The service worker's sync: on a Background Sync event, one send pass over this device's outbox and
 * session, under the same lock as the pages, its news posted to the open tabs. It carries only the
 * sender (`sync-sender.ts`): no scheduler, no timers (a worker may be stopped between events), no
 * listening to the tabs. The page's engine (`sync-device.ts`) uses the same outbox, session and channel.
 */
import { applyResults, noteAttempt, takePending } from './outbox';
import { countPending } from './outbox-counts';
import { getLastSyncAt, getSession, markSessionExpired, setLastSyncAt } from './session';
import { defaultSyncLock, waitForSyncLock } from './sync-lock';
import type { RunResult, SyncOutbox, SyncSessionStore } from './sync-pass';
import { createSender, type Sender, type SenderDeps } from './sync-sender';

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

/** The sync-state BroadcastChannel (not keeping Node alive); undefined where there is none. */
export function openSyncChannel(name: string = SYNC_CHANNEL): BroadcastChannel | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  const channel = new BroadcastChannel(name);
  (channel as BroadcastChannel & { unref?: () => void }).unref?.();
  return channel;
}

/** What a sender on this device uses, the page's engine and the worker's alike. */
export function deviceSenderDeps(): SenderDeps {
  return {
    outbox: deviceOutbox,
    session: deviceSession,
    lock: defaultSyncLock(),
    isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine !== false),
    lastSuccess: { get: getLastSyncAt, set: setLastSyncAt },
  };
}

let workerSender: Sender | undefined;
let running: Promise<RunResult> | undefined;

/** One pass at a time in the worker: a second event during a pass shares it. */
function passOnce(sender: Sender): Promise<RunResult> {
  running ??= sender.run(new AbortController().signal).finally(() => {
    running = undefined;
  });
  return running;
}

/**
 * The worker's `sync` event: one pass with no timers. Rejects while records still wait (network,
 * server, or a lock it never got), so the browser tries again later.
 */
export async function runBackgroundSync(): Promise<void> {
  if (!workerSender) {
    const channel = openSyncChannel();
    // The browser fires `sync` only when it sees a network: no navigator.onLine second-guessing here.
    workerSender = createSender({ ...deviceSenderDeps(), isOnline: () => true, channel: channel && { post: (m) => channel.postMessage(m) } });
  }
  let result = await passOnce(workerSender);
  if (result.kind === 'busy') {
    // A tab holds the lock. It may finish, or be closed mid-pass: wait our turn and look again.
    await waitForSyncLock();
    result = await passOnce(workerSender);
  }
  if (result.kind !== 'done' && result.kind !== 'needs-sign-in') throw new Error(`records still wait (${result.kind})`);
}
