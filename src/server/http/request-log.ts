import type { MiddlewareHandler } from 'hono';
import { log } from '../log';
import type { AppEnv } from './env';

/**
 * One log line per request: method, route pattern, status, milliseconds. The route pattern
 * (`/api/join/:token`), never the URL, so tokens and query values stay out of the logs.
 */
export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  await next();
  log.info('request', {
    method: c.req.method,
    route: c.req.routePath,
    status: c.res.status,
    ms: Math.round((performance.now() - started) * 10) / 10,
  });
};
