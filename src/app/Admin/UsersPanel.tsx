/** Users of the admin's subtree: add one, sign one out everywhere (a lost phone), and run an account (UserAccount). */
import { useState } from 'preact/hooks';
import { ROLES, createUserBodySchema, type OrgView, type Role, type UserListItem } from '../../shared/accounts';
import type { MessageKey } from '../../shared/i18n';
import { Field } from '../Field';
import { failureText } from '../http';
import { useLang } from '../i18n';
import type { AdminApi } from './admin-api';
import { useCreateForm } from './use-create-form';
import { AdminList, useAdminList } from './AdminList';
import { UserAccount } from './UserAccount';
import { OrgSelect } from './OrgSelect';

const ROLE_LABEL: Record<Role, MessageKey> = { staff: 'admin.role.staff', supervisor: 'admin.role.supervisor', admin: 'admin.role.admin' };

export function UsersPanel({ api, orgs, selfId }: { api: AdminApi; orgs: OrgView[]; selfId: string }) {
  const { t } = useLang();
  const users = useAdminList<UserListItem>(api.users);
  const load = users.reload;
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** The user whose account is open for managing. */
  const [managing, setManaging] = useState<string | null>(null);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setNotice(await work());
      await load();
    } catch (e) {
      setError(failureText(e, t));
    } finally {
      setBusy(false);
    }
  };

  const create = useCreateForm(createUserBodySchema, api.createUser, load);
  const onCreate = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    setNotice(null);
    void create.submit(form, {
      username: String(data.get('username') ?? '').trim(),
      password: String(data.get('password') ?? ''),
      role: String(data.get('role') ?? ''),
      orgId: String(data.get('orgId') ?? ''),
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
        <AdminList list={users} none="admin.users.none">
          {(list) => (
            <ul class="admin-list">
              {list.map((u) => (
                <li key={u.id} class="admin-user">
                  <div class="admin-list-item">
                    <div>
                      <span class="admin-list-name">
                        {u.username}
                        {u.disabled && <span class="state-tag">{t('admin.users.stateDisabled')}</span>}
                        {u.mustChangePassword && <span class="state-tag">{t('admin.users.stateMustChange')}</span>}
                      </span>
                      <span class="admin-list-meta">
                        {t(ROLE_LABEL[u.role])} · {orgName.get(u.orgId) ?? u.orgId}
                      </span>
                    </div>
                    <div class="admin-user-actions">
                      <button
                        type="button"
                        class="secondary small"
                        aria-expanded={managing === u.id}
                        aria-label={t('admin.users.manageOf', { username: u.username })}
                        onClick={() => setManaging(managing === u.id ? null : u.id)}
                      >
                        {t('admin.users.manage')}
                      </button>
                      <button type="button" class="secondary small" disabled={busy} onClick={() => onRevoke(u)}>
                        {t('admin.users.revoke')}
                      </button>
                    </div>
                  </div>
                  {managing === u.id && <UserAccount api={api} user={u} self={u.id === selfId} onChanged={() => void load()} />}
                </li>
              ))}
            </ul>
          )}
        </AdminList>
      </section>

      <section class="card" aria-labelledby="admin-users-add">
        <h3 id="admin-users-add">{t('admin.users.add')}</h3>
        <form class="admin-form" onSubmit={onCreate} noValidate onInput={create.edited}>
          <Field id="admin-user-name" label={t('admin.users.username')} error={create.error('username')}>
            {(w) => <input {...w} name="username" type="text" autoComplete="off" autoCapitalize="none" spellcheck={false} />}
          </Field>
          <Field id="admin-user-password" label={t('admin.users.password')} error={create.error('password')}>
            {(w) => <input {...w} name="password" type="password" autoComplete="new-password" />}
          </Field>
          <Field id="admin-user-role" label={t('admin.users.role')} error={create.error('role')}>
            {(w) => (
              <select {...w} name="role">
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(ROLE_LABEL[r])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <OrgSelect id="admin-user-org" label={t('admin.users.org')} error={create.error('orgId')} orgs={orgs} />
          <div role="alert">{create.problem && <p class="notice notice-error">{create.problem}</p>}</div>
          <div role="status">{create.saved && <p class="notice notice-ok">{t('admin.saved')}</p>}</div>
          <button type="submit" disabled={create.busy}>
            {t('admin.users.create')}
          </button>
        </form>
      </section>
    </div>
  );
}
