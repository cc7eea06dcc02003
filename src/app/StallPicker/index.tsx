/** Today's stall: picked from the org's stalls cached at sign-in (works offline), and remembered. */
import { useState } from 'preact/hooks';
import type { CachedStall } from '../../offline/stalls';
import { useLang } from '../i18n';
import { localToday } from '../../shared/local-time';

export interface StallPickerProps {
  stalls: CachedStall[];
  currentId?: string;
  onChoose(id: string): void;
  /** Fetches the list again; resolves false when the server could not be reached. */
  onRefresh(): Promise<boolean>;
  onCancel?(): void;
}

export function StallPicker({ stalls, currentId, onChoose, onRefresh, onCancel }: StallPickerProps) {
  const { t } = useLang();
  const [refreshing, setRefreshing] = useState(false);
  const [failed, setFailed] = useState(false);
  const today = localToday();
  const usable = stalls.filter((s) => s.date >= today);

  const refresh = async () => {
    setRefreshing(true);
    setFailed(!(await onRefresh()));
    setRefreshing(false);
  };

  return (
    <section class="card stall-picker" aria-labelledby="stall-picker-title">
      <h2 id="stall-picker-title">{t('stall.title')}</h2>
      {usable.length === 0 ? (
        <p>{t('stall.none')}</p>
      ) : (
        <ul class="stall-list">
          {usable.map((s) => (
            <li key={s.id}>
              <button
                type="button"
                class={s.id === currentId ? 'stall-choice current' : 'stall-choice'}
                aria-current={s.id === currentId ? 'true' : undefined}
                onClick={() => onChoose(s.id)}
              >
                <span class="stall-name">{s.name}</span>
                <span class="stall-date">
                  {s.date === today ? t('stall.today') : s.date}
                  {s.location ? ` · ${s.location}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="form-actions">
        <button type="button" class="secondary" onClick={refresh} disabled={refreshing}>
          {refreshing ? t('stall.refreshing') : t('stall.refresh')}
        </button>
        {onCancel && (
          <button type="button" class="secondary" onClick={onCancel}>
            {t('signOut.cancel')}
          </button>
        )}
      </div>
      <div role="status">{failed && <p class="notice notice-warn">{t('stall.refreshFailed')}</p>}</div>
    </section>
  );
}
