/** Whether the browser may evict this device's data under storage pressure, and how much room is left. */

/** `persistent`: the browser will not evict our data on its own; `best-effort`: it may; `unsupported`: cannot tell. */
export type Persistence = 'persistent' | 'best-effort' | 'unsupported';

/** Asks for persistent storage (once granted, later calls just confirm it). Never rejects. */
export async function requestPersistence(): Promise<Persistence> {
  try {
    if (!navigator.storage?.persist) return 'unsupported';
    if (await navigator.storage.persisted()) return 'persistent';
    return (await navigator.storage.persist()) ? 'persistent' : 'best-effort';
  } catch {
    return 'unsupported';
  }
}

/** The current persistence without asking. Never rejects. */
export async function currentPersistence(): Promise<Persistence> {
  try {
    if (!navigator.storage?.persisted) return 'unsupported';
    return (await navigator.storage.persisted()) ? 'persistent' : 'best-effort';
  } catch {
    return 'unsupported';
  }
}
