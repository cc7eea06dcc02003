/** Users of the admin's subtree: add one, or sign one out on every device (a lost phone). */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ROLES, type OrgView, type Role, type UserListItem } from '../../shared/accounts';
import type { MessageKey } from '../../shared/i18n';
import { useLang } from '../i18n';
import type { AdminApi } from './admin-api';
import { indented, treeOrder } from './org-tree';

const ROLE_LABEL: Record<Role, MessageKey> = { staff: 'admin.role.staff', supervisor: 'admin.role.supervisor', admin: 'admin.role.admin' };

export function UsersPanel({ api, orgs }: { api: AdminApi; orgs: OrgView[] }) {
  const { t } = useLang();
  const [users, setUsers] = useState<UserListItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The list could not be read: shown with a retry, never left on "loading". */
  const [listError, setListError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));

  const load = useCallback(async () => {
    try {
      setUsers(await api.users());
      setListError(null);
    } catch (e) {
      setListError(e instanceof Error ? e.message : String(e));
    }
  }, [api]);
  useEffect(() => void load(), [load]);

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setNotice(await work());
      await load();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const onCreate = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const role = ROLES.find((r) => r === data.get('role')) ?? 'staff';
    void run(async () => {
      await api.createUser({
        username: String(data.get('username') ?? '').trim(),
        password: String(data.get('password') ?? ''),
        role,
        orgId: String(data.get('orgId') ?? ''),
      });
      form.reset();
      return t('admin.saved');
    });
  };

  const onRevoke = (user: UserListItem) => {
    if (!confirm(t('admin.users.revokeConfirm', { username: user.username }))) return;
    void run(async () => t('admin.users.revoked', { count: (await api.revokeUser(user.id)).revoked }));
  };

  return (
    <div class="admin-panel">
      <div role="alert">{error && <p class="notice notice-error">{error}</p>}</div>
      <div role="status">{notice && <p class="notice notice-ok">{notice}</p>}</div>
      <section class="card" aria-labelledby="admin-users-list">
        <h3 id="admin-users-list">{t('admin.users.list')}</h3>
        {users === null && listError ? (
          <div class="notice notice-error" role="alert">
            <p>{listError}</p>
            <button type="button" class="secondary small" onClick={() => void load()}>
              {t('admin.retry')}
            </button>
          </div>
        ) : users === null ? (
          <p class="muted">{t('admin.loading')}</p>
        ) : users.length === 0 ? (
          <p class="muted">{t('admin.users.none')}</p>
        ) : (
          <ul class="admin-list">
            {users.map((u) => (
              <li key={u.id} class="admin-list-item">
                <div>
                  <span class="admin-list-name">{u.username}</span>
                  <span class="admin-list-meta">
                    {t(ROLE_LABEL[u.role])} · {orgName.get(u.orgId) ?? u.orgId}
                  </span>
                </div>
                <button type="button" class="secondary small" disabled={busy} onClick={() => onRevoke(u)}>
                  {t('admin.users.revoke')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card" aria-labelledby="admin-users-add">
        <h3 id="admin-users-add">{t('admin.users.add')}</h3>
        <form class="admin-form" onSubmit={onCreate} onInput={() => setNotice(null)}>
          <div class="field">
            <label for="admin-user-name">{t('admin.users.username')}</label>
            <input id="admin-user-name" name="username" type="text" required minLength={3} maxLength={64} autoComplete="off" autoCapitalize="none" spellcheck={false} />
          </div>
          <div class="field">
            <label for="admin-user-password">{t('admin.users.password')}</label>
            <input id="admin-user-password" name="password" type="password" required minLength={8} maxLength={256} autoComplete="new-password" />
          </div>
          <div class="field">
            <label for="admin-user-role">{t('admin.users.role')}</label>
            <select id="admin-user-role" name="role">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(ROLE_LABEL[r])}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="admin-user-org">{t('admin.users.org')}</label>
            <select id="admin-user-org" name="orgId" required>
              {treeOrder(orgs).map((r) => (
                <option key={r.org.id} value={r.org.id}>
                  {indented(r)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={busy}>
            {t('admin.users.create')}
          </button>
        </form>
      </section>
    </div>
  );
}
