/**
 * The self-registration contract (`GET`/`POST /api/join/:token`): the answers' schemas and types. The
 * server builds its answers against these; the join page reads them through `import type` only, so it
 * ships no schema engine (it is small for weak phones, and the server checks everything anyway).
 */
import { z } from 'zod/mini';

/** `GET /api/join/:token`: the stall behind a join link, for the page's heading. */
export const joinStallSchema = z.object({
  stallId: z.string(),
  /** The stall's name. */
  name: z.string(),
  /** The name of the union (org) running the stall. */
  org: z.string(),
  /** The stall's local day, `YYYY-MM-DD`. */
  date: z.string(),
  location: z.nullable(z.string()),
  /** When the link stops working (ISO-8601). */
  expiresAt: z.string(),
});

/** What the worker shows the staff: enough to recognize the registration, nothing to misuse. */
export const joinReceiptSchema = z.object({
  /** Six characters derived from the record id: the same for every replay. */
  code: z.string(),
  maskedName: z.string(),
  /** The stall's name. */
  stall: z.string(),
  /** When the registration was stored (ISO-8601, server time). */
  at: z.string(),
});

/**
 * `POST /api/join/:token`. `status` is the first outcome, on a replay too (a lost answer, a retry, a
 * double tap): `accepted` (a new member) or `existing_member` (already a member; the sign-up is kept
 * as an event). A replay answers exactly what the first request answered.
 */
export const joinResponseSchema = z.object({
  id: z.string(),
  status: z.enum(['accepted', 'existing_member']),
  receipt: joinReceiptSchema,
});

/** A refusal of the body: the shared validation code, the dotted field and a message in the caller's language. */
export const joinErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.optional(z.string()) }),
});

export type JoinStall = z.output<typeof joinStallSchema>;
export type JoinReceipt = z.output<typeof joinReceiptSchema>;
export type JoinResponse = z.output<typeof joinResponseSchema>;
export type JoinError = z.output<typeof joinErrorSchema>;
