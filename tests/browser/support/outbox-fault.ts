/**
 * Changes the device database from outside the app, as the sync engine or the browser would: marks
 * records rejected by the server (with a reason), or deletes the whole database (the browser clearing
 * site data). Raw IndexedDB in the page, then the same change announcement the outbox makes.
 */
import type { Page } from 'playwright-core';

export interface RejectReason {
  code: string;
  field?: string;
  message: string;
}

/** Marks every pending enrollment rejected with `reason`, as applyResults does for a `rejected` result. */
export async function rejectPendingEnrollments(page: Page, reason: RejectReason): Promise<number> {
  return page.evaluate(async (reason) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('ruhui');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const tx = db.transaction('outbox', 'readwrite');
    const store = tx.objectStore('outbox');
    const all = await new Promise<{ kind: string; status: string }[]>((resolve) => {
      const req = store.getAll();
      req.onsuccess = () => resolve(req.result as { kind: string; status: string }[]);
    });
    let n = 0;
    for (const entry of all) {
      if (entry.kind !== 'enrollment' || entry.status !== 'pending') continue;
      store.put({ ...entry, status: 'rejected', reason, updatedAt: Date.now() });
      n++;
    }
    await new Promise((resolve) => (tx.oncomplete = resolve));
    db.close();
    new BroadcastChannel('ruhui-outbox').postMessage({ type: 'outbox-changed' });
    return n;
  }, reason);
}

/** Deletes the device database (the app steps aside for it), leaving localStorage as it was. */
export async function deleteDeviceDatabase(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.deleteDatabase('ruhui');
        req.onsuccess = () => resolve();
        req.onerror = () => reject(req.error);
      }),
  );
}
