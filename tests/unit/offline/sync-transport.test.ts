import { describe, expect, it } from 'vitest';
import { COMPRESS_UPLOAD_MIN_BYTES, sendBatch, systemClock, type FetchFn } from '../../../src/offline/sync-transport';
import { consultation, json } from './sync-fakes';

const request = (fetch: FetchFn, timeoutMs = 1_000) =>
  sendBatch({ fetch, baseUrl: 'http://x.test', token: 'tok', deviceId: 'dev', sentAt: '2025-03-01T12:00:00+08:00', records: [consultation()], timeoutMs, clock: systemClock, lang: 'en' });

const answer = (status: number, body: unknown = { error: { code: 'c', message: 'm' } }, headers: Record<string, string> = {}): FetchFn => async () => json(body, status, headers);

/** What a request carried, decoded as the server would. */
async function bodyOf(init: RequestInit): Promise<string> {
  const encoding = new Headers(init.headers).get('content-encoding');
  if (!encoding) return String(init.body);
  expect(encoding).toBe('gzip');
  return new Response(new Response(init.body).body!.pipeThrough(new DecompressionStream('gzip'))).text();
}

describe('sync transport', () => {
  it('posts the batch as JSON with the bearer token and the language', async () => {
    let seen: { url: string; init: RequestInit } | undefined;
    const outcome = await request(async (url, init) => {
      seen = { url, init };
      return json({ serverTime: '2025-03-01T04:00:00Z', results: [] });
    });
    expect(outcome).toEqual({ kind: 'ok', response: { serverTime: '2025-03-01T04:00:00Z', results: [] } });
    const headers = new Headers(seen!.init.headers);
    expect(seen!.url).toBe('http://x.test/api/sync');
    expect(seen!.init.method).toBe('POST');
    expect(headers.get('authorization')).toBe('Bearer tok');
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('accept-language')).toBe('en');
    expect(JSON.parse(String(seen!.init.body))).toMatchObject({ deviceId: 'dev', sentAt: '2025-03-01T12:00:00+08:00', records: [{ kind: 'consultation' }] });
  });

  it('classifies every answer', async () => {
    expect(await request(answer(401))).toEqual({ kind: 'unauthorized', status: 401 });
    expect(await request(answer(429, undefined, { 'Retry-After': '7' }))).toMatchObject({ kind: 'retry', cause: 'throttled', retryAfterMs: 7_000 });
    expect(await request(answer(503, undefined, { 'Retry-After': '2' }))).toMatchObject({ kind: 'retry', cause: 'server', status: 503, retryAfterMs: 2_000 });
    expect(await request(answer(500))).toMatchObject({ kind: 'retry', cause: 'server', status: 500 });
    expect(await request(answer(408))).toMatchObject({ kind: 'retry', cause: 'server', status: 408 });
    expect(await request(answer(413))).toMatchObject({ kind: 'too-large', status: 413 });
    expect(await request(answer(400, { error: { code: 'bad_request', message: 'nope' } }))).toEqual({ kind: 'client-error', status: 400, code: 'bad_request', message: 'nope' });
    expect(await request(answer(403))).toMatchObject({ kind: 'client-error', status: 403 });
    expect(await request(answer(200, { serverTime: 'yesterday', results: [] }))).toMatchObject({ kind: 'retry', cause: 'bad-response' });
    expect(await request(async () => new Response('<html>portal</html>', { status: 200 }))).toMatchObject({ kind: 'retry', cause: 'bad-response' });
    expect(await request(async () => Promise.reject(new TypeError('fetch failed')))).toMatchObject({ kind: 'retry', cause: 'network' });
  });

  it('times out a request that gets no answer, and one whose body never ends', async () => {
    const never: FetchFn = (_url, init) => new Promise((_r, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    expect(await request(never, 50)).toMatchObject({ kind: 'retry', cause: 'timeout' });
    const slowBody: FetchFn = async (_url, init) =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"serverTime":'));
            init.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
          },
        }),
        { status: 200 },
      );
    expect(await request(slowBody, 50)).toMatchObject({ kind: 'retry', cause: 'timeout' });
  });

  it('gzips a large batch where CompressionStream exists, and sends a small one plain', async () => {
    const seen: RequestInit[] = [];
    const fetch: FetchFn = async (_url, init) => {
      seen.push(init);
      return json({ serverTime: '2025-03-01T04:00:00Z', results: [] });
    };
    const records = Array.from({ length: 50 }, () => consultation());
    const base = { fetch, baseUrl: 'http://x.test', token: 'tok', deviceId: 'dev', sentAt: '2025-03-01T12:00:00+08:00', timeoutMs: 1_000, clock: systemClock };
    await sendBatch({ ...base, records });
    await sendBatch({ ...base, records: records.slice(0, 1) });
    await sendBatch({ ...base, records, compress: false });
    const [large, small, notAsked] = seen;
    const plain = JSON.stringify({ deviceId: 'dev', sentAt: base.sentAt, records });
    expect(plain.length).toBeGreaterThan(COMPRESS_UPLOAD_MIN_BYTES);
    expect(new Headers(large!.headers).get('content-encoding')).toBe('gzip');
    expect((large!.body as Uint8Array).byteLength).toBeLessThan(plain.length / 3);
    expect(await bodyOf(large!)).toBe(plain);
    expect(new Headers(small!.headers).get('content-encoding')).toBeNull();
    expect(new Headers(notAsked!.headers).get('content-encoding')).toBeNull();
    expect(String(notAsked!.body)).toBe(plain);
  });

  it('sends the batch again plain when the server does not take gzip (415)', async () => {
    const seen: RequestInit[] = [];
    const fetch: FetchFn = async (_url, init) => {
      seen.push(init);
      if (new Headers(init.headers).get('content-encoding')) return json({ error: { code: 'unsupported_encoding', message: 'no' } }, 415);
      return json({ serverTime: '2025-03-01T04:00:00Z', results: [] });
    };
    const records = Array.from({ length: 50 }, () => consultation());
    const outcome = await sendBatch({ fetch, baseUrl: '', token: 't', deviceId: 'd', sentAt: '2025-03-01T12:00:00+08:00', records, timeoutMs: 1_000, clock: systemClock });
    expect(outcome.kind).toBe('ok');
    expect(seen.map((i) => new Headers(i.headers).get('content-encoding'))).toEqual(['gzip', null]);
  });
});
