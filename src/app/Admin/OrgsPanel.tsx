/** The org tree, adding one org, and importing many from CSV. */
import { useState } from 'preact/hooks';
import { createOrgBodySchema, type ImportResult, type OrgView } from '../../shared/accounts';
import type { MessageKey } from '../../shared/i18n';
import { useLang } from '../i18n';
import type { AdminApi } from './admin-api';
import { indented, treeOrder } from './org-tree';
import { Field } from '../Field';
import { failureText } from '../http';
import { useCreateForm } from './use-create-form';

const LEVEL_LABEL: Record<OrgView['level'], MessageKey> = {
  city: 'admin.level.city',
  district: 'admin.level.district',
  street: 'admin.level.street',
};

export function OrgsPanel({ api, orgs, onChanged }: { api: AdminApi; orgs: OrgView[]; onChanged(): Promise<void> }) {
  const { t, lang } = useLang();
  const rows = treeOrder(orgs);
  const parents = rows.filter((r) => r.org.level !== 'street');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  const [chosenParent, setParentId] = useState<string | undefined>(undefined);
  // The new org's level follows from its parent: under the city a district, under a district a street.
  const parentId = chosenParent ?? parents[0]?.org.id ?? '';
  const childLevel = orgs.find((o) => o.id === parentId)?.level === 'city' ? 'district' : 'street';

  const create = useCreateForm(createOrgBodySchema, api.createOrg, onChanged);
  const onCreate = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    void create.submit(form, { parentId, name: String(data.get('name') ?? ''), code: String(data.get('code') ?? '').trim(), level: childLevel });
  };

  const onImport = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const file = new FormData(form).get('file');
    if (!(file instanceof Blob) || file.size === 0) return;
    setBusy(true);
    setImportError(null);
    setResult(null);
    try {
      setResult(await api.importOrgs(file));
      await onChanged();
    } catch (e) {
      setImportError(failureText(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="admin-panel">
      <section class="card" aria-labelledby="admin-org-tree">
        <h3 id="admin-org-tree">{t('admin.orgs.tree')}</h3>
        <ul class="admin-tree">
          {rows.map(({ org, depth }) => (
            <li key={org.id} class={`admin-tree-item admin-depth-${Math.min(depth, 4)}`}>
              <span class="admin-tree-name">{org.name}</span>
              <span class="admin-tree-meta">
                {t(LEVEL_LABEL[org.level])} · {org.code}
              </span>
            </li>
          ))}
        </ul>
      </section>

      <section class="card" aria-labelledby="admin-org-add">
        <h3 id="admin-org-add">{t('admin.orgs.add')}</h3>
        <form class="admin-form" onSubmit={onCreate} noValidate onInput={create.edited}>
          <Field id="admin-org-parent" label={t('admin.orgs.parent')} error={create.error('parentId')} hint={{ text: `${t('admin.orgs.level')}${lang === 'zh' ? '：' : ': '}${t(LEVEL_LABEL[childLevel])}` }}>
            {(w) => (
              <select {...w} name="parentId" value={parentId} onChange={(e) => setParentId((e.currentTarget as HTMLSelectElement).value)}>
                {parents.map((r) => (
                  <option key={r.org.id} value={r.org.id}>
                    {indented(r)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="admin-org-name" label={t('admin.orgs.name')} error={create.error('name')}>
            {(w) => <input {...w} name="name" type="text" autoComplete="off" />}
          </Field>
          <Field id="admin-org-code" label={t('admin.orgs.code')} error={create.error('code')}>
            {(w) => <input {...w} name="code" type="text" autoComplete="off" spellcheck={false} />}
          </Field>
          <div role="alert">{create.problem && <p class="notice notice-error">{create.problem}</p>}</div>
          <div role="status">{create.saved && <p class="notice notice-ok">{t('admin.saved')}</p>}</div>
          <button type="submit" disabled={create.busy || busy}>
            {t('admin.orgs.create')}
          </button>
        </form>
      </section>

      <section class="card" aria-labelledby="admin-org-import">
        <h3 id="admin-org-import">{t('admin.orgs.import')}</h3>
        <p class="hint">{t('admin.orgs.importHint')}</p>
        <form class="admin-form" onSubmit={onImport}>
          <div class="field">
            <label for="admin-org-file">{t('admin.orgs.file')}</label>
            <input id="admin-org-file" name="file" type="file" accept=".csv,text/csv,text/plain" required />
          </div>
          <button type="submit" disabled={busy}>
            {t('admin.orgs.importButton')}
          </button>
        </form>
        <div role="alert">{importError && <p class="notice notice-error">{importError}</p>}</div>
        <div role="status">
          {result && (
            <>
              <p class={result.errors.length > 0 ? 'notice notice-warn' : 'notice notice-ok'}>
                {t('admin.orgs.importResult', { created: result.created, skipped: result.skipped, errors: result.errors.length })}
              </p>
              {result.errors.length > 0 && (
                <ul class="admin-errors">
                  {result.errors.map((e) => (
                    <li key={e.line}>
                      <strong>{t('admin.orgs.line', { line: e.line })}</strong>：{e.message}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </div>
      </section>
    </div>
  );
}
