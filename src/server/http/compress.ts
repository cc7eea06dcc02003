/**
 * API answers compressed when it pays: gzip for JSON, CSV and other text of at least COMPRESS_MIN_BYTES,
 * and for every streamed text answer (an export's size is not known up front, and it is large).
 * Small JSON (a health check, one record's answer) goes out as it is: gzip's header and trailer would
 * cost more than they save. XLSX is a zip already and is left alone.
 */
import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { every } from 'hono/combine';

/** Below this an answer is not worth compressing (hono's default, roughly one TCP segment). */
export const COMPRESS_MIN_BYTES = 1024;

/**
 * Gives a buffered JSON answer its Content-Length, so `compress` can skip the small ones. Hono's
 * `c.json` has the whole text in memory already; streams are not touched.
 */
const measureJson: MiddlewareHandler = async (c, next) => {
  await next();
  const res = c.res;
  if (res.headers.has('content-length') || res.headers.has('content-encoding') || !res.body) return;
  if (!/^application\/(?:[\w.+-]+\+)?json/i.test(res.headers.get('content-type') ?? '')) return;
  const bytes = new Uint8Array(await res.arrayBuffer());
  const headers = new Headers(res.headers);
  headers.set('Content-Length', String(bytes.byteLength));
  c.res = undefined;
  c.res = new Response(bytes, { status: res.status, statusText: res.statusText, headers });
};

/** The API's compression: measure buffered JSON first, then gzip what is large or streamed. */
export const compressApi: MiddlewareHandler = every(compress({ encoding: 'gzip', threshold: COMPRESS_MIN_BYTES }), measureJson);
