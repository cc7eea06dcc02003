import { useEffect, useRef } from 'preact/hooks';

/** A `<dialog>` opened as a modal while the component is shown, and closed when it goes. */
export function useModalDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return ref;
}
