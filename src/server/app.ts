/**
 * The HTTP app: middleware in order, then the API under /api, then the built client. Tests run it
 * in-process with `app.request()`; `server.ts` puts it on a port.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { pickLang } from '../shared/i18n';
import { authenticate } from './auth/middleware';
import { MAX_BODY_BYTES, type AppDeps } from './deps';
import { compressApi } from './http/compress';
import { ApiError, errorResponse, notFound, onError } from './http/errors';
import type { AppEnv } from './http/env';
import { inflateRequests } from './http/inflate';
import { createMetrics } from './http/metrics';
import { requestLog } from './http/request-log';
import { securityHeaders } from './http/security';
import { staticRoutes } from './http/static';
import { accountRoutes } from './routes/account';
import { auditRoutes } from './routes/audit';
import { authRoutes } from './routes/auth';
import { healthRoutes } from './routes/health';
import { joinRoutes } from './routes/join';
import { meRoutes } from './routes/me';
import { memberRoutes } from './routes/members';
import { openApiRoutes } from './routes/openapi';
import { orgRoutes } from './routes/orgs';
import { stallRoutes } from './routes/stalls';
import { stallTodayRoutes } from './routes/stall-today';
import { userRoutes } from './routes/users';
import { statsRoutes } from './routes/stats';
import { syncRoutes } from './routes/sync';

export type { AppDeps } from './deps';

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound((c) =>
    c.req.path.startsWith('/api/') ? errorResponse(c, notFound()) : c.text('Not found', 404),
  );

  const metrics = deps.metrics ?? createMetrics(deps.storage);
  app.use('*', metrics.middleware);
  app.use('*', requestLog);
  app.use('*', securityHeaders);
  app.use('*', async (c, next) => {
    c.set('lang', pickLang(c.req.header('accept-language')));
    await next();
  });

  const api = new Hono<AppEnv>();
  api.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  // Answers gzip-compressed when large (stats, exports, big sync answers); see http/compress.ts.
  api.use('*', compressApi);
  // Who is calling is known from headers alone, before any body is read.
  api.use('*', authenticate(deps.storage));
  // A sync batch queues (or is turned away) before its body is read: see routes/sync.ts.
  const sync = syncRoutes({ storage: deps.storage, keys: deps.keys, timeZone: deps.config.timeZone, limits: deps.syncLimits, metrics });
  api.use('/sync', sync.admission);
  api.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', 'error.payload_too_large');
      },
    }),
  );
  // gzip bodies (devices with CompressionStream) inflated under the same limit as plain ones.
  api.use('*', inflateRequests(MAX_BODY_BYTES));
  api.route('/', healthRoutes(deps.storage));
  api.route('/', authRoutes(deps));
  api.route('/', meRoutes(deps));
  api.route('/', accountRoutes(deps));
  api.route('/', orgRoutes(deps));
  api.route('/', userRoutes(deps));
  api.route('/', stallRoutes(deps));
  api.route('/', stallTodayRoutes(deps));
  api.route('/', auditRoutes(deps));
  api.route('/', sync.routes);
  api.route('/', joinRoutes(deps));
  api.route('/', statsRoutes({ storage: deps.storage, timeZone: deps.config.timeZone }));
  api.route('/', memberRoutes(deps));
  api.route('/', openApiRoutes());

  app.route('/api', api);
  // Prometheus text, outside /api: a scraper is not a signed-in user, and nothing in it is personal.
  app.get('/metrics', async (c) => {
    c.header('Content-Type', metrics.registry.contentType);
    c.header('Cache-Control', 'no-store');
    return c.body(await metrics.registry.metrics());
  });
  app.route('/', staticRoutes(deps.config.staticDir, deps.config.retireServiceWorker));
  return app;
}
