import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { precompressDir } from '../../../scripts/precompress';
import { acceptedCodings } from '../../../src/server/http/static';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';

/** Text that compresses the way real bundles do: repetitive, but not one character. */
const filler = (what: string) => Array.from({ length: 300 }, (_, i) => `${what}(${i}, "入会 ruhui ${i % 7}");`).join('\n');

/** Every kind of file a build produces, each big enough to be worth compressing. */
const FILES: Record<string, string> = {
  'index.html': `<!doctype html><html lang="zh-CN"><head><title>入会</title></head><body>${filler('<p>')}</body></html>`,
  'join.html': `<!doctype html><html lang="zh-CN"><head><title>扫码入会</title></head><body>${filler('<i>')}</body></html>`,
  'sw.js': filler('self.addEventListener'),
  'manifest.webmanifest': JSON.stringify({ name: '入会 Ruhui', icons: Array.from({ length: 30 }, (_, i) => ({ src: `/icons/${i}.png`, sizes: '192x192' })) }),
  'assets/index-AbC123.js': filler('console.log'),
  'assets/index-AbC123.css': filler('.card{margin:0}'),
  'assets/join-XyZ789.js': filler('join'),
};

/** Where each file is asked for, and the cache policy it must keep. */
const URLS: Array<[string, string, RegExp]> = [
  ['/', 'index.html', /no-cache/],
  ['/queue', 'index.html', /no-cache/],
  ['/join', 'join.html', /no-cache/],
  ['/sw.js', 'sw.js', /no-cache/],
  ['/manifest.webmanifest', 'manifest.webmanifest', /no-cache/],
  ['/assets/index-AbC123.js', 'assets/index-AbC123.js', /immutable/],
  ['/assets/index-AbC123.css', 'assets/index-AbC123.css', /immutable/],
  ['/assets/join-XyZ789.js', 'assets/join-XyZ789.js', /immutable/],
];

function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruhui-dist-'));
  for (const [name, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  fs.writeFileSync(path.join(dir, 'icon.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  precompressDir(dir);
  return dir;
}

const decode: Record<string, (b: Buffer) => Buffer> = {
  br: (b) => zlib.brotliDecompressSync(b),
  gzip: (b) => zlib.gunzipSync(b),
  identity: (b) => b,
};

it('reads Accept-Encoding as RFC 9110 does', () => {
  expect(acceptedCodings('gzip, deflate, br, zstd')).toEqual(['br', 'gzip']);
  expect(acceptedCodings('gzip')).toEqual(['gzip']);
  expect(acceptedCodings('br;q=0, gzip;q=0.5')).toEqual(['gzip']);
  expect(acceptedCodings('*')).toEqual(['br', 'gzip']);
  expect(acceptedCodings('*;q=0, gzip')).toEqual(['gzip']);
  expect(acceptedCodings('identity')).toEqual([]);
  expect(acceptedCodings(undefined)).toEqual([]);
});

describeEachEngine('built files compressed as the client asks', (engine) => {
  let t: TestApp;
  let dist: string;
  beforeEach(async () => {
    dist = fakeBuild();
    t = await startTestApp(engine, { staticDir: dist });
  });
  afterEach(async () => {
    await t.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  for (const [asked, expected] of [
    ['gzip, deflate, br', 'br'],
    ['gzip, deflate', 'gzip'],
    [undefined, 'identity'],
    ['identity', 'identity'],
    ['br;q=0, gzip;q=0', 'identity'],
  ] as const) {
    it(`Accept-Encoding ${asked ?? '(none)'} → ${expected}, decoding to the built file`, async () => {
      for (const [url, file, cache] of URLS) {
        const res = await t.app.request(url, { headers: asked ? { 'Accept-Encoding': asked } : {} });
        expect(res.status, url).toBe(200);
        expect(res.headers.get('content-encoding') ?? 'identity', url).toBe(expected);
        expect(res.headers.get('vary'), url).toMatch(/accept-encoding/i);
        expect(res.headers.get('cache-control'), url).toMatch(cache);
        const body = Buffer.from(await res.arrayBuffer());
        expect(Number(res.headers.get('content-length')), url).toBe(body.length);
        expect(decode[expected]!(body).equals(fs.readFileSync(path.join(dist, file))), url).toBe(true);
        if (expected !== 'identity') expect(body.length, url).toBeLessThan(fs.statSync(path.join(dist, file)).size / 2);
      }
    });
  }

  it('answers a revalidation of an unchanged file with 304 and no body', async () => {
    const first = await t.app.request('/sw.js', { headers: { 'Accept-Encoding': 'br' } });
    const etag = first.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const again = await t.app.request('/sw.js', { headers: { 'Accept-Encoding': 'br', 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    // Another coding is another representation: not the same tag.
    const gz = await t.app.request('/sw.js', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': etag } });
    expect(gz.status).toBe(200);
    expect(gz.headers.get('content-encoding')).toBe('gzip');
  });

  it('sends images as they are, and refuses paths outside the build', async () => {
    const png = await t.app.request('/icon.png', { headers: { 'Accept-Encoding': 'br, gzip' } });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-encoding')).toBeNull();
    expect(png.headers.get('content-type')).toBe('image/png');
    for (const bad of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json']) {
      expect((await t.app.request(bad)).status, bad).toBe(404);
    }
  });

  it('HEAD gives the headers of the chosen variant without a body', async () => {
    const res = await t.app.request('/assets/index-AbC123.js', { method: 'HEAD', headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(Number(res.headers.get('content-length'))).toBe(fs.statSync(path.join(dist, 'assets/index-AbC123.js.gz')).size);
  });
});
