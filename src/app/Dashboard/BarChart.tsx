/**
 * A small horizontal bar chart of the rows: enrolled and consultations per row, widths in percent of
 * the largest value so it fits a 360 px phone without shrinking its text. An image to screen readers
 * (title and description); the table next to it is the source of truth.
 */
import { useLang } from '../i18n';

/** Most rows drawn; the rest are in the table. */
export const CHART_ROWS = 30;

export interface ChartRow {
  label: string;
  enrolled: number;
  consultations: number;
}

const ROW = 46;

export function BarChart({ rows }: { rows: ChartRow[] }) {
  const { t } = useLang();
  const shown = rows.slice(0, CHART_ROWS);
  const max = Math.max(1, ...shown.map((r) => Math.max(r.enrolled, r.consultations)));
  const pct = (n: number) => `${Math.max(n > 0 ? 0.5 : 0, (n / max) * 100).toFixed(2)}%`;
  return (
    <figure class="dash-chart">
      <svg role="img" aria-labelledby="dash-chart-title dash-chart-desc" width="100%" height={shown.length * ROW + 4}>
        <title id="dash-chart-title">{t('dash.chart.title')}</title>
        <desc id="dash-chart-desc">{t('dash.chart.desc')}</desc>
        {shown.map((r, i) => {
          const y = i * ROW;
          return (
            <g key={i}>
              <text x="0" y={y + 14} class="dash-chart-label">
                {t('dash.chart.row', { label: r.label, enrolled: r.enrolled, consultations: r.consultations })}
              </text>
              <rect x="0" y={y + 20} height="10" width={pct(r.enrolled)} class="dash-bar-enrolled" />
              <rect x="0" y={y + 32} height="8" width={pct(r.consultations)} class="dash-bar-consultations" />
            </g>
          );
        })}
      </svg>
      <figcaption class="dash-legend">
        <span class="dash-key dash-key-enrolled" aria-hidden="true" /> {t('dash.legend.enrolled')}
        <span class="dash-key dash-key-consultations" aria-hidden="true" /> {t('dash.legend.consultations')}
        {rows.length > CHART_ROWS && <span class="muted"> · {t('dash.chart.more', { n: CHART_ROWS })}</span>}
      </figcaption>
    </figure>
  );
}
