/**
 * Cursor paging of list routes (`GET /api/audit`, `GET /api/stalls`): `?cursor=&limit=`. A cursor is
 * opaque to clients (the server encodes where the page ended); a list answers whether there is more
 * and never stops silently at a cap. `limit` has a default and a most, both per list.
 */
import { z } from 'zod/mini';
import { auditEntrySchema, daySchema } from './accounts';

const BAD_CURSOR = { error: 'paging.invalid.cursor', params: { code: 'bad_cursor' } };

/** An opaque cursor as it travels: base64url, short. Its content is checked by the server that made it. */
export const cursorParamSchema = z.string(BAD_CURSOR).check(z.refine((v: string) => /^[A-Za-z0-9_-]{1,512}$/.test(v), BAD_CURSOR));

/** `?limit=` of a list whose pages hold at most `max` items: a whole number from 1 to `max`. */
export const limitParamSchema = (max: number) =>
  z.pipe(
    z.string().check(z.refine((v: string) => /^[1-9]\d{0,5}$/.test(v) && Number(v) <= max, { error: 'paging.invalid.limit', params: { max } })),
    z.transform((s: string) => Number(s)),
  );

/** Most audit entries in one page, and the page size when `limit` is not given. */
export const AUDIT_PAGE_MAX = 500;
export const AUDIT_PAGE_DEFAULT = 100;
/** Most stalls in one page (also the default: a stall phone and the admin list walk the pages). */
export const STALL_PAGE_MAX = 1000;

/** The actions the audit screen offers as a filter (the server accepts any well-formed action name). */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.login_throttled',
  'auth.logout',
  'user.create',
  'user.revoke',
  'org.create',
  'org.import',
  'stall.create',
  'stats.export',
  'members.export',
] as const;

const range = { from: z.optional(daySchema), to: z.optional(daySchema) };
const fromBeforeTo = z.refine<{ from?: string | undefined; to?: string | undefined }>((q) => !q.from || !q.to || q.from <= q.to, {
  error: 'accounts.invalid.range',
  path: ['to'],
});

/** `GET /api/audit?from=&to=&userId=&action=&cursor=&limit=` (admin). */
export const auditQuerySchema = z
  .object({
    ...range,
    userId: z.optional(z.uuid({ error: 'paging.invalid.user' })),
    action: z.optional(z.string().check(z.regex(/^[a-z_]{1,32}\.[a-z_]{1,32}$/, { error: 'paging.invalid.action' }))),
    cursor: z.optional(cursorParamSchema),
    limit: z.optional(limitParamSchema(AUDIT_PAGE_MAX)),
  })
  .check(fromBeforeTo);

/** `GET /api/stalls?from=&to=&cursor=&limit=`. */
export const stallListQuerySchema = z
  .object({ ...range, cursor: z.optional(cursorParamSchema), limit: z.optional(limitParamSchema(STALL_PAGE_MAX)) })
  .check(fromBeforeTo);

/** One page of `GET /api/audit`: the entries, newest first; `next` is the cursor of the next page (null on the last); `hasMore` says the same. */
export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  next: z.nullable(z.string()),
  hasMore: z.boolean(),
});

/**
 * `GET /api/stalls` keeps its body (the array of stalls, as before paging) and says where the page
 * ended in headers: `X-Has-More: true|false`, and `X-Next-Cursor` when there is more.
 */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';
export const HAS_MORE_HEADER = 'X-Has-More';

export type AuditPage = z.output<typeof auditPageSchema>;
export type AuditQuery = z.output<typeof auditQuerySchema>;

/** `path` with `cursor` added to its query (none for the first page). */
export function withCursor(path: string, cursor: string | null): string {
  if (cursor === null) return path;
  return `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;
}

/**
 * Every item of a paged list: asks page after page until an answer has no next cursor. A cursor
 * answered twice stops the walk with an error rather than looping.
 */
export async function collectPages<T>(fetchPage: (cursor: string | null) => Promise<{ items: T[]; next: string | null }>): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const page: { items: T[]; next: string | null } = await fetchPage(cursor);
    all.push(...page.items);
    cursor = page.next;
    if (cursor !== null && seen.has(cursor)) throw new Error('paging did not advance');
    if (cursor !== null) seen.add(cursor);
  } while (cursor !== null);
  return all;
}
