import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../support/server-process';

describe('server process lifecycle [sqlite]', () => {
  const servers: ServerProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.kill();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  // These tests are about the embedded engine's data folder, whatever DATABASE_URL says.
  const start = (dataDir: string) => startServerProcess({ RUHUI_DATA_DIR: dataDir, DATABASE_URL: '' });
  const tempDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-life-'));
    dirs.push(d);
    return d;
  };

  it('refuses to start a second server on the same data folder, with a clear message', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    servers.push(first);
    const second = start(dataDir);
    await expect(second).rejects.toThrow(/already using the data folder/);
    // The first one is unharmed.
    const res = await fetch(`${first.url}/api/health`);
    expect((await res.json()).ok).toBe(true);
  });

  it('starts again on the same folder after a SIGKILL (no stale lock)', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    await first.kill();
    const again = await start(dataDir);
    servers.push(again);
    expect((await (await fetch(`${again.url}/api/health`)).json()).ok).toBe(true);
  });

  it('on SIGTERM closes the store and exits 0, leaving the folder free for the next start', async () => {
    const dataDir = tempDir();
    const server = await start(dataDir);
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
    const next = await start(dataDir);
    servers.push(next);
  });

  it('on SIGTERM lets a request in flight finish, then exits 0', async () => {
    const server = await start(tempDir());
    // A sign-in spends ~50–100 ms in scrypt: SIGTERM lands while it runs.
    const body = JSON.stringify({ username: 'admin', password: 'not-the-password' });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        `${server.url}/api/auth/login`,
        { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      // Signal only once the whole request is on the wire and the server has had a moment to start on it.
      req.end(body, () => setTimeout(() => server.child.kill('SIGTERM'), 15));
    });
    const { status, body: text } = await answer;
    expect([200, 401]).toContain(status);
    expect(JSON.parse(text)).toHaveProperty(status === 200 ? 'token' : 'error');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
    // The signal came while the request ran, and the request finished before the store closed.
    const out = server.output();
    const at = (needle: string) => out.indexOf(needle);
    expect(at('"msg":"shutting down"')).toBeGreaterThan(-1);
    expect(at('"msg":"shutting down"')).toBeLessThan(at('"route":"/api/auth/login"'));
    expect(at('"route":"/api/auth/login"')).toBeLessThan(at('"msg":"stopped"'));
  });

  it('logs one JSON line per request without the query string', async () => {
    const server = await start(tempDir());
    servers.push(server);
    await fetch(`${server.url}/api/health?phone=13812345678&id=110105194912310021`);
    await new Promise((r) => setTimeout(r, 200));
    const line = server.output().split('\n').find((l) => l.includes('"msg":"request"'));
    expect(JSON.parse(line!)).toMatchObject({ method: 'GET', route: '/api/health', status: 200 });
    expect(server.output()).not.toContain('13812345678');
    expect(server.output()).not.toContain('110105194912310021');
  });
});
