/**
 * Opaque cursors of paged lists: base64url JSON of where the last page ended (its sort keys), with the
 * list's name, so a cursor of one list is refused by another. A cursor that does not decode to its
 * list's shape is a 400 `bad_cursor`, never a 5xx and never a silent first page.
 */
import { z } from 'zod/mini';
import { badRequest } from './errors';

/** Encodes the position `keys` of list `list` as a cursor. */
export function encodeCursor(list: string, keys: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify({ l: list, k: keys }), 'utf8').toString('base64url');
}

/** Decodes a cursor of list `list` whose keys match `keys`, or throws 400 `bad_cursor`. */
export function decodeCursor<K extends z.ZodMiniType>(list: string, keys: K, cursor: string): z.output<K> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('paging.invalid.cursor', 'bad_cursor');
  }
  const envelope = z.object({ l: z.literal(list), k: z.unknown() }).safeParse(raw);
  const parsed = envelope.success ? keys.safeParse(envelope.data.k) : null;
  if (!parsed?.success) throw badRequest('paging.invalid.cursor', 'bad_cursor');
  return parsed.data as z.output<K>;
}
