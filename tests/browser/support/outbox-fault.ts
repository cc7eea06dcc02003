/** Changes the device database from outside the app, as the browser would: deletes it (clearing site data). */
import type { Page } from 'playwright-core';

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
