/**
 * Request bodies sent gzip-compressed (`Content-Encoding: gzip`, what a device's CompressionStream
 * makes) are inflated here, before any route reads them, with the same cap on the inflated size as on
 * a plain body: past it, 413, so a small "gzip bomb" costs the server no more than a plain body of the
 * limit. A stream that is corrupt, truncated, or not gzip at all is a 400; any other coding a 415.
 * Nothing has been read by a route yet, so nothing is written. Plain bodies pass untouched.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { ApiError, badRequest } from './errors';

const gunzip = promisify(zlib.gunzip);

/** Inflates gzip request bodies up to `maxInflated` bytes (run after the limit on the compressed body). */
export function inflateRequests(maxInflated: number): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    const coding = raw.headers.get('content-encoding')?.trim().toLowerCase();
    if (!coding || coding === 'identity' || !raw.body) return next();
    if (coding !== 'gzip' && coding !== 'x-gzip') {
      throw new ApiError(415, 'unsupported_encoding', 'error.unsupported_encoding');
    }
    const compressed = new Uint8Array(await raw.arrayBuffer());
    let inflated: Buffer;
    try {
      inflated = await gunzip(compressed, { maxOutputLength: maxInflated });
    } catch (err) {
      if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ApiError(413, 'payload_too_large', 'error.payload_too_large');
      }
      throw badRequest('error.invalid_encoding', 'invalid_encoding');
    }
    const headers = new Headers(raw.headers);
    headers.delete('content-encoding');
    headers.set('content-length', String(inflated.byteLength));
    c.req.raw = new Request(raw.url, { method: raw.method, headers, body: new Uint8Array(inflated), signal: raw.signal });
    return next();
  };
}
