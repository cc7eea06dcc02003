/**
 * Fixed-window counters kept in the database, so every app server behind a load balancer counts the
 * same requests and a restart resets nothing. One row per key and window, bumped by a single upsert
 * that returns the new count: no read-then-write race, one statement per key. Fixed windows can let
 * up to twice a limit through around a window's edge; for stopping a flood that is plenty, and it
 * costs a fraction of a sliding log. Used by the join route's limits and the roster's export limit.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema';

/** Tables with the counter shape (`key`, `window_start`, `hits`, primary key on the first two). */
export type CounterTable = 'join_limits' | 'export_limits';

/** Counts one hit against each key; refuses with the seconds to wait when any key is over its `max`. */
export async function countInWindow(
  db: Kysely<Database>,
  table: CounterTable,
  keys: { key: string; max: number }[],
  windowMs: number,
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; retryAfter: number }> {
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  const windowStart = new Date(start).toISOString();
  let over = false;
  let fresh = false;
  for (const { key, max } of keys) {
    const row = await db
      .insertInto(table)
      .values({ key, window_start: windowStart, hits: 1 })
      .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ hits: sql`${sql.table(table)}.hits + 1` }))
      .returning('hits')
      .executeTakeFirstOrThrow();
    const hits = Number(row.hits);
    if (hits === 1) fresh = true;
    if (hits > max) over = true;
  }
  // A new window began for some key: drop windows that have ended (old rows only cost space).
  if (fresh) await db.deleteFrom(table).where('window_start', '<', windowStart).execute();
  if (!over) return { ok: true };
  return { ok: false, retryAfter: Math.max(1, Math.ceil((start + windowMs - now.getTime()) / 1000)) };
}
