/** Stalls of the user's org, cached for offline use, and the one the staff chose for today. */
import { getDB, getMeta, setMeta, type CachedStall } from './db';

export type { CachedStall } from './db';

/** Replaces the cached stalls with the server's current list (one transaction). */
export async function cacheStalls(stalls: readonly CachedStall[]): Promise<void> {
  const db = await getDB();
  const tx = db.transaction('stalls', 'readwrite');
  await tx.store.clear();
  await Promise.all(stalls.map((s) => tx.store.put(s)));
  await tx.done;
}

/** Cached stalls, by date then name. */
export async function listCachedStalls(): Promise<CachedStall[]> {
  const all = await (await getDB()).getAll('stalls');
  return all.sort((a, b) => a.date.localeCompare(b.date) || a.name.localeCompare(b.name));
}

/** The stall chosen on this device, if it is still cached. */
export async function getChosenStall(): Promise<CachedStall | undefined> {
  const id = await getMeta('stallId');
  return id ? (await getDB()).get('stalls', id) : undefined;
}

/** Remembers today's stall. */
export async function chooseStall(id: string): Promise<void> {
  await setMeta('stallId', id);
}
