/**
 * One line under the top bar: what sync is doing (n of m), what waits, when it last worked, why it
 * failed and when it tries again, and a "sync now" button. It never needs a tap to send: the button
 * only skips a wait.
 */
import { shortTime } from '../format';
import { useLang } from '../i18n';
import type { SyncStatus as Status } from '../use-sync-status';
import { localToday } from '../../shared/local-time';

const clock = (ms: number) => {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
};

/**
 * `attention`: the user's records the server returned (never "all sent" while one waits for a fix);
 * `others`: other users' records waiting here (then only "your records are sent"); `empty`: this user has
 * no record on the device at all (then it says so, not "all sent").
 */
export function SyncStatus({ status, attention = 0, others = 0, empty = false }: { status: Status; attention?: number; others?: number; empty?: boolean }) {
  const { t } = useLang();
  const { online, syncing, progress, waiting, lastSuccessAt, needsSignIn, lastError, retryAt } = status;

  let line: string;
  if (syncing) line = t('syncStatus.syncing', { sent: progress.sent, total: progress.total });
  else if (needsSignIn) line = t('syncStatus.needsSignIn');
  else if (!online && waiting > 0) line = t('syncStatus.offlineWaiting', { n: waiting });
  else if (waiting > 0) line = t('syncStatus.waiting', { n: waiting });
  else if (attention > 0) line = t('queue.attention', { n: attention });
  else if (empty) line = t('syncStatus.noRecords');
  else line = t(others > 0 ? 'owner.allMineSent' : 'syncStatus.allSent');
  if (attention > 0 && (syncing || waiting > 0)) line = `${line} · ${t('queue.attention', { n: attention })}`;

  let problem: string | null = null;
  if (!syncing && !needsSignIn && lastError && waiting > 0) {
    const busy = lastError.kind === 'throttled' || lastError.status === 503;
    if (lastError.kind === 'client') problem = t('syncStatus.clientError', { status: lastError.status ?? '' });
    else if (retryAt) problem = t(busy ? 'syncStatus.busy' : 'syncStatus.retryAt', { time: clock(retryAt) });
    else problem = t(busy ? 'syncStatus.busyLater' : 'syncStatus.failed');
  }

  return (
    <section
      class={`sync-status${needsSignIn || problem || attention > 0 ? ' sync-status-warn' : ''}`}
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
