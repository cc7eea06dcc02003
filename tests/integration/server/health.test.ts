import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';

describeEachEngine('GET /api/health and the API frame', (engine) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(engine);
  });
  afterEach(async () => t.close());

  it('answers ok with the engine name and version', async () => {
    const res = await t.app.request('/api/health');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ok: true, db: engine });
    expect(typeof body.version).toBe('string');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers an unknown API route with a JSON 404 in the caller’s language', async () => {
    const zh = await t.app.request('/api/no-such-thing');
    expect(zh.status).toBe(404);
    expect(await zh.json()).toEqual({ error: { code: 'not_found', message: '未找到' } });
    const en = await t.app.request('/api/no-such-thing', { headers: { 'Accept-Language': 'en-US,en;q=0.9' } });
    expect(await en.json()).toEqual({ error: { code: 'not_found', message: 'Not found' } });
  });

  it('sends the security headers on API and page responses', async () => {
    for (const path of ['/api/health', '/api/missing', '/']) {
      const res = await t.app.request(path);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('refuses a body over the size limit with 413 and a reason', async () => {
    const res = await t.app.request('/api/health', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(3 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
  });
});
