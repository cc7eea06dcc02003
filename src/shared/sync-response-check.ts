/**
 * The answer to POST /api/sync checked by hand, for the service worker, which then carries no zod
 * (a third of its size). `syncResponseSchema` (sync-response.ts) stays the contract: this accepts what
 * it accepts and returns what it returns, unknown keys dropped, and
 * tests/unit/shared/sync-response-check.test.ts holds the two equal on generated answers. The
 * datetime pattern is zod's own, as `z.iso.datetime({ offset: true })` builds it.
 */
import { regexes } from 'zod/v4/core';
import { SYNC_STATUSES } from './enums';
import type { SyncResponse, SyncResult } from './sync-response';

const serverTimePattern = regexes.datetime({ offset: true, local: false, precision: null });
const outcomes: readonly unknown[] = ['accepted', 'existing_member'] satisfies SyncResult['outcome'][];
const statuses: readonly unknown[] = SYNC_STATUSES;

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

function reasonOf(v: unknown): SyncResult['reason'] | null {
  if (!isObject(v) || !isString(v.code) || !isString(v.message) || !(v.field === undefined || isString(v.field))) return null;
  return { code: v.code, ...(v.field !== undefined ? { field: v.field } : {}), message: v.message };
}

function resultOf(v: unknown): SyncResult | null {
  if (!isObject(v) || !isString(v.id) || !statuses.includes(v.status)) return null;
  if (v.outcome !== undefined && !outcomes.includes(v.outcome)) return null;
  const reason = v.reason === undefined ? undefined : reasonOf(v.reason);
  if (reason === null) return null;
  return {
    id: v.id,
    status: v.status as SyncResult['status'],
    ...(v.outcome !== undefined ? { outcome: v.outcome as SyncResult['outcome'] } : {}),
    ...(reason ? { reason } : {}),
  };
}

/** The answer as `syncResponseSchema` parses it, or undefined where the schema would refuse it. */
export function checkSyncResponse(body: unknown): SyncResponse | undefined {
  if (!isObject(body) || !isString(body.serverTime) || !serverTimePattern.test(body.serverTime) || !Array.isArray(body.results)) return undefined;
  const results: SyncResult[] = [];
  for (const r of body.results as unknown[]) {
    const result = resultOf(r);
    if (!result) return undefined;
    results.push(result);
  }
  return { serverTime: body.serverTime, results };
}
