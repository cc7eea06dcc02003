/**
 * What the sync engine shows, and how one context's state merges with what the others broadcast.
 * Pure: every function takes a model and returns a new one; the engine keeps the current model,
 * notifies its listeners and posts `broadcastOf` on the channel.
 *
 * A context broadcasts only its own news (`own`), never what it shows from others, so a tab never
 * echoes another's stale state back to it.
 */
import { z } from 'zod/mini';
import type { RetryCause } from './sync-transport';

/** The kinds of failure, as the status line and the broadcast name them. */
const errorKinds = ['network', 'timeout', 'server', 'throttled', 'bad-response', 'client', 'storage'] as const;

/** The last thing that went wrong, as the engine keeps it and a broadcast carries it. */
export const syncErrorSchema = z.object({
  kind: z.enum(errorKinds),
  status: z.optional(z.number()),
  message: z.string(),
  /** When it happened (ms since epoch). */
  at: z.number(),
});

/** What one context tells the others (checked on arrival: a channel is an input like any other). */
export const syncBroadcastSchema = z.object({
  type: z.literal('sync-state'),
  from: z.string(),
  syncing: z.boolean(),
  progress: z.object({ sent: z.number(), total: z.number() }),
  lastSuccessAt: z.nullable(z.string()),
  needsSignIn: z.boolean(),
  /** The sender's last failure and next try, so every tab shows why records still wait. */
  lastError: z.optional(syncErrorSchema),
  retryAt: z.optional(z.number()),
});

/** The last thing that went wrong, for the status line. */
export type SyncError = z.infer<typeof syncErrorSchema>;
/** What one context tells the others. */
export type SyncBroadcast = z.infer<typeof syncBroadcastSchema>;

// Every cause the transport retries is a kind the schema carries (fails to compile otherwise).
const _causesCarried: readonly SyncError['kind'][] = [] as RetryCause[];
void _causesCarried;

/** Everything the UI shows about sync. */
export interface SyncState {
  online: boolean;
  syncing: boolean;
  /** Of the records this pass set out to send (n of m). */
  progress: { sent: number; total: number };
  /** When the server last took a batch (local ISO-8601 with offset), across restarts and contexts. */
  lastSuccessAt: string | null;
  /** Records still pending on this device. */
  waiting: number;
  /** The server refused the session: every record is kept until someone signs in again. */
  needsSignIn: boolean;
  lastError?: SyncError;
  /** When the next automatic try is due (ms since epoch), while backing off. */
  retryAt?: number;
}

/** What this context itself knows (as opposed to what it shows from others). */
export interface OwnNews {
  needsSignIn: boolean;
  lastError?: SyncError;
  retryAt?: number;
}

/** One context's view: what it shows, what it knows itself, and what it heard from the others. */
export interface SyncModel {
  readonly state: SyncState;
  readonly own: OwnNews;
  /** The other context currently syncing (null: none that we know of). */
  readonly remoteSender: string | null;
  /** The other contexts that said a sign-in is needed. */
  readonly remoteSignIn: ReadonlySet<string>;
}

export function initialModel(online: boolean): SyncModel {
  return {
    state: { online, syncing: false, progress: { sent: 0, total: 0 }, lastSuccessAt: null, waiting: 0, needsSignIn: false },
    own: { needsSignIn: false },
    remoteSender: null,
    remoteSignIn: new Set(),
  };
}

/** Is ISO time `a` later than `b` (or `b` unknown)? */
export const isLater = (a: string | null | undefined, b: string | null | undefined): boolean =>
  Boolean(a) && (!b || Date.parse(a!) > Date.parse(b));

/** Applies `patch` to what is shown; `mine` also records it as this context's own news (to broadcast). */
export function applyPatch(model: SyncModel, patch: Partial<SyncState>, mine: boolean): SyncModel {
  const state = { ...model.state, ...patch };
  if (!mine) return { ...model, state };
  const own = { ...model.own };
  if ('needsSignIn' in patch) own.needsSignIn = Boolean(patch.needsSignIn);
  if ('lastError' in patch) own.lastError = patch.lastError;
  if ('retryAt' in patch) own.retryAt = patch.retryAt;
  return { ...model, state, own };
}

/** The message this context posts: its own news, and its progress only while it is the one sending. */
export function broadcastOf(model: SyncModel, from: string, sendingHere: boolean): SyncBroadcast {
  const { state, own } = model;
  return {
    type: 'sync-state',
    from,
    syncing: sendingHere,
    progress: sendingHere ? state.progress : { sent: 0, total: 0 },
    lastSuccessAt: state.lastSuccessAt,
    needsSignIn: own.needsSignIn,
    ...(own.lastError ? { lastError: own.lastError } : {}),
    ...(own.retryAt !== undefined ? { retryAt: own.retryAt } : {}),
  };
}

/** Two broadcasts say the same thing (whoever sent them): the second need not be posted. */
export const broadcastKey = (message: SyncBroadcast): string => JSON.stringify({ ...message, from: '' });

/** How the receiving context stands when a broadcast arrives. */
export interface Receiver {
  /** This context is sending (its own progress wins over another's). */
  sendingHere: boolean;
  /** No retry is scheduled here: another context's failure and success may replace ours. */
  quiet: boolean;
}

/** What a broadcast changed, beyond the model. */
export interface Received {
  model: SyncModel;
  /** What is shown changed by this (the engine tells its listeners; not this context's own news). */
  patch: Partial<SyncState>;
  /** The sender stopped sending: the count of waiting records is worth reading again. */
  senderStopped: boolean;
  /** The last context that wanted a sign-in no longer does. */
  signedInAgain: boolean;
}

/** Merges another context's broadcast into this one's view. */
export function receive(model: SyncModel, message: SyncBroadcast, at: Receiver): Received {
  const { state } = model;
  const patch: Partial<SyncState> = {};
  let remoteSender = model.remoteSender;
  let senderStopped = false;
  if (message.syncing) {
    remoteSender = message.from;
    const waiting = Math.max(0, message.progress.total - message.progress.sent);
    if (!at.sendingHere) Object.assign(patch, { syncing: true, progress: message.progress, waiting });
  } else if (message.from === remoteSender) {
    remoteSender = null;
    senderStopped = true;
    if (!at.sendingHere) Object.assign(patch, { syncing: false, progress: message.progress });
  }
  if (isLater(message.lastSuccessAt, state.lastSuccessAt)) {
    patch.lastSuccessAt = message.lastSuccessAt;
    if (at.quiet) Object.assign(patch, { lastError: undefined, retryAt: undefined });
  }
  // Why records still wait, as the context that tried saw it (unless we have news of our own).
  if (message.lastError && at.quiet && (!state.lastError || message.lastError.at > state.lastError.at)) {
    Object.assign(patch, { lastError: message.lastError, retryAt: message.retryAt });
  }
  let signedInAgain = false;
  const remoteSignIn = new Set(model.remoteSignIn);
  if (message.needsSignIn) {
    remoteSignIn.add(message.from);
    patch.needsSignIn = true;
  } else if (remoteSignIn.delete(message.from) && remoteSignIn.size === 0) {
    signedInAgain = true;
    if (!model.own.needsSignIn) patch.needsSignIn = false;
  }
  const next = applyPatch({ ...model, remoteSender, remoteSignIn }, patch, false);
  return { model: next, patch, senderStopped, signedInAgain };
}

/** This context holds the sync lock: nobody else is syncing, whatever the last word from a closed tab was. */
export function holdingLock(model: SyncModel, sendingHere: boolean): SyncModel {
  if (model.remoteSender === null) return model;
  const cleared = { ...model, remoteSender: null };
  return model.state.syncing && !sendingHere ? applyPatch(cleared, { syncing: false }, false) : cleared;
}

/** The server took our session: whatever any context said about signing in is over. */
export function sessionAccepted(model: SyncModel): SyncModel {
  const cleared = model.remoteSignIn.size === 0 ? model : { ...model, remoteSignIn: new Set<string>() };
  return model.state.needsSignIn || model.own.needsSignIn ? applyPatch(cleared, { needsSignIn: false }, true) : cleared;
}
