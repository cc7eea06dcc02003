/** Stalls of the admin's subtree from today on, with their join links, and adding one. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { OrgView, StallView } from '../../shared/accounts';
import { useLang } from '../i18n';
import { linkClick } from '../use-route';
import type { AdminApi } from './admin-api';
import { indented, treeOrder } from './org-tree';
import { localToday } from '../../shared/local-time';
import { failureText } from '../http';

export function StallsPanel({ api, orgs }: { api: AdminApi; orgs: OrgView[] }) {
  const { t } = useLang();
  const [stalls, setStalls] = useState<StallView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));

  const load = useCallback(async () => {
    try {
      setStalls(await api.stalls());
    } catch (e) {
      setError(failureText(e, t));
    }
  }, [api]);
  useEffect(() => void load(), [load]);

  const onCreate = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const location = String(data.get('location') ?? '').trim();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await api.createStall({
        name: String(data.get('name') ?? ''),
        orgId: String(data.get('orgId') ?? ''),
        date: String(data.get('date') ?? ''),
        ...(location ? { location } : {}),
      });
      form.reset();
      setSaved(true);
      await load();
    } catch (e) {
      setError(failureText(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="admin-panel">
      <section class="card" aria-labelledby="admin-stalls-list">
        <h3 id="admin-stalls-list">{t('admin.stalls.list')}</h3>
        {stalls === null ? (
          <p class="muted">{t('admin.loading')}</p>
        ) : stalls.length === 0 ? (
          <p class="muted">{t('admin.stalls.none')}</p>
        ) : (
          <ul class="admin-list">
            {stalls.map((s) => (
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
      </section>

      <section class="card" aria-labelledby="admin-stalls-add">
        <h3 id="admin-stalls-add">{t('admin.stalls.add')}</h3>
        <form class="admin-form" onSubmit={onCreate}>
          <div class="field">
            <label for="admin-stall-name">{t('admin.stalls.name')}</label>
            <input id="admin-stall-name" name="name" type="text" required maxLength={100} autoComplete="off" />
          </div>
          <div class="field">
            <label for="admin-stall-org">{t('admin.stalls.org')}</label>
            <select id="admin-stall-org" name="orgId" required>
              {treeOrder(orgs).map((r) => (
                <option key={r.org.id} value={r.org.id}>
                  {indented(r)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="admin-stall-date">{t('admin.stalls.date')}</label>
            <input id="admin-stall-date" name="date" type="date" required defaultValue={localToday()} />
          </div>
          <div class="field">
            <label for="admin-stall-location">{t('admin.stalls.location')}</label>
            <input id="admin-stall-location" name="location" type="text" maxLength={200} autoComplete="off" />
          </div>
          <div role="alert">{error && <p class="notice notice-error">{error}</p>}</div>
          <div role="status">{saved && <p class="notice notice-ok">{t('admin.saved')}</p>}</div>
          <button type="submit" disabled={busy}>
            {t('admin.stalls.create')}
          </button>
        </form>
      </section>
    </div>
  );
}
