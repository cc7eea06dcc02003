/** The cached stalls and the one chosen for today, as a hook. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { chooseStall, getChosenStall, listCachedStalls, type CachedStall } from '../offline/stalls';
import { localToday } from '../shared/local-time';

export interface StallsState {
  loaded: boolean;
  stalls: CachedStall[];
  /** The remembered stall, unless it is for a past day (then the staff picks again). */
  chosen: CachedStall | undefined;
  choose(id: string): Promise<void>;
  reload(): Promise<void>;
}

export function useStalls(): StallsState {
  const [loaded, setLoaded] = useState(false);
  const [stalls, setStalls] = useState<CachedStall[]>([]);
  const [chosen, setChosen] = useState<CachedStall | undefined>();
  const reload = useCallback(async () => {
    const [list, current] = await Promise.all([listCachedStalls(), getChosenStall()]);
    setStalls(list);
    setChosen(current && current.date >= localToday() ? current : undefined);
    setLoaded(true);
  }, []);
  const choose = useCallback(
    async (id: string) => {
      await chooseStall(id);
      await reload();
    },
    [reload],
  );
  useEffect(() => {
    void reload().catch(() => setLoaded(true));
  }, [reload]);
  return { loaded, stalls, chosen, choose, reload };
}
