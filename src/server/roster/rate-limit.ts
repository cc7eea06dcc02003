/**
 * How many roster exports one admin may run: a fixed window per admin, counted in the database
 * (`export_limits`) so every app server behind a load balancer agrees and a restart resets nothing.
 * Counted by the shared fixed-window counter (src/server/limits/window-counter.ts). A roster holds personal data
 * of many people; ten in an hour is plenty for registering and following up, and a stolen admin
 * session cannot page through the store quickly.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema';
import { countInWindow } from '../limits/window-counter';

export interface ExportLimits {
  windowMs: number;
  /** Exports per admin per window. */
  perUser: number;
}

export const DEFAULT_EXPORT_LIMITS: ExportLimits = { windowMs: 60 * 60_000, perUser: 10 };

/** Counts one export against `key`; refuses with the seconds to wait when over the limit. */
export function countExport(
  db: Kysely<Database>,
  key: string,
  limits: ExportLimits,
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; retryAfter: number }> {
  return countInWindow(db, 'export_limits', [{ key, max: limits.perUser }], limits.windowMs, now);
}
