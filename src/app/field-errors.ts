/**
 * A form's field messages from the shared schema the server also applies: each issue's message is a
 * catalogue key (src/shared keeps no prose), so the form shows it in the user's language beside the
 * field it names, before anything is sent, and the server refuses the same values with the same words.
 */
import type { z } from 'zod/mini';
import { isMessageKey } from '../shared/i18n/catalogue';
import type { MessageKey } from '../shared/i18n/keys';

/** The first message key per top-level field of what `schema` refuses in `value`; empty when it passes. */
export function fieldErrors(schema: z.ZodMiniType, value: unknown): Partial<Record<string, MessageKey>> {
  const result = schema.safeParse(value);
  return result.success ? {} : issuesByField(result.error.issues);
}

/** The first message key per top-level field among `issues` (a refusal already in hand). */
export function issuesByField(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Partial<Record<string, MessageKey>> {
  const out: Partial<Record<string, MessageKey>> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    if (out[field] === undefined && isMessageKey(issue.message)) out[field] = issue.message;
  }
  return out;
}
