/**
 * The audit screen (`/audit`, admins): entries by date range, user and action, a page at a time
 * (GET /api/audit's cursor; earlier pages are kept as the cursors that led to them). An error says
 * what failed and offers a retry; it never stays on "loading".
 */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { AuditEntry, UserListItem } from '../../shared/accounts';
import { localToday } from '../../shared/local-time';
import { accounts } from '../../shared/i18n/accounts';
import { audit } from '../../shared/i18n/audit';
import { addMessages } from '../../shared/i18n/catalogue';
import type { MessageKey } from '../../shared/i18n/keys';
import { AUDIT_ACTIONS } from '../../shared/paging';
import { adminApi } from '../Admin/admin-api';
import { useLang } from '../i18n';
import './audit.css';
import { failureText } from '../http';

// The audit screen brings its own words (and the admin API's messages).
addMessages(audit, accounts);

/** Entries per page on this screen. */
export const AUDIT_SCREEN_PAGE = 50;

const minusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

interface Filters {
  from: string;
  to: string;
  userId: string;
  action: string;
}

type View =
  | { kind: 'loading' }
  | { kind: 'failed'; detail: string }
  | { kind: 'page'; items: AuditEntry[]; next: string | null };

/** `2026-12-03 13:05:09` in the device's time. */
function localTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function AuditPage({ token }: { token: string }) {
  const { t, lang } = useLang();
  const api = useMemo(() => adminApi(token, lang), [token, lang]);
  const today = localToday();
  const [draft, setDraft] = useState<Filters>({ from: minusDays(today, 6), to: today, userId: '', action: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  /** The cursors that led to each page shown so far: [null] is the first page. */
  const [trail, setTrail] = useState<(string | null)[]>([null]);
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [users, setUsers] = useState<UserListItem[]>([]);
  /** How many loads have finished (a test or a screen reader can tell a new page from the old one). */
  const [loads, setLoads] = useState(0);

  useEffect(() => {
    void api.users().then(setUsers, () => setUsers([]));
  }, [api]);

  const cursor = trail[trail.length - 1] ?? null;
  const load = useCallback(async () => {
    setView({ kind: 'loading' });
    try {
      const page = await api.audit(
        { from: filters.from || undefined, to: filters.to || undefined, userId: filters.userId || undefined, action: filters.action || undefined, limit: AUDIT_SCREEN_PAGE },
        cursor,
      );
      setView({ kind: 'page', items: page.items, next: page.next });
    } catch (error) {
      setView({ kind: 'failed', detail: failureText(error, t) });
    }
    setLoads((n) => n + 1);
  }, [api, filters, cursor]);
  useEffect(() => void load(), [load]);

  const names = useMemo(() => new Map(users.map((u) => [u.id, u.username])), [users]);
  const actionName = (action: string) => {
    const key = `audit.act.${action}`;
    return (AUDIT_ACTIONS as readonly string[]).includes(action) ? t(key as MessageKey) : action;
  };

  const search = (event: Event) => {
    event.preventDefault();
    setFilters(draft);
    setTrail([null]);
  };
  const field = (key: keyof Filters) => ({
    value: draft[key],
    onInput: (e: Event) => setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value }),
  });

  return (
    <section class="audit" aria-labelledby="audit-title" aria-busy={view.kind === 'loading'} data-loads={loads}>
      <h2 id="audit-title">{t('audit.title')}</h2>
      <form class="audit-filters" aria-label={t('audit.filters')} onSubmit={search}>
        <div class="audit-field">
          <label for="audit-from">{t('audit.from')}</label>
          <input id="audit-from" name="from" type="date" {...field('from')} />
        </div>
        <div class="audit-field">
          <label for="audit-to">{t('audit.to')}</label>
          <input id="audit-to" name="to" type="date" {...field('to')} />
        </div>
        <div class="audit-field">
          <label for="audit-user">{t('audit.user')}</label>
          <select id="audit-user" name="userId" {...field('userId')}>
            <option value="">{t('audit.anyUser')}</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.username}
              </option>
            ))}
          </select>
        </div>
        <div class="audit-field">
          <label for="audit-action">{t('audit.action')}</label>
          <select id="audit-action" name="action" {...field('action')}>
            <option value="">{t('audit.anyAction')}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionName(a)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="audit-search">
          {t('audit.search')}
        </button>
      </form>

      <div role="status" aria-live="polite" class="audit-state">
        {view.kind === 'loading' && <p class="muted">{t('audit.loading')}</p>}
        {view.kind === 'page' && (
          <p class="muted">
            {t('audit.page', { n: trail.length })}
            {view.next === null && trail.length > 1 ? ` · ${t('audit.last')}` : ''}
          </p>
        )}
      </div>
      {view.kind === 'failed' && (
        <div class="notice notice-error" role="alert">
          <p>{t('audit.failed', { detail: view.detail })}</p>
          <button type="button" class="secondary small" onClick={() => void load()}>
            {t('audit.retry')}
          </button>
        </div>
      )}
      {view.kind === 'page' && view.items.length === 0 && <p class="audit-none">{t('audit.none')}</p>}
      {view.kind === 'page' && view.items.length > 0 && (
        <ol class="audit-list" aria-label={t('audit.title')}>
          {view.items.map((e, i) => (
            <li key={`${e.at}-${i}`} class="audit-item">
              <span class="audit-when">{localTime(e.at)}</span>
              <span class="audit-what">{actionName(e.action)}</span>
              <span class="audit-who">{e.userId ? (names.get(e.userId) ?? e.userId) : t('audit.nobody')}</span>
              {e.target && <span class="audit-target">{e.target}</span>}
            </li>
          ))}
        </ol>
      )}
      <nav class="audit-pages" aria-label={t('audit.page', { n: trail.length })}>
        <button type="button" class="secondary small" disabled={trail.length === 1} onClick={() => setTrail([null])}>
          {t('audit.first')}
        </button>
        <button type="button" class="secondary small" disabled={trail.length === 1} onClick={() => setTrail(trail.slice(0, -1))}>
          {t('audit.prev')}
        </button>
        <button
          type="button"
          class="secondary small"
          disabled={view.kind !== 'page' || view.next === null}
          onClick={() => view.kind === 'page' && view.next !== null && setTrail([...trail, view.next])}
        >
          {t('audit.next')}
        </button>
      </nav>
    </section>
  );
}
