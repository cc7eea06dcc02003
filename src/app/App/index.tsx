/**
 * The app frame: top bar (name, network, language), banners (update, expired sign-in, cleared data,
 * database trouble), the menu, and the screen for the route. Starts from IndexedDB alone, so it
 * opens offline once signed in.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { onDbEvent, type DbEvent } from '../../offline/db';
import { UNKNOWN_OWNER } from '../../offline/outbox';
import { acknowledgeClearedData, detectClearedData } from '../../offline/outbox-marker';
import { requestPersistence, type Persistence } from '../../offline/storage';
import { useLang } from '../i18n';
import { lazyScreen } from '../lazy';
import { Menu } from '../Menu';
import { entryOf, landingPath } from '../Menu/entries';
import { NoAccess } from '../NoAccess';
import { SignIn } from '../SignIn';
import { SignOutDialog } from '../SignOutDialog';
import { StallPicker } from '../StallPicker';
import { SyncStatus } from '../SyncStatus';
import { applyUpdate, onUpdateReady } from '../sw-bridge';
import { useOnline } from '../use-online';
import { OthersWaiting } from '../OthersWaiting';
import { useOwnCounts } from '../use-outbox';
import { linkClick, navigate, useRoute } from '../use-route';
import { useSession } from '../use-session';
import { useStalls } from '../use-stalls';
import { useSyncStatus } from '../use-sync-status';
import { localToday } from '../../shared/local-time';

/** The stall screen (form, tally, consultations) in its own chunk: a first visit opens on sign-in without it; loaded as soon as someone is signed in. */
const EnrollScreen = lazyScreen(() => import('../EnrollScreen').then((m) => m.EnrollScreen));
/** The queue, loaded when opened. */
const QueueScreen = lazyScreen(() => import('../QueueScreen').then((m) => m.QueueScreen));

/** The admin pages, loaded only when opened: a stall phone never parses them (they are precached for offline all the same). */
const LazyAdmin = lazyScreen(() => import('../Admin').then((m) => m.AdminPage));
/** The QR screen, loaded only when opened: it alone needs the `qrcode` encoder. */
const LazyStallQr = lazyScreen(() => import('../StallQr').then((m) => m.StallQr));
/** The audit screen (src/app/Audit), loaded only when an admin opens it. */
const LazyAudit = lazyScreen(() => import('../Audit').then((m) => m.AuditPage));
/** The supervisor's dashboard, loaded only when opened (src/app/Dashboard). */
const LazyDashboard = lazyScreen(() => import('../Dashboard').then((m) => m.DashboardPage));
/** "My account" and the forced password change after a temporary password (src/app/Account). */
const LazyAccount = lazyScreen(() => import('../Account').then((m) => m.AccountPage));
const LazyForcedChange = lazyScreen(() => import('../Account').then((m) => m.ForcedPasswordChange));

/** `/stall/:id/qr` → the stall id. */
const qrRoute = (path: string) => /^\/stall\/([^/]+)\/qr$/.exec(path)?.[1];

export function App() {
  const { t, lang, setLang } = useLang();
  const online = useOnline();
  const route = useRoute();
  const session = useSession(lang);
  const stalls = useStalls();
  const user = session.state.status === 'signed-in' ? session.state.session.user : null;
  // An admin does not enroll or sync: whatever records an admin has on the device are others' to send.
  const isAdmin = user?.role === 'admin';
  const counts = useOwnCounts(isAdmin ? null : (user?.id ?? UNKNOWN_OWNER));
  const sync = useSyncStatus();
  const [updateReady, setUpdateReady] = useState(false);
  const [formDirty, setFormDirty] = useState(false);
  const [pickingStall, setPickingStall] = useState(false);
  const [reSignIn, setReSignIn] = useState(false);
  /** Set by a fresh sign-in (not a renewed one): the app then takes the user to their role's own page. */
  const [landing, setLanding] = useState(false);
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

  // Staff and supervisors work on the stall screen: fetch its chunk while the stalls are read.
  const enrolls = signedIn && !isAdmin;
  useEffect(() => {
    if (enrolls) EnrollScreen.preload();
  }, [enrolls]);

  useEffect(() => {
    if (!signedIn) return;
    void requestPersistence().then(setPersistence);
    void refreshFromServer();
    const onOnline = () => void refreshFromServer();
    addEventListener('online', onOnline);
    return () => removeEventListener('online', onOnline);
  }, [signedIn, refreshFromServer]);

  const onSignIn = async (username: string, password: string) => {
    // A temporary password leads to the forced change first; the rest waits for it (afterSignIn).
    if ((await session.signIn(username, password)) === 'signed-in') await afterSignIn();
  };
  const afterSignIn = async () => {
    setReSignIn(false);
    sync.resume();
    await stalls.reload();
    // After the stalls are read: a supervisor's landing depends on whether today has one.
    if (!reSignIn) setLanding(true);
  };

  const signOutNow = async () => {
    setConfirmSignOut(false);
    await session.signOut();
    navigate('/', { replace: true });
  };
  const waiting = counts ? counts.pending + counts.rejected : 0;
  const onSignOut = () => (waiting > 0 ? setConfirmSignOut(true) : void signOutNow());

  // After sign-in each role lands on its own page: staff at their stall, a supervisor at theirs (or the
  // dashboard when today has none), an admin at /admin.
  const hasStallToday = stalls.stalls.some((s) => s.date === localToday());
  useEffect(() => {
    if (!landing || !user || !stalls.loaded) return;
    setLanding(false);
    const to = landingPath(user.role, hasStallToday);
    if (to !== route.path) navigate(to, { replace: true });
  }, [landing, user, stalls.loaded, hasStallToday, route.path]);
  // An admin opening the stall app's home goes to the admin pages: whoever cannot sync cannot enroll.
  useEffect(() => {
    if (isAdmin && route.path === '/') navigate('/admin', { replace: true });
  }, [isAdmin, route.path]);

  const onDirtyChange = useCallback((dirty: boolean) => setFormDirty(dirty), []);

  let screen;
  if (session.state.status === 'must-change-password') {
    const pending = session.state;
    screen = (
      <LazyForcedChange
        token={pending.token}
        username={pending.user.username}
        temporaryPassword={pending.temporaryPassword}
        onChanged={() => void session.passwordChanged().then(afterSignIn)}
        onCancel={() => void session.abandonPasswordChange()}
      />
    );
  } else if (session.state.status === 'loading' || (signedIn && !stalls.loaded)) {
    screen = <p class="muted">{t('app.loading')}</p>;
  } else if (session.state.status === 'signed-out') {
    screen = <SignIn onSignIn={onSignIn} />;
  } else if (reSignIn) {
    screen = <SignIn onSignIn={onSignIn} expiredUser={session.state.session.user.username} onCancel={() => setReSignIn(false)} />;
  }

  // A page this role may not use says so (and leads back), instead of showing forms that would fail.
  const entry = entryOf(route.path);
  const denied = !screen && user && entry && !entry.roles.includes(user.role) ? entry : null;
  const page = !screen && !denied;

  const chosen = stalls.chosen;
  const onHome = route.path === '/';
  const onQueue = route.path === '/queue';
  const qrStallId = qrRoute(route.path);
  const showPicker = !screen && !denied && !isAdmin && onHome && (!chosen || pickingStall);

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
        {signedIn && user && !screen && <Menu role={user.role} path={route.path} waiting={isAdmin ? 0 : waiting} onSignOut={onSignOut} />}
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
      {signedIn && !isAdmin && <SyncStatus
          status={sync}
          attention={counts?.rejected ?? 0}
          others={counts?.others ?? 0}
          empty={counts !== null && counts.pending + counts.sent + counts.rejected === 0}
        />}
      {signedIn && session.state.status === 'signed-in' && counts && (
        <OthersWaiting
          count={counts.others}
          adopter={user?.role === 'supervisor' ? { id: user.id, token: session.state.session.token } : undefined}
          onAdopted={sync.resume}
        />
      )}
      {signedIn && session.state.status === 'signed-in' && (session.state.session.expired || sync.needsSignIn) && !reSignIn && (
        <div class="banner" role="status">
          <span>{t('signIn.expired')}</span>
          <button type="button" onClick={() => setReSignIn(true)}>
            {t('signIn.again')}
          </button>
        </div>
      )}

      <main class="content">
        {screen}
        {denied && user && <NoAccess entry={denied} role={user.role} home={landingPath(user.role, hasStallToday)} />}
        {page && showPicker && (
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
        {!screen && chosen && !isAdmin && (
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
        {page && onQueue && !isAdmin && user && <QueueScreen persistence={persistence} owner={user.id} />}
        {page && route.path === '/admin' && session.state.status === 'signed-in' && <LazyAdmin token={session.state.session.token} userId={session.state.session.user.id} />}
        {page && qrStallId && session.state.status === 'signed-in' && (
          <LazyStallQr stallId={qrStallId} token={session.state.session.token} orgName={session.state.session.orgName} />
        )}
        {page && route.path === '/dashboard' && session.state.status === 'signed-in' && (
          <LazyDashboard token={session.state.session.token} role={session.state.session.user.role} query={route.query} />
        )}
        {page && route.path === '/audit' && session.state.status === 'signed-in' && <LazyAudit token={session.state.session.token} />}
        {page && route.path === '/account' && session.state.status === 'signed-in' && (
          <LazyAccount token={session.state.session.token} username={session.state.session.user.username} />
        )}
        {page && !onHome && !onQueue && !entry && !qrStallId && (
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
