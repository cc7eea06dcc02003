/**
 * One POST /api/sync, classified for the engine: answered (with results checked against the shared
 * schema), sign in again (401), retry later (network, timeout, 408, 429, 5xx, an answer that is not
 * ours, such as a captive portal's page), batch too large (413), or a client bug (any other 4xx).
 * The token is passed per call: records are never tied to a token.
 */
import type { RecordT } from '../shared/records';
import { syncResponseSchema, type SyncResponse } from '../shared/sync-response';
import { parseRetryAfter } from './sync-backoff';

/** Time and timers, injectable so tests drive them. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The fetch the engine uses (the global one, or a test's). */
export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

/** Why a send should be retried. */
export type RetryCause = 'network' | 'timeout' | 'server' | 'throttled' | 'bad-response';

/** What became of one request. */
export type SendOutcome =
  | { kind: 'ok'; response: SyncResponse }
  | { kind: 'unauthorized'; status: 401 }
  | { kind: 'retry'; cause: RetryCause; status?: number; retryAfterMs?: number; message: string }
  | { kind: 'too-large'; status: 413; message: string }
  | { kind: 'client-error'; status: number; code?: string; message: string };

/** One sync request. */
export interface SendRequest {
  fetch: FetchFn;
  /** The API base: '' in the browser (same origin), `http://127.0.0.1:port` in Node. */
  baseUrl: string;
  token: string;
  deviceId: string;
  /** Device time, ISO-8601 with offset. */
  sentAt: string;
  records: RecordT[];
  /** Abort when headers and body have not both arrived in this time. */
  timeoutMs: number;
  clock: Clock;
  /** Aborts the request (the engine stopping). */
  signal?: AbortSignal;
  lang?: string;
  /** Send the body gzip-compressed when it is large enough and the browser can (default true). */
  compress?: boolean;
}

/**
 * Batches of at least this many bytes of JSON go up gzip-compressed where the browser has
 * CompressionStream (a 500-record batch shrinks to a fifth or less); smaller ones are not worth the
 * CPU. Browsers without it send plain JSON, which the server takes as well.
 */
export const COMPRESS_UPLOAD_MIN_BYTES = 1024;

/** The body as gzip, or undefined where the browser cannot compress (or compressing failed). */
export async function gzipBody(text: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (typeof CompressionStream !== 'function') return undefined;
  try {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch {
    return undefined;
  }
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** Reads `{ error: { code, message } }` if the body is one. */
async function errorBody(response: Response): Promise<{ code?: string; message?: string }> {
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null && 'error' in body) {
      const e = (body as { error: unknown }).error;
      if (typeof e === 'object' && e !== null) {
        const { code, message } = e as { code?: unknown; message?: unknown };
        return { code: typeof code === 'string' ? code : undefined, message: typeof message === 'string' ? message : undefined };
      }
    }
  } catch {
    // Not JSON: the status says enough.
  }
  return {};
}

/** Sends one batch; never throws (every failure is an outcome). */
export async function sendBatch(req: SendRequest): Promise<SendOutcome> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = req.clock.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, req.timeoutMs);
  const onOuterAbort = () => controller.abort();
  req.signal?.addEventListener('abort', onOuterAbort);
  try {
    const plain = JSON.stringify({ deviceId: req.deviceId, sentAt: req.sentAt, records: req.records });
    const gzipped = req.compress !== false && plain.length >= COMPRESS_UPLOAD_MIN_BYTES ? await gzipBody(plain) : undefined;
    const post = (body: string | Uint8Array<ArrayBuffer>, encoding?: 'gzip') =>
      req.fetch(`${req.baseUrl}/api/sync`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(encoding ? { 'Content-Encoding': encoding } : {}),
          Authorization: `Bearer ${req.token}`,
          ...(req.lang ? { 'Accept-Language': req.lang } : {}),
        },
        body,
        signal: controller.signal,
        cache: 'no-store',
      });
    let response = await post(gzipped ?? plain, gzipped ? 'gzip' : undefined);
    // A server (or a proxy in front of it) that does not take gzip bodies: the same batch, plain.
    if (gzipped && response.status === 415) response = await post(plain);
    const status = response.status;
    if (status >= 200 && status < 300) {
      let body: unknown;
      try {
        body = await response.json();
      } catch (error) {
        if (timedOut) return { kind: 'retry', cause: 'timeout', message: `no complete answer within ${req.timeoutMs} ms` };
        return { kind: 'retry', cause: 'bad-response', status, message: `unreadable answer: ${describe(error)}` };
      }
      const parsed = syncResponseSchema.safeParse(body);
      if (!parsed.success) return { kind: 'retry', cause: 'bad-response', status, message: 'the answer is not a sync response' };
      return { kind: 'ok', response: parsed.data };
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), req.clock.now());
    const { code, message } = await errorBody(response);
    const text = message ?? `HTTP ${status}`;
    if (status === 401) return { kind: 'unauthorized', status };
    if (status === 429) return { kind: 'retry', cause: 'throttled', status, retryAfterMs, message: text };
    if (status === 408 || status >= 500) return { kind: 'retry', cause: 'server', status, retryAfterMs, message: text };
    if (status === 413) return { kind: 'too-large', status, message: text };
    return { kind: 'client-error', status, code, message: text };
  } catch (error) {
    if (timedOut) return { kind: 'retry', cause: 'timeout', message: `no complete answer within ${req.timeoutMs} ms` };
    return { kind: 'retry', cause: 'network', message: describe(error) };
  } finally {
    req.clock.clearTimeout(timer);
    req.signal?.removeEventListener('abort', onOuterAbort);
  }
}
