/**
 * The app's calls to the server outside sync: sign-in, who am I (with the org's stalls), sign-out.
 * Bodies are checked on arrival (zod/mini), never cast. The contract is DESIGN.md's HTTP API.
 */
import { z } from 'zod/mini';
import type { Lang } from '../shared/i18n';
import { NEXT_CURSOR_HEADER, collectPages, withCursor } from '../shared/paging';
import { stallTodaySchema, type StallToday } from '../shared/stall-today';
import type { CachedStall, SessionUser } from '../offline/db';

/** The server answered with an error (`{ error: { code, message } }`) or an unexpected body. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds the server asked to wait (Retry-After on a 429 or 503), when it said. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** The request never reached the server (offline, DNS, connection refused). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: z.enum(['staff', 'supervisor', 'admin']),
  orgId: z.string(),
});
const loginSchema = z.object({ token: z.string(), user: userSchema });
const stallSchema = z.object({
  id: z.string(),
  name: z.string(),
  orgId: z.string(),
  date: z.string(),
  location: z.optional(z.nullable(z.string())),
  joinUrl: z.optional(z.string()),
  joinToken: z.optional(z.string()),
});
const meSchema = z.object({
  user: userSchema,
  org: z.optional(z.nullable(z.object({ id: z.string(), name: z.string() }))),
  stalls: z.array(stallSchema),
});
const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** `page`, when given, receives the next page's cursor of a paged list (`X-Next-Cursor`, null on the last page). */
async function call<T>(schema: z.ZodMiniType<T>, path: string, init: RequestInit & { token?: string; lang: Lang; page?: { next: string | null } }): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('Accept-Language', init.lang === 'en' ? 'en' : 'zh-CN');
  if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch (error) {
    throw new NetworkError(error instanceof Error ? error.message : 'network error');
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const parsed = errorSchema.safeParse(body);
    const wait = /^\d{1,9}$/.test(res.headers.get('retry-after') ?? '') ? Number(res.headers.get('retry-after')) : undefined;
    throw parsed.success
      ? new ApiCallError(res.status, parsed.data.error.code, parsed.data.error.message, wait)
      : new ApiCallError(res.status, 'http_' + res.status, res.statusText || String(res.status), wait);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiCallError(res.status, 'bad_response', 'unexpected response');
  if (init.page) init.page.next = res.headers.get(NEXT_CURSOR_HEADER);
  return parsed.data;
}

/** `POST /api/auth/login`. */
export function login(username: string, password: string, lang: Lang): Promise<{ token: string; user: SessionUser }> {
  return call(loginSchema, '/api/auth/login', { method: 'POST', body: JSON.stringify({ username, password }), lang });
}

/** `GET /api/me`: the user, their org and the org's stalls for today and later. */
export async function fetchMe(token: string, lang: Lang): Promise<{ user: SessionUser; orgName?: string; stalls: CachedStall[] }> {
  const me = await call(meSchema, '/api/me', { token, lang });
  return {
    user: me.user,
    ...(me.org?.name ? { orgName: me.org.name } : {}),
    stalls: me.stalls.map(({ location, joinUrl, joinToken, ...s }) => ({
      ...s,
      ...(location ? { location } : {}),
      ...(joinUrl ? { joinUrl } : {}),
      ...(joinToken ? { joinToken } : {}),
    })),
  };
}

/** `POST /api/auth/logout`: revokes the token; best effort (signing out works offline too). */
export async function logout(token: string, lang: Lang): Promise<void> {
  await call(z.unknown(), '/api/auth/logout', { method: 'POST', token, lang }).catch(() => undefined);
}

const stallListSchema = z.array(stallSchema);
const joinStallSchema = z.object({ stallId: z.string(), name: z.string(), org: z.string(), date: z.string() });

/** `GET /api/stalls?from=`: every stall in the caller's scope from a day on, all pages (the QR screen of a stall not cached here). */
export async function fetchStalls(token: string, lang: Lang, from: string): Promise<CachedStall[]> {
  const list = await collectPages(async (cursor) => {
    const page = { next: null as string | null };
    const items = await call(stallListSchema, withCursor(`/api/stalls?from=${encodeURIComponent(from)}`, cursor), { token, lang, page });
    return { items, next: page.next };
  });
  return list.map((s) => ({ ...s, location: s.location ?? undefined }));
}

/** `GET /api/join/:token`: the name of the union behind a stall's link, for its poster. */
export function fetchJoinStall(joinToken: string, lang: Lang): Promise<{ org: string }> {
  return call(joinStallSchema, `/api/join/${encodeURIComponent(joinToken)}`, { lang });
}

/** `GET /api/stalls/:id/today`: the stall's counts for today on the server, every device and the join link together. */
export function fetchStallToday(token: string, lang: Lang, stallId: string): Promise<StallToday> {
  return call(stallTodaySchema, `/api/stalls/${encodeURIComponent(stallId)}/today`, { token, lang });
}
