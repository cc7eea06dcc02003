/** Stalls of the admin's subtree from today on, with their join links, and adding one. */
import { createStallBodySchema, type OrgView, type StallView } from '../../shared/accounts';
import { useLang } from '../i18n';
import { linkClick } from '../use-route';
import type { AdminApi } from './admin-api';
import { localToday } from '../../shared/local-time';
import { Field } from '../Field';
import { AdminList, useAdminList } from './AdminList';
import { useCreateForm } from './use-create-form';
import { OrgSelect } from './OrgSelect';

export function StallsPanel({ api, orgs }: { api: AdminApi; orgs: OrgView[] }) {
  const { t } = useLang();
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const stalls = useAdminList<StallView>(api.stalls);

  const create = useCreateForm(createStallBodySchema, api.createStall, stalls.reload);
  const onCreate = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const location = String(data.get('location') ?? '').trim();
    void create.submit(form, {
      name: String(data.get('name') ?? ''),
      orgId: String(data.get('orgId') ?? ''),
      date: String(data.get('date') ?? ''),
      location: location || undefined,
    });
  };

  return (
    <div class="admin-panel">
      <section class="card" aria-labelledby="admin-stalls-list">
        <h3 id="admin-stalls-list">{t('admin.stalls.list')}</h3>
        <AdminList list={stalls} none="admin.stalls.none">
          {(items) => (
            <ul class="admin-list">
              {items.map((s) => (
                <li key={s.id} class="admin-list-item">
                  <div>
                    <span class="admin-list-name">{s.name}</span>
                    <span class="admin-list-meta">
                      {s.date} · {orgName.get(s.orgId) ?? s.orgId}
                      {s.location ? ` · ${s.location}` : ''}
                    </span>
                    <a class="admin-link" href={s.joinUrl} target="_blank" rel="noopener noreferrer">
                      {t('admin.stalls.link')}
                    </a>
                    <a class="admin-link" href={`/stall/${s.id}/qr`} onClick={linkClick}>
                      {t('qr.open')}
                    </a>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </AdminList>
      </section>

      <section class="card" aria-labelledby="admin-stalls-add">
        <h3 id="admin-stalls-add">{t('admin.stalls.add')}</h3>
        <form class="admin-form" onSubmit={onCreate} noValidate onInput={create.edited}>
          <Field id="admin-stall-name" label={t('admin.stalls.name')} error={create.error('name')}>
            {(w) => <input {...w} name="name" type="text" autoComplete="off" />}
          </Field>
          <OrgSelect id="admin-stall-org" label={t('admin.stalls.org')} error={create.error('orgId')} orgs={orgs} />
          <Field id="admin-stall-date" label={t('admin.stalls.date')} error={create.error('date')}>
            {(w) => <input {...w} name="date" type="date" defaultValue={localToday()} />}
          </Field>
          <Field id="admin-stall-location" label={t('admin.stalls.location')} error={create.error('location')}>
            {(w) => <input {...w} name="location" type="text" autoComplete="off" />}
          </Field>
          <div role="alert">{create.problem && <p class="notice notice-error">{create.problem}</p>}</div>
          <div role="status">{create.saved && <p class="notice notice-ok">{t('admin.saved')}</p>}</div>
          <button type="submit" disabled={create.busy}>
            {t('admin.stalls.create')}
          </button>
        </form>
      </section>
    </div>
  );
}
