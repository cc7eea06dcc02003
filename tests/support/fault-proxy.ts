/**
 * A fault-injecting HTTP proxy on 127.0.0.1 between a client under test and a real server: the faults
 * of a street stall's network, on demand. Requests that match (POST /api/sync by default) take the next
 * injected fault; everything else, and matching requests with no fault queued, pass through.
 *
 * - `refuse`: the connection is cut before anything reaches the server.
 * - `drop-response`: the request is forwarded, the server answers in full (it has committed), and the
 *   connection is cut before a byte of the answer reaches the client: "abort after send"; `then` runs
 *   after that (kill the server between its commit and the client hearing of it).
 * - `delay`: wait before forwarding; `delay-response`: forward at once, hold the answer back.
 * - `then`: forward, and once the whole request went upstream run an action (kill the server mid-batch).
 * - `status`: answer with this status (e.g. 503 and a Retry-After) without forwarding.
 * `setDefault` makes one fault stick for every matching request with none queued (a long outage).
 * When the server cannot be reached the proxy answers 502, as a reverse proxy in front of it would.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'refuse' }
  | { kind: 'drop-response'; then?: () => unknown }
  | { kind: 'delay'; ms: number }
  | { kind: 'delay-response'; ms: number }
  | { kind: 'then'; action: () => unknown }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'pass' };

/** What the proxy did, per kind, to matching requests. */
export interface ProxyCounts {
  /** Matching requests that arrived. */
  received: number;
  /** Reached the server. */
  forwarded: number;
  refused: number;
  /** The server answered, the client never saw it. */
  dropped: number;
  /** The server could not be reached (502). */
  badGateway: number;
}

/** A matching request's body as it crossed the wire (what the server was sent). */
export interface SeenBody {
  contentEncoding?: string;
  bytes: number;
}

export interface FaultProxy {
  url: string;
  counts: ProxyCounts;
  /** Bodies of the matching requests that were read, in order of arrival. */
  bodies: SeenBody[];
  /** Queues faults for the next matching requests, in order. */
  inject(...faults: Fault[]): void;
  /** Faults still queued. */
  pending(): number;
  /** The fault for matching requests when none is queued (`pass` unless set). */
  setDefault(fault: Fault): void;
  /** Points the proxy at another server (a restarted one on a new port). */
  setTarget(url: string): void;
  close(): Promise<void>;
}

const matchSync = (req: http.IncomingMessage) => req.method === 'POST' && (req.url ?? '').startsWith('/api/sync');

/** Starts a proxy to `target` on a free loopback port. */
export async function startFaultProxy(
  target: string,
  options: { match?: (req: http.IncomingMessage) => boolean } = {},
): Promise<FaultProxy> {
  const match = options.match ?? matchSync;
  let upstream = new URL(target);
  const queue: Fault[] = [];
  const counts: ProxyCounts = { received: 0, forwarded: 0, refused: 0, dropped: 0, badGateway: 0 };
  let fallback: Fault = { kind: 'pass' };
  const bodies: SeenBody[] = [];
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const server = http.createServer((req, res) => {
    const matched = match(req);
    const fault: Fault = matched ? (queue.shift() ?? fallback) : { kind: 'pass' };
    if (matched) counts.received++;
    void handle(req, res, fault, matched);
  });
  server.keepAliveTimeout = 1_000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, fault: Fault, matched: boolean) {
    if (fault.kind === 'refuse') {
      counts.refused++;
      req.socket.destroy();
      return;
    }
    if (fault.kind === 'status') {
      req.resume();
      res.writeHead(fault.status, {
        'Content-Type': 'application/json',
        ...(fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {}),
      });
      res.end(JSON.stringify({ error: { code: `injected_${fault.status}`, message: 'injected by the fault proxy' } }));
      return;
    }
    // Read the whole request first: forwarding is then all-or-nothing, like a client's one write.
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (matched) bodies.push({ contentEncoding: req.headers['content-encoding'], bytes: body.length });
    if (fault.kind === 'delay') await sleep(fault.ms);
    if (req.socket.destroyed) return;

    const target = upstream;
    const headers = { ...req.headers, host: target.host };
    const out = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers });
    out.on('response', (answer) => {
      const parts: Buffer[] = [];
      answer.on('data', (c: Buffer) => parts.push(c));
      answer.on('error', () => req.socket.destroy());
      answer.on('end', () => {
        void (async () => {
          if (fault.kind === 'drop-response') {
            counts.dropped++;
            req.socket.destroy();
            await fault.then?.();
            return;
          }
          if (fault.kind === 'delay-response') await sleep(fault.ms);
          if (req.socket.destroyed) return;
          const h = { ...answer.headers };
          delete h['transfer-encoding'];
          h['content-length'] = String(Buffer.concat(parts).length);
          res.writeHead(answer.statusCode ?? 502, h);
          res.end(Buffer.concat(parts));
        })();
      });
    });
    out.on('error', () => {
      if (matched) counts.badGateway++;
      if (res.headersSent || req.socket.destroyed) {
        req.socket.destroy();
        return;
      }
      res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'bad_gateway', message: 'upstream unreachable' } }));
    });
    out.end(body, () => {
      if (matched) counts.forwarded++;
      if (fault.kind === 'then') void fault.action();
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    bodies,
    inject: (...faults) => void queue.push(...faults),
    pending: () => queue.length,
    setDefault(fault) {
      fallback = fault;
    },
    setTarget(url) {
      upstream = new URL(url);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
