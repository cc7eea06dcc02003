/** A rejected consultation, fixed: its topic or its stall, then back in the queue (same record id). */
import { useState } from 'preact/hooks';
import { TOPICS, type Topic } from '../../shared/records';
import { OutboxQuotaError, requeue, type OutboxEntry } from '../../offline/outbox';
import type { CachedStall } from '../../offline/stalls';
import { useLang } from '../i18n';

export function ConsultFix({ entry, stalls, onDone }: { entry: OutboxEntry; stalls: readonly CachedStall[]; onDone(): void }) {
  const { t, lang } = useLang();
  const record = entry.record?.kind === 'consultation' ? entry.record : null;
  const [topic, setTopic] = useState<Topic>(record?.topic ?? 'other');
  const [stallId, setStallId] = useState(entry.stallId);
  const [error, setError] = useState<string | null>(null);
  if (!record) return null;

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    try {
      await requeue(entry.id, { ...record, topic, stallId }, { lang });
      onDone();
    } catch (e) {
      setError(e instanceof OutboxQuotaError ? t('form.quota') : t('form.saveFailed', { detail: e instanceof Error ? e.message : String(e) }));
    }
  };

  return (
    <form class="card" onSubmit={onSubmit} aria-labelledby="consult-fix-title">
      <h2 id="consult-fix-title">{t('form.fixTitle')}</h2>
      {entry.reason && <p class="notice notice-error">{t('form.fixReason', { message: entry.reason.message })}</p>}
      <div class="field">
        <label for="fix-stall">{t('stall.label')}</label>
        <select id="fix-stall" name="stallId" value={stallId} onChange={(e) => setStallId(e.currentTarget.value)}>
          {!stalls.some((s) => s.id === stallId) && <option value={stallId}>{stallId}</option>}
          {stalls.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} · {s.date}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="fix-topic">{t('consult.title')}</label>
        <select id="fix-topic" name="topic" value={topic} onChange={(e) => setTopic(e.currentTarget.value as Topic)}>
          {TOPICS.map((x) => (
            <option key={x} value={x}>
              {t(`topic.${x}`)}
            </option>
          ))}
        </select>
      </div>
      <div role="alert">{error && <p class="notice notice-error">{error}</p>}</div>
      <div class="form-actions">
        <button type="submit" class="primary">
          {t('form.saveFix')}
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          {t('form.cancelFix')}
        </button>
      </div>
    </form>
  );
}
