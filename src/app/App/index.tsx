/**
 * The app frame: top bar (name, network, language), banners (update, expired sign-in, cleared data,
 * database trouble), the menu, and the screen for the route. Starts from IndexedDB alone, so it
 * opens offline once signed in.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { onDbEvent, type DbEvent } from '../../offline/db';
import { acknowledgeClearedData, detectClearedData } from '../../offline/outbox';
import { requestPersistence, type Persistence } from '../../offline/storage';
import { EnrollScreen } from '../EnrollScreen';
import { useLang } from '../i18n';
import { QueueScreen } from '../QueueScreen';
import { SignIn } from '../SignIn';
import { SignOutDialog } from '../SignOutDialog';
import { StallPicker } from '../StallPicker';
import { SyncStatus } from '../SyncStatus';
import { applyUpdate, onUpdateReady } from '../sw-bridge';
import { useOnline } from '../use-online';
import { useOutboxCounts } from '../use-outbox';
import { linkClick, navigate, useRoute } from '../use-route';
import { useSession } from '../use-session';
import { useStalls } from '../use-stalls';
import { useSyncStatus } from '../use-sync-status';

/** The admin pages, loaded only when opened: a stall phone never parses them (they are precached for offline all the same). */
function LazyAdmin({ token }: { token: string }) {
  const { t } = useLang();
  const [admin, setAdmin] = useState<typeof import('../Admin') | null>(null);
  useEffect(() => {
    let alive = true;
    void import('../Admin').then((m) => alive && setAdmin(m));
    return () => {
      alive = false;
    };
  }, []);
  return admin ? <admin.AdminPage token={token} /> : <p class="muted">{t('app.loading')}</p>;
}

export function App() {
  const { t, lang, setLang } = useLang();
  const online = useOnline();
  const route = useRoute();
  const session = useSession(lang);
  const stalls = useStalls();
  const counts = useOutboxCounts();
  const sync = useSyncStatus();
  const [updateReady, setUpdateReady] = useState(false);
  const [formDirty, setFormDirty] = useState(false);
  const [pickingStall, setPickingStall] = useState(false);
  const [reSignIn, setReSignIn] = useState(false);
  const [confirmSignOut, setConfirmSignOut] = useState(false);
  const [persistence, setPersistence] = useState<Persistence | null>(null);
  const [lostRecords, setLostRecords] = useState(0);
  const [dbEvent, setDbEvent] = useState<DbEvent | null>(null);

  useEffect(() => onUpdateReady(setUpdateReady), []);
  useEffect(() => onDbEvent(setDbEvent), []);
  useEffect(() => {
    void detectClearedData().then(setLostRecords, () => undefined);
  }, []);

  const signedIn = session.state.status === 'signed-in';
  const { refresh } = session;
  const { reload: reloadStalls } = stalls;
  const refreshFromServer = useCallback(async () => {
    const ok = await refresh();
    await reloadStalls();
    return ok;
  }, [refresh, reloadStalls]);

  useEffect(() => {
    if (!signedIn) return;
    void requestPersistence().then(setPersistence);
    void refreshFromServer();
    const onOnline = () => void refreshFromServer();
    addEventListener('online', onOnline);
    return () => removeEventListener('online', onOnline);
  }, [signedIn, refreshFromServer]);

  const onSignIn = async (username: string, password: string) => {
    await session.signIn(username, password);
    setReSignIn(false);
    sync.resume();
    await stalls.reload();
  };

  const signOutNow = async () => {
    setConfirmSignOut(false);
    await session.signOut();
    navigate('/', { replace: true });
  };
  const waiting = counts ? counts.pending + counts.rejected : 0;
  const onSignOut = () => (waiting > 0 ? setConfirmSignOut(true) : void signOutNow());

  const onDirtyChange = useCallback((dirty: boolean) => setFormDirty(dirty), []);

  let screen;
  if (session.state.status === 'loading' || (signedIn && !stalls.loaded)) {
    screen = <p class="muted">{t('app.loading')}</p>;
  } else if (session.state.status === 'signed-out') {
    screen = <SignIn onSignIn={onSignIn} />;
  } else if (reSignIn) {
    screen = <SignIn onSignIn={onSignIn} expiredUser={session.state.session.user.username} onCancel={() => setReSignIn(false)} />;
  }

  const chosen = stalls.chosen;
  const onHome = route.path === '/';
  const onQueue = route.path === '/queue';
  const showPicker = !screen && onHome && (!chosen || pickingStall);

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
          title={t('lang.label')}
          onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
        >
          {t('lang.switch')}
        </button>
      </header>

      {updateReady && (
        <div class="banner" role="status">
          {formDirty ? (
            <span>
              {t('update.available')} · {t('update.waitForm')}
            </span>
          ) : (
            <>
              <span>{t('update.available')}</span>
              <button type="button" onClick={() => !formDirty && applyUpdate()}>
                {t('update.apply')}
              </button>
            </>
          )}
        </div>
      )}
      {lostRecords > 0 && (
        <div class="banner banner-error" role="alert">
          <span>{t('dataLoss.warning', { n: lostRecords })}</span>
          <button type="button" onClick={() => void acknowledgeClearedData().then(() => setLostRecords(0))}>
            {t('dataLoss.ack')}
          </button>
        </div>
      )}
      {(dbEvent === 'blocked' || dbEvent === 'outdated') && (
        <div class="banner banner-error" role="alert">
          <span>{t(dbEvent === 'blocked' ? 'db.blocked' : 'db.outdated')}</span>
          {dbEvent === 'outdated' && (
            <button type="button" onClick={() => location.reload()}>
              {t('db.reload')}
            </button>
          )}
        </div>
      )}
      {signedIn && <SyncStatus status={sync} />}
      {signedIn && session.state.status === 'signed-in' && (session.state.session.expired || sync.needsSignIn) && !reSignIn && (
        <div class="banner" role="status">
          <span>{t('signIn.expired')}</span>
          <button type="button" onClick={() => setReSignIn(true)}>
            {t('signIn.again')}
          </button>
        </div>
      )}

      {signedIn && !screen && (
        <nav class="menu" aria-label={t('nav.label')}>
          <a href="/" class="menu-link" aria-current={onHome ? 'page' : undefined} onClick={linkClick}>
            {t('nav.enroll')}
          </a>
          <a href="/queue" class="menu-link" aria-current={onQueue ? 'page' : undefined} onClick={linkClick}>
            {t('nav.queue')}
            {counts && waiting > 0 ? <span class="badge">{waiting}</span> : null}
          </a>
          <button type="button" class="secondary small menu-signout" onClick={onSignOut}>
            {t('nav.signOut')}
          </button>
        </nav>
      )}

      <main class="content">
        {screen}
        {!screen && showPicker && (
          <StallPicker
            stalls={stalls.stalls}
            currentId={chosen?.id}
            onChoose={(id) => {
              setPickingStall(false);
              void stalls.choose(id);
            }}
            onRefresh={refreshFromServer}
            onCancel={chosen ? () => setPickingStall(false) : undefined}
          />
        )}
        {!screen && chosen && (
          <div hidden={!onHome || showPicker}>
            <EnrollScreen
              stall={chosen}
              stalls={stalls.stalls}
              fixId={onHome ? route.query.get('fix') : null}
              onChangeStall={() => setPickingStall(true)}
              onDirtyChange={onDirtyChange}
            />
          </div>
        )}
        {!screen && onQueue && <QueueScreen persistence={persistence} />}
        {!screen && route.path === '/admin' && session.state.status === 'signed-in' && <LazyAdmin token={session.state.session.token} />}
        {!screen && !onHome && !onQueue && route.path !== '/admin' && (
          <section class="card">
            <p>{t('page.notYet')}</p>
            <a href="/" onClick={linkClick}>
              {t('nav.home')}
            </a>
          </section>
        )}
      </main>
      {confirmSignOut && <SignOutDialog waiting={waiting} onConfirm={() => void signOutNow()} onCancel={() => setConfirmSignOut(false)} />}
    </div>
  );
}
