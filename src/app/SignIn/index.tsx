/** Sign-in: online, once per device (the session then lasts for weeks and the app works offline). */
import { useState } from 'preact/hooks';
import { ApiCallError, NetworkError } from '../api';
import { useLang } from '../i18n';
import { useOnline } from '../use-online';

export interface SignInProps {
  onSignIn(username: string, password: string): Promise<void>;
  /** The user of an expired session: prefilled, with a note that records are safe. */
  expiredUser?: string;
  /** Shown for an expired session: go back to enrolling without signing in. */
  onCancel?(): void;
}

/** "Try again in N minutes", from the server's Retry-After (rounded up), or "a few minutes" when it gave none. */
function throttledMessage(t: ReturnType<typeof useLang>['t'], retryAfter: number | undefined): string {
  if (retryAfter === undefined) return t('signIn.throttled');
  const minutes = Math.max(1, Math.ceil(retryAfter / 60));
  return minutes === 1 ? t('signIn.throttledMinute') : t('signIn.throttledMinutes', { minutes: String(minutes) });
}

export function SignIn({ onSignIn, expiredUser, onCancel }: SignInProps) {
  const { t } = useLang();
  const online = useOnline();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const username = String(data.get('username') ?? '').trim();
    const password = String(data.get('password') ?? '');
    if (!online) {
      setError(t('signIn.offline'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSignIn(username, password);
    } catch (e) {
      if (e instanceof NetworkError) setError(t('signIn.offline'));
      else if (e instanceof ApiCallError && (e.status === 401 || e.status === 400)) setError(t('signIn.bad'));
      else if (e instanceof ApiCallError && e.status === 429) setError(throttledMessage(t, e.retryAfter));
      // A disabled account: the server's own words say so (and whom to ask), in the user's language.
      else if (e instanceof ApiCallError && e.code === 'account_disabled') setError(e.message);
      else setError(t('signIn.failed', { detail: e instanceof Error ? e.message : String(e) }));
      setBusy(false);
    }
  };

  return (
    <section class="card sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{t('signIn.title')}</h2>
      <p>{expiredUser ? t('signIn.expired') : t('signIn.intro')}</p>
      {!online && (
        <p class="notice notice-warn" role="status">
          {t('signIn.offline')}
        </p>
      )}
      <form onSubmit={onSubmit} noValidate>
        <div class="field">
          <label for="sign-in-username">{t('signIn.username')}</label>
          <input
            id="sign-in-username"
            name="username"
            type="text"
            autoComplete="username"
            autoCapitalize="none"
            spellcheck={false}
            required
            defaultValue={expiredUser ?? ''}
          />
        </div>
        <div class="field">
          <label for="sign-in-password">{t('signIn.password')}</label>
          <input id="sign-in-password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <div role="alert">{error && <p class="notice notice-error">{error}</p>}</div>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t('signIn.busy') : t('signIn.submit')}
          </button>
          {onCancel && (
            <button type="button" class="secondary" onClick={onCancel}>
              {t('signIn.cancel')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
