/**
 * The queue: how many records wait, were sent, or need attention, and the lists themselves, masked
 * (`张*`, `110105********0123`, `138****5678`). A record the server returned opens in the form with
 * the reason; nothing leaves this list without the staff seeing it: a rejected record is fixed, saved as
 * a new record (its id taken), or discarded after a confirmation saying what is lost. Only the
 * signed-in user's records are listed; others' are only counted (App). Also: last sync, storage persistence.
 */
import { useEffect, useState } from 'preact/hooks';
import { discardRejected, saveAsNew } from '../../offline/outbox-actions';
import { maskId, maskName, maskPhone } from '../../shared/mask';
import type { MessageKey } from '../../shared/i18n';
import type { OutboxEntry, OutboxStatus } from '../../offline/outbox';
import { getLastSyncAt } from '../../offline/session';
import type { Persistence } from '../../offline/storage';
import { shortTime } from '../format';
import { useLang } from '../i18n';
import { useOutboxList, useOwnCounts } from '../use-outbox';
import { navigate } from '../use-route';
import { labelKey } from '../EnrollForm/form-state';
import { useModalDialog } from '../use-modal-dialog';
import { localToday } from '../../shared/local-time';

const LIST_LIMIT = 200;
const SECTIONS: { status: OutboxStatus; title: MessageKey }[] = [
  { status: 'rejected', title: 'queue.rejected' },
  { status: 'pending', title: 'queue.pending' },
  { status: 'sent', title: 'queue.sent' },
];

export function QueueScreen({ persistence, owner }: { persistence: Persistence | null; owner: string }) {
  const { t } = useLang();
  const c = useOwnCounts(owner);
  const [lastSync, setLastSync] = useState<string | undefined>();
  useEffect(() => {
    void getLastSyncAt().then(setLastSync, () => undefined);
  }, [c]);

  return (
    <div class="queue-screen">
      <h2>{t('queue.title')}</h2>
      <dl class="queue-counts">
        {(['pending', 'sent', 'rejected'] as const).map((status) => (
          <div key={status} class={`count count-${status}`}>
            <dt>{t(`queue.${status}`)}</dt>
            <dd data-count={status}>{c ? c[status] : '–'}</dd>
          </div>
        ))}
      </dl>
      <p class="muted">{lastSync ? t('queue.lastSync', { time: shortTime(lastSync, localToday()) }) : t('queue.neverSynced')}</p>
      {persistence && <p class={persistence === 'persistent' ? 'muted' : 'notice notice-warn'}>{t(`storage.${persistence}`)}</p>}
      {SECTIONS.map(({ status, title }) => (
        <QueueSection key={status} status={status} title={t(title)} total={c?.[status] ?? 0} owner={owner} />
      ))}
    </div>
  );
}

function QueueSection({ status, title, total, owner }: { status: OutboxStatus; title: string; total: number; owner: string }) {
  const { t } = useLang();
  const list = useOutboxList(status, LIST_LIMIT, owner);
  const headingId = `queue-${status}-title`;
  return (
    <section class={`queue-section queue-${status}`} aria-labelledby={headingId} data-section={status}>
      <h3 id={headingId}>
        {title} <span class="muted">({total})</span>
      </h3>
      {list && list.length === 0 && <p class="muted">{t('queue.empty')}</p>}
      {list && list.length > 0 && (
        <ul class="queue-list">
          {list.map((entry) => (
            <QueueItem key={entry.id} entry={entry} />
          ))}
        </ul>
      )}
      {total > LIST_LIMIT && <p class="muted">{t('queue.more', { n: LIST_LIMIT })}</p>}
    </section>
  );
}

function QueueItem({ entry }: { entry: OutboxEntry }) {
  const { t } = useLang();
  const today = localToday();
  const time = shortTime(entry.createdAt, today);
  const record = entry.record;
  const receipt = entry.receipt;
  let main: string;
  let detail: string[] = [];
  if (record?.kind === 'enrollment') {
    main = maskName(record.person.name);
    detail = [maskId(record.person.idNumber), maskPhone(record.person.phone), t(labelKey.occupation(record.person.occupation))];
  } else if (record?.kind === 'consultation') {
    main = t('queue.consultation', { topic: t(`topic.${record.topic}`) });
  } else if (receipt?.kind === 'enrollment') {
    main = receipt.maskedName ?? '';
    detail = [receipt.occupation ? t(labelKey.occupation(receipt.occupation)) : '', t(`receipt.${receipt.status}`)].filter(Boolean);
  } else {
    main = t('queue.consultation', { topic: receipt?.topic ? t(`topic.${receipt.topic}`) : '' });
    detail = [t('receipt.consultation')];
  }
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const what = [main, ...detail.slice(0, 1), time].filter(Boolean).join(' · ');
  const asNew = async () => {
    try {
      await saveAsNew(entry.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <li class="queue-item" data-id={entry.id}>
      <div class="queue-item-main">
        <span class="queue-name">{main}</span>
        <span class="muted">{time}</span>
      </div>
      {detail.length > 0 && <div class="queue-detail">{detail.join(' · ')}</div>}
      {entry.status === 'rejected' && (
        <div class="queue-reason">
          <p class="field-error">{entry.reason?.message || entry.reason?.code}</p>
          {error && <p class="field-error">{error}</p>}
          <div class="queue-actions">
            {entry.reason?.code === 'id_conflict' ? (
              <button type="button" class="secondary small" onClick={() => void asNew()}>
                {t('queue.saveAsNew')}
              </button>
            ) : (
              <button type="button" class="secondary small" onClick={() => navigate(`/?fix=${encodeURIComponent(entry.id)}`)}>
                {t('queue.fix')}
              </button>
            )}
            <button type="button" class="secondary small danger" onClick={() => setConfirming(true)}>
              {t('queue.discard')}
            </button>
          </div>
        </div>
      )}
      {confirming && <DiscardDialog what={what} onConfirm={() => void discardRejected(entry.id).finally(() => setConfirming(false))} onCancel={() => setConfirming(false)} />}
    </li>
  );
}

/** Asks before a rejected record leaves the device for good, naming it (masked) and what is lost. */
function DiscardDialog({ what, onConfirm, onCancel }: { what: string; onConfirm(): void; onCancel(): void }) {
  const { t } = useLang();
  const ref = useModalDialog();
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="discard-title" aria-describedby="discard-body" onCancel={onCancel}>
      <h2 id="discard-title">{t('discard.title')}</h2>
      <p id="discard-body">{t('discard.body', { what })}</p>
      <div class="form-actions">
        <button type="button" class="secondary" onClick={onCancel}>
          {t('discard.cancel')}
        </button>
        <button type="button" class="primary danger" onClick={onConfirm}>
          {t('discard.confirm')}
        </button>
      </div>
    </dialog>
  );
}
