/**
 * The admin pages' calls: org tree, CSV import, users, stalls. Answers are checked against the shared
 * schemas on arrival; errors carry the server's message, already in the user's language.
 */
import { z } from 'zod/mini';
import {
  importResultSchema,
  orgViewSchema,
  revokeResultSchema,
  stallViewSchema,
  userListItemSchema,
  userViewSchema,
  type ChildLevel,
  type Role,
} from '../../shared/accounts';
import type { Lang } from '../../shared/i18n';
import { NEXT_CURSOR_HEADER, auditPageSchema, collectPages, withCursor, type AuditQuery } from '../../shared/paging';

/** A refused or failed call: the HTTP status, the server's code and its message. */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** The admin API bound to one token and language. */
export function adminApi(token: string, lang: Lang) {
  /** `page`, when given, receives the next page's cursor of a paged list (`X-Next-Cursor`). */
  async function call<T>(schema: z.ZodMiniType<T>, path: string, init: { method?: string; json?: unknown; csv?: Blob; page?: { next: string | null } } = {}): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, 'Accept-Language': lang === 'en' ? 'en' : 'zh-CN' };
    let body: BodyInit | undefined;
    if (init.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.csv) {
      headers['Content-Type'] = 'text/csv';
      body = init.csv;
    }
    let res: Response;
    try {
      res = await fetch(path, { method: init.method ?? 'GET', headers, body });
    } catch (error) {
      throw new AdminApiError(0, 'network', error instanceof Error ? error.message : 'network error');
    }
    const answer: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const parsed = errorSchema.safeParse(answer);
      throw parsed.success
        ? new AdminApiError(res.status, parsed.data.error.code, parsed.data.error.message)
        : new AdminApiError(res.status, `http_${res.status}`, res.statusText || String(res.status));
    }
    const parsed = schema.safeParse(answer);
    if (!parsed.success) throw new AdminApiError(res.status, 'bad_response', 'unexpected response');
    if (init.page) init.page.next = res.headers.get(NEXT_CURSOR_HEADER);
    return parsed.data;
  }

  return {
    orgs: () => call(z.array(orgViewSchema), '/api/orgs'),
    createOrg: (body: { parentId: string; name: string; level: ChildLevel; code: string }) =>
      call(orgViewSchema, '/api/orgs', { method: 'POST', json: body }),
    importOrgs: (file: Blob) => call(importResultSchema, '/api/orgs/import', { method: 'POST', csv: file }),
    users: () => call(z.array(userListItemSchema), '/api/users'),
    createUser: (body: { username: string; password: string; role: Role; orgId: string }) =>
      call(userViewSchema, '/api/users', { method: 'POST', json: body }),
    revokeUser: (id: string) => call(revokeResultSchema, `/api/users/${encodeURIComponent(id)}/revoke`, { method: 'POST' }),
    /** Every stall from today on, all pages. */
    stalls: () =>
      collectPages(async (cursor) => {
        const page = { next: null as string | null };
        const items = await call(z.array(stallViewSchema), withCursor('/api/stalls', cursor), { page });
        return { items, next: page.next };
      }),
    /** One page of the audit log for the filters, from `cursor` (null: the first page). */
    audit: (filters: Omit<AuditQuery, 'cursor'>, cursor: string | null) => {
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== '') query.set(k, String(v));
      return call(auditPageSchema, withCursor(`/api/audit?${query}`, cursor));
    },
    createStall: (body: { name: string; orgId: string; date: string; location?: string }) =>
      call(stallViewSchema, '/api/stalls', { method: 'POST', json: body }),
  };
}

/** The admin API's type, for the panels. */
export type AdminApi = ReturnType<typeof adminApi>;
