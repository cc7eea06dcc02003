/**
 * A real Ruhui server in its own process, set up only through its HTTP API (an admin signs in, makes
 * a district, a staff user and a stall), behind a fault-injecting proxy; and a device in this process:
 * the real outbox, session and sync engine on fake-indexeddb, talking to the proxy with Node's fetch.
 */
import { IDBFactory } from 'fake-indexeddb';
import { closeDB } from '../../../src/offline/db';
import { enqueue, listByStatus, type OutboxEntry } from '../../../src/offline/outbox';
import { counts } from '../../../src/offline/outbox-counts';
import { saveSession, type SessionUser } from '../../../src/offline/session';
import { createSyncEngine, type SyncEngine, type SyncEngineDeps } from '../../../src/offline/sync-engine';
import { deviceSyncDeps } from '../../../src/offline/sync-device';
import { processLock } from '../../../src/offline/sync-lock';
import { statsResponseSchema } from '../../../src/shared/stats';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { consultation, enrollment } from '../../support/records';
import { startServerProcess, type ServerProcess } from '../../support/server-process';
import { createServerStore, type ServerEngine } from '../../support/server-store';

const ADMIN_PASSWORD = 'admin-password-1';
const STAFF_PASSWORD = 'staff-password-1';

/** A day in Asia/Shanghai, `days` from today. */
export function shanghaiDay(days = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + days * 86_400_000));
}

/** Calls the API; throws unless 2xx. */
export async function api<T = unknown>(base: string, route: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<T> {
  const res = await fetch(base + route, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${route} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface RemoteWorld {
  dataDir: string;
  server: ServerProcess;
  proxy: FaultProxy;
  adminToken: string;
  staff: { token: string; user: SessionUser };
  stallId: string;
  /** The server's totals over a few days around today, as an admin reads them. */
  totals(): Promise<{ enrolled: number; existing: number; consultations: number }>;
  /** SIGKILL: a crash mid-whatever. */
  kill(): Promise<void>;
  /** Starts the server again on the same data folder and points the proxy at it. */
  restart(): Promise<void>;
  /** How many times the server was started again. */
  readonly restarts: number;
  close(): Promise<void>;
}

/** Starts a server on a fresh store of `engine`, sets it up through the API, and puts a fault proxy in front. */
export async function startWorld(engine: ServerEngine): Promise<RemoteWorld> {
  const store = await createServerStore(engine, 'ruhui-sync-fault-');
  const dataDir = store.dataDir;
  const env = { ...store.env, RUHUI_ADMIN_PASSWORD: ADMIN_PASSWORD, RUHUI_LOG: 'warn' };
  let server = await startServerProcess(env);
  const base = () => server.url;

  const { token: adminToken } = await api<{ token: string }>(base(), '/api/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
  const orgs = await api<{ id: string; level: string }[]>(base(), '/api/orgs', { token: adminToken });
  const root = orgs.find((o) => o.level === 'city')!;
  const district = await api<{ id: string }>(base(), '/api/orgs', {
    token: adminToken,
    body: { parentId: root.id, name: '朝阳区总工会', level: 'district', code: `chaoyang-${Date.now()}` },
  });
  const username = `stall-staff-${Date.now()}`;
  await api(base(), '/api/users', { token: adminToken, body: { username, password: STAFF_PASSWORD, role: 'staff', orgId: district.id } });
  const staff = await api<{ token: string; user: SessionUser }>(base(), '/api/auth/login', { body: { username, password: STAFF_PASSWORD } });
  const stall = await api<{ id: string }>(base(), '/api/stalls', {
    token: staff.token,
    body: { name: '望京SOHO摊位', orgId: district.id, date: shanghaiDay() },
  });

  const proxy = await startFaultProxy(base());
  let restarts = 0;
  return {
    dataDir,
    get server() {
      return server;
    },
    proxy,
    adminToken,
    staff,
    stallId: stall.id,
    async totals() {
      const body = await api(base(), `/api/stats?from=${shanghaiDay(-2)}&to=${shanghaiDay(2)}`, { token: adminToken });
      return statsResponseSchema.parse(body).totals;
    },
    async kill() {
      await server.kill();
    },
    async restart() {
      server = await startServerProcess(env);
      proxy.setTarget(server.url);
      restarts++;
    },
    get restarts() {
      return restarts;
    },
    async close() {
      await proxy.close();
      await server.stop();
      await store.drop();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The device

/** A new, empty device: fresh fake IndexedDB, the module's connection closed. */
export async function freshDevice(): Promise<void> {
  await closeDB();
  globalThis.indexedDB = new IDBFactory();
}

/** Signs the device in with the world's staff session. */
export async function signIn(world: RemoteWorld): Promise<void> {
  await saveSession(world.staff.token, world.staff.user);
}

let person = 0;

/** Queues `n` records at the world's stall (every tenth a consultation, the rest distinct people). */
export async function queueRecords(world: RemoteWorld, n: number): Promise<{ enrollments: number; consultations: number }> {
  let enrollments = 0;
  let consultations = 0;
  for (let i = 0; i < n; i++) {
    if (i % 10 === 9) {
      await enqueue(consultation({ stallId: world.stallId, topic: 'legal' }));
      consultations++;
    } else {
      await enqueue(enrollment({ stallId: world.stallId, n: person++ }));
      enrollments++;
    }
  }
  return { enrollments, consultations };
}

/** A device engine through the world's proxy, with test-sized backoff. */
export function deviceEngine(world: RemoteWorld, overrides: Partial<SyncEngineDeps> = {}): SyncEngine {
  return createSyncEngine(
    deviceSyncDeps({
      fetch: (input, init) => fetch(input, init),
      baseUrl: world.proxy.url,
      lock: processLock(`device-${Math.random()}`),
      channel: undefined,
      backoff: { baseMs: 50, capMs: 400, maxRetryAfterMs: 2_000 },
      timeoutMs: 20_000,
      pollMs: 250,
      ...overrides,
    }),
  );
}

/** Waits until `check` holds, polling. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 45_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits until nothing is pending on the device. */
export const allSent = () => until(async () => (await counts()).pending === 0, 45_000, 'the outbox to drain');

/** Every entry on the device (sent ones carry their receipt). */
export async function deviceEntries(): Promise<OutboxEntry[]> {
  const out: OutboxEntry[] = [];
  for (const status of ['pending', 'sent', 'rejected'] as const) out.push(...(await listByStatus(status, { limit: 100_000 })));
  return out;
}
