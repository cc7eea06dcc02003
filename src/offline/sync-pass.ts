/**
 * One send pass: batches from the outbox to the server until nothing is pending or something stops
 * it. One request is in flight at a time; while it is on the wire the next batch is read (past the
 * records in flight or still being applied), and an answer's results are applied while the next
 * batch is on the wire. Answers are applied in order, and all of them before the pass ends.
 *
 * The pass decides nothing about when to run (that is `sync-scheduler.ts`) and keeps no state of its
 * own between passes but `SendTuning`, which the engine owns and the scheduler reads (`notBefore`).
 */
import { localIsoWithOffset } from '../shared/local-time';
import type { RecordT, SyncResult } from '../shared/records';
import type { ApplyResult } from './outbox';
import { retryDelay, type BackoffPolicy } from './sync-backoff';
import type { SyncError, SyncState } from './sync-state';
import type { Clock, SendOutcome } from './sync-transport';

/** How one pass ended. */
export type RunResult =
  | { kind: 'done'; sent: number }
  | { kind: 'busy' }
  | { kind: 'offline' }
  | { kind: 'needs-sign-in' }
  | { kind: 'retry'; delayMs: number; error: SyncError }
  | { kind: 'stopped' };

/** A pending outbox entry as the engine needs it. */
export interface PendingEntry {
  id: string;
  record?: RecordT;
}

/** The outbox functions the engine calls. */
export interface SyncOutbox {
  /** Up to `limit` pending entries of `owner` (the session's user), oldest first. */
  takePending(limit: number, owner?: string): Promise<PendingEntry[]>;
  /** Applies one answer's results in one transaction. */
  applyResults(results: readonly ApplyResult[]): Promise<number>;
  /** Pending entries of `owner` (default: of whoever is signed in). */
  countPending(owner?: string): Promise<number>;
  /** Bookkeeping: these records were sent and not confirmed (only failures cost a write). */
  noteAttempt?(ids: readonly string[]): Promise<void>;
}

/** The device session as the engine needs it. */
export interface SyncSessionStore {
  /** With `user`, only that user's records go out under the token (an admin's never: admins do not sync). */
  current(): Promise<{ token: string; deviceId: string; expired?: boolean; user?: { id: string; role?: string } } | undefined>;
  /** The server refused `token`: remember it so every context (and the sign-in screen) knows. */
  markExpired?(token: string): Promise<void>;
}

/** Halving a batch after a timeout stops here. */
export const MIN_BATCH = 25;

/** What carries over from one pass to the next: batch size, backoff attempt, the server's pause, a refused token. */
export interface SendTuning {
  readonly maxBatch: number;
  batchSize: number;
  /** Failures in a row (the backoff's exponent). */
  attempt: number;
  /** No request before this (ms since epoch): the server's Retry-After. */
  notBefore: number;
  /** The token the server refused; a different one in the session resumes syncing. */
  refusedToken?: string;
}

export const newTuning = (maxBatch: number): SendTuning => ({ maxBatch, batchSize: maxBatch, attempt: 0, notBefore: 0 });

/** Everything a pass uses; the engine provides it. */
export interface PassHost {
  outbox: SyncOutbox;
  session: SyncSessionStore;
  clock: Clock;
  random: () => number;
  policy: BackoffPolicy;
  tuning: SendTuning;
  /** One request (the transport, with fetch, base URL, timeout and language filled in). */
  send(request: { token: string; deviceId: string; sentAt: string; records: RecordT[]; signal: AbortSignal }): Promise<SendOutcome>;
  lastSuccess?: { set(iso: string): Promise<void> };
  requestBackgroundSync?: () => void;
  /** This context's own news (shown and broadcast). */
  setState(patch: Partial<SyncState>): void;
  /** This context starts or stops being the one sending. */
  setSending(on: boolean): void;
  /** The server took the session: sign-in notices from every context are over. */
  sessionAccepted(): void;
  /** Reads the count of waiting records into the state. */
  refreshWaiting(): Promise<number>;
}

const describeError = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** A failed pass: shown, the backoff grown, a Background Sync asked for; `retryAfterMs` also pauses every trigger. */
export function failure(host: PassHost, error: Omit<SyncError, 'at'>, retryAfterMs?: number): RunResult {
  const { tuning, policy } = host;
  const delayMs = retryDelay(tuning.attempt, retryAfterMs, policy, host.random);
  tuning.attempt++;
  const now = host.clock.now();
  if (retryAfterMs !== undefined) tuning.notBefore = now + Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const full: SyncError = { ...error, at: now };
  host.setState({ lastError: full });
  host.requestBackgroundSync?.();
  return { kind: 'retry', delayMs, error: full };
}

/** One pass (the caller holds the lock). Aborting `signal` ends it as `stopped`, with what was answered applied. */
export async function runPass(host: PassHost, signal: AbortSignal): Promise<RunResult> {
  const { outbox, tuning } = host;
  /** Results applied to the outbox, and results received (some may still be being applied). */
  let sent = 0;
  let answered = 0;
  let total = 0;
  let sending = false;
  let applying: { ids: Set<string>; done: Promise<void> } | null = null;
  type Sendable = PendingEntry & { record: RecordT };
  let prefetched: Promise<Sendable[]> | null = null;
  const settle = async () => {
    const current = applying;
    applying = null;
    if (current) await current.done;
  };
  /** The user whose records go out under the current session (null: none may, an admin's session). */
  let owner: string | null | undefined;
  /** Up to batchSize pending records of `owner`, oldest first, other than `exclude`. */
  const take = async (exclude: ReadonlySet<string>): Promise<Sendable[]> => {
    if (owner === null) return [];
    return (await outbox.takePending(tuning.batchSize + exclude.size, owner))
      .filter((e): e is Sendable => e.record !== undefined && !exclude.has(e.id))
      .slice(0, tuning.batchSize);
  };
  /** Ends the pass: what is being applied lands first. */
  const end = async (result: RunResult | (() => RunResult)): Promise<RunResult> => {
    prefetched = null;
    await settle();
    return typeof result === 'function' ? result() : result;
  };
  try {
    total = await outbox.countPending();
    for (;;) {
      if (signal.aborted) return await end({ kind: 'stopped' });
      const session = await host.session.current();
      if (!session || session.expired || session.token === tuning.refusedToken) {
        await end({ kind: 'needs-sign-in' });
        const waiting = await host.refreshWaiting();
        host.setState({ needsSignIn: Boolean(session?.expired || session?.token === tuning.refusedToken) || waiting > 0 });
        return { kind: 'needs-sign-in' };
      }
      // A record goes out only under the session of who saved it: another user's session takes
      // none of them (a prefetched batch of the previous user is dropped).
      const sessionOwner = session.user ? (session.user.role === 'admin' ? null : session.user.id) : undefined;
      if (sessionOwner !== owner) {
        prefetched = null;
        owner = sessionOwner;
      }
      tuning.refusedToken = undefined;
      host.sessionAccepted();

      const next = prefetched;
      prefetched = null;
      const batch: Sendable[] = next ? await next : await take(applying?.ids ?? new Set<string>());
      if (batch.length === 0) {
        if (applying) {
          // Only records still being applied were left: let them land, then look again.
          await settle();
          continue;
        }
        host.setState({ waiting: 0, progress: { sent, total: sent } });
        return { kind: 'done', sent };
      }
      total = Math.max(total, answered + batch.length);
      sending = true;
      host.setSending(true);
      host.setState({ syncing: true, waiting: Math.max(0, total - sent), progress: { sent, total } });
      const ids: string[] = batch.map((e) => e.id);

      const request = host.send({
        token: session.token,
        deviceId: session.deviceId,
        sentAt: localIsoWithOffset(host.clock.now()),
        records: batch.map((e) => e.record),
        signal,
      });
      // Read the next batch while this one is on the wire.
      const upcoming = take(new Set([...ids, ...(applying?.ids ?? [])]));
      upcoming.catch(() => undefined);
      prefetched = upcoming;
      const outcome = await request;
      if (signal.aborted) return await end({ kind: 'stopped' });
      const failed = async (error: Omit<SyncError, 'at'>, retryAfterMs?: number) => {
        await end({ kind: 'stopped' });
        await outbox.noteAttempt?.(ids).catch(() => undefined);
        return failure(host, error, retryAfterMs);
      };

      switch (outcome.kind) {
        case 'ok': {
          const wanted = new Set(ids);
          const results: SyncResult[] = outcome.response.results.filter((r) => wanted.delete(r.id));
          if (results.length === 0) return await end(() => failure(host, { kind: 'bad-response', message: 'the answer named none of the records sent' }));
          answered += results.length;
          tuning.attempt = 0;
          tuning.notBefore = 0;
          if (tuning.batchSize < tuning.maxBatch) {
            // Growing again after a weak link: the prefetched batch was sized for the old limit.
            tuning.batchSize = Math.min(tuning.maxBatch, tuning.batchSize * 2);
            prefetched = null;
          }
          // Answers are applied in order: the previous one lands before this one starts.
          await settle();
          const done = outbox.applyResults(results).then(async () => {
            sent += results.length;
            const lastSuccessAt = localIsoWithOffset(host.clock.now());
            await host.lastSuccess?.set(lastSuccessAt).catch(() => undefined);
            host.setState({
              lastSuccessAt,
              lastError: undefined,
              retryAt: undefined,
              waiting: Math.max(0, total - sent),
              progress: { sent, total },
            });
          });
          // Never an unhandled rejection: `settle` rethrows it where the pass fails properly.
          done.catch(() => undefined);
          applying = { ids: new Set(results.map((r) => r.id)), done };
          if (results.length < ids.length) prefetched = null; // the left-out ones go first next time
          continue;
        }
        case 'unauthorized':
          await end({ kind: 'needs-sign-in' });
          tuning.refusedToken = session.token;
          await host.session.markExpired?.(session.token).catch(() => undefined);
          host.setState({
            needsSignIn: true,
            lastError: { kind: 'client', status: 401, message: 'the session was refused', at: host.clock.now() },
          });
          return { kind: 'needs-sign-in' };
        case 'too-large':
          if (batch.length > 1) {
            prefetched = null;
            await outbox.noteAttempt?.(ids).catch(() => undefined);
            tuning.batchSize = Math.max(1, Math.floor(batch.length / 2));
            continue;
          }
          return await failed({ kind: 'client', status: outcome.status, message: outcome.message });
        case 'retry':
          if (outcome.cause === 'timeout') tuning.batchSize = Math.max(Math.min(MIN_BATCH, tuning.maxBatch), Math.floor(batch.length / 2));
          return await failed({ kind: outcome.cause, status: outcome.status, message: outcome.message }, outcome.retryAfterMs);
        case 'client-error':
          return await failed({ kind: 'client', status: outcome.status, message: outcome.code ? `${outcome.code}: ${outcome.message}` : outcome.message });
      }
    }
  } catch (error) {
    // IndexedDB failed (storage cleared, quota, a closed connection): records stay; try again later.
    prefetched = null;
    await settle().catch(() => undefined);
    return failure(host, { kind: 'storage', message: describeError(error) });
  } finally {
    if (sending) {
      host.setSending(false);
      host.setState({ syncing: false });
    }
  }
}
