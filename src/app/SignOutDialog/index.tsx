/** Asks before signing out while records wait (they stay on the device either way). */
import { useEffect, useRef } from 'preact/hooks';
import { useLang } from '../i18n';

export function SignOutDialog({ waiting, onConfirm, onCancel }: { waiting: number; onConfirm(): void; onCancel(): void }) {
  const { t } = useLang();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="sign-out-title" aria-describedby="sign-out-body" onCancel={onCancel}>
      <h2 id="sign-out-title">{t('signOut.title')}</h2>
      <p id="sign-out-body">{t('signOut.body', { n: waiting })}</p>
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
