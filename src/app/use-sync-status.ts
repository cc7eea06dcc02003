/**
 * The sync engine's state for the screens (online, syncing n of m, waiting, last success, needs sign-in,
 * last error), live across tabs and the worker, and the "sync now" button's action.
 */
import { useEffect, useState } from 'preact/hooks';
import { startPageSync } from '../offline/sync-device';
import type { SyncState } from '../offline/sync-engine';

export interface SyncStatus extends SyncState {
  /** The user's "sync now". */
  syncNow(): void;
  /** After signing in again: resume at once. */
  resume(): void;
}

/** Subscribes to the page's sync engine (started at app start; started here if not yet). */
export function useSyncStatus(): SyncStatus {
  const engine = startPageSync();
  const [state, setState] = useState<SyncState>(() => engine.getState());
  useEffect(() => engine.subscribe(setState), [engine]);
  return {
    ...state,
    syncNow: () => void engine.syncNow(),
    resume: () => engine.trigger('session'),
  };
}
