/**
 * How many records of other users wait on this device, and why: a count, never their contents. A
 * supervisor may take over those of stalls in their scope (asked of the server, stall by stall),
 * by an explicit, confirmed action; they then go out under the supervisor's session.
 */
import { useState } from 'preact/hooks';
import { adoptRecords, othersStalls } from '../../offline/outbox-actions';
import { ApiCallError, fetchStallToday } from '../api';
import { useLang } from '../i18n';

export interface OthersWaitingProps {
  count: number;
  /** The signed-in user, when they may take records over (a supervisor). */
  adopter?: { id: string; token: string };
  onAdopted(): void;
}

export function OthersWaiting({ count, adopter, onAdopted }: OthersWaitingProps) {
  const { t, lang } = useLang();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);

  const adopt = async () => {
    if (!adopter) return;
    setBusy(true);
    setNote(null);
    try {
      const { stallIds } = await othersStalls(adopter.id);
      const mine = new Set<string>();
      for (const id of stallIds) {
        try {
          await fetchStallToday(adopter.token, lang, id);
          mine.add(id);
        } catch (error) {
          // 403 / 404: not a stall of this supervisor's; anything else: we cannot tell now.
          if (!(error instanceof ApiCallError && (error.status === 403 || error.status === 404))) throw error;
        }
      }
      const n = mine.size > 0 ? await adoptRecords(adopter.id, mine) : 0;
      setNote(n > 0 ? t('owner.adopted', { n }) : t('owner.noneInScope'));
      if (n > 0) onAdopted();
    } catch {
      setNote(t('owner.adoptFailed'));
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };

  if (count === 0 && !note) return null;
  return (
    <div class="banner others-waiting" role="status" data-others={count}>
      {count > 0 && <span>{t('owner.othersWaiting', { n: count })}</span>}
      {note && <span>{note}</span>}
      {adopter && count > 0 && !asking && (
        <button type="button" class="secondary small" onClick={() => setAsking(true)}>
          {t('owner.adopt')}
        </button>
      )}
      {adopter && asking && (
        <span class="others-confirm">
          <span>{t('owner.adoptConfirm')}</span>
          <button type="button" class="secondary small" onClick={() => setAsking(false)} disabled={busy}>
            {t('signOut.cancel')}
          </button>
          <button type="button" class="primary small" onClick={() => void adopt()} disabled={busy}>
            {t('owner.adopt')}
          </button>
        </span>
      )}
    </div>
  );
}
