/**
 * A count of waiting records kept outside IndexedDB (localStorage), so a database found empty while
 * records were waiting can be reported as data the browser cleared. The service worker has no
 * localStorage: there every call here is a no-op, and a page catches up on the worker's changes.
 */
import { getDB } from './db';
import { counts } from './outbox-counts';

/** localStorage key of the count of records waiting (pending or rejected) after the last change. */
export const PENDING_MARKER_KEY = 'ruhui.pendingMarker';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

async function writeMarker(store: Storage): Promise<void> {
  try {
    const c = await counts();
    store.setItem(PENDING_MARKER_KEY, String(c.pending + c.rejected));
  } catch {
    // The marker is a safety net; failing to update it must never fail a save.
  }
}

let markerRun: Promise<void> | null = null;
let markerAgain: Promise<void> | null = null;

/**
 * Writes the count of waiting (pending + rejected) records to localStorage; a no-op where there is
 * none (service worker). Coalesced: at most one count in flight, and calls meanwhile share one more
 * that starts after it, so the marker always ends on the latest state.
 */
export function refreshPendingMarker(): Promise<void> {
  const store = storage();
  if (!store) return Promise.resolve();
  if (!markerRun) {
    const run = writeMarker(store).finally(() => {
      if (markerRun === run) markerRun = null;
    });
    markerRun = run;
    return run;
  }
  markerAgain ??= markerRun.then(() => {
    markerAgain = null;
    return refreshPendingMarker();
  });
  return markerAgain;
}

/**
 * How many waiting records this device had according to the marker, when the outbox is now empty
 * (the browser cleared site data); 0 when nothing is missing, and then the marker is brought up to
 * date (the service worker may have sent records while no page was open).
 */
export async function detectClearedData(): Promise<number> {
  const store = storage();
  const marked = Number(store?.getItem(PENDING_MARKER_KEY) ?? 0);
  if (!(marked > 0)) return 0;
  const total = await (await getDB()).count('outbox');
  if (total === 0) return marked;
  await refreshPendingMarker();
  return 0;
}

/** The staff has seen the warning: the marker follows the outbox again. */
export async function acknowledgeClearedData(): Promise<void> {
  storage()?.removeItem(PENDING_MARKER_KEY);
  await refreshPendingMarker();
}
