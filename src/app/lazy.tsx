/**
 * A screen in its own chunk: `lazyScreen(load)` is a component that shows "opening…" until the chunk
 * has arrived, then the screen. `load` is the same promise every time (modules load once), so calling
 * it early (see `preload`) makes the screen appear at once. The service worker precaches every chunk:
 * a lazy screen opens offline like the rest.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useLang } from './i18n';

export interface LazyScreen<P> {
  (props: P): preact.JSX.Element;
  /** Starts loading the chunk now (e.g. as soon as the screen is known to be next). */
  preload(): void;
}

export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>): LazyScreen<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const start = () =>
    (loading ??= load().then(
      (c) => (loaded = c),
      (error: unknown) => {
        loading = undefined; // a failed fetch (offline before the worker cached it) may be tried again
        throw error;
      },
    ));
  function Lazy(props: P) {
    const { t } = useLang();
    const [screen, setScreen] = useState<ComponentType<P> | undefined>(() => loaded);
    useEffect(() => {
      if (screen) return;
      let alive = true;
      start().then((c) => alive && setScreen(() => c), () => undefined);
      return () => {
        alive = false;
      };
    }, [screen]);
    const Screen = screen;
    return Screen ? <Screen {...props} /> : <p class="muted">{t('app.loading')}</p>;
  }
  Lazy.preload = () => void start().catch(() => undefined);
  return Lazy;
}
