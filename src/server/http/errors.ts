/**
 * API errors: every failure leaves the server as `{ error: { code, message } }` with a 4xx/5xx status,
 * the message in the caller's language (Accept-Language; zh by default).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { t, type MessageKey } from '../../shared/i18n';
import { describeError, log } from '../log';
import { StoreBusyError } from '../storage/open';
import type { AppEnv } from './env';

/** Thrown by handlers and validators; turned into the JSON error body by `onError`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    /** A message key, translated per request, or a ready message. */
    readonly messageKey: MessageKey | { zh: string; en: string },
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
    this.name = 'ApiError';
  }
}

/** Shorthands for the common cases. */
export const badRequest = (message: { zh: string; en: string } | MessageKey = 'error.bad_request', code = 'bad_request') =>
  new ApiError(400, code, message);
export const unauthorized = () => new ApiError(401, 'unauthorized', 'error.unauthorized');
export const forbidden = () => new ApiError(403, 'forbidden', 'error.forbidden');
export const notFound = () => new ApiError(404, 'not_found', 'error.not_found');

/** Writes an error body in the request's language. */
export function errorResponse(c: Context<AppEnv>, err: ApiError): Response {
  const lang = c.get('lang') ?? 'zh';
  const message = typeof err.messageKey === 'string' ? t(lang, err.messageKey) : err.messageKey[lang];
  for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
  return c.json({ error: { code: err.code, message } }, err.status);
}

/** The app's error handler: known errors as they are; anything else a logged 500 with no detail. */
export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return errorResponse(c, err);
  // The database pool's line is full: the same 503 as the sync gate's, with a spread Retry-After.
  if (err instanceof StoreBusyError) {
    log.warn('store busy', { route: c.req.routePath, why: err.why });
    return errorResponse(c, new ApiError(503, 'unavailable', 'error.unavailable', { 'Retry-After': String(2 + Math.floor(Math.random() * 3)) }));
  }
  log.error('unhandled error', { route: c.req.routePath, ...describeError(err) });
  return errorResponse(c, new ApiError(500, 'internal', 'error.internal'));
}
