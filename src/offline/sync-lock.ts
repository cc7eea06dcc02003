/**
 * Exactly one sync at a time across tabs and the service worker: a Web Lock taken with `ifAvailable`,
 * so a second context does not queue behind the first but leaves the work to it. Where there is no
 * `navigator.locks` (Node tests, very old browsers) an in-process mutex with the same meaning.
 */

/** The lock every context syncs under. */
export const SYNC_LOCK_NAME = 'ruhui-sync';

/** Runs `fn` holding the lock if nobody holds it; `acquired: false` (and `fn` not run) otherwise. */
export type SyncLock = <T>(fn: () => Promise<T>) => Promise<{ acquired: true; value: T } | { acquired: false }>;

/** The part of a LockManager that `webLock` uses. */
interface IfAvailableLocks {
  request<T>(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

/** A context's `navigator.locks`, as far as sync uses it. */
type LockManagerLike = IfAvailableLocks & {
  request<T>(name: string, callback: (lock: unknown) => Promise<T>): Promise<T>;
};

const held = new Set<string>();

/** An in-process mutex: one holder per name in this JavaScript realm. */
export function processLock(name: string = SYNC_LOCK_NAME): SyncLock {
  return async (fn) => {
    if (held.has(name)) return { acquired: false };
    held.add(name);
    try {
      return { acquired: true, value: await fn() };
    } finally {
      held.delete(name);
    }
  };
}

/** A Web Lock over `locks` (a tab's or a worker's `navigator.locks`). */
export function webLock(locks: IfAvailableLocks, name: string = SYNC_LOCK_NAME): SyncLock {
  return async <T>(fn: () => Promise<T>) => {
    type Result = { acquired: true; value: T } | { acquired: false };
    return locks.request<Result>(name, { ifAvailable: true }, async (lock) => {
      if (!lock) return { acquired: false };
      return { acquired: true, value: await fn() };
    });
  };
}

/** The Web Lock where this context has one, else the in-process mutex. */
export function defaultSyncLock(name: string = SYNC_LOCK_NAME): SyncLock {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks ? webLock(nav.locks, name) : processLock(name);
}

/**
 * Resolves once nobody holds the lock (waiting in line for it, then letting go at once): the worker's
 * `sync` event uses it, so a tab that held the lock and was closed mid-pass never leaves records behind.
 */
export async function waitForSyncLock(name: string = SYNC_LOCK_NAME): Promise<void> {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  if (nav?.locks) {
    await nav.locks.request(name, async () => undefined);
    return;
  }
  while (held.has(name)) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Runs `fn` holding the sync lock, waiting for it while a sync pass runs; `false` (fn not run) if `signal` aborts the wait. */
export type HoldSyncLock = <T>(fn: () => Promise<T>, signal?: AbortSignal) => Promise<{ acquired: true; value: T } | { acquired: false }>;

/**
 * Holds the sync lock for `fn` (waiting in line for it, unlike `defaultSyncLock`): while `fn` runs no
 * context is sending, so what the outbox says about a record is final. Without Web Locks the
 * in-process mutex is polled.
 */
export function holdSyncLock(name: string = SYNC_LOCK_NAME): HoldSyncLock {
  return async <T>(fn: () => Promise<T>, signal?: AbortSignal) => {
    type Result = { acquired: true; value: T } | { acquired: false };
    const nav = (globalThis as { navigator?: { locks?: { request<R>(name: string, options: { signal?: AbortSignal }, cb: () => Promise<R>): Promise<R> } } }).navigator;
    if (nav?.locks) {
      try {
        return await nav.locks.request<Result>(name, signal ? { signal } : {}, async () => ({ acquired: true, value: await fn() }));
      } catch (error) {
        if (signal?.aborted) return { acquired: false };
        throw error;
      }
    }
    while (held.has(name)) {
      if (signal?.aborted) return { acquired: false };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    held.add(name);
    try {
      return { acquired: true, value: await fn() };
    } finally {
      held.delete(name);
    }
  };
}
