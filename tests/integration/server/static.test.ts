import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/engines';

/** A built client in miniature: the file names the real build produces. */
function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-dist-'));
  fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html lang="zh-CN"><head><title>入会</title></head><body></body></html>');
  fs.writeFileSync(path.join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  fs.writeFileSync(path.join(dir, 'manifest.webmanifest'), '{}');
  fs.writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), 'console.log(1)');
  return dir;
}

describe('serving the built client [sqlite]', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
    fs.rmSync(t.config.staticDir, { recursive: true, force: true });
  });

  describe('normally', () => {
    beforeEach(async () => {
      t = await startTestApp('sqlite', { staticDir: fakeBuild() });
    });

    it('caches hashed assets for a year and never caches the page, the worker or the manifest', async () => {
      const asset = await t.app.request('/assets/index-AbC123.js');
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      for (const file of ['/', '/index.html', '/sw.js', '/manifest.webmanifest']) {
        const res = await t.app.request(file);
        expect(res.status, file).toBe(200);
        expect(res.headers.get('cache-control'), file).toContain('no-cache');
      }
    });

    it('answers app routes with the shell, and unknown paths with 404', async () => {
      for (const route of ['/queue', '/admin', '/dashboard', '/stall/abc/qr']) {
        const res = await t.app.request(route);
        expect(res.status, route).toBe(200);
        expect(await res.text()).toContain('入会');
      }
      expect((await t.app.request('/no/such/page')).status).toBe(404);
      expect((await t.app.request('/assets/missing.js')).status).toBe(404);
    });

    it('serves the real worker', async () => {
      expect(await (await t.app.request('/sw.js')).text()).toContain('fetch');
      expect(await (await t.app.request('/')).text()).not.toContain('ruhui-sw');
    });
  });

  describe('with the kill switch on (RUHUI_RETIRE_SW=1)', () => {
    beforeEach(async () => {
      t = await startTestApp('sqlite', { retireServiceWorker: true, staticDir: fakeBuild() });
    });

    it('serves a worker that clears its caches and unregisters itself, never cached', async () => {
      const res = await t.app.request('/sw.js');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toContain('no-cache');
      const body = await res.text();
      expect(body).toContain('registration.unregister()');
      expect(body).toContain('caches.delete');
    });

    it('marks the shell so the page registers no worker while the switch is on', async () => {
      for (const route of ['/', '/index.html', '/queue']) {
        expect(await (await t.app.request(route)).text(), route).toContain('<meta name="ruhui-sw" content="retired">');
      }
    });
  });
});
