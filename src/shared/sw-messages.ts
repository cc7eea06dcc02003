/**
 * Messages between the page and the service worker: one typed union, checked on arrival, so neither
 * side acts on a bare string it half-understands.
 */
import { z } from 'zod/mini';

/** Page → worker. */
export const toWorkerMessage = z.discriminatedUnion('type', [
  /** The user agreed to update: the waiting worker takes over now. */
  z.object({ type: z.literal('skip-waiting') }),
  /** Ask the worker which version it serves. */
  z.object({ type: z.literal('get-version') }),
]);
export type ToWorkerMessage = z.infer<typeof toWorkerMessage>;

/** Worker → page. */
export const fromWorkerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('version'), version: z.string() }),
]);
export type FromWorkerMessage = z.infer<typeof fromWorkerMessage>;
