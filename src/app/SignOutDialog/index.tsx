/** Asks before signing out while the user's records wait, saying what happens to them: they stay, and go out at the next sign-in. */
import { useLang } from '../i18n';
import { useModalDialog } from '../use-modal-dialog';

export function SignOutDialog({ waiting, onConfirm, onCancel }: { waiting: number; onConfirm(): void; onCancel(): void }) {
  const { t } = useLang();
  const ref = useModalDialog();
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="sign-out-title" aria-describedby="sign-out-body" onCancel={onCancel}>
      <h2 id="sign-out-title">{t('signOut.title')}</h2>
      <p id="sign-out-body">{t('signOut.what', { n: waiting })}</p>
      <div class="form-actions">
        <button type="button" class="secondary" onClick={onCancel}>
          {t('signOut.cancel')}
        </button>
        <button type="button" class="primary" onClick={onConfirm}>
          {t('signOut.confirm')}
        </button>
      </div>
    </dialog>
  );
}
