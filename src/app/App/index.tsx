import { useEffect, useState } from 'preact/hooks';
import { useLang } from '../i18n';
import { applyUpdate, onUpdateReady } from '../sw-bridge';

/** Tracks navigator.onLine. */
function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    addEventListener('online', update);
    addEventListener('offline', update);
    return () => {
      removeEventListener('online', update);
      removeEventListener('offline', update);
    };
  }, []);
  return online;
}

export function App() {
  const { t, lang, setLang } = useLang();
  const online = useOnline();
  const [updateReady, setUpdateReady] = useState(false);
  useEffect(() => onUpdateReady(setUpdateReady), []);

  return (
    <div class="shell">
      <header class="topbar">
        <h1 class="brand">{t('app.name')}</h1>
        <span class={online ? 'net net-on' : 'net net-off'} role="status">
          {online ? t('status.online') : t('status.offline')}
        </span>
        <button
          type="button"
          class="lang"
          lang={lang === 'zh' ? 'en' : 'zh-CN'}
          aria-label={t('lang.label')}
          onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
        >
          {t('lang.switch')}
        </button>
      </header>
      {updateReady && (
        <div class="banner" role="alert">
          <span>{t('update.available')}</span>
          <button type="button" onClick={applyUpdate}>
            {t('update.apply')}
          </button>
        </div>
      )}
      <main class="content">
        <h2>{t('home.title')}</h2>
        <p>{t('home.placeholder')}</p>
      </main>
    </div>
  );
}
