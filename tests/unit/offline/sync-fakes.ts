/**
 * Stand-ins for the sync engine's unit tests: an in-memory outbox with the real one's semantics, a
 * session whose token a test can expire and renew, and a scripted /api/sync.
 */
import crypto from 'node:crypto';
import type { ApplyResult } from '../../../src/offline/outbox';
import type { SyncOutbox, SyncSessionStore } from '../../../src/offline/sync-engine';
import type { Consultation, Reason, SyncResult } from '../../../src/shared/records';

interface MemoryEntry {
  id: string;
  record?: Consultation;
  status: 'pending' | 'sent' | 'rejected';
  reason?: Reason;
  queuedAt: number;
  attempts: number;
}

let queued = 0;

/** A consultation record (the engine never looks inside records). */
export const consultation = (): Consultation => ({
  kind: 'consultation',
  id: crypto.randomUUID(),
  stallId: '3f1c2b7e-8a4d-4c6b-9e2f-1a2b3c4d5e6f',
  createdAt: '2025-03-01T12:00:00+08:00',
  topic: 'legal',
});

/** The outbox in memory: pending → sent (record dropped) | rejected (with reason). */
export class MemoryOutbox implements SyncOutbox {
  readonly entries = new Map<string, MemoryEntry>();
  applyCalls = 0;

  add(n: number): Consultation[] {
    const records = Array.from({ length: n }, consultation);
    for (const record of records) this.entries.set(record.id, { id: record.id, record, status: 'pending', queuedAt: queued++, attempts: 0 });
    return records;
  }

  byStatus(status: MemoryEntry['status']): MemoryEntry[] {
    return [...this.entries.values()].filter((e) => e.status === status);
  }

  async takePending(limit: number) {
    return this.byStatus('pending')
      .sort((a, b) => a.queuedAt - b.queuedAt)
      .slice(0, limit)
      .map((e) => ({ id: e.id, record: e.record }));
  }

  async applyResults(results: readonly ApplyResult[]) {
    this.applyCalls++;
    let changed = 0;
    for (const r of results) {
      const e = this.entries.get(r.id);
      if (!e || e.status !== 'pending') continue;
      changed++;
      if (r.status === 'rejected') Object.assign(e, { status: 'rejected', reason: r.reason });
      else Object.assign(e, { status: 'sent', record: undefined });
    }
    return changed;
  }

  async countPending() {
    return this.byStatus('pending').length;
  }

  async noteAttempt(ids: readonly string[]) {
    for (const id of ids) this.entries.get(id)!.attempts++;
  }
}

/** A device session a test can expire (as a 401 does) and renew (as signing in again does). */
export class MemorySession implements SyncSessionStore {
  session: { token: string; deviceId: string; expired?: boolean } | undefined = { token: 'token-one', deviceId: 'device-1' };
  async current() {
    return this.session ? { ...this.session } : undefined;
  }
  async markExpired(token: string) {
    if (this.session?.token === token) this.session.expired = true;
  }
  signIn(token: string) {
    this.session = { token, deviceId: 'device-1' };
  }
}

/** One request as the fake server saw it. */
export interface SeenRequest {
  at: number;
  token: string;
  body: { deviceId: string; sentAt: string; records: { id: string }[] };
  /** `gzip` when the body came compressed. */
  contentEncoding?: string;
}

type Responder = (req: SeenRequest, signal: AbortSignal) => Response | Promise<Response>;

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

/** Accepts every record of the request. */
export const acceptAll: Responder = (req) =>
  json({ serverTime: new Date().toISOString(), results: req.body.records.map((r): SyncResult => ({ id: r.id, status: 'accepted' })) });

/** An error answer. */
export const status = (code: number, headers: Record<string, string> = {}): Responder => () =>
  json({ error: { code: `http_${code}`, message: `status ${code}` } }, code, headers);

/** A request that never gets an answer (until aborted). */
export const hang: Responder = (_req, signal) =>
  new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));

/** Connection refused. */
export const refuse: Responder = () => Promise.reject(new TypeError('fetch failed'));

/** A scripted /api/sync: each request takes the next responder, then `fallback` (accept all). */
export class FakeServer {
  readonly seen: SeenRequest[] = [];
  private readonly script: Responder[] = [];
  constructor(public fallback: Responder = acceptAll) {}

  then(...responders: Responder[]): this {
    this.script.push(...responders);
    return this;
  }

  readonly fetch = async (input: string, init: RequestInit): Promise<Response> => {
    if (!input.endsWith('/api/sync')) throw new Error(`unexpected ${input}`);
    const headers = new Headers(init.headers);
    // Large batches arrive gzip-compressed, as the real server gets them.
    const text =
      headers.get('content-encoding') === 'gzip'
        ? await new Response(new Response(init.body).body!.pipeThrough(new DecompressionStream('gzip'))).text()
        : String(init.body);
    const req: SeenRequest = {
      at: Date.now(),
      token: (headers.get('authorization') ?? '').replace(/^Bearer /, ''),
      body: JSON.parse(text) as SeenRequest['body'],
      contentEncoding: headers.get('content-encoding') ?? undefined,
    };
    this.seen.push(req);
    const responder = this.script.shift() ?? this.fallback;
    return responder(req, init.signal ?? new AbortController().signal);
  };
}

export { json };
