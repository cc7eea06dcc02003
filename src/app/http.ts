/**
 * The one way the app's screens call the server outside sync (sync has its own transport with
 * retries: src/offline/sync-transport.ts). Every answer is checked against a shared schema on
 * arrival, never cast; every refusal becomes an `ApiCallError` carrying the server's message, which
 * the server already wrote in the language asked for here.
 */
import { z } from 'zod/mini';
import type { Lang } from '../shared/i18n/define';
import type { MessageKey } from '../shared/i18n/keys';
import { NEXT_CURSOR_HEADER, collectPages, withCursor } from '../shared/paging';

/** The server answered with an error (`{ error: { code, message } }`) or an unexpected body. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds the server asked to wait (Retry-After on a 429 or 503), when it said. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** The request never reached the server (offline, DNS, connection refused). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

/** A 401 or 403: the screen says "sign in as someone who may" rather than offering a retry. */
export const isRefusal = (error: unknown): boolean => error instanceof ApiCallError && (error.status === 401 || error.status === 403);

export interface CallInit {
  method?: string;
  /** The session's bearer token; none for sign-in and the public join lookup. */
  token?: string;
  lang: Lang;
  /** A JSON body, sent as `application/json`. */
  json?: unknown;
  /** A file body (a CSV import), sent with its own type. */
  file?: Blob;
  fileType?: string;
}

const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** Sends the request; any answer but 2xx becomes an ApiCallError, no answer a NetworkError. */
export async function request(path: string, init: CallInit): Promise<Response> {
  const headers = new Headers({ 'Accept-Language': init.lang === 'en' ? 'en' : 'zh-CN' });
  if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
  let body: BodyInit | undefined;
  if (init.json !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(init.json);
  } else if (init.file) {
    headers.set('Content-Type', init.fileType ?? init.file.type);
    body = init.file;
  }
  let res: Response;
  try {
    res = await fetch(path, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body });
  } catch (error) {
    throw new NetworkError(error instanceof Error ? error.message : 'network error');
  }
  if (res.ok) return res;
  const parsed = errorSchema.safeParse(await res.json().catch(() => undefined));
  const wait = /^\d{1,9}$/.test(res.headers.get('retry-after') ?? '') ? Number(res.headers.get('retry-after')) : undefined;
  throw parsed.success
    ? new ApiCallError(res.status, parsed.data.error.code, parsed.data.error.message, wait)
    : new ApiCallError(res.status, `http_${res.status}`, res.statusText || String(res.status), wait);
}

/** Reads a 2xx answer's body against `schema`. */
export async function parseBody<T>(res: Response, schema: z.ZodMiniType<T>): Promise<T> {
  const parsed = schema.safeParse(await res.json().catch(() => undefined));
  if (!parsed.success) throw new ApiCallError(res.status, 'bad_response', 'unexpected response');
  return parsed.data;
}

/** One call whose answer is JSON of `schema`. */
export async function call<T>(schema: z.ZodMiniType<T>, path: string, init: CallInit): Promise<T> {
  return parseBody(await request(path, init), schema);
}

/** Every page of a list paged by `X-Next-Cursor` (the stalls list). */
export function callAllPages<T>(itemSchema: z.ZodMiniType<T>, path: string, init: CallInit): Promise<T[]> {
  const list = z.array(itemSchema);
  return collectPages(async (cursor) => {
    const res = await request(withCursor(path, cursor), init);
    return { items: await parseBody(res, list), next: res.headers.get(NEXT_CURSOR_HEADER) };
  });
}

/** Fetches a download and hands it to the browser under the server's file name. */
export async function download(path: string, init: CallInit, fallbackName: string): Promise<void> {
  const res = await request(path, init);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the blob goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** What a screen shows for a failed call: the server's own words, or "cannot reach the server" in the user's language. */
export function failureText(error: unknown, t: (key: MessageKey) => string): string {
  if (error instanceof NetworkError) return t('error.unreachable');
  return error instanceof Error ? error.message : String(error);
}
