/**
 * The app's calls to the server outside sync: sign-in, who am I (with the org's stalls), sign-out.
 * Bodies are checked on arrival (zod/mini), never cast. The contract is DESIGN.md's HTTP API.
 */
import { z } from 'zod/mini';
import type { Lang } from '../shared/i18n';
import type { CachedStall, SessionUser } from '../offline/db';

/** The server answered with an error (`{ error: { code, message } }`) or an unexpected body. */
export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
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

async function call<T>(schema: z.ZodMiniType<T>, path: string, init: RequestInit & { token?: string; lang: Lang }): Promise<T> {
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
    throw parsed.success
      ? new ApiCallError(res.status, parsed.data.error.code, parsed.data.error.message)
      : new ApiCallError(res.status, 'http_' + res.status, res.statusText || String(res.status));
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiCallError(res.status, 'bad_response', 'unexpected response');
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
