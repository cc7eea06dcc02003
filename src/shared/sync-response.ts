/**
 * The answer to POST /api/sync, apart from the record schemas: the service worker checks it on
 * every send and carries nothing else of the record contract.
 */
import { z } from 'zod/mini';
import { SYNC_STATUSES } from './enums';

/** The outcome for one record of a sync. */
export const syncResultSchema = z.object({
  id: z.string(),
  status: z.enum(SYNC_STATUSES),
  /** On a `duplicate`: what the record was when first stored. */
  outcome: z.optional(z.enum(['accepted', 'existing_member'])),
  reason: z.optional(z.object({ code: z.string(), field: z.optional(z.string()), message: z.string() })),
});

/** The answer to POST /api/sync: one result per record, in the order sent. */
export const syncResponseSchema = z.object({
  serverTime: z.iso.datetime({ offset: true }),
  results: z.array(syncResultSchema),
});

export type SyncResult = z.output<typeof syncResultSchema>;
export type SyncResponse = z.output<typeof syncResponseSchema>;
