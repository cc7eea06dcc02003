/**
 * Messages between the page and the service worker: one typed union, checked on arrival, so neither
 * side acts on a bare string it half-understands.
 */
import { z } from 'zod/mini';

/**
 * Page → worker: for now the one message, that the user agreed to update (the waiting worker takes
 * over now). A second one makes this a `z.discriminatedUnion('type', […])`.
 */
export const toWorkerMessage = z.object({ type: z.literal('skip-waiting') });
export type ToWorkerMessage = z.infer<typeof toWorkerMessage>;

/**
 * The same check by hand, for the worker, which carries no zod (see sync-response-check.ts); the
 * schema stays the contract and tests/unit/shared/sync-response-check.test.ts holds the two equal.
 */
export const isToWorkerMessage = (data: unknown): data is ToWorkerMessage =>
  typeof data === 'object' && data !== null && !Array.isArray(data) && (data as { type?: unknown }).type === 'skip-waiting';
