/**
 * The supervisor's dashboard (`/dashboard`, supervisors and admins; a lazy chunk): a date range
 * (default today), group-by choices, the table with totals and a bar chart, the exports, and a live
 * mode for event days that refreshes itself (every 30 s, or `?refresh=<seconds>`), says when it last
 * updated and lists the scope's stalls of today that have sent nothing yet. Online only: the server decides what the caller may see (their org's subtree).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Role } from '../../shared/accounts';
import { addMessages } from '../../shared/i18n/catalogue';
import { dashboard } from '../../shared/i18n/dashboard';
import { validation } from '../../shared/i18n/validation';
import { STATS_GROUP_KEYS, type StatsGroupKey, type StatsResponse } from '../../shared/stats';
import { useLang } from '../i18n';
import { BarChart } from './BarChart';
import { dashboardApi, type StatsAsk } from './dashboard-api';
import { RosterForm } from './RosterForm';
import { StatsTable, keyText } from './StatsTable';
import './dashboard.css';
import { failureText, isRefusal } from '../http';

// The dashboard brings its own words, and the record's enumerations' names (validation part).
addMessages(dashboard, validation);

/** Today in Asia/Shanghai, the zone a "day" is counted in (DESIGN.md "Time"). */
export function shanghaiToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The live refresh period in seconds: `?refresh=` (1–300) when given, else 30. */
export function refreshSeconds(query: URLSearchParams): number {
  const n = Number(query.get('refresh'));
  return Number.isInteger(n) && n >= 1 && n <= 300 ? n : 30;
}

interface Silent {
  stalls: { id: string; name: string }[];
  total: number;
}

export function DashboardPage({ token, role, query }: { token: string; role: Role; query: URLSearchParams }) {
  const { t, lang } = useLang();
  const api = useMemo(() => dashboardApi(token, lang), [token, lang]);
  const today = shanghaiToday();
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const [group, setGroup] = useState<StatsGroupKey[]>(['stall']);
  const [live, setLive] = useState(false);
  const [data, setData] = useState<{ ask: StatsAsk; body: StatsResponse } | null>(null);
  const [error, setError] = useState<{ message: string; forbidden: boolean } | null>(null);
  const [updated, setUpdated] = useState<Date | null>(null);
  const [silent, setSilent] = useState<Silent | null>(null);
  const [exporting, setExporting] = useState(false);
  const seconds = refreshSeconds(query);

  const ask: StatsAsk = useMemo(() => (live ? { from: today, to: today, group } : { from, to, group }), [live, today, from, to, group]);
  const latest = useRef(0);

  const load = useCallback(async () => {
    const n = ++latest.current;
    try {
      const [body, quiet] = await Promise.all([
        api.stats(ask),
        live
          ? Promise.all([api.stallsOn(today), api.stats({ from: today, to: today, group: ['stall'] })]).then(([stalls, sent]) => {
              const seen = new Set(sent.rows.map((r) => r.stallId));
              return { stalls: stalls.filter((s) => !seen.has(s.id)).map((s) => ({ id: s.id, name: s.name })), total: stalls.length };
            })
          : Promise.resolve(null),
      ]);
      if (n !== latest.current) return; // an older answer arriving late never overwrites a newer one
      setData({ ask, body });
      setSilent(quiet);
      setUpdated(new Date());
      setError(null);
    } catch (e) {
      if (n !== latest.current) return;
      setError({ message: failureText(e, t), forbidden: isRefusal(e) });
    }
  }, [api, ask, live, today]);

  useEffect(() => void load(), [load]);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => void load(), seconds * 1000);
    return () => clearInterval(timer);
  }, [live, load, seconds]);

  const toggle = (key: StatsGroupKey, on: boolean) =>
    setGroup((g) => STATS_GROUP_KEYS.filter((k) => (k === key ? on : g.includes(k))));

  const exportAs = async (format: 'csv' | 'xlsx') => {
    setExporting(true);
    try {
      await api.exportStats(ask, format);
    } catch (e) {
      setError({ message: failureText(e, t), forbidden: false });
    } finally {
      setExporting(false);
    }
  };

  const shown = data?.body;
  const shownGroup = data?.ask.group ?? group;
  const caption = data
    ? data.ask.from === data.ask.to
      ? t('dash.captionDay', { day: data.ask.from })
      : t('dash.caption', { from: data.ask.from, to: data.ask.to })
    : '';
  const chartRows = shown && shownGroup.length > 0
    ? shown.rows.map((r) => ({ label: shownGroup.map((k) => keyText(r, k, t)).join(' · '), enrolled: r.enrolled, consultations: r.consultations }))
    : [];
  const time = updated?.toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });

  return (
    <section class="dashboard" aria-labelledby="dash-title">
      <h2 id="dash-title">{t('dash.title')}</h2>
      <form class="dash-controls" onSubmit={(e) => e.preventDefault()}>
        <div class="dash-dates">
          <div class="field">
            <label for="dash-from">{t('dash.from')}</label>
            <input id="dash-from" type="date" name="from" value={live ? today : from} max={to} disabled={live} onChange={(e) => e.currentTarget.value && setFrom(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="dash-to">{t('dash.to')}</label>
            <input id="dash-to" type="date" name="to" value={live ? today : to} min={from} disabled={live} onChange={(e) => e.currentTarget.value && setTo(e.currentTarget.value)} />
          </div>
        </div>
        <fieldset class="field dash-group">
          <legend>{t('dash.groupBy')}</legend>
          {STATS_GROUP_KEYS.map((k) => (
            <label key={k} class="check dash-check">
              <input type="checkbox" name="group" value={k} checked={group.includes(k)} onChange={(e) => toggle(k, e.currentTarget.checked)} />
              <span>{t(`dash.group.${k}`)}</span>
            </label>
          ))}
        </fieldset>
        <label class="check dash-live">
          <input type="checkbox" name="live" checked={live} onChange={(e) => setLive(e.currentTarget.checked)} />
          <span>{t('dash.live', { seconds })}</span>
        </label>
      </form>

      <p class="muted dash-updated" role="status">
        {time ? t('dash.updated', { time }) : t('dash.loading')}
      </p>
      {error && (
        <div class="notice notice-error" role="alert">
          <p>{error.forbidden ? t('dash.forbidden') : t('dash.failed', { detail: error.message })}</p>
          {!error.forbidden && (
            <button type="button" class="secondary small" onClick={() => void load()}>
              {t('dash.retry')}
            </button>
          )}
        </div>
      )}

      {live && silent && (
        <section class="dash-silent" aria-labelledby="dash-silent-title">
          <h3 id="dash-silent-title">{t('dash.silent', { n: silent.stalls.length })}</h3>
          {silent.total === 0 ? (
            <p class="muted">{t('dash.noStalls')}</p>
          ) : silent.stalls.length === 0 ? (
            <p class="notice notice-ok">{t('dash.silentNone')}</p>
          ) : (
            <ul class="dash-silent-list">
              {silent.stalls.map((s) => (
                <li key={s.id}>{s.name}</li>
              ))}
            </ul>
          )}
        </section>
      )}

      {shown && (
        <>
          {shownGroup.length > 0 && shown.rows.length === 0 && <p class="muted">{t('dash.empty')}</p>}
          {chartRows.length > 0 && <BarChart rows={chartRows} />}
          <StatsTable data={shown} group={shownGroup} caption={caption} />
          <div class="dash-export" role="group" aria-label={t('dash.export')}>
            <button type="button" class="secondary" disabled={exporting} onClick={() => void exportAs('csv')}>
              {t('dash.exportCsv')}
            </button>
            <button type="button" class="secondary" disabled={exporting} onClick={() => void exportAs('xlsx')}>
              {t('dash.exportXlsx')}
            </button>
            {exporting && <span class="muted">{t('dash.exporting')}</span>}
          </div>
        </>
      )}
      {role === 'admin' && <RosterForm api={api} from={ask.from} to={ask.to} />}
    </section>
  );
}
