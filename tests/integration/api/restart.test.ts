import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../support/server-process';

/** Real server processes on one data folder: what a restart must keep. */
describe('restarts keep sessions, the admin and join links [sqlite]', () => {
  const servers: ServerProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.kill();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const start = async (dataDir: string, env: Record<string, string> = {}) => {
    const s = await startServerProcess({ RUHUI_DATA_DIR: dataDir, DATABASE_URL: '', RUHUI_SECRET: '', RUHUI_ADMIN_PASSWORD: '', ...env });
    servers.push(s);
    return s;
  };
  const tempDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-restart-'));
    dirs.push(d);
    return d;
  };
  const post = (s: ServerProcess, p: string, body: unknown, token?: string) =>
    fetch(`${s.url}${p}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const get = (s: ServerProcess, p: string, token: string) => fetch(`${s.url}${p}`, { headers: { Authorization: `Bearer ${token}` } });

  it('prints a generated admin password once, on the first start only; tokens and join links survive a restart', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const printed = /password is\s+(\S+)\s/.exec(first.output());
    expect(printed, first.output()).not.toBeNull();
    const password = printed![1]!;
    expect(password.length).toBeGreaterThanOrEqual(16);
    // Printed as plain text once, never inside a JSON log line.
    expect(first.output().split(password)).toHaveLength(2);
    for (const line of first.output().split('\n').filter((l) => l.startsWith('{'))) expect(line).not.toContain(password);

    const login = await post(first, '/api/auth/login', { username: 'admin', password });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const me = (await (await get(first, '/api/me', token)).json()) as { org: { id: string } };
    const stall = (await (await post(first, '/api/stalls', { name: '摊位', orgId: me.org.id, date: '2030-05-01' }, token)).json()) as { joinToken: string };
    expect(stall.joinToken).toBeTruthy();
    expect(await first.stop()).toBe(0);
    // The generated secret is kept with the data, readable by this user only.
    expect(fs.statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);

    const second = await start(dataDir);
    expect(second.output()).not.toContain(password);
    expect(second.output()).not.toMatch(/password is/);
    expect((await get(second, '/api/me', token)).status).toBe(200);
    const stalls = (await (await get(second, '/api/stalls?from=2030-05-01', token)).json()) as { joinToken: string }[];
    expect(stalls.map((s) => s.joinToken)).toEqual([stall.joinToken]);
    expect((await post(second, '/api/auth/login', { username: 'admin', password })).status).toBe(200);
    expect((await post(second, '/api/auth/logout', {}, token)).status).toBe(200);
    expect((await get(second, '/api/me', token)).status).toBe(401);
  });

  it('uses RUHUI_ADMIN_PASSWORD when set, and prints no password', async () => {
    const server = await start(tempDir(), { RUHUI_ADMIN_PASSWORD: 'chosen-admin-password' });
    expect(server.output()).not.toMatch(/password is/);
    expect(server.output()).not.toContain('chosen-admin-password');
    expect((await post(server, '/api/auth/login', { username: 'admin', password: 'chosen-admin-password' })).status).toBe(200);
  });
});
