/**
 * The device session: signed in once while online, kept for weeks. Signing out or an expired token
 * only touches the session: the outbox (records waiting to be sent) is never cleared here.
 */
import { getDB, getMeta, setMeta, type DeviceSession, type SessionUser } from './db';

export type { DeviceSession, SessionUser } from './db';

/** A random id for this device, made once and kept across sign-ins (the sync API's `deviceId`). */
export async function getDeviceId(): Promise<string> {
  const existing = await getMeta('deviceId');
  if (existing) return existing;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  // Two tabs racing here: the first write wins, both read it back.
  const db = await getDB();
  const tx = db.transaction('meta', 'readwrite');
  const now = (await tx.store.get('deviceId')) as string | undefined;
  if (!now) await tx.store.put(id, 'deviceId');
  await tx.done;
  return now ?? id;
}

/** The current session, if any (expired ones included: the UI asks to sign in again). */
export async function getSession(): Promise<DeviceSession | undefined> {
  return (await getDB()).get('session', 'current');
}

/** Keeps a fresh session after a successful sign-in. */
export async function saveSession(token: string, user: SessionUser, orgName?: string): Promise<DeviceSession> {
  const session: DeviceSession = {
    token,
    user,
    deviceId: await getDeviceId(),
    signedInAt: new Date().toISOString(),
    ...(orgName ? { orgName } : {}),
  };
  await (await getDB()).put('session', session, 'current');
  return session;
}

/**
 * The server refused the token (401): keep the user, ask to sign in again; records stay queued.
 * With `token`, only that session is marked (a sign-in that raced the refusal stays valid).
 */
export async function markSessionExpired(token?: string): Promise<void> {
  const db = await getDB();
  const tx = db.transaction('session', 'readwrite');
  const current = await tx.store.get('current');
  if (current && !current.expired && (token === undefined || current.token === token)) {
    await tx.store.put({ ...current, expired: true }, 'current');
  }
  await tx.done;
}

/** Ends the session on this device. Waiting records stay in the outbox for the next sign-in. */
export async function clearSession(): Promise<void> {
  await (await getDB()).delete('session', 'current');
}

/** When the last sync succeeded (ISO time), as the sync engine recorded it. */
export async function getLastSyncAt(): Promise<string | undefined> {
  return getMeta('lastSyncAt');
}

/** Records a successful sync (for the sync engine). */
export async function setLastSyncAt(at: string): Promise<void> {
  await setMeta('lastSyncAt', at);
}
