import { Hono } from 'hono';
import type { AppEnv } from '../http/env';
import type { Storage } from '../storage/open';
import { VERSION } from '../version';

/** `GET /api/health`: is the server up, and on which engine. Answers 503 when the store is not reachable. */
export function healthRoutes(storage: Storage): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/health', async (c) => {
    try {
      await storage.db.selectFrom('schema_migrations').select('name').limit(1).execute();
    } catch {
      return c.json({ ok: false, db: storage.engine, version: VERSION }, 503);
    }
    return c.json({ ok: true, db: storage.engine, version: VERSION });
  });
}
