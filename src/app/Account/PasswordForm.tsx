/**
 * Choosing a new password: on "My account" (current password typed) and on the forced change after a
 * sign-in with a temporary password (the one just typed is kept in memory and not asked again). The
 * fields are judged by the server's own schema first, in the user's language, beside each field.
 */
import { useState } from 'preact/hooks';
import { changePasswordBodySchema } from '../../shared/account-actions';
import type { MessageKey } from '../../shared/i18n/keys';
import { Field } from '../Field';
import { fieldErrors } from '../field-errors';
import { ApiCallError, failureText } from '../http';
import { useLang } from '../i18n';

type FieldName = 'currentPassword' | 'newPassword' | 'confirm';

export interface PasswordFormProps {
  /** Sends the change; resolves when the server took it. */
  change(currentPassword: string, newPassword: string): Promise<unknown>;
  /** The temporary password just used to sign in: the current-password field is then not shown. */
  knownCurrent?: string;
  submitLabel: MessageKey;
  onChanged(): void;
  idPrefix: string;
}

export function PasswordForm({ change, knownCurrent, submitLabel, onChanged, idPrefix }: PasswordFormProps) {
  const { t } = useLang();
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const body = {
      currentPassword: knownCurrent ?? String(data.get('currentPassword') ?? ''),
      newPassword: String(data.get('newPassword') ?? ''),
    };
    const found: Partial<Record<FieldName, string>> = {};
    for (const [field, key] of Object.entries(fieldErrors(changePasswordBodySchema, body))) {
      if (key) found[field as FieldName] = t(key);
    }
    if (!found.newPassword && data.get('confirm') !== body.newPassword) found.confirm = t('account.mismatch');
    setErrors(found);
    setProblem(null);
    if (Object.keys(found).length > 0) {
      form.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    setBusy(true);
    try {
      await change(body.currentPassword, body.newPassword);
      form.reset();
      onChanged();
    } catch (error) {
      // A wrong current password belongs to its field; anything else is said above the button.
      if (error instanceof ApiCallError && error.code === 'wrong_password' && !knownCurrent) setErrors({ currentPassword: error.message });
      else setProblem(failureText(error, t));
    } finally {
      setBusy(false);
    }
  };

  const id = (name: FieldName) => `${idPrefix}-${name}`;
  return (
    <form onSubmit={onSubmit} noValidate onInput={() => setProblem(null)}>
      {!knownCurrent && (
        <Field id={id('currentPassword')} label={t('account.currentPassword')} error={errors.currentPassword}>
          {(w) => <input {...w} name="currentPassword" type="password" autoComplete="current-password" />}
        </Field>
      )}
      <Field id={id('newPassword')} label={t('account.newPassword')} error={errors.newPassword} hint={{ text: t('account.passwordHint') }}>
        {(w) => <input {...w} name="newPassword" type="password" autoComplete="new-password" />}
      </Field>
      <Field id={id('confirm')} label={t('account.confirmPassword')} error={errors.confirm}>
        {(w) => <input {...w} name="confirm" type="password" autoComplete="new-password" />}
      </Field>
      <div role="alert">{problem && <p class="notice notice-error">{problem}</p>}</div>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('account.saving') : t(submitLabel)}
        </button>
      </div>
    </form>
  );
}
