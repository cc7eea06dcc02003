/**
 * The HTTP app: middleware in order, then the API under /api, then the built client. Tests run it
 * in-process with `app.request()`; `server.ts` puts it on a port.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { pickLang } from '../shared/i18n';
import type { Config } from './config';
import { authenticate } from './auth/middleware';
import { ApiError, errorResponse, notFound, onError } from './http/errors';
import type { AppEnv } from './http/env';
import { requestLog } from './http/request-log';
import { securityHeaders } from './http/security';
import { staticRoutes } from './http/static';
import { auditRoutes } from './routes/audit';
import { authRoutes } from './routes/auth';
import { healthRoutes } from './routes/health';
import { meRoutes } from './routes/me';
import { orgRoutes } from './routes/orgs';
import { stallRoutes } from './routes/stalls';
import { userRoutes } from './routes/users';
import { statsRoutes } from './routes/stats';
import { syncRoutes } from './routes/sync';
import type { GateLimits } from './http/overload';
import type { Keys } from './secrets';
import type { Storage } from './storage/open';

/** What the app needs from the outside world. */
export interface AppDeps {
  config: Config;
  storage: Storage;
  /** Keys derived from the server secret. */
  keys: Keys;
  /** Overrides of the POST /api/sync concurrency limits (tests of the overload answer). */
  syncLimits?: Partial<GateLimits>;
}

/** The largest request body accepted: a full sync batch (500 records of ~1.2 kB) with room to spare. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound((c) =>
    c.req.path.startsWith('/api/') ? errorResponse(c, notFound()) : c.text('Not found', 404),
  );

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
  api.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', 'error.payload_too_large');
      },
    }),
  );
  api.use('*', authenticate(deps.storage));
  api.route('/', healthRoutes(deps.storage));
  api.route('/', authRoutes(deps));
  api.route('/', meRoutes(deps));
  api.route('/', orgRoutes(deps));
  api.route('/', userRoutes(deps));
  api.route('/', stallRoutes(deps));
  api.route('/', auditRoutes(deps));
  api.route('/', syncRoutes({ storage: deps.storage, keys: deps.keys, timeZone: deps.config.timeZone, limits: deps.syncLimits }));
  api.route('/', statsRoutes({ storage: deps.storage, timeZone: deps.config.timeZone }));

  app.route('/api', api);
  app.route('/', staticRoutes(deps.config.staticDir, deps.config.retireServiceWorker));
  return app;
}
