/**
 * The stall app's calls to the server outside sync: sign-in, who am I (with the org's stalls),
 * sign-out, the stalls list, a stall's link and today's counts. Through the one client (./http.ts);
 * the answers' schemas are the shared ones of DESIGN.md's HTTP API.
 */
import { z } from 'zod/mini';
import { loginResponseSchema, meResponseSchema, stallViewSchema } from '../shared/accounts';
import type { Lang } from '../shared/i18n/define';
import { joinStallSchema } from '../shared/join';
import { stallTodaySchema, type StallToday } from '../shared/stall-today';
import type { CachedStall, SessionUser } from '../offline/db';
import { call, callAllPages } from './http';

export { ApiCallError, NetworkError } from './http';

/** What the device keeps of a stall: the link and place only when the server gave them. */
function cachedStall({ location, joinUrl, joinToken, id, name, orgId, date }: z.output<typeof stallViewSchema>): CachedStall {
  return { id, name, orgId, date, ...(location ? { location } : {}), ...(joinUrl ? { joinUrl } : {}), ...(joinToken ? { joinToken } : {}) };
}

/** `POST /api/auth/login`. `mustChangePassword`: signed in with a temporary password, which must be changed before anything else. */
export async function login(username: string, password: string, lang: Lang): Promise<{ token: string; user: SessionUser; mustChangePassword: boolean }> {
  const answer = await call(loginResponseSchema, '/api/auth/login', { method: 'POST', json: { username, password }, lang });
  return { token: answer.token, user: answer.user, mustChangePassword: answer.mustChangePassword === true };
}

/** `GET /api/me`: the user, their org and the org's stalls for today and later. */
export async function fetchMe(token: string, lang: Lang): Promise<{ user: SessionUser; orgName?: string; stalls: CachedStall[] }> {
  const me = await call(meResponseSchema, '/api/me', { token, lang });
  return { user: me.user, ...(me.org.name ? { orgName: me.org.name } : {}), stalls: me.stalls.map(cachedStall) };
}

/** `POST /api/auth/logout`: revokes the token; best effort (signing out works offline too). */
export async function logout(token: string, lang: Lang): Promise<void> {
  await call(z.unknown(), '/api/auth/logout', { method: 'POST', token, lang }).catch(() => undefined);
}

/** `GET /api/stalls?from=`: every stall in the caller's scope from a day on, all pages (the QR screen of a stall not cached here). */
export async function fetchStalls(token: string, lang: Lang, from: string): Promise<CachedStall[]> {
  const list = await callAllPages(stallViewSchema, `/api/stalls?from=${encodeURIComponent(from)}`, { token, lang });
  return list.map(cachedStall);
}

/** `GET /api/join/:token`: the name of the union behind a stall's link, for its poster. */
export function fetchJoinStall(joinToken: string, lang: Lang): Promise<{ org: string }> {
  return call(joinStallSchema, `/api/join/${encodeURIComponent(joinToken)}`, { lang });
}

/** `GET /api/stalls/:id/today`: the stall's counts for today on the server, every device and the join link together. */
export function fetchStallToday(token: string, lang: Lang, stallId: string): Promise<StallToday> {
  return call(stallTodaySchema, `/api/stalls/${encodeURIComponent(stallId)}/today`, { token, lang });
}
