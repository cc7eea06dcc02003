/**
 * Two start-up promises of a real server process (started as `npm start` starts it):
 * - RUHUI_SECRET_FILE: the key lives apart from the data. The server runs on a secret read from a file
 *   outside the data folder, writes no secret.key into the folder, and what it stores decrypts with
 *   that secret; a missing, misplaced or malformed file stops the start with a message naming the
 *   file, never echoing what it holds.
 * - Without PUBLIC_URL, a Host header (or X-Forwarded-Host) naming another site never gets into a
 *   join link: the link names this server on its own port.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/server/config';
import { deriveKeys } from '../../../src/server/secrets';
import { openStorage } from '../../../src/server/storage/open';
import { today } from '../../../src/server/time';
import { decryptPerson } from '../../../src/server/sync/person';
import { enrollment, syncBody, syncInit } from '../../support/records';
import { startServerProcess, type ServerProcess } from '../../support/server-process';
import { testConfig } from '../support/engines';
import { seedStore, serverEnv } from '../support/sync-server';

const SECRET = 'file-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

describe('secret file and join-link host [sqlite]', () => {
  const servers: ServerProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.kill();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-secret-'));
    dirs.push(d);
    return d;
  };
  /** A seeded store on the embedded engine, and the environment that points a server at it without a secret. */
  const seeded = async () => {
    const config = testConfig('sqlite', { secret: undefined, publicUrl: undefined });
    dirs.push(config.dataDir);
    const store = await seedStore(config);
    return { config, store, env: { ...serverEnv(config), RUHUI_SECRET: '', PUBLIC_URL: '', DATABASE_URL: '' } };
  };
  const secretFile = (content: string | Buffer) => {
    const file = path.join(tempDir(), 'ruhui-secret');
    fs.writeFileSync(file, content, { mode: 0o600 });
    return file;
  };

  it('runs on a secret read from a file outside the data folder: no secret.key in the folder, records decrypt with it', async () => {
    const { config, store, env } = await seeded();
    const server = await startServerProcess({ ...env, RUHUI_SECRET_FILE: secretFile(`${SECRET}\n`) });
    servers.push(server);
    const record = enrollment({ stallId: store.stallId, n: 7, channel: 'staff', createdAt: '2026-05-01T12:30:00+08:00' });
    const res = await fetch(`${server.url}/api/sync`, syncInit(syncBody([record]), store.staff.auth));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: { status: string }[] }).results.map((r) => r.status)).toEqual(['accepted']);
    expect(fs.existsSync(path.join(config.dataDir, 'secret.key'))).toBe(false);
    expect(server.output()).not.toContain(SECRET);
    await server.stop();

    const storage = await openStorage({ dataDir: config.dataDir });
    try {
      const row = await storage.db.selectFrom('records').select('person_enc').where('id', '=', record.id).executeTakeFirstOrThrow();
      expect(decryptPerson(deriveKeys(SECRET).personEncryption, row.person_enc!).name).toBe(record.person.name);
      expect(() => decryptPerson(deriveKeys(`${SECRET}x`).personEncryption, row.person_enc!)).toThrow();
    } finally {
      await storage.close();
    }
  });

  it('refuses to start on a missing, misplaced, malformed or doubled secret file, naming the file and never its content', async () => {
    const { config, env } = await seeded();
    const inData = path.join(config.dataDir, 'mounted-secret');
    fs.writeFileSync(inData, SECRET);
    const missing = path.join(tempDir(), 'no-such-file');
    const cases: { file: string; extra?: Record<string, string>; says: RegExp; secret?: string }[] = [
      { file: missing, says: /RUHUI_SECRET_FILE: cannot read .*no-such-file \(ENOENT\)/ },
      { file: tempDir(), says: /RUHUI_SECRET_FILE: .* is not a file/ },
      { file: inData, says: /RUHUI_SECRET_FILE: .*mounted-secret is inside the data folder/, secret: SECRET },
      { file: secretFile('short-secret-value-here'), says: /must hold one line of 32–1024 printable ASCII characters/, secret: 'short-secret-value-here' },
      { file: secretFile(`${SECRET}\n${SECRET}\n`), says: /some of them spaces or line breaks/, secret: SECRET },
      { file: secretFile(''), says: /it holds 0 characters/ },
      { file: secretFile(Buffer.alloc(10_000, 'a')), says: /is 10000 bytes/, secret: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
      { file: secretFile(SECRET), extra: { RUHUI_SECRET: `${SECRET}-other` }, says: /set RUHUI_SECRET or RUHUI_SECRET_FILE, not both/, secret: SECRET },
    ];
    // Each case as the start reads its configuration…
    for (const c of cases) {
      let message = 'no error';
      try {
        loadConfig({ ...env, RUHUI_SECRET_FILE: c.file, ...c.extra });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, c.file).toMatch(/^Bad configuration:/);
      expect(message, c.file).toMatch(c.says);
      if (c.secret) expect(message, c.file).not.toContain(c.secret);
    }
    // …and two of them as a real start: it exits with 1 and the message, before listening.
    for (const c of [cases[0]!, cases[3]!]) {
      const error = await startServerProcess({ ...env, RUHUI_SECRET_FILE: c.file }).then(
        (s) => {
          servers.push(s);
          return new Error('started');
        },
        (e: unknown) => e as Error,
      );
      expect(error.message, c.file).toMatch(/exited with 1 before listening/);
      expect(error.message, c.file).toMatch(c.says);
      if (c.secret) expect(error.message, c.file).not.toContain(c.secret);
    }
    // Nothing was started, so nothing made a secret of its own in the folder either.
    expect(fs.existsSync(path.join(config.dataDir, 'secret.key'))).toBe(false);
  });

  it('never puts a foreign Host or X-Forwarded-Host into a join link when PUBLIC_URL is unset', async () => {
    const { store, env } = await seeded();
    const port = await freePort();
    const server = await startServerProcess({ ...env, RUHUI_SECRET: SECRET, PORT: String(port) });
    servers.push(server);
    /** POST /api/stalls over a raw socket request, with the Host header as given (fetch would not send it). */
    const create = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: { joinUrl?: string; joinToken?: string } }>((resolve, reject) => {
        const body = JSON.stringify({ name: '摊位', orgId: store.staff.orgId, date: today('Asia/Shanghai') });
        const req = http.request(
          { host: '127.0.0.1', port, path: '/api/stalls', method: 'POST', headers: { 'Content-Type': 'application/json', ...store.staff.auth, ...headers } },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const link = async (headers: Record<string, string>) => {
      const res = await create(headers);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.joinUrl!.replace(res.body.joinToken!, '…');
    };
    expect(await link({ Host: 'evil.example' })).toBe(`http://localhost:${port}/join?t=…`);
    expect(await link({ Host: `evil.example:${port}`, 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' })).toBe(`http://localhost:${port}/join?t=…`);
    expect(await link({ Host: `127.0.0.1:${port}`, 'X-Forwarded-Host': 'evil.example' })).toBe(`http://127.0.0.1:${port}/join?t=…`);
    // The start says what links will carry.
    expect(server.output()).toContain('PUBLIC_URL');
  });
});

/** A TCP port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
