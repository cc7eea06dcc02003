/**
 * The stats table: one column per group key, then the three counts, and a totals row. The source of
 * truth of the dashboard (the chart only draws it). Scrolls sideways on a phone, as a focusable region.
 */
import type { MessageKey } from '../../shared/i18n';
import type { StatsGroupKey, StatsResponse, StatsRow } from '../../shared/stats';
import { useLang } from '../i18n';

const COUNTS = ['enrolled', 'existing', 'consultations'] as const;

/** The text of one key cell of a row, in the current language (`—` where a row has none). */
export function keyText(row: StatsRow, key: StatsGroupKey, t: (key: MessageKey) => string): string {
  const none = t('dash.none');
  if (key === 'day') return row.day ?? none;
  if (key === 'district') return row.district ?? none;
  if (key === 'street') return row.street ?? none;
  if (key === 'stall') return row.stall ?? none;
  if (key === 'occupation') return row.occupation ? t(`occupation.${row.occupation}`) : none;
  return row.channel ? t(`channel.${row.channel}`) : none;
}

export function StatsTable({ data, group, caption }: { data: StatsResponse; group: StatsGroupKey[]; caption: string }) {
  const { t } = useLang();
  return (
    <div class="dash-table-wrap" role="region" aria-labelledby="dash-caption" tabindex={0}>
      <table class="dash-table">
        <caption id="dash-caption">{caption}</caption>
        <thead>
          <tr>
            {group.map((k) => (
              <th key={k} scope="col">
                {t(`dash.group.${k}`)}
              </th>
            ))}
            {COUNTS.map((k) => (
              <th key={k} scope="col" class="num">
                {t(`dash.col.${k}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {group.length > 0 &&
            data.rows.map((row, i) => (
              <tr key={i}>
                {group.map((k, j) =>
                  j === 0 ? (
                    <th key={k} scope="row">
                      {keyText(row, k, t)}
                    </th>
                  ) : (
                    <td key={k}>{keyText(row, k, t)}</td>
                  ),
                )}
                {COUNTS.map((k) => (
                  <td key={k} class="num" data-col={k}>
                    {row[k]}
                  </td>
                ))}
              </tr>
            ))}
        </tbody>
        <tfoot>
          <tr class="dash-totals">
            {group.length > 0 ? (
              <th scope="row" colSpan={group.length}>
                {t('stats.totals')}
              </th>
            ) : null}
            {COUNTS.map((k) => (
              <td key={k} class="num" data-col={k}>
                {data.totals[k]}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
