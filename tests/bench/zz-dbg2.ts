import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { launchBrowser } from '../browser/support/chromium';
import { queueRaw } from '../browser/support/device-db';
import { startServerProcess } from '../support/server-process';
import { enrollment } from '../support/records';
async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbg-'));
  const server = await startServerProcess({ RUHUI_DATA_DIR: dataDir, RUHUI_ADMIN_PASSWORD: 'admin-password-1', RUHUI_LOG: 'warn' });
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  await page.goto(server.url + '/join');  // a page without the app
  await page.goto(server.url);
  await page.waitForTimeout(2000);
  const stallId = crypto.randomUUID();
  const list = Array.from({ length: 5000 }, (_, n) => enrollment({ stallId, n }));
  await page.evaluate(() => new Promise<void>((res) => { const r = indexedDB.open('ruhui'); r.onsuccess = () => { r.result.close(); res(); }; }));
  for (let i = 0; i < list.length; i += 2_000) await queueRaw(page, list.slice(i, i + 2_000));
  const out = await page.evaluate(`(async () => {
    const db = await new Promise((res) => { const r = indexedDB.open('ruhui'); r.onsuccess = () => res(r.result); });
    const times = {};
    let t0 = performance.now();
    const tx1 = db.transaction('outbox');
    const ids = await new Promise((res) => { const q = tx1.objectStore('outbox').index('by-status-queued').getAll(IDBKeyRange.bound(['pending', -Infinity], ['pending', Infinity]), 1000); q.onsuccess = () => res(q.result.map((e) => e.id)); });
    times.take1000 = performance.now() - t0;
    t0 = performance.now();
    const tx2 = db.transaction('outbox', 'readwrite', { durability: 'strict' });
    const st = tx2.objectStore('outbox');
    const got = await Promise.all(ids.slice(0, 500).map((id) => new Promise((res) => { const q = st.get(id); q.onsuccess = () => res(q.result); })));
    for (const e of got) { const { record, ...rest } = e; st.put({ ...rest, status: 'sent', receipt: { id: e.id } }); }
    await new Promise((res) => (tx2.oncomplete = res));
    times.apply500 = performance.now() - t0;
    t0 = performance.now();
    const tx3 = db.transaction('outbox');
    await new Promise((res) => { const q = tx3.objectStore('outbox').index('by-status').count('pending'); q.onsuccess = res; });
    times.count = performance.now() - t0;
    return times;
  })()`);
  console.log(out);
  await browser.close(); await server.stop();
}
void main();
