/**
 * The stall's counts for today from the server (`GET /api/stalls/:id/today`), while online: fetched on
 * opening, on coming back online and every 30 s, so the staff sees self-registrations by QR code come
 * in beside the device's own tally. Offline, or when the server cannot be asked, it is null: the
 * device's tally stands alone and nothing is guessed.
 */
import { useEffect, useState } from 'preact/hooks';
import { getSession } from '../offline/session';
import type { StallToday } from '../shared/stall-today';
import { fetchStallToday } from './api';
import { useLang } from './i18n';
import { useOnline } from './use-online';
import { useSyncStatus } from './use-sync-status';

const REFRESH_MS = 30_000;

export function useStallToday(stallId: string): StallToday | null {
  const { lang } = useLang();
  const online = useOnline();
  // After each batch the server took, the stall's count has changed: ask again then too.
  const { lastSuccessAt } = useSyncStatus();
  const [today, setToday] = useState<StallToday | null>(null);
  useEffect(() => {
    if (!online) {
      setToday(null);
      return;
    }
    let alive = true;
    const load = async () => {
      const session = await getSession().catch(() => undefined);
      if (!session) return;
      const answer = await fetchStallToday(session.token, lang, stallId).catch(() => null);
      if (alive) setToday(answer);
    };
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [stallId, online, lang, lastSuccessAt]);
  return today;
}
