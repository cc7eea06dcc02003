/**
 * One tap per consultation that did not end in enrollment; each tap is its own record in the outbox.
 * For a few seconds after a tap its message offers Undo: the saver's own explicit removal, which the
 * outbox performs only while the record has certainly not left the device (else it says it was sent).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { TOPICS, type Topic } from '../../shared/records';
import { OutboxQuotaError, enqueue } from '../../offline/outbox';
import { undoUnsent, type UndoResult } from '../../offline/outbox-actions';
import { useLang } from '../i18n';
import { localIsoWithOffset } from '../../shared/local-time';
import { newId } from '../../shared/record-id';

/** How long a tap can be undone (the message and its button stay; the undo itself is checked by the outbox). */
export const UNDO_MS = 8000;
/** Longest wait for a sync pass that holds the records before the undo gives up (nothing removed). */
const UNDO_WAIT_MS = 10_000;

type Message = { tone: 'ok' | 'warn' | 'error'; text: string; undo?: { id: string; topic: Topic } };

export function ConsultCounter({ stallId }: { stallId: string }) {
  const { t, lang } = useLang();
  const [message, setMessage] = useState<Message | null>(null);
  const [undoing, setUndoing] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  const record = async (topic: Topic) => {
    try {
      const entry = await enqueue({ kind: 'consultation', id: newId(), stallId, createdAt: localIsoWithOffset(), topic }, { lang });
      setMessage({ tone: 'ok', text: t('consult.recorded', { topic: t(`topic.${topic}`) }), undo: { id: entry.id, topic } });
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setMessage((m) => (m?.undo?.id === entry.id ? { tone: m.tone, text: m.text } : m)), UNDO_MS);
    } catch (error) {
      setMessage({
        tone: 'error',
        text: error instanceof OutboxQuotaError ? t('form.quota') : t('form.saveFailed', { detail: error instanceof Error ? error.message : String(error) }),
      });
    }
  };

  const undo = async (id: string, topic: Topic) => {
    clearTimeout(timer.current);
    setUndoing(true);
    let result: UndoResult | null = null;
    let detail = '';
    try {
      result = await undoUnsent(id, { signal: AbortSignal.timeout(UNDO_WAIT_MS) });
    } catch (error) {
      detail = error instanceof Error ? error.message : String(error);
    }
    setUndoing(false);
    const texts: Record<UndoResult, Message> = {
      removed: { tone: 'ok', text: t('consult.undone', { topic: t(`topic.${topic}`) }) },
      gone: { tone: 'ok', text: t('consult.undone', { topic: t(`topic.${topic}`) }) },
      sent: { tone: 'warn', text: t('consult.undoSent') },
      'maybe-sent': { tone: 'warn', text: t('consult.undoMaybeSent') },
      busy: { tone: 'warn', text: t('consult.undoBusy') },
    };
    setMessage(result ? texts[result] : { tone: 'error', text: t('consult.undoFailed', { detail }) });
  };

  return (
    <section class="consult" aria-labelledby="consult-title">
      <div class="consult-head">
        <h2 id="consult-title">{t('consult.title')}</h2>
        <p class="hint" id="consult-hint">
          {t('consult.hintShort')}
        </p>
      </div>
      <div class="topic-buttons">
        {TOPICS.map((topic) => (
          <button key={topic} type="button" class="secondary topic" data-topic={topic} aria-describedby="consult-hint" onClick={() => void record(topic)}>
            {t(`topic.${topic}`)}
          </button>
        ))}
      </div>
      <div role="status" aria-live="polite">
        {message && (
          <p class={`notice notice-${message.tone}${message.undo ? ' consult-undo' : ''}`}>
            <span>{undoing ? t('consult.undoing') : message.text}</span>
            {message.undo && (
              <button type="button" class="secondary small" disabled={undoing} onClick={() => void undo(message.undo!.id, message.undo!.topic)}>
                {t('consult.undo')}
              </button>
            )}
          </p>
        )}
      </div>
    </section>
  );
}
