/**
 * `GET /metrics` in the Prometheus text format (prom-client). Every label is a fixed vocabulary: a
 * route pattern (`/api/stalls/:id/today`, never the URL), a method, a status, a sync outcome, a
 * gate's name. Nothing a request carries (ID numbers, phones, names, tokens, ids) can become a label,
 * so a scrape can never leak personal data. One registry per app, so apps in one test process never
 * share counters.
 */
import type { MiddlewareHandler } from 'hono';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SyncResult } from '../../shared/records';
import type { Storage } from '../storage/open';
import type { AppEnv } from './env';
import type { Gate } from './overload';

export interface Metrics {
  registry: Registry;
  /** Counts and times each request by method, route pattern and status. */
  middleware: MiddlewareHandler<AppEnv>;
  /** Adds one sync batch's per-record outcomes. */
  countSync(summary: Record<SyncResult['status'], number>): void;
  /** Reports a gate's working and waiting requests at every scrape. */
  watchGate(name: string, gate: Gate): void;
}

/** Latency buckets in seconds: from a cached read to a sync batch waiting its turn at the gate. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Builds the metrics of one app. `processMetrics` adds Node's own (memory, event loop): for a real server process. */
export function createMetrics(storage: Storage, opts: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'ruhui_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'ruhui_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const syncRecords = new Counter({
    name: 'ruhui_sync_records_total',
    help: 'Records received by POST /api/sync, by the status answered.',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  // Every status shows from the first scrape, at 0, so a rate() has a starting point.
  for (const status of ['accepted', 'duplicate', 'existing_member', 'rejected'] as const) syncRecords.inc({ status }, 0);

  const gates = new Map<string, Gate>();
  new Gauge({
    name: 'ruhui_gate_requests',
    help: 'Requests working (active) and waiting their turn (queued) at a load-shedding gate.',
    labelNames: ['gate', 'state'] as const,
    registers: [registry],
    collect() {
      for (const [name, gate] of gates) {
        this.set({ gate: name, state: 'active' }, gate.load.active);
        this.set({ gate: name, state: 'queued' }, gate.load.queued);
      }
    },
  });
  new Gauge({
    name: 'ruhui_db_pool_connections',
    help: 'PostgreSQL pool connections: total open, idle, and queries waiting for one (0 on the embedded engine).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const pool = storage.poolLoad?.() ?? { size: 0, idle: 0, waiting: 0 };
      this.set({ state: 'total' }, pool.size);
      this.set({ state: 'idle' }, pool.idle);
      this.set({ state: 'waiting' }, pool.waiting);
    },
  });

  return {
    registry,
    middleware: async (c, next) => {
      const end = duration.startTimer();
      try {
        await next();
      } finally {
        // The matched pattern; an unmatched path is the catch-all's pattern, never the path itself.
        const route = c.req.routePath || 'unmatched';
        end({ method: c.req.method, route });
        requests.inc({ method: c.req.method, route, status: String(c.res.status) });
      }
    },
    countSync(summary) {
      for (const [status, n] of Object.entries(summary)) if (n > 0) syncRecords.inc({ status }, n);
    },
    watchGate(name, gate) {
      gates.set(name, gate);
    },
  };
}
