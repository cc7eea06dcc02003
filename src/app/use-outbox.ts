/** Live views of the outbox for the screens: they refresh on every change in any tab (or the worker). */
import { useEffect, useState } from 'preact/hooks';
import { listByStatus, type OutboxEntry, type OutboxStatus } from '../offline/outbox';
import { onOutboxChange } from '../offline/outbox-channel';
import { counts, ownCounts, tallyFor, type OutboxCounts, type OwnCounts, type Tally } from '../offline/outbox-counts';
import { localToday } from '../shared/local-time';

/** Least time between the starts of two reloads of one live view (a sync pass changes the outbox per batch). */
export const LIVE_REFRESH_MS = 250;

/**
 * Re-runs `load` now, after outbox changes (in any tab), and when the page becomes visible again (the
 * day may have turned). Reloads are coalesced: at most one in flight, starts at least LIVE_REFRESH_MS
 * apart, and changes during a reload or the wait lead to one more (trailing) reload, so the view
 * always ends on the latest state.
 */
function useLive<T>(load: () => Promise<T>, deps: unknown[]): T | null {
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => {
    let alive = true;
    let running = false;
    let again = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastStart = -Infinity;
    const run = () => {
      timer = undefined;
      running = true;
      again = false;
      lastStart = Date.now();
      load()
        .then(
          (v) => alive && setValue(v),
          () => undefined,
        )
        .finally(() => {
          running = false;
          if (again) refresh();
        });
    };
    const refresh = () => {
      if (!alive) return;
      if (running) {
        again = true;
        return;
      }
      if (timer !== undefined) return;
      const wait = lastStart + LIVE_REFRESH_MS - Date.now();
      if (wait <= 0) run();
      else timer = setTimeout(run, wait);
    };
    refresh();
    const off = onOutboxChange(refresh);
    const onVisible = () => document.visibilityState === 'visible' && refresh();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      alive = false;
      if (timer !== undefined) clearTimeout(timer);
      off();
      document.removeEventListener('visibilitychange', onVisible);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return value;
}

/** Counts per status (null while loading). */
export function useOutboxCounts(): OutboxCounts | null {
  return useLive(counts, []);
}

/** Today's tally of `stallId` on this device (null while loading). */
export function useTally(stallId: string): Tally | null {
  return useLive(() => tallyFor(stallId, localToday()), [stallId]);
}

/** Entries of one status, newest first; with `owner`, only that user's (others' are never shown). */
export function useOutboxList(status: OutboxStatus, limit: number, owner?: string): OutboxEntry[] | null {
  return useLive(() => listByStatus(status, { limit, owner }), [status, limit, owner]);
}

/** The signed-in user's counts per status, and how many records of others wait (null while loading). */
export function useOwnCounts(owner: string | null): OwnCounts | null {
  return useLive(() => ownCounts(owner), [owner]);
}
