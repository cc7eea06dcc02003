/**
 * Enter moves on: from a form control to the next one a person would fill, in document order. A radio
 * group counts once (its checked option, else its first); hidden, disabled and button controls are
 * skipped, so Enter never reaches Save by itself.
 */

/** Focuses the control after `from` in its form; returns it, or null when `from` was the last. */
export function focusNextControl(from: HTMLElement): HTMLElement | null {
  const form = from.closest('form');
  if (!form) return null;
  const controls = [...form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')].filter(
    (el) => !el.disabled && el.type !== 'hidden' && el.getClientRects().length > 0 && (el.type !== 'radio' || representsGroup(el as HTMLInputElement)),
  );
  const at = controls.indexOf(from as HTMLInputElement);
  if (at < 0) return null;
  const next = controls[at + 1] ?? null;
  next?.focus();
  return next;
}

/** The one option of a radio group that stands for it: the checked one, else the first. */
function representsGroup(radio: HTMLInputElement): boolean {
  const group = [...(radio.form?.querySelectorAll<HTMLInputElement>(`input[type=radio][name="${CSS.escape(radio.name)}"]`) ?? [])];
  const checked = group.find((r) => r.checked);
  return radio === (checked ?? group[0]);
}
