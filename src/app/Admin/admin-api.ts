/**
 * The admin pages' calls: org tree, CSV import, users and their accounts, stalls, the audit log.
 * Through the one client (../http.ts): answers checked against the shared schemas, refusals carry the
 * server's message, already in the user's language.
 */
import { z } from 'zod/mini';
import {
  importResultSchema,
  orgViewSchema,
  revokeResultSchema,
  stallViewSchema,
  userListItemSchema,
  userViewSchema,
  type CreateOrgBody,
  type CreateStallBody,
  type CreateUserBody,
} from '../../shared/accounts';
import { accountStateSchema, deviceListSchema, endedSessionsSchema } from '../../shared/account-actions';
import type { Lang } from '../../shared/i18n/define';
import { auditPageSchema, withCursor, type AuditQuery } from '../../shared/paging';
import { call, callAllPages, type CallInit } from '../http';

const user = (id: string, rest = '') => `/api/users/${encodeURIComponent(id)}${rest}`;

/** The admin API bound to one token and language. */
export function adminApi(token: string, lang: Lang) {
  const init = (more: Omit<CallInit, 'token' | 'lang'> = {}): CallInit => ({ ...more, token, lang });
  const post = (json?: unknown) => init({ method: 'POST', json });

  return {
    orgs: () => call(z.array(orgViewSchema), '/api/orgs', init()),
    createOrg: (body: CreateOrgBody) => call(orgViewSchema, '/api/orgs', post(body)),
    importOrgs: (file: Blob) => call(importResultSchema, '/api/orgs/import', init({ method: 'POST', file, fileType: 'text/csv' })),
    users: () => call(z.array(userListItemSchema), '/api/users', init()),
    createUser: (body: CreateUserBody) => call(userViewSchema, '/api/users', post(body)),
    revokeUser: (id: string) => call(revokeResultSchema, user(id, '/revoke'), post()),
    disableUser: (id: string) => call(accountStateSchema, user(id, '/disable'), post()),
    enableUser: (id: string) => call(accountStateSchema, user(id, '/enable'), post()),
    setTemporaryPassword: (id: string, password: string) => call(endedSessionsSchema, user(id, '/password'), post({ password })),
    userDevices: (id: string) => call(deviceListSchema, user(id, '/devices'), init()),
    endUserDevice: (id: string, sessionId: string) =>
      call(endedSessionsSchema, user(id, `/devices/${encodeURIComponent(sessionId)}/revoke`), post()),
    /** Every stall from today on, all pages. */
    stalls: () => callAllPages(stallViewSchema, '/api/stalls', init()),
    /** One page of the audit log for the filters, from `cursor` (null: the first page). */
    audit: (filters: Omit<AuditQuery, 'cursor'>, cursor: string | null) => {
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== '') query.set(k, String(v));
      return call(auditPageSchema, withCursor(`/api/audit?${query}`, cursor), init());
    },
    createStall: (body: CreateStallBody) => call(stallViewSchema, '/api/stalls', post(body)),
  };
}

/** The admin API's type, for the panels. */
export type AdminApi = ReturnType<typeof adminApi>;
