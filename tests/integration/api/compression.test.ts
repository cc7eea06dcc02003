import zlib from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../../src/server/deps';
import { compressApi, COMPRESS_MIN_BYTES } from '../../../src/server/http/compress';
import { syncResponseSchema } from '../../../src/shared/records';
import { consultation, enrollment, syncBody, syncInit } from '../../support/records';
import { describeEachEngine, type TestApp } from '../support/engines';
import { DAY, seedWorld, eachTestOnSeededWorld, statuses, storeCounts, type World } from '../sync/helpers';

const at = `${DAY}T12:30:00+08:00`;
const gzip = (text: string) => new Uint8Array(zlib.gzipSync(Buffer.from(text)));
const gzipped = (init: RequestInit, body: Uint8Array<ArrayBuffer>): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), 'Content-Encoding': 'gzip' },
  body,
});

describe('API answers: compressed when worth it', () => {
  const app = new Hono();
  app.use('*', compressApi);
  app.get('/small', (c) => c.json({ ok: true }));
  app.get('/large', (c) => c.json({ rows: Array.from({ length: 200 }, (_, i) => ({ day: DAY, stall: `摊位 ${i}`, enrolled: i })) }));
  // An export: written as it is read, length unknown up front.
  app.get('/export.csv', (c) => {
    let i = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i === 50) return controller.close();
        controller.enqueue(new TextEncoder().encode(`${DAY},摊位 ${i++},3,1,2\r\n`));
      },
    });
    return c.body(stream, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });
  app.get('/export.xlsx', (c) =>
    c.body(new Uint8Array(4096), 200, { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }),
  );

  it('leaves a small JSON answer as it is', async () => {
    const res = await app.request('/small', { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(await res.json()).toEqual({ ok: true });
  });

  it('gzips a large JSON answer, and a streamed export, only for a client that accepts gzip', async () => {
    for (const path of ['/large', '/export.csv']) {
      const plain = await app.request(path);
      expect(plain.headers.get('content-encoding'), path).toBeNull();
      const text = await plain.text();
      expect(Buffer.byteLength(text), path).toBeGreaterThan(COMPRESS_MIN_BYTES);
      const res = await app.request(path, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
      expect(res.headers.get('content-encoding'), path).toBe('gzip');
      expect(res.headers.get('vary'), path).toMatch(/accept-encoding/i);
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.length, path).toBeLessThan(Buffer.byteLength(text) / 2);
      expect(zlib.gunzipSync(body).toString(), path).toBe(text);
    }
  });

  it('leaves XLSX alone: it is a zip already', async () => {
    const res = await app.request('/export.xlsx', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBeNull();
  });
});

describeEachEngine('POST /api/sync with a gzip body', (engine) => {
  let t: TestApp;
  let w: World;
  eachTestOnSeededWorld(engine, (fresh) => ({ t, w } = fresh));

  const batch = () => [
    enrollment({ stallId: w.stalls.jianwai.id, n: 1, createdAt: at }),
    enrollment({ stallId: w.stalls.jianwai.id, n: 2, createdAt: at, person: { phone: '12345' } }),
    consultation({ stallId: w.stalls.jianwai.id, createdAt: at, topic: 'legal' }),
  ];

  it('is answered as the same batch sent plain, and a replay of it as duplicates', async () => {
    const staff = w.users.jianwaiStaff.auth;
    const records = batch();
    const init = syncInit(syncBody(records), staff);
    const res = await t.app.request('/api/sync', gzipped(init, gzip(init.body as string)));
    expect(res.status).toBe(200);
    const body = syncResponseSchema.parse(await res.json());
    expect(statuses(body)).toEqual(['accepted', 'rejected', 'accepted']);
    expect(body.results[1]!.reason).toMatchObject({ code: 'phone_format', field: 'person.phone' });
    expect(await storeCounts(t.storage)).toEqual({ records: 2, members: 1, enrolled: 1, existing: 0, consultations: 1 });

    // The same records sent plain: the server saw them already.
    const replay = await t.app.request('/api/sync', syncInit(syncBody(records), staff));
    expect(statuses(syncResponseSchema.parse(await replay.json()))).toEqual(['duplicate', 'rejected', 'duplicate']);
    expect((await storeCounts(t.storage)).records).toBe(2);
  });

  it('answers a large sync answer gzip-compressed to a client that accepts it', async () => {
    const records = Array.from({ length: 100 }, (_, i) => enrollment({ stallId: w.stalls.jianwai.id, n: 100 + i, createdAt: at }));
    const res = await t.app.request('/api/sync', syncInit(syncBody(records), w.users.jianwaiStaff.auth, { 'Accept-Encoding': 'gzip' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const body = syncResponseSchema.parse(JSON.parse(zlib.gunzipSync(Buffer.from(await res.arrayBuffer())).toString()));
    expect(body.results).toHaveLength(100);
  });

  /** Sends a body, expects the status and error code, and that nothing was stored. */
  async function refused(body: Uint8Array<ArrayBuffer>, headers: Record<string, string>, status: number, code: string) {
    const init = syncInit('', w.users.jianwaiStaff.auth, headers);
    const res = await t.app.request('/api/sync', { ...init, body });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(await storeCounts(t.storage)).toEqual({ records: 0, members: 0, enrolled: 0, existing: 0, consultations: 0 });
  }

  it('refuses a gzip bomb (small body, inflating past the body limit) with 413, storing nothing', async () => {
    // A valid JSON batch padded with spaces to past the limit: ~2 kB compressed.
    const init = syncInit(syncBody(batch()), w.users.jianwaiStaff.auth);
    const huge = (init.body as string).replace(/}$/, ' '.repeat(MAX_BODY_BYTES) + '}');
    const bomb = gzip(huge);
    expect(bomb.byteLength).toBeLessThan(10_000);
    await refused(bomb, { 'Content-Encoding': 'gzip' }, 413, 'payload_too_large');
  });

  it('refuses a broken or mismatched stream with 400, storing nothing', async () => {
    const init = syncInit(syncBody(batch()), w.users.jianwaiStaff.auth);
    const good = gzip(init.body as string);
    const truncated = good.slice(0, Math.floor(good.byteLength / 2));
    const flipped = good.slice();
    flipped[Math.floor(flipped.byteLength / 2)]! ^= 0xff;
    const plainButLabelled = new TextEncoder().encode(init.body as string);
    for (const body of [truncated, flipped, plainButLabelled, new Uint8Array(0)]) {
      await refused(body, { 'Content-Encoding': 'gzip' }, 400, 'invalid_encoding');
    }
    // Valid gzip of something that is not JSON reaches the usual JSON check.
    await refused(gzip('{"deviceId": "x", "records": ['), { 'Content-Encoding': 'gzip' }, 400, 'invalid_json');
  });

  it('refuses a coding it does not speak with 415', async () => {
    const init = syncInit(syncBody(batch()), w.users.jianwaiStaff.auth);
    await refused(new Uint8Array(zlib.brotliCompressSync(init.body as string)), { 'Content-Encoding': 'br' }, 415, 'unsupported_encoding');
  });
});
