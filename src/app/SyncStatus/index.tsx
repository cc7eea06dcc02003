/**
 * One line under the top bar: what sync is doing (n of m), what waits, when it last worked, why it
 * failed and when it tries again, and a "sync now" button. It never needs a tap to send: the button
 * only skips a wait.
 */
import { localToday } from '../../shared/id-number';
import { shortTime } from '../format';
import { useLang } from '../i18n';
import type { SyncStatus as Status } from '../use-sync-status';

const clock = (ms: number) => {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
};

export function SyncStatus({ status }: { status: Status }) {
  const { t } = useLang();
  const { online, syncing, progress, waiting, lastSuccessAt, needsSignIn, lastError, retryAt } = status;

  let line: string;
  if (syncing) line = t('syncStatus.syncing', { sent: progress.sent, total: progress.total });
  else if (needsSignIn) line = t('syncStatus.needsSignIn');
  else if (!online && waiting > 0) line = t('syncStatus.offlineWaiting', { n: waiting });
  else if (waiting > 0) line = t('syncStatus.waiting', { n: waiting });
  else line = t('syncStatus.allSent');

  let problem: string | null = null;
  if (!syncing && !needsSignIn && lastError && waiting > 0) {
    const busy = lastError.kind === 'throttled' || lastError.status === 503;
    if (lastError.kind === 'client') problem = t('syncStatus.clientError', { status: lastError.status ?? '' });
    else if (retryAt) problem = t(busy ? 'syncStatus.busy' : 'syncStatus.retryAt', { time: clock(retryAt) });
    else problem = t(busy ? 'syncStatus.busyLater' : 'syncStatus.failed');
  }

  return (
    <section
      class={`sync-status${needsSignIn || problem ? ' sync-status-warn' : ''}`}
      aria-label={t('syncStatus.label')}
      data-syncing={syncing ? 'true' : 'false'}
      data-waiting={waiting}
    >
      <div class="sync-status-text" role="status">
        <span class="sync-line">{line}</span>
        <span class="muted sync-last">{lastSuccessAt ? t('syncStatus.last', { time: shortTime(lastSuccessAt, localToday()) }) : t('syncStatus.never')}</span>
        {problem && <span class="sync-problem">{problem}</span>}
      </div>
      {(waiting > 0 || syncing) && (
        <button type="button" class="secondary small" onClick={status.syncNow} disabled={syncing || !online || needsSignIn}>
          {t('syncStatus.now')}
        </button>
      )}
    </section>
  );
}
