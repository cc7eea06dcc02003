/** One tap per consultation that did not end in enrollment; each tap is its own record in the outbox. */
import { useState } from 'preact/hooks';
import { TOPICS, type Topic } from '../../shared/records';
import { OutboxQuotaError, enqueue } from '../../offline/outbox';
import { localIsoWithOffset, newId } from '../format';
import { useLang } from '../i18n';

export function ConsultCounter({ stallId }: { stallId: string }) {
  const { t, lang } = useLang();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const record = async (topic: Topic) => {
    try {
      await enqueue({ kind: 'consultation', id: newId(), stallId, createdAt: localIsoWithOffset(), topic }, { lang });
      setMessage({ ok: true, text: t('consult.recorded', { topic: t(`topic.${topic}`) }) });
    } catch (error) {
      setMessage({
        ok: false,
        text: error instanceof OutboxQuotaError ? t('form.quota') : t('form.saveFailed', { detail: error instanceof Error ? error.message : String(error) }),
      });
    }
  };

  return (
    <section class="consult" aria-labelledby="consult-title">
      <h2 id="consult-title">{t('consult.title')}</h2>
      <p class="hint" id="consult-hint">
        {t('consult.hint')}
      </p>
      <div class="topic-buttons">
        {TOPICS.map((topic) => (
          <button key={topic} type="button" class="secondary topic" data-topic={topic} aria-describedby="consult-hint" onClick={() => void record(topic)}>
            {t(`topic.${topic}`)}
          </button>
        ))}
      </div>
      <div role="status" aria-live="polite">
        {message && <p class={message.ok ? 'notice notice-ok' : 'notice notice-error'}>{message.text}</p>}
      </div>
    </section>
  );
}
