/**
 * Health for load balancers and orchestrators, all without signing in:
 * - `GET /api/health`: `{ ok, db, version }`, 503 when the store is not reachable (the original contract);
 * - `GET /api/health/live`: liveness, the process answers at all (restart it when this fails);
 * - `GET /api/health/ready`: readiness, the store answers and holds exactly the migrations this version
 *   knows (send traffic only when this is 200). A newer version migrating a shared database makes an
 *   older server not ready, rather than serving on a schema it does not know.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../http/env';
import { appliedMigrations, migrations, storeAnswers, unknownMigrations } from '../storage/migrations';
import type { Storage } from '../storage/open';
import { VERSION } from '../version';

/** What readiness found: the store, and how its migrations compare to this version's. */
export interface Readiness {
  store: 'ok' | 'unreachable';
  migrations: 'ok' | 'pending' | 'newer' | 'unknown';
}

/** Checks the store and its migrations. */
export async function readiness(storage: Storage): Promise<Readiness> {
  let applied: string[];
  try {
    applied = await appliedMigrations(storage.db);
  } catch {
    return { store: 'unreachable', migrations: 'unknown' };
  }
  if (unknownMigrations(applied).length > 0) return { store: 'ok', migrations: 'newer' };
  const done = new Set(applied);
  return { store: 'ok', migrations: migrations.every((m) => done.has(m.name)) ? 'ok' : 'pending' };
}

export function healthRoutes(storage: Storage): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get('/health', async (c) => {
      try {
        await storeAnswers(storage.db);
      } catch {
        return c.json({ ok: false, db: storage.engine, version: VERSION }, 503);
      }
      return c.json({ ok: true, db: storage.engine, version: VERSION });
    })
    .get('/health/live', (c) => c.json({ ok: true, version: VERSION }))
    .get('/health/ready', async (c) => {
      const checks = await readiness(storage);
      const ok = checks.store === 'ok' && checks.migrations === 'ok';
      return c.json({ ok, db: storage.engine, version: VERSION, ...checks }, ok ? 200 : 503);
    });
}
