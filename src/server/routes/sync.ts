/**
 * `POST /api/sync` (staff, supervisor): a device's batch of 1–500 records → one result per record.
 * The whole request is checked first (JSON, shape, size: 400/413/415 with nothing written); then each
 * record on its own (`sync/ingest.ts` has the statuses and what a replay answers). Two gates keep the
 * store from drowning; past their limits the answer is 503 with `Retry-After`:
 * - admission (`syncAdmission`, mounted before any middleware that reads a body): a batch waits in
 *   line, or is turned away, before its body is read, so a waiting or refused batch holds no body in
 *   memory. At most `maxOpen` admitted batches read their body, are validated, or write at once.
 * - the store's turn: of those, at most `maxActive` run their ingest at the same time.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { syncRequestSchema } from '../../shared/records';
import { currentUser, requireRole } from '../auth/middleware';
import type { AppEnv, AuthUser } from '../http/env';
import type { Metrics } from '../http/metrics';
import { Gate, type SyncLimits } from '../http/overload';
import { readJson } from '../http/validate';
import { log } from '../log';
import type { Keys } from '../secrets';
import type { Storage } from '../storage/open';
import { ingestBatch } from '../sync/ingest';

/**
 * Default limits per engine. SQLite runs one transaction at a time, so two batches in progress
 * (one writing, one being validated) keep it busy; PostgreSQL gets as many as its pool can serve.
 * A batch takes tens of milliseconds, so 64 waiting is a few seconds of work; waiting longer than
 * 10 s means the store is falling behind, and the client is better off retrying later.
 */
export function defaultSyncLimits(engine: Storage['engine'], overrides: Partial<SyncLimits> = {}): SyncLimits {
  const limits = { maxActive: engine === 'sqlite' ? 2 : 8, maxQueued: 64, maxWaitMs: 10_000, retryAfterSeconds: 2, ...overrides };
  return { ...limits, maxOpen: Math.max(limits.maxActive, overrides.maxOpen ?? 2 * limits.maxActive) };
}

/** Who takes a place at the gates: the callers the route serves. Anyone else is refused by the route itself. */
const SYNC_ROLES: readonly AuthUser['role'][] = ['staff', 'supervisor'];

/**
 * The sync route and its admission middleware (limits from `defaultSyncLimits`, overridable for
 * tests). `admission` must run before any middleware that reads a request body (size limit, gzip).
 */
export function syncRoutes(deps: { storage: Storage; keys: Keys; timeZone: string; limits?: Partial<SyncLimits>; metrics?: Metrics }): {
  admission: MiddlewareHandler<AppEnv>;
  routes: Hono<AppEnv>;
} {
  const limits = defaultSyncLimits(deps.storage.engine, deps.limits);
  const { maxOpen, ...storeTurn } = limits;
  // Admitted batches never wait for the store's turn in a line that could refuse them: at most maxOpen can.
  const admitted = new Gate({ ...storeTurn, maxActive: maxOpen });
  const store = new Gate({ ...storeTurn, maxQueued: maxOpen });
  deps.metrics?.watchGate('sync', admitted);
  deps.metrics?.watchGate('sync_store', store);

  const admission: MiddlewareHandler<AppEnv> = async (c, next) => {
    const user = c.get('user');
    // Callers the route refuses anyway are refused there, after the checks every route makes (size first).
    if (c.req.method !== 'POST' || !user || !SYNC_ROLES.includes(user.role)) return next();
    await admitted.run(next);
  };

  const routes = new Hono<AppEnv>().post('/sync', requireRole(...SYNC_ROLES), async (c) => {
    const request = await readJson(c, syncRequestSchema);
    const user = currentUser(c);
    const started = performance.now();
    const { response, summary } = await store.run(() => ingestBatch(deps, { user, lang: c.get('lang') }, request));
    log.info('sync', { user: user.id, ...summary, ms: Math.round(performance.now() - started) });
    deps.metrics?.countSync(summary);
    return c.json(response);
  });
  return { admission, routes };
}
