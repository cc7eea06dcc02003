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

