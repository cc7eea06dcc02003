/**
 * What the HTTP app needs from the outside world. Routes and services take this (or the parts of it
 * they use) rather than importing `app.ts`, so the app wiring depends on the routes and never back.
 */
import type { Config } from './config';
import type { Metrics } from './http/metrics';
import type { SyncLimits } from './http/overload';
import type { JoinLimits } from './join/rate-limit';
import type { ExportLimits } from './roster/rate-limit';
import type { Keys } from './secrets';
import type { Storage } from './storage/open';

export interface AppDeps {
  config: Config;
  storage: Storage;
  /** Keys derived from the server secret. */
  keys: Keys;
  /** Overrides of the POST /api/sync concurrency limits (tests of the overload answer). */
  syncLimits?: Partial<SyncLimits>;
  /** Overrides of the join route's rate limits (tests of the 429 answer). */
  joinLimits?: Partial<JoinLimits>;
  /** Overrides of the roster export's limit per admin (tests of the 429 answer). */
  exportLimits?: Partial<ExportLimits>;
  /** The app's metrics (a real server passes one with process metrics); made by the app when absent. */
  metrics?: Metrics;
}

/** The largest request body accepted: a full sync batch (500 records of ~1.2 kB) with room to spare. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
