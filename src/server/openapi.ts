/**
 * The OpenAPI 3.1 document of the whole API (`GET /api/openapi.json`), generated from the zod schemas
 * the routes validate with and answer by (src/shared), through zod's own `z.toJSONSchema`: the shapes
 * are never written out by hand, so the document cannot drift from what the server checks. This file
 * only says, per route, which schema is its query, body and answer, who may call it and which
 * statuses it answers. A test walks the app's registered routes and fails on one missing here.
 *
 * Schemas are written as the input side (`io: "input"`): what a caller sends, before the server's
 * normalization (a phone with `+86` and spaces, a lower-case `x` in an ID number). Checks that JSON
 * Schema cannot say (an ID number's check digit, a birth date that agrees with it) are the
 * server's, and answer 400 with the reason.
 */
import { z } from 'zod/mini';
import {
  createOrgBodySchema,
  createStallBodySchema,
  createUserBodySchema,
  importResultSchema,
  loginBodySchema,
  loginResponseSchema,
  meResponseSchema,
  orgViewSchema,
  revokeResultSchema,
  stallViewSchema,
  userListItemSchema,
  userViewSchema,
} from '../shared/accounts';
import { accountStateSchema, changePasswordBodySchema, deviceListSchema, endedSessionsSchema, temporaryPasswordBodySchema } from '../shared/account-actions';
import { auditPageSchema, auditQuerySchema, HAS_MORE_HEADER, NEXT_CURSOR_HEADER, stallListQuerySchema } from '../shared/paging';
import { joinResponseSchema, joinStallSchema } from '../shared/join';
import { MAX_BATCH, recordSchema, selfRegistrationSchema, syncRequestSchema, syncResponseSchema } from '../shared/records';
import { rosterQuerySchema } from '../shared/roster';
import { stallTodaySchema } from '../shared/stall-today';
import { statsExportQuerySchema, statsQuerySchema, statsResponseSchema } from '../shared/stats';
import { VERSION } from './version';

type Schema = z.ZodMiniType;
type Who = 'anyone' | 'signed in' | 'staff' | 'supervisor' | 'admin';

/** One answer of a route: a JSON schema, or another media type (a download, CSV, text). */
interface Answer {
  description: string;
  schema?: Schema;
  /** Media type when not JSON. */
  type?: string;
}

/** One route of the API, as the document shows it. */
export interface RouteDoc {
  method: 'get' | 'post';
  /** Hono's form: `/api/users/:id/revoke`. */
  path: string;
  summary: string;
  who: Who[];
  query?: Schema;
  /** Descriptions of query fields, by name. */
  queryNotes?: Record<string, string>;
  /** Path parameters, by name, with their schema. */
  params?: Record<string, Schema>;
  body?: { schema?: Schema; type?: string; description?: string };
  responses: Record<number, Answer>;
}

// Answers that have no schema of their own in src/shared: small enough to state here, still as zod.
const okSchema = z.object({ ok: z.literal(true) });
const healthSchema = z.object({ ok: z.boolean(), db: z.enum(['sqlite', 'postgres']), version: z.string() });
const liveSchema = z.object({ ok: z.literal(true), version: z.string() });
const readySchema = z.looseObject({ ok: z.boolean(), db: z.enum(['sqlite', 'postgres']), version: z.string() });
/** Every error: `{ error: { code, message } }` (a join refusal also names the `field`). */
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.optional(z.string()) }),
});

/** The sync body as documented: each record by the record schema (the server checks each on its own, so one bad record never sinks the batch). */
export const syncBodyDocSchema = z.extend(syncRequestSchema, {
  records: z.array(recordSchema).check(z.minLength(1), z.maxLength(MAX_BATCH)),
});

const uuidParam = z.uuid();
const tokenParam = z.string();
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const ok = (description: string, schema?: Schema): Answer => ({ description, ...(schema ? { schema } : {}) });
const E400 = { 400: ok('Bad input, with the reason (`error.code`, `error.message`)') };
const E401 = { 401: ok('Not signed in, or the token is no longer valid') };
const E403 = { 403: ok('Signed in, but this role or scope may not') };
const SIGNED = { ...E401, ...E403 };

const rangeNotes = {
  from: 'First day, `YYYY-MM-DD` in the server time zone (Asia/Shanghai by default), included; default: `to`',
  to: 'Last day, included; default: today (or `from` when that is later)',
};
const statsNotes = {
  ...rangeNotes,
  group: 'Comma list of `day`, `district`, `street`, `stall`, `occupation`, `channel`',
};
const exportNotes = { ...statsNotes, lang: 'Headers and names: `zh` (default) or `en`' };

/** Every route of the API. */
export const ROUTES: RouteDoc[] = [
  { method: 'get', path: '/api/health', summary: 'Health and engine', who: ['anyone'], responses: { 200: ok('Up', healthSchema), 503: ok('The store does not answer', healthSchema) } },
  { method: 'get', path: '/api/health/live', summary: 'Liveness: the process answers', who: ['anyone'], responses: { 200: ok('Alive', liveSchema) } },
  { method: 'get', path: '/api/health/ready', summary: 'Readiness: the store answers and takes work', who: ['anyone'], responses: { 200: ok('Ready', readySchema), 503: ok('Not ready', readySchema) } },
  {
    method: 'post', path: '/api/auth/login', summary: 'Sign in: a bearer token, and a device cookie (HttpOnly, Path=/api/auth) that spares this browser lock-outs caused elsewhere', who: ['anyone'], body: { schema: loginBodySchema },
    responses: { 200: ok('Signed in', loginResponseSchema), ...E400, 401: ok('Wrong username or password'), 415: ok('Not JSON'), 429: ok('Too many failed sign-ins for this username, address or device cookie; see Retry-After') },
  },
  { method: 'post', path: '/api/auth/logout', summary: 'Revoke this token', who: ['signed in'], responses: { 200: ok('Signed out', okSchema), ...E401 } },
  { method: 'get', path: '/api/me', summary: 'The caller, their org and its stalls of today and later', who: ['signed in'], responses: { 200: ok('The caller', meResponseSchema), ...E401 } },
  { method: 'get', path: '/api/orgs', summary: "Orgs of the caller's subtree", who: ['signed in'], responses: { 200: ok('The orgs', z.array(orgViewSchema)), ...E401 } },
  {
    method: 'post', path: '/api/orgs', summary: 'Create an org', who: ['admin'], body: { schema: createOrgBodySchema },
    responses: { 201: ok('Created', orgViewSchema), ...E400, ...SIGNED, 404: ok('Unknown parent'), 409: ok('Code taken') },
  },
  {
    method: 'post', path: '/api/orgs/import', summary: 'Import orgs from CSV (`code,name,level,parentCode`, header row)', who: ['admin'],
    body: { type: 'text/csv', description: 'CSV text, UTF-8' },
    responses: { 200: ok('What was created, skipped, and refused per line', importResultSchema), ...E400, ...SIGNED, 415: ok('Not CSV text') },
  },
  { method: 'get', path: '/api/users', summary: "Users of the caller's subtree", who: ['admin'], responses: { 200: ok('The users', z.array(userListItemSchema)), ...SIGNED } },
  {
    method: 'post', path: '/api/users', summary: 'Create a user', who: ['admin'], body: { schema: createUserBodySchema },
    responses: { 201: ok('Created', userViewSchema), ...E400, ...SIGNED, 404: ok('Unknown org'), 409: ok('Username taken') },
  },
  {
    method: 'post', path: '/api/users/:id/revoke', summary: "End every session of a user (a lost device)", who: ['admin'], params: { id: uuidParam },
    responses: { 200: ok('Sessions ended', revokeResultSchema), ...E400, ...SIGNED, 404: ok('Unknown user') },
  },
  {
    method: 'post', path: '/api/users/:id/disable', summary: 'Disable a user: every session ends, sign-in is refused (403 account_disabled)', who: ['admin'], params: { id: uuidParam },
    responses: { 200: ok('Disabled', accountStateSchema), ...E400, ...SIGNED, 404: ok('Unknown user') },
  },
  {
    method: 'post', path: '/api/users/:id/enable', summary: 'Enable a disabled user again', who: ['admin'], params: { id: uuidParam },
    responses: { 200: ok('Enabled', accountStateSchema), ...E400, ...SIGNED, 404: ok('Unknown user') },
  },
  {
    method: 'post', path: '/api/users/:id/password', summary: 'Set a temporary password: every session ends; the next sign-in must change it', who: ['admin'],
    params: { id: uuidParam }, body: { schema: temporaryPasswordBodySchema },
    responses: { 200: ok('Set; sessions ended', endedSessionsSchema), ...E400, ...SIGNED, 404: ok('Unknown user') },
  },
  {
    method: 'get', path: '/api/users/:id/devices', summary: "A user's signed-in devices (live sessions), newest first", who: ['admin'], params: { id: uuidParam },
    responses: { 200: ok('The devices', deviceListSchema), ...E400, ...SIGNED, 404: ok('Unknown user') },
  },
  {
    method: 'post', path: '/api/users/:id/devices/:sessionId/revoke', summary: "End one of a user's devices", who: ['admin'],
    params: { id: uuidParam, sessionId: uuidParam },
    responses: { 200: ok('Ended', endedSessionsSchema), ...E400, ...SIGNED, 404: ok('Unknown user or device') },
  },
  {
    method: 'post', path: '/api/me/password', summary: "Change one's own password (the one route open with a temporary password); other sessions end", who: ['signed in'],
    body: { schema: changePasswordBodySchema },
    responses: { 200: ok('Changed; other sessions ended', endedSessionsSchema), ...E400, ...E401, 429: ok('Too many wrong current passwords; see Retry-After') },
  },
  { method: 'get', path: '/api/me/devices', summary: "The caller's signed-in devices, this one marked `current`", who: ['signed in'], responses: { 200: ok('The devices', deviceListSchema), ...SIGNED } },
  {
    method: 'post', path: '/api/me/devices/:id/revoke', summary: "End one of the caller's devices", who: ['signed in'], params: { id: uuidParam },
    responses: { 200: ok('Ended', endedSessionsSchema), ...E400, ...SIGNED, 404: ok('Unknown device') },
  },
  {
    method: 'get', path: '/api/stalls', summary: "Stalls of the caller's scope in a day range, a page at a time", who: ['signed in'], query: stallListQuerySchema,
    queryNotes: { ...rangeNotes, cursor: `The ${NEXT_CURSOR_HEADER} header of the previous page`, limit: 'Stalls per page' },
    responses: { 200: ok(`The stalls of this page; ${HAS_MORE_HEADER}: 1 and ${NEXT_CURSOR_HEADER} when more follow`, z.array(stallViewSchema)), ...E400, ...E401 },
  },
  {
    method: 'post', path: '/api/stalls', summary: 'Create a stall and its join link', who: ['staff', 'supervisor', 'admin'], body: { schema: createStallBodySchema },
    responses: { 201: ok('Created', stallViewSchema), ...E400, ...SIGNED, 404: ok('Unknown org') },
  },
  {
    method: 'get', path: '/api/stalls/:id/today', summary: "A stall's counts for today, all devices together", who: ['signed in'], params: { id: uuidParam },
    responses: { 200: ok("Today's counts", stallTodaySchema), ...E400, ...SIGNED, 404: ok('Unknown stall') },
  },
  {
    method: 'get', path: '/api/audit', summary: 'The audit log of a day range (default: the last 7 days), a page at a time', who: ['admin'], query: auditQuerySchema,
    queryNotes: { ...rangeNotes, cursor: '`next` of the previous page', limit: 'Entries per page' },
    responses: { 200: ok('Entries, newest first, and the cursor of the next page', auditPageSchema), ...E400, ...SIGNED },
  },
  {
    method: 'post', path: '/api/sync', summary: 'Send a batch of records from a device (1–500); one result per record', who: ['staff', 'supervisor'], body: { schema: syncBodyDocSchema },
    responses: {
      200: ok('One result per record, in order: accepted, duplicate, existing_member or rejected (with the reason)', syncResponseSchema),
      ...E400, ...SIGNED, 413: ok('Body too large'), 415: ok('Not JSON, or an encoding the server does not take'), 503: ok('Busy; see Retry-After'),
    },
  },
  {
    method: 'get', path: '/api/join/:token', summary: 'The stall behind a join link', who: ['anyone'], params: { token: tokenParam },
    responses: { 200: ok('The stall', joinStallSchema), 404: ok('Unknown or forged link'), 410: ok('The link has expired') },
  },
  {
    method: 'post', path: '/api/join/:token', summary: 'Register oneself through a join link', who: ['anyone'], params: { token: tokenParam }, body: { schema: selfRegistrationSchema },
    responses: {
      200: ok('Stored (or a replay of a stored one): the receipt', joinResponseSchema), ...E400, 404: ok('Unknown or forged link'), 410: ok('The link has expired'),
      413: ok('Body too large'), 415: ok('Not JSON'), 429: ok('Too many requests; see Retry-After'),
    },
  },
  {
    method: 'get', path: '/api/stats', summary: "Sign-ups and consultations of the caller's subtree, grouped", who: ['supervisor', 'admin'], query: statsQuerySchema, queryNotes: statsNotes,
    responses: { 200: ok('Rows sorted by their keys, and the totals', statsResponseSchema), ...E400, ...SIGNED },
  },
  {
    method: 'get', path: '/api/stats.csv', summary: 'The same rows as CSV (UTF-8 with BOM, CRLF)', who: ['supervisor', 'admin'], query: statsExportQuerySchema, queryNotes: exportNotes,
    responses: { 200: { description: 'CSV download', type: 'text/csv; charset=utf-8' }, ...E400, ...SIGNED },
  },
  {
    method: 'get', path: '/api/stats.xlsx', summary: 'The same rows as XLSX, with a totals row', who: ['supervisor', 'admin'], query: statsExportQuerySchema, queryNotes: exportNotes,
    responses: { 200: { description: 'XLSX download', type: XLSX }, ...E400, ...SIGNED },
  },
  {
    method: 'get', path: '/api/members.xlsx', summary: "Roster of the new members of the caller's subtree (audited with the reason)", who: ['admin'], query: rosterQuerySchema,
    queryNotes: {
      ...rangeNotes,
      reason: 'Why the roster is exported, 2–200 characters; kept in the audit log',
      full: '`1` for full ID numbers and phones; `0` (default) masks them',
      lang: 'Headers and names: `zh` (default) or `en`',
    },
    responses: { 200: { description: 'XLSX download', type: XLSX }, ...E400, ...SIGNED, 429: ok('Too many exports by this admin; see Retry-After') },
  },
  {
    method: 'get', path: '/api/openapi.json', summary: 'This document', who: ['anyone'],
    responses: { 200: { description: 'OpenAPI 3.1', type: 'application/json' } },
  },
  {
    method: 'get', path: '/metrics', summary: 'Prometheus metrics (no personal data)', who: ['anyone'],
    responses: { 200: { description: 'Prometheus text format', type: 'text/plain; version=0.0.4; charset=utf-8' } },
  },
];

type Json = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1), input side, without `$schema`. */
export function jsonSchema(schema: Schema): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
}

/** `/api/users/:id/revoke` → `/api/users/{id}/revoke`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}');

function operation(route: RouteDoc): Json {
  const parameters: Json[] = [];
  for (const [name, schema] of Object.entries(route.params ?? {})) {
    parameters.push({ name, in: 'path', required: true, schema: jsonSchema(schema) });
  }
  if (route.query) {
    const q = jsonSchema(route.query) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      const description = route.queryNotes?.[name];
      parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema, ...(description ? { description } : {}) });
    }
  }
  const responses: Json = {};
  for (const [status, answer] of Object.entries(route.responses)) {
    const isError = Number(status) >= 400;
    const schema = answer.schema ? jsonSchema(answer.schema) : isError ? { $ref: '#/components/schemas/Error' } : undefined;
    responses[status] = {
      description: answer.description,
      ...(schema || answer.type ? { content: { [answer.type ?? 'application/json']: schema ? { schema } : {} } } : {}),
    };
  }
  const open = route.who.includes('anyone');
  return {
    operationId: `${route.method}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: route.summary,
    description: `Who: ${route.who.join(', ')}.`,
    tags: [route.path.split('/')[2]?.replace(/\..*$/, '') ?? 'api'],
    ...(open ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            ...(route.body.description ? { description: route.body.description } : {}),
            content: { [route.body.type ?? 'application/json']: { schema: route.body.schema ? jsonSchema(route.body.schema) : { type: 'string' } } },
          },
        }
      : {}),
    responses,
  };
}

/** The document. */
export function openApiDocument(routes: RouteDoc[] = ROUTES): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const key = openApiPath(route.path);
    paths[key] = { ...paths[key], [route.method]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ruhui API',
      version: VERSION,
      description:
        'Offline-first union enrollment: stalls, records sent by devices, self-registration, stats and exports. ' +
        'JSON under /api with `Authorization: Bearer <token>` from POST /api/auth/login. Errors are `{ error: { code, message } }`, ' +
        'messages in the language of Accept-Language (zh by default).',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from POST /api/auth/login' } },
      schemas: { Error: jsonSchema(errorBodySchema) },
    },
  };
}
