/**
 * Small helpers for API tests: JSON requests with a bearer token, and the row counts of every table
 * (to prove that a refused request wrote nothing).
 */
import { sql } from 'kysely';
import type { TestApp } from '../support/engines';

/** Headers for a JSON request, optionally signed in. */
export function jsonHeaders(token?: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...extra };
}

/** A client for one test app: `get`, `post` (JSON) and `csv` uploads, each with an optional token. */
export function client(t: TestApp) {
  return {
    get: (path: string, token?: string, headers: Record<string, string> = {}) =>
      t.app.request(path, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } }),
    post: (path: string, body: unknown, token?: string, headers: Record<string, string> = {}) =>
      t.app.request(path, { method: 'POST', headers: jsonHeaders(token, headers), body: body === undefined ? undefined : JSON.stringify(body) }),
    csv: (path: string, body: BodyInit, token?: string, type = 'text/csv; charset=utf-8') =>
      t.app.request(path, {
        method: 'POST',
        headers: { 'Content-Type': type, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body,
      }),
  };
}

/** Signs in through the API; returns the token (fails the test on anything but 200). */
export async function login(t: TestApp, username: string, password: string): Promise<string> {
  const res = await client(t).post('/api/auth/login', { username, password });
  if (res.status !== 200) throw new Error(`login as ${username} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Every table in the store, read from the engine's catalogue (so a table added later is covered too). */
export async function allTables(t: TestApp): Promise<string[]> {
  const rows =
    t.storage.engine === 'sqlite'
      ? await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(t.storage.db)
      : await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`.execute(t.storage.db);
  return rows.rows.map((r) => r.name).sort();
}

/** Row counts of every table (or of `tables`), in one query. */
export async function rowCounts(t: TestApp, tables?: string[]): Promise<Record<string, number>> {
  const names = tables ?? (await allTables(t));
  const parts = names.map((name) => sql`SELECT ${name} AS name, count(*) AS n FROM ${sql.table(name)}`);
  const rows = await sql<{ name: string; n: number | string }>`${sql.join(parts, sql` UNION ALL `)}`.execute(t.storage.db);
  return Object.fromEntries(rows.rows.map((r) => [r.name, Number(r.n)]));
}

/** A `Date` `days` days from now. */
export const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000);
