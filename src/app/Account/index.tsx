/**
 * The user's own account (`/account`, every role): change the password and see or end signed-in
 * devices; and the forced change a sign-in with a temporary password leads to, before any other
 * screen. Loaded only when needed, with its own words.
 */
import { useMemo, useState } from 'preact/hooks';
import { accountActions } from '../../shared/i18n/account-actions';
import { accounts } from '../../shared/i18n/accounts';
import { addMessages } from '../../shared/i18n/catalogue';
import { useLang } from '../i18n';
import { useOnline } from '../use-online';
import { accountApi } from './account-api';
import { DeviceList } from './DeviceList';
import { PasswordForm } from './PasswordForm';


// The password rule's messages live with the account words (src/shared/i18n/accounts.ts).
addMessages(accounts, accountActions);

export { DeviceList } from './DeviceList';

export function AccountPage({ token, username }: { token: string; username: string }) {
  const { t, lang } = useLang();
  const online = useOnline();
  const api = useMemo(() => accountApi(token, lang), [token, lang]);
  const [changed, setChanged] = useState(false);
  // A new list after a change: the other devices' sign-ins have just ended (the list is remounted).
  const [round, setRound] = useState(0);

  return (
    <section class="account" aria-labelledby="account-title">
      <h2 id="account-title">{t('account.title')}</h2>
      <p class="muted">{t('account.signedInAs', { username })}</p>
      {!online && (
        <p class="notice notice-warn" role="status">
          {t('error.unreachable')}
        </p>
      )}
      <section class="card" aria-labelledby="account-password">
        <h3 id="account-password">{t('account.changePassword')}</h3>
        <div role="status">{changed && <p class="notice notice-ok">{t('account.changed')}</p>}</div>
        <PasswordForm
          idPrefix="account"
          change={async (current, next) => {
            setChanged(false);
            await api.changePassword(current, next);
          }}
          submitLabel="account.save"
          onChanged={() => {
            setChanged(true);
            setRound((n) => n + 1);
          }}
        />
      </section>
      <DeviceList key={round} headingId="account-devices" load={api.devices} end={api.endDevice} />
    </section>
  );
}

export interface ForcedPasswordChangeProps {
  token: string;
  username: string;
  /** The temporary password just typed: kept in memory for this one call, never stored. */
  temporaryPassword: string;
  onChanged(): void;
  onCancel(): void;
}

/** After a sign-in with a temporary password: nothing else opens until the user has chosen their own. */
export function ForcedPasswordChange({ token, username, temporaryPassword, onChanged, onCancel }: ForcedPasswordChangeProps) {
  const { t, lang } = useLang();
  const api = useMemo(() => accountApi(token, lang), [token, lang]);
  return (
    <section class="card sign-in" aria-labelledby="forced-title">
      <h2 id="forced-title">{t('account.forced.title')}</h2>
      <p>{t('account.forced.body')}</p>
      <p class="muted">{t('account.signedInAs', { username })}</p>
      <PasswordForm
        idPrefix="forced"
        knownCurrent={temporaryPassword}
        change={(current, next) => api.changePassword(current, next)}
        submitLabel="account.forced.submit"
        onChanged={onChanged}
      />
      <button type="button" class="secondary" onClick={onCancel}>
        {t('account.forced.cancel')}
      </button>
    </section>
  );
}
