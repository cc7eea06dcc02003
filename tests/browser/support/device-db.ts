/**
 * Reads and writes the device database from outside the app (raw IndexedDB in the page): to check what
 * the device still holds, and to queue many records at once as earlier app use would have.
 */
import type { Page } from 'playwright-core';

/** Every outbox entry on the device, as stored. */
export async function outboxEntries(page: Page): Promise<Record<string, unknown>[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('ruhui');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const all = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
      const req = db.transaction('outbox').objectStore('outbox').getAll();
      req.onsuccess = () => resolve(req.result as Record<string, unknown>[]);
      req.onerror = () => reject(req.error);
    });
    db.close();
    return all;
  });
}

/**
 * Puts records into the outbox as pending (the shape outbox.enqueue writes), in one transaction; they
 * belong to `owner` (a user id), by default to whoever is signed in on the device.
 */
export async function queueRaw(page: Page, records: { id: string; kind: string; stallId: string; createdAt: string }[], owner?: string): Promise<void> {
  await page.evaluate(async ({ records, owner }) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('ruhui');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const tx = db.transaction(['outbox', 'session'], 'readwrite');
    const session = await new Promise<{ user?: { id: string } } | undefined>((resolve, reject) => {
      const req = tx.objectStore('session').get('current');
      req.onsuccess = () => resolve(req.result as { user?: { id: string } } | undefined);
      req.onerror = () => reject(req.error);
    });
    const who = owner ?? session?.user?.id ?? '';
    const now = Date.now();
    records.forEach((record, i) =>
      tx.objectStore('outbox').add({
        id: record.id,
        kind: record.kind,
        stallId: record.stallId,
        day: record.createdAt.slice(0, 10),
        createdAt: record.createdAt,
        queuedAt: now + i,
        status: 'pending',
        record,
        attempts: 0,
        updatedAt: now,
        owner: who,
        tally: record.kind === 'consultation' ? 'consultation' : 'joined',
      }),
    );
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, { records, owner });
}
