/**
 * The admin's roster download: the dashboard's date range, the reason (required, kept in the audit
 * log with who exported and whether the values were full), and whether ID numbers and phones come
 * unmasked. The reason is checked by the same schema the server uses before anything is asked.
 */
import { useState } from 'preact/hooks';
import { exportReasonSchema } from '../../shared/roster';
import { useLang } from '../i18n';
import type { DashboardApi } from './dashboard-api';
import { failureText } from '../http';

export function RosterForm({ api, from, to }: { api: DashboardApi; from: string; to: string }) {
  const { t } = useLang();
  const [reason, setReason] = useState('');
  const [full, setFull] = useState(false);
  /** The server's refusal (in the language it was asked in); a missing reason is said in the language of the moment. */
  const [problem, setProblem] = useState<string | null>(null);
  const [noReason, setNoReason] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const checked = exportReasonSchema.safeParse(reason);
    setNoReason(!checked.success);
    setProblem(null);
    if (!checked.success) return;
    setBusy(true);
    try {
      await api.exportRoster({ from, to, reason: checked.data, full });
      // Each export gives its own reason, and full values are asked for each time, never left on.
      setReason('');
      setFull(false);
    } catch (error) {
      setProblem(failureText(error, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="dash-roster" aria-labelledby="roster-title">
      <h3 id="roster-title">{t('roster.title')}</h3>
      <p class="muted">{t('roster.intro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div class="field">
          <label for="roster-reason">{t('roster.reason')}</label>
          <input
            id="roster-reason"
            name="reason"
            type="text"
            autocomplete="off"
            maxLength={200}
            required
            value={reason}
            aria-invalid={noReason ? 'true' : undefined}
            aria-describedby={noReason || problem ? 'roster-problem' : undefined}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </div>
        <label class="check">
          <input type="checkbox" name="full" checked={full} onChange={(e) => setFull(e.currentTarget.checked)} />
          <span>{t('roster.full')}</span>
        </label>
        {(noReason || problem) && (
          <p id="roster-problem" class="field-error" role="alert">
            {noReason ? t('stats.reason_required') : problem}
          </p>
        )}
        <button type="submit" class="secondary" disabled={busy}>
          {t('roster.download')}
        </button>
      </form>
    </section>
  );
}
