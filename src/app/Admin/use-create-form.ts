/**
 * An admin "add" form's life, written once for orgs, users and stalls: the body is judged by the
 * server's own schema first (messages beside their fields, in the user's language of the moment),
 * then sent; "saved" shows until the next edit; a refusal is said above the button.
 */
import { useState } from 'preact/hooks';
import type { z } from 'zod/mini';
import type { MessageKey } from '../../shared/i18n/keys';
import { issuesByField } from '../field-errors';
import { failureText } from '../http';
import { useLang } from '../i18n';

export interface CreateForm<B> {
  /** The message for a field, if it holds a wrong value. */
  error(field: keyof B & string): string | undefined;
  problem: string | null;
  saved: boolean;
  busy: boolean;
  /** Judges what the form holds, sends it as the schema reads it, resets the form and says saved; else focuses the first wrong field. */
  submit(form: HTMLFormElement, body: Record<keyof B & string, unknown>): Promise<void>;
  /** For the form's onInput: "saved" belongs to the last entry, not to the one being typed. */
  edited(): void;
}

export function useCreateForm<B>(schema: z.ZodMiniType<B>, send: (body: B) => Promise<unknown>, after?: () => Promise<void>): CreateForm<B> {
  const { t } = useLang();
  const [errors, setErrors] = useState<Partial<Record<string, MessageKey>>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  return {
    error: (field) => {
      const key = errors[field];
      return key && t(key);
    },
    problem,
    saved,
    busy,
    edited: () => setSaved(false),
    async submit(form, body) {
      const parsed = schema.safeParse(body);
      const found = parsed.success ? {} : issuesByField(parsed.error.issues);
      setErrors(found);
      setProblem(null);
      setSaved(false);
      if (!parsed.success) {
        // A refusal no field claims (none expected: each schema names its fields) is still said.
        if (Object.keys(found).length === 0) setProblem(t('error.bad_request'));
        // After the render that marks it.
        requestAnimationFrame(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
        return;
      }
      setBusy(true);
      try {
        await send(parsed.data);
        form.reset();
        setSaved(true);
        await after?.();
      } catch (error) {
        setProblem(failureText(error, t));
      } finally {
        setBusy(false);
      }
    },
  };
}
