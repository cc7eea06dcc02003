/**
 * The device session as a hook: loaded from IndexedDB at start (so the app opens offline), made by
 * signing in online once, refreshed quietly when online. A 401 marks it expired and asks to sign in
 * again; neither that nor signing out ever touches the records waiting in the outbox.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Lang } from '../shared/i18n';
import type { SessionUser } from '../offline/db';
import { clearSession, getSession, markSessionExpired, saveSession, type DeviceSession } from '../offline/session';
import { cacheStalls } from '../offline/stalls';
import { ApiCallError, fetchMe, login, logout } from './api';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; session: DeviceSession }
  /**
   * Signed in with a temporary password: the server refuses everything but the password change, so
   * nothing is stored on the device yet. Token and password live in memory only, until the change.
   */
  | { status: 'must-change-password'; token: string; user: SessionUser; temporaryPassword: string };

export interface SessionApi {
  state: SessionState;
  /** Signs in online, caches the org's stalls, keeps the session. Throws ApiCallError / NetworkError. */
  signIn(username: string, password: string): Promise<'signed-in' | 'must-change-password'>;
  /** After the temporary password was changed: keeps the session as a normal sign-in would. */
  passwordChanged(): Promise<void>;
  /** Leaves the forced change: the pending session is ended and the device is as before the sign-in. */
  abandonPasswordChange(): Promise<void>;
  /** Ends the session on this device (records stay). */
  signOut(): Promise<void>;
  /** Refreshes user and stalls from the server when reachable; returns whether it worked. */
  refresh(): Promise<boolean>;
}

export function useSession(lang: Lang): SessionApi {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const load = useCallback(async () => {
    const session = await getSession();
    setState(session ? { status: 'signed-in', session } : { status: 'signed-out' });
    return session;
  }, []);

  useEffect(() => {
    void load().catch(() => setState({ status: 'signed-out' }));
  }, [load]);

  /** Reads the org and its stalls, then keeps the session on the device. */
  const keep = useCallback(
    async (token: string, user: SessionUser) => {
      let orgName: string | undefined;
      try {
        const me = await fetchMe(token, lang);
        orgName = me.orgName;
        await cacheStalls(me.stalls);
      } catch {
        // Signed in all the same; the stall list can be refreshed from the picker.
      }
      const session = await saveSession(token, user, orgName);
      setState({ status: 'signed-in', session });
    },
    [lang],
  );

  const signIn = useCallback(
    async (username: string, password: string) => {
      const { token, user, mustChangePassword } = await login(username, password, lang);
      if (mustChangePassword) {
        setState({ status: 'must-change-password', token, user, temporaryPassword: password });
        return 'must-change-password';
      }
      await keep(token, user);
      return 'signed-in';
    },
    [lang, keep],
  );

  const passwordChanged = useCallback(async () => {
    if (state.status === 'must-change-password') await keep(state.token, state.user);
  }, [state, keep]);

  const abandonPasswordChange = useCallback(async () => {
    if (state.status === 'must-change-password') await logout(state.token, lang);
    await load();
  }, [state, lang, load]);

  const signOut = useCallback(async () => {
    const session = await getSession();
    if (session && navigator.onLine && !session.expired) await logout(session.token, lang);
    await clearSession();
    setState({ status: 'signed-out' });
  }, [lang]);

  const refresh = useCallback(async () => {
    const session = await getSession();
    if (!session || session.expired || !navigator.onLine) return false;
    try {
      const me = await fetchMe(session.token, lang);
      await cacheStalls(me.stalls);
      return true;
    } catch (error) {
      if (error instanceof ApiCallError && error.status === 401) {
        await markSessionExpired();
        await load();
      }
      return false;
    }
  }, [lang, load]);

  return { state, signIn, passwordChanged, abandonPasswordChange, signOut, refresh };
}
