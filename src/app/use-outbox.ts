/** Live views of the outbox for the screens: they refresh on every change in any tab (or the worker). */
import { useEffect, useState } from 'preact/hooks';
import { localToday } from '../shared/id-number';
import { counts, listByStatus, onOutboxChange, tallyFor, type OutboxCounts, type OutboxEntry, type OutboxStatus, type Tally } from '../offline/outbox';

/** Re-runs `load` now, on every outbox change, and when the page becomes visible again (the day may have turned). */
function useLive<T>(load: () => Promise<T>, deps: unknown[]): T | null {
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => {
    let alive = true;
    let seq = 0;
    const refresh = () => {
      const mine = ++seq;
      load().then(
        (v) => alive && mine === seq && setValue(v),
        () => undefined,
      );
    };
    refresh();
    const off = onOutboxChange(refresh);
    const onVisible = () => document.visibilityState === 'visible' && refresh();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      alive = false;
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

/** Entries of one status, newest first. */
export function useOutboxList(status: OutboxStatus, limit: number): OutboxEntry[] | null {
  return useLive(() => listByStatus(status, { limit }), [status, limit]);
}
