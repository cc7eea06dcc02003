/**
 * An admin running one user's account: disable or enable it, set a temporary password the user must
 * change at the next sign-in, and see or end the user's signed-in devices. The admin's own account is
 * changed under "My account" instead (the server refuses these on oneself).
 */
import { useCallback, useState } from 'preact/hooks';
import { temporaryPasswordBodySchema } from '../../shared/account-actions';
import type { UserListItem } from '../../shared/accounts';
import type { MessageKey } from '../../shared/i18n/keys';
import { DeviceList } from '../Account/DeviceList';
import { Field } from '../Field';
import { fieldErrors } from '../field-errors';
import { failureText } from '../http';
import { useLang } from '../i18n';
import { linkClick } from '../use-route';
import type { AdminApi } from './admin-api';

export interface UserAccountProps {
  api: AdminApi;
  user: UserListItem;
  /** The signed-in admin's own account. */
  self: boolean;
  /** The list should be read again (the user's state changed). */
  onChanged(): void;
}

export function UserAccount({ api, user, self, onChanged }: UserAccountProps) {
  const { t } = useLang();
  const [busy, setBusy] = useState(false);
  /** Said in the language of the moment (a switch after the fact re-renders it). */
  const [notice, setNotice] = useState<MessageKey | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [passwordError, setPasswordError] = useState<string | undefined>();
  /** Bumped after a change that ends sessions: the device list is read again (remounted). */
  const [devicesRound, setDevicesRound] = useState(0);
  const loadDevices = useCallback(() => api.userDevices(user.id), [api, user.id]);
  const endDevice = useCallback((sessionId: string) => api.endUserDevice(user.id, sessionId), [api, user.id]);

  const run = async (work: () => Promise<MessageKey>) => {
    setBusy(true);
    setNotice(null);
    setProblem(null);
    try {
      setNotice(await work());
      onChanged();
      setDevicesRound((n) => n + 1);
    } catch (error) {
      setProblem(failureText(error, t));
    } finally {
      setBusy(false);
    }
  };

  const onToggle = () => {
    if (user.disabled) {
      void run(async () => (await api.enableUser(user.id), 'admin.users.enabledDone'));
    } else if (confirm(t('admin.users.disableConfirm', { username: user.username }))) {
      void run(async () => (await api.disableUser(user.id), 'admin.users.disabledDone'));
    }
  };

  const onTemporary = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const password = String(new FormData(form).get('password') ?? '');
    const key = fieldErrors(temporaryPasswordBodySchema, { password }).password;
    setPasswordError(key && t(key));
    if (key) {
      form.querySelector<HTMLInputElement>('input')?.focus();
      return;
    }
    void run(async () => {
      await api.setTemporaryPassword(user.id, password);
      form.reset();
      return 'admin.users.tempDone';
    });
  };

  const id = `admin-account-${user.id}`;
  return (
    <div class="admin-account" aria-labelledby={`${id}-title`} role="group">
      <h4 id={`${id}-title`}>{t('admin.users.manageOf', { username: user.username })}</h4>
      <div role="status">{notice && <p class="notice notice-ok">{t(notice, { username: user.username })}</p>}</div>
      <div role="alert">{problem && <p class="notice notice-error">{problem}</p>}</div>
      {self ? (
        <p>
          {t('account.not_self')}{' '}
          <a href="/account" onClick={linkClick}>
            {t('nav.account')}
          </a>
        </p>
      ) : (
        <>
          <div class="form-actions">
            <button type="button" class={user.disabled ? 'primary' : 'secondary'} disabled={busy} onClick={onToggle}>
              {user.disabled ? t('admin.users.enable') : t('admin.users.disable')}
            </button>
          </div>
          <form onSubmit={onTemporary} noValidate onInput={() => setNotice(null)}>
            <Field id={`${id}-temp`} label={t('admin.users.tempPassword')} error={passwordError} hint={{ text: t('admin.users.tempHint') }}>
              {(w) => <input {...w} name="password" type="text" autoComplete="off" autoCapitalize="none" spellcheck={false} />}
            </Field>
            <button type="submit" class="secondary" disabled={busy}>
              {t('admin.users.setTemp')}
            </button>
          </form>
        </>
      )}
      <DeviceList key={devicesRound} headingId={`${id}-devices`} headingLevel={4} load={loadDevices} end={endDevice} />
    </div>
  );
}
