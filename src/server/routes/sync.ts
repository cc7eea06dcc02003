/**
 * `POST /api/sync` (staff, supervisor): a device's batch of 1–500 records → one result per record.
 * The whole request is checked first (JSON, shape, size: 400/413/415 with nothing written); then each
 * record on its own (`sync/ingest.ts` has the statuses and what a replay answers). A gate keeps the
 * store from drowning: past its limits the answer is 503 with `Retry-After`.
 */
import { Hono } from 'hono';
import { syncRequestSchema } from '../../shared/records';
import { currentUser, requireRole } from '../auth/middleware';
import type { AppEnv } from '../http/env';
import { Gate, type GateLimits } from '../http/overload';
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
export function defaultSyncLimits(engine: Storage['engine']): GateLimits {
  return { maxActive: engine === 'sqlite' ? 2 : 8, maxQueued: 64, maxWaitMs: 10_000, retryAfterSeconds: 2 };
}

/** The sync route, with its own gate (limits from `defaultSyncLimits`, overridable for tests). */
export function syncRoutes(deps: { storage: Storage; keys: Keys; timeZone: string; limits?: Partial<GateLimits> }): Hono<AppEnv> {
  const gate = new Gate({ ...defaultSyncLimits(deps.storage.engine), ...deps.limits });
  return new Hono<AppEnv>().post('/sync', requireRole('staff', 'supervisor'), async (c) => {
    const request = await readJson(c, syncRequestSchema);
    const user = currentUser(c);
    const started = performance.now();
    const { response, summary } = await gate.run(() => ingestBatch(deps, { user, lang: c.get('lang') }, request));
    log.info('sync', { user: user.id, ...summary, ms: Math.round(performance.now() - started) });
    return c.json(response);
  });
}
