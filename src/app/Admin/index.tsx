/**
 * The admin pages (`/admin`): the org tree with CSV import, users (add, sign out everywhere), stalls.
 * Online only: every panel reads and writes through the API with the given token, and the server
 * decides what this user may see and do (their org's subtree).
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { OrgView } from '../../shared/accounts';
import type { MessageKey } from '../../shared/i18n';
import { accounts } from '../../shared/i18n/accounts';
import { addMessages } from '../../shared/i18n/catalogue';
import { useLang } from '../i18n';
import { AdminApiError, adminApi } from './admin-api';
import { OrgsPanel } from './OrgsPanel';
import { StallsPanel } from './StallsPanel';
import { UsersPanel } from './UsersPanel';
import './admin.css';

// The admin pages bring their own words (src/shared/i18n/accounts.ts).
addMessages(accounts);

type Tab = 'orgs' | 'users' | 'stalls';
const TABS: [Tab, MessageKey][] = [
  ['orgs', 'admin.tab.orgs'],
  ['users', 'admin.tab.users'],
  ['stalls', 'admin.tab.stalls'],
];

export function AdminPage({ token }: { token: string }) {
  const { t, lang } = useLang();
  const api = useMemo(() => adminApi(token, lang), [token, lang]);
  const [tab, setTab] = useState<Tab>('orgs');
  const [orgs, setOrgs] = useState<OrgView[] | null>(null);
  const [error, setError] = useState<{ message: string; forbidden: boolean } | null>(null);

  const loadOrgs = useCallback(async () => {
    try {
      setOrgs(await api.orgs());
      setError(null);
    } catch (e) {
      setError({ message: e instanceof Error ? e.message : String(e), forbidden: e instanceof AdminApiError && (e.status === 401 || e.status === 403) });
    }
  }, [api]);
  useEffect(() => void loadOrgs(), [loadOrgs]);

  return (
    <section class="admin" aria-labelledby="admin-title">
      <h2 id="admin-title">{t('admin.title')}</h2>
      <div class="admin-tabs">
        {TABS.map(([key, label]) => (
          <button key={key} type="button" class="admin-tab" aria-pressed={tab === key} onClick={() => setTab(key)}>
            {t(label)}
          </button>
        ))}
      </div>
      {error && (
        <div class="notice notice-error" role="alert">
          <p>{error.forbidden ? t('admin.signInFirst') : error.message}</p>
          {!error.forbidden && (
            <button type="button" class="secondary small" onClick={() => void loadOrgs()}>
              {t('admin.retry')}
            </button>
          )}
        </div>
      )}
      {!orgs && !error && <p class="muted">{t('admin.loading')}</p>}
      {orgs && tab === 'orgs' && <OrgsPanel api={api} orgs={orgs} onChanged={loadOrgs} />}
      {orgs && tab === 'users' && <UsersPanel api={api} orgs={orgs} />}
      {orgs && tab === 'stalls' && <StallsPanel api={api} orgs={orgs} />}
    </section>
  );
}
