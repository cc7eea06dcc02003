/**
 * One sync batch, from the request body to one result per record: validate each record on its own
 * (one bad record never sinks the others), check its stall against the caller's scope, correct its
 * time by the device's clock offset (`sentAt` more than five minutes off the server clock; never into
 * the future), fix its local day, hash and encrypt the person, then store the
 * lot in one transaction (`write.ts`). A batch is judged as if its records came one after another,
 * except that a record whose id came earlier in the batch with other content is judged after the rest.
 *
 * Result statuses:
 * - `accepted`: stored now (a new member, or a consultation);
 * - `existing_member`: stored now as a sign-up event of a person who was already a member (counted
 *   as `existing`, not `enrolled`);
 * - `duplicate`: this id was stored before with this same content: nothing was stored or counted
 *   again. A replay always answers `duplicate`, with `outcome` saying what the record was the first
 *   time (`accepted` or `existing_member`), so a device that lost the first answer still learns
 *   whether the person was new. The same record twice in one batch: the first is stored, the second
 *   is a `duplicate`.
 * - `rejected` with `reason: { code, field?, message }`: invalid (the validation code and field),
 *   `unknown_stall` / `forbidden_stall` (field `stallId`), `invalid_channel` (field `channel`: only
 *   `staff` comes through sync; the join route stores `self`), `out_of_window` (field `createdAt`:
 *   its time is not on its stall's date, `window.ts`), or `id_conflict` (field `id`: the id is stored
 *   with other content). A record refused so that is already stored with the same content (say the
 *   user has since moved to another org) is still a `duplicate`: it is there.
 */
import crypto from 'node:crypto';
import type { Insertable } from 'kysely';
import { t, type Lang } from '../../shared/i18n';
import { validateRecord, type RecordT, type Reason, type SyncRequest, type SyncResponse, type SyncResult } from '../../shared/records';
import { pathInScope } from '../auth/scope';
import type { AuthUser } from '../http/env';
import type { Keys } from '../secrets';
import type { Storage } from '../storage/open';
import type { RecordsTable } from '../storage/schema';
import { localDay } from '../time';
import { recordFingerprint } from './fingerprint';
import { IV_BYTES, encryptPerson, personHash } from './person';
import { inWindow, stallWindow, type TimeWindow } from './window';
import { writeBatch, type FirstOutcome, type PendingRecord } from './write';

/** A device clock further off than this has its records' times corrected. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** What ingesting needs from the server. */
export interface IngestDeps {
  storage: Storage;
  keys: Keys;
  timeZone: string;
}

/** Who sent the batch, and in which language they read reasons. */
export interface Caller {
  user: AuthUser;
  lang: Lang;
}

/** How the outcome of a batch went, for the log line (no content, only numbers). */
export type BatchSummary = Record<SyncResult['status'], number>;

/** The server clock minus the device clock, in ms, when it is more than five minutes; else 0. */
export function clockOffset(serverNow: number, sentAt: string): number {
  const offset = serverNow - Date.parse(sentAt);
  return Number.isFinite(offset) && Math.abs(offset) > MAX_CLOCK_SKEW_MS ? offset : 0;
}

/**
 * A record's time on the server's clock: its device time shifted by the batch's clock offset. A
 * record cannot have been made after it arrived, so a shift that would put it in the future (the
 * device clock was changed between saving and sending) is not applied: the device time stands if it
 * is not in the future itself, else the arrival time. A device clock that runs ahead (a `sentAt` in
 * the future) only pulls records back out of the future, never further than their arrival: a
 * device cannot move records it made today onto a day that has closed by claiming a future `sentAt`.
 */
export function correctedTime(deviceMs: number, offset: number, receivedMs: number): number {
  const latest = receivedMs + MAX_CLOCK_SKEW_MS;
  const shifted = deviceMs + offset;
  if (offset < 0) {
    if (deviceMs <= latest) return deviceMs;
    return shifted > latest ? receivedMs : Math.max(shifted, receivedMs);
  }
  if (shifted <= latest) return shifted;
  return deviceMs <= latest ? deviceMs : receivedMs;
}

/**
 * The time a record is stored with, or undefined when it falls outside its stall's window. The
 * corrected time if that is inside; else the device's own time if that is inside and not in the
 * future: a clock correction never moves a record out of its window.
 */
export function recordTime(deviceMs: number, offset: number, receivedMs: number, window: TimeWindow): number | undefined {
  const corrected = correctedTime(deviceMs, offset, receivedMs);
  if (inWindow(corrected, window)) return corrected;
  if (deviceMs <= receivedMs + MAX_CLOCK_SKEW_MS && inWindow(deviceMs, window)) return deviceMs;
  return undefined;
}

/** A validated record of a batch, with its place in the batch and its fingerprint. */
export interface Candidate {
  index: number;
  record: RecordT;
  fingerprint: string;
}

const rawId = (input: unknown): string =>
  typeof input === 'object' && input !== null && 'id' in input && typeof input.id === 'string' ? input.id.slice(0, 100) : '';

const reject = (lang: Lang, code: 'unknown_stall' | 'forbidden_stall' | 'id_conflict' | 'out_of_window' | 'invalid_channel', field: string): Reason => ({
  code,
  field,
  message: t(lang, `sync.${code}`),
});

/** What every row of a batch shares. */
export interface RowContext {
  keys: Keys;
  timeZone: string;
  /** Added to each record's time: the device clock's error, or 0. */
  offset: number;
  receivedAt: string;
  receivedMs: number;
  deviceId: string;
}

/**
 * Turns a validated record into the row stored for it (also the join route's, for a self-registration),
 * at time `at` (default: its corrected time).
 */
export function toRow(c: Candidate, stall: { org_id: string }, ctx: RowContext, iv: Buffer, at?: number): PendingRecord | undefined {
  const r = c.record;
  const deviceMs = Date.parse(r.createdAt);
  if (!Number.isFinite(deviceMs)) return undefined;
  const corrected = new Date(at ?? correctedTime(deviceMs, ctx.offset, ctx.receivedMs));
  if (Number.isNaN(corrected.getTime())) return undefined;
  const day = localDay(corrected, ctx.timeZone);
  const createdAt = corrected.toISOString();
  // One literal for both kinds (no spreading of shared fields: V8 builds such objects slowly).
  const consultation = r.kind === 'consultation';
  const hash = consultation ? null : personHash(ctx.keys.personHash, r.person.idNumber);
  const row: Insertable<RecordsTable> = {
    id: r.id,
    stall_id: r.stallId,
    org_id: stall.org_id,
    day,
    created_at: createdAt,
    device_created_at: r.createdAt,
    received_at: ctx.receivedAt,
    device_id: ctx.deviceId,
    fingerprint: c.fingerprint,
    kind: r.kind,
    channel: consultation ? 'staff' : r.channel,
    occupation: consultation ? null : r.person.occupation,
    topic: consultation ? r.topic : null,
    outcome: 'accepted',
    person_hash: hash,
    person_enc: consultation ? null : encryptPerson(ctx.keys.personEncryption, r.person, iv),
    services: consultation ? null : JSON.stringify(r.services),
    consent: consultation ? null : JSON.stringify(r.consent),
  };
  return { row, personHash: hash };
}

/** Stores one round of records (ids unique in it) and writes their results. */
async function ingestRound(
  deps: IngestDeps,
  { user, lang }: Caller,
  ctx: RowContext,
  round: Candidate[],
  results: SyncResult[],
): Promise<void> {
  // Unknown stalls and stalls outside the caller's subtree are refused.
  const stalls = await loadStalls(deps.storage, round);
  const pending: PendingRecord[] = [];
  const byId = new Map<string, Candidate>();
  const refused: Candidate[] = [];
  // One random draw for the whole round's IVs: the same randomness, a fraction of the calls.
  const ivs = crypto.randomBytes(IV_BYTES * round.length);
  const windows = new Map<string, TimeWindow>();
  for (const [i, c] of round.entries()) {
    const stall = stalls.get(c.record.stallId);
    if (!stall || !pathInScope(user, stall.path)) {
      results[c.index] = { id: c.record.id, status: 'rejected', reason: reject(lang, stall ? 'forbidden_stall' : 'unknown_stall', 'stallId') };
      refused.push(c);
      continue;
    }
    // Self-registrations come through the join route, which sets the channel itself.
    if (c.record.kind === 'enrollment' && c.record.channel !== 'staff') {
      results[c.index] = { id: c.record.id, status: 'rejected', reason: reject(lang, 'invalid_channel', 'channel') };
      refused.push(c);
      continue;
    }
    let window = windows.get(stall.id);
    if (!window) windows.set(stall.id, (window = stallWindow(stall.date, ctx.timeZone)));
    const deviceMs = Date.parse(c.record.createdAt);
    const at = Number.isFinite(deviceMs) ? recordTime(deviceMs, ctx.offset, ctx.receivedMs, window) : undefined;
    if (Number.isFinite(deviceMs) && at === undefined) {
      results[c.index] = { id: c.record.id, status: 'rejected', reason: reject(lang, 'out_of_window', 'createdAt') };
      refused.push(c);
      continue;
    }
    const row = toRow(c, stall, ctx, ivs.subarray(i * IV_BYTES, (i + 1) * IV_BYTES), at);
    if (!row) {
      results[c.index] = { id: c.record.id, status: 'rejected', reason: { code: 'created_at_invalid', field: 'createdAt', message: t(lang, 'validation.created_at_invalid') } };
      continue;
    }
    pending.push(row);
    byId.set(c.record.id, c);
  }

  const first = new Map<string, FirstOutcome>();
  const outcomes = await writeBatch(deps.storage.db, deps.storage.engine, pending, first);
  for (const { row } of pending) {
    const outcome = outcomes.get(row.id)!;
    const index = byId.get(row.id)!.index;
    if (outcome === 'id_conflict') results[index] = { id: row.id, status: 'rejected', reason: reject(lang, 'id_conflict', 'id') };
    else if (outcome === 'duplicate') results[index] = { id: row.id, status: 'duplicate', outcome: first.get(row.id) ?? 'accepted' };
    else results[index] = { id: row.id, status: outcome };
  }

  // Refused (stall, channel, window), yet already stored with this very content: it is there, so say so.
  if (refused.length > 0) {
    const stored = await deps.storage.db
      .selectFrom('records')
      .select(['id', 'fingerprint', 'outcome'])
      .where('id', 'in', refused.map((c) => c.record.id))
      .execute();
    const byStoredId = new Map(stored.map((r) => [r.id, r]));
    for (const c of refused) {
      const row = byStoredId.get(c.record.id);
      if (row?.fingerprint === c.fingerprint) results[c.index] = { id: c.record.id, status: 'duplicate', outcome: row.outcome };
    }
  }
}

/** What a stored record was the first time, from the answer it got. */
const firstOf = (r: SyncResult): FirstOutcome => (r.status === 'existing_member' || r.outcome === 'existing_member' ? 'existing_member' : 'accepted');

/** Loads the batch's stalls with their org paths, in one query. */
async function loadStalls(storage: Storage, candidates: Candidate[]) {
  const ids = [...new Set(candidates.map((c) => c.record.stallId))];
  if (ids.length === 0) return new Map<string, { id: string; org_id: string; date: string; path: string }>();
  const rows = await storage.db
    .selectFrom('stalls')
    .innerJoin('orgs', 'orgs.id', 'stalls.org_id')
    .select(['stalls.id', 'stalls.org_id', 'stalls.date', 'orgs.path'])
    .where('stalls.id', 'in', ids)
    .execute();
  return new Map(rows.map((s) => [s.id, s]));
}

/** Ingests one batch: one result per record, in the order sent, and the server time the records were judged by. */
export async function ingestBatch(
  deps: IngestDeps,
  caller: Caller,
  request: SyncRequest,
  now: Date = new Date(),
): Promise<{ response: SyncResponse; summary: BatchSummary }> {
  const { lang } = caller;
  const results: SyncResult[] = new Array<SyncResult>(request.records.length);
  const ctx = {
    keys: deps.keys,
    timeZone: deps.timeZone,
    offset: clockOffset(now.getTime(), request.sentAt),
    receivedAt: now.toISOString(),
    receivedMs: now.getTime(),
    deviceId: request.deviceId,
  };

  // Validate each record on its own.
  let pending: Candidate[] = [];
  request.records.forEach((input, index) => {
    const v = validateRecord(input, lang);
    if (v.ok) pending.push({ index, record: v.record, fingerprint: recordFingerprint(deps.keys.personHash, v.record) });
    else results[index] = { id: rawId(input), status: 'rejected', reason: v.reason };
  });

  // A batch is judged as if its records came one after another. The same id more than once in a
  // batch (a confused client) is rare, so it is handled in rounds: each round stores the first
  // occurrence of each id; a later copy with content already judged gets that answer again (a
  // stored one as `duplicate`); a later copy with other content waits for the next round.
  const judged = new Map<string, { fingerprint: string; result: SyncResult }[]>();
  while (pending.length > 0) {
    const round: Candidate[] = [];
    const later: Candidate[] = [];
    const inRound = new Set<string>();
    for (const c of pending) {
      const prior = judged.get(c.record.id)?.find((j) => j.fingerprint === c.fingerprint);
      if (prior) results[c.index] = prior.result.status === 'rejected' ? { ...prior.result } : { id: c.record.id, status: 'duplicate', outcome: firstOf(prior.result) };
      else if (inRound.has(c.record.id)) later.push(c);
      else {
        inRound.add(c.record.id);
        round.push(c);
      }
    }
    await ingestRound(deps, caller, ctx, round, results);
    for (const c of round) {
      const list = judged.get(c.record.id) ?? [];
      list.push({ fingerprint: c.fingerprint, result: results[c.index]! });
      judged.set(c.record.id, list);
    }
    pending = later;
  }

  const summary: BatchSummary = { accepted: 0, duplicate: 0, existing_member: 0, rejected: 0 };
  for (const r of results) summary[r.status]++;
  return { response: { serverTime: ctx.receivedAt, results }, summary };
}
