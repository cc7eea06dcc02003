/**
 * The save flow as a state machine: idle → (invalid | saving → saved | quota | failed). Save puts the
 * record in the outbox and reports "saved" only after the transaction committed; a duplicate or a
 * record the outbox refuses comes back as a problem on a field.
 */
import { useRef, useState } from 'preact/hooks';
import type { Lang } from '../../shared/i18n';
import { DuplicatePersonError, OutboxQuotaError, RecordInvalidError, enqueue, requeue, type OutboxEntry } from '../../offline/outbox';

export type SaveStatus =
  | { kind: 'idle' }
  | { kind: 'saving' }
  /** `who`: the saved person's masked name, for the confirmation. */
  | { kind: 'saved'; who: string }
  | { kind: 'invalid'; count: number }
  | { kind: 'quota' }
  | { kind: 'failed'; detail: string };

export interface SaveHandlers {
  /** The form has problems (count > 0): show every message and focus the first. */
  onInvalid(): void;
  /** The outbox found this person already here. */
  onDuplicate(existing: OutboxEntry): void;
  /** The outbox refused the record for a field (dotted path) with a message. */
  onRefused(field: string | undefined, message: string): void;
  /** Committed. */
  onSaved(): void;
}

/** Runs one save at a time; `save` resolves once the outcome is on screen. */
export function useSave(lang: Lang, fixId: string | undefined, handlers: SaveHandlers) {
  const [status, setStatus] = useState<SaveStatus>({ kind: 'idle' });
  const saving = useRef(false);

  const save = async (record: unknown, problems: number, who: string) => {
    if (saving.current) return;
    performance.mark('ruhui:submit');
    if (problems > 0) {
      setStatus({ kind: 'invalid', count: problems });
      handlers.onInvalid();
      return;
    }
    // A valid form re-renders only once the record is saved: a render (and the frame it asks for)
    // while the transaction runs would only delay "saved". "Saving…" shows if it takes long.
    saving.current = true;
    const slow = setTimeout(() => setStatus({ kind: 'saving' }), 300);
    try {
      if (fixId) await requeue(fixId, record, { lang });
      else await enqueue(record, { lang });
    } catch (error) {
      if (error instanceof OutboxQuotaError) setStatus({ kind: 'quota' });
      else if (error instanceof DuplicatePersonError) {
        handlers.onDuplicate(error.existing);
        setStatus({ kind: 'invalid', count: 1 });
        handlers.onInvalid();
      } else if (error instanceof RecordInvalidError) {
        handlers.onRefused(error.reason.field, error.reason.message);
        setStatus({ kind: 'invalid', count: 1 });
        handlers.onInvalid();
      } else setStatus({ kind: 'failed', detail: error instanceof Error ? error.message : String(error) });
      return;
    } finally {
      clearTimeout(slow);
      saving.current = false;
    }
    handlers.onSaved();
    setStatus({ kind: 'saved', who });
  };

  /** Back to idle after an edit (a saved or error message no longer describes the form). */
  const edited = () => setStatus((s) => (s.kind === 'idle' || s.kind === 'saving' ? s : { kind: 'idle' }));

  return { status, setStatus, save, edited };
}
