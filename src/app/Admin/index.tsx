/**
 * The admin pages (`/admin`): the org tree with CSV import, users (add, sign out everywhere), stalls.
 * Online only: every panel reads and writes through the API with the given token, and the server
 * decides what this user may see and do (their org's subtree).
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { OrgView } from '../../shared/accounts';
import type { MessageKey } from '../../shared/i18n';
import { accountActions } from '../../shared/i18n/account-actions';
import { accounts } from '../../shared/i18n/accounts';
import { addMessages } from '../../shared/i18n/catalogue';
import { useLang } from '../i18n';
import { adminApi } from './admin-api';
import { OrgsPanel } from './OrgsPanel';
import { StallsPanel } from './StallsPanel';
import { UsersPanel } from './UsersPanel';
import './admin.css';
import { failureText, isRefusal } from '../http';

// The admin pages bring their own words (src/shared/i18n/accounts.ts, and account-actions.ts for running an account).
addMessages(accounts, accountActions);

type Tab = 'orgs' | 'users' | 'stalls';
const TABS: [Tab, MessageKey][] = [
  ['orgs', 'admin.tab.orgs'],
  ['users', 'admin.tab.users'],
  ['stalls', 'admin.tab.stalls'],
];

export function AdminPage({ token, userId }: { token: string; userId: string }) {
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
      setError({ message: failureText(e, t), forbidden: isRefusal(e) });
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
      {orgs && tab === 'users' && <UsersPanel api={api} orgs={orgs} selfId={userId} />}
      {orgs && tab === 'stalls' && <StallsPanel api={api} orgs={orgs} />}
    </section>
  );
}
