/**
 * One form field's wiring, done once: the label (or legend), the control, an optional hint and the
 * error line, with `aria-invalid` and `aria-describedby` pointing at whatever is shown. The control
 * itself is the caller's: it receives the props to spread on it.
 */
import type { ComponentChildren } from 'preact';

/** What a control spreads on itself so it is labelled and described. */
export interface ControlWiring {
  id: string;
  'aria-invalid'?: 'true';
  'aria-describedby'?: string;
}

export interface FieldProps {
  /** The control's id (the label's `for`); hint and error ids derive from it. */
  id: string;
  label: ComponentChildren;
  /** The message shown now, if any. */
  error?: string | undefined;
  hint?: { text: string; ok?: boolean; live?: boolean } | null;
  /** More ids that describe the control (e.g. the notice a consent refers to). */
  describedBy?: string;
  /** Radio or checkbox groups: a fieldset with a legend; the wiring goes on the group element. */
  group?: boolean;
  class?: string;
  /** Something beside the label (a compact related control). */
  aside?: ComponentChildren;
  children(wiring: ControlWiring): ComponentChildren;
}

/** The ids of a control's hint and error lines. */
export const hintIdOf = (id: string) => `${id}-hint`;
export const errorIdOf = (id: string) => `${id}-error`;

export function Field({ id, label, error, hint, describedBy, group, class: extra, aside, children }: FieldProps) {
  const hintId = hintIdOf(id);
  const errId = errorIdOf(id);
  const ids = [error ? errId : null, hint ? hintId : null, describedBy ?? null].filter(Boolean).join(' ');
  const wiring: ControlWiring = {
    id,
    ...(error ? { 'aria-invalid': 'true' as const } : {}),
    ...(ids ? { 'aria-describedby': ids } : {}),
  };
  const cls = extra ? `field ${extra}` : 'field';
  const hintLine = hint ? (
    <p id={hintId} class={hint.ok ? 'hint hint-ok' : 'hint'} aria-live={hint.live ? 'polite' : undefined}>
      {hint.text}
    </p>
  ) : null;
  const errorLine = error ? (
    <p id={errId} class="field-error">
      {error}
    </p>
  ) : null;

  if (group) {
    const legendId = `${id}-legend`;
    return (
      <fieldset class={cls}>
        <legend id={legendId}>{label}</legend>
        {children({ ...wiring, id })}
        {hintLine}
        {errorLine}
      </fieldset>
    );
  }
  return (
    <div class={cls}>
      <div class="field-head">
        <label for={id}>{label}</label>
        {aside}
      </div>
      {children(wiring)}
      {hintLine}
      {errorLine}
    </div>
  );
}
