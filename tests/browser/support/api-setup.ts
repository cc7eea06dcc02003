/**
 * Sets up what a stall worker needs, through the public API as the admin would: a district, a staff
 * user in it, and a stall for today. Browser tests then sign in as that staff user.
 */
export interface StallSetup {
  username: string;
  password: string;
  orgId: string;
  stall: { id: string; name: string; date: string; joinUrl: string; joinToken: string };
  /** The admin's session (for reading what the server holds). */
  adminToken: string;
}

/** Today in the server's time zone (Asia/Shanghai by default), `YYYY-MM-DD`. */
export function serverToday(timeZone = 'Asia/Shanghai'): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** One JSON call to the server's API (POST when it has a body, unless told); throws on anything but 2xx. */
export async function api<T>(baseUrl: string, path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? (init.body !== undefined ? 'POST' : 'GET');
  const res = await fetch(baseUrl + path, {
    method,
    headers: {
      ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Signs in as `admin`, creates a district, a staff user in it and today's stall there. */
export async function setUpStall(baseUrl: string, adminPassword: string, stallName = '望京摊位'): Promise<StallSetup> {
  const admin = await api<{ token: string }>(baseUrl, '/api/auth/login', {
    method: 'POST',
    body: { username: 'admin', password: adminPassword },
  });
  const me = await api<{ org: { id: string } }>(baseUrl, '/api/me', { token: admin.token });
  const district = await api<{ id: string }>(baseUrl, '/api/orgs', {
    method: 'POST',
    token: admin.token,
    body: { parentId: me.org.id, name: '朝阳区总工会', level: 'district', code: '110105' },
  });
  const username = 'staff.wang';
  const password = 'stall-password-1';
  await api(baseUrl, '/api/users', { method: 'POST', token: admin.token, body: { username, password, role: 'staff', orgId: district.id } });
  const date = serverToday();
  const stall = await api<{ id: string; name: string; date: string; joinUrl: string; joinToken: string }>(baseUrl, '/api/stalls', {
    method: 'POST',
    token: admin.token,
    body: { name: stallName, orgId: district.id, date },
  });
  return {
    username,
    password,
    orgId: district.id,
    stall: { id: stall.id, name: stall.name, date: stall.date, joinUrl: stall.joinUrl, joinToken: stall.joinToken },
    adminToken: admin.token,
  };
}
