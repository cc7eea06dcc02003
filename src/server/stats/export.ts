/**
 * The stats exports (GET /api/stats.csv and .xlsx): the same rows as GET /api/stats, one column per
 * group key asked for (names, not ids) and then the three counts, headed in the asked language
 * (DESIGN.md "CSV headers"). Both formats are written as the rows arrive from `streamStats`, so a
 * year of 356 stalls never sits in memory; a consumer that reads slowly slows the reading of rows
 * (`export/stream.ts`: the CSV is pulled piece by piece by the response, the XLSX waits for the
 * zip and the response to take its rows).
 */
import { PassThrough, Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { t, type Lang, type MessageKey } from '../../shared/i18n';
import type { StatsCounts, StatsGroupKey, StatsRow } from '../../shared/stats';
import { safeCell } from '../export/safe-cell';
import { pullStream, xlsxRoom } from '../export/stream';
import { describeError, log } from '../log';

/** One column of an export. */
interface Column {
  header: string;
  width: number;
  /** The cell of a row: text (made formula-safe), a day, or a count. */
  cell(row: StatsRow): string | number | Date;
}

const HEADERS = {
  en: { day: 'date', district: 'district', street: 'street', stall: 'stall', occupation: 'occupation', channel: 'channel', enrolled: 'enrolled', existing: 'existing', consultations: 'consultations' },
  zh: { day: '日期', district: '区', street: '街道乡镇', stall: '摊位', occupation: '职业', channel: '渠道', enrolled: '新入会', existing: '已是会员', consultations: '咨询' },
} as const;

const COUNTS = ['enrolled', 'existing', 'consultations'] as const;

/** The columns for these group keys in `lang`; `asDate` writes days as date cells (XLSX) instead of text. */
export function exportColumns(group: StatsGroupKey[], lang: Lang, asDate = false): Column[] {
  const h = HEADERS[lang];
  const text = (v: string | null | undefined) => safeCell(v ?? '');
  const name = (key: MessageKey | undefined) => (key ? t(lang, key) : '');
  const byKey: Record<StatsGroupKey, Column> = {
    day: { header: h.day, width: 12, cell: (r) => (asDate && r.day ? new Date(`${r.day}T00:00:00Z`) : (r.day ?? '')) },
    district: { header: h.district, width: 18, cell: (r) => text(r.district) },
    street: { header: h.street, width: 22, cell: (r) => text(r.street) },
    stall: { header: h.stall, width: 26, cell: (r) => text(r.stall) },
    occupation: { header: h.occupation, width: 18, cell: (r) => name(r.occupation ? `occupation.${r.occupation}` : undefined) },
    channel: { header: h.channel, width: 14, cell: (r) => name(r.channel ? `channel.${r.channel}` : undefined) },
  };
  return [...group.map((k) => byKey[k]), ...COUNTS.map((k) => ({ header: h[k], width: 10, cell: (r: StatsRow) => r[k] }))];
}

/** The download's file name: `ruhui-stats-<from>_<to>.<ext>`. */
export function exportFileName(from: string, to: string, ext: 'csv' | 'xlsx'): string {
  return `ruhui-stats-${from}_${to}.${ext}`;
}

/** A failure after the download began: logged (no row content), and the download is cut short so it cannot pass for complete. */
function failed(error: unknown): Error {
  log.error('export failed mid-stream', describeError(error));
  return error instanceof Error ? error : new Error('export failed');
}

/** Rows per piece of CSV: one piece is written (and waited on) at a time. */
const CSV_BATCH = 500;

/**
 * CSV: UTF-8 with a BOM (so Excel and WPS read it as UTF-8), CRLF line ends, RFC 4180 quoting by
 * csv-stringify (a field with a comma, quote or line break is quoted, quotes doubled). Written in
 * pieces of CSV_BATCH rows, each read from `rows` only when the response has taken the one before.
 */
export function statsCsv(rows: AsyncGenerator<StatsRow, unknown>, group: StatsGroupKey[], lang: Lang): ReadableStream<Uint8Array> {
  const columns = exportColumns(group, lang);
  const options = { record_delimiter: 'windows' } as const;
  async function* pieces() {
    try {
      yield stringify([], { ...options, bom: true, header: true, columns: columns.map((c) => c.header) });
      let batch: (string | number | Date)[][] = [];
      for await (const row of rows) {
        batch.push(columns.map((c) => c.cell(row)));
        if (batch.length === CSV_BATCH) {
          yield stringify(batch, options);
          batch = [];
        }
      }
      if (batch.length > 0) yield stringify(batch, options);
    } finally {
      // Stopped early (the client went away): the reading of rows stops too.
      await rows.return(undefined);
    }
  }
  return pullStream(pieces(), failed);
}

/** Rows committed between two waits for the workbook's streams to take more. */
const XLSX_BATCH = 200;

/** No district, street or occupation: an empty cell rather than an empty string. */
const blankAsEmpty = (v: string | number | Date) => (v === '' ? null : v);

/**
 * XLSX by exceljs's streaming WorkbookWriter: one sheet, a bold header row frozen at the top, column
 * widths, counts as number cells, missing names as empty cells, days as date cells, and a bold totals row (left out when nothing
 * is grouped: the one row is then the totals).
 */
export function statsXlsx(rows: AsyncGenerator<StatsRow, StatsCounts>, group: StatsGroupKey[], lang: Lang): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const columns = exportColumns(group, lang, true);
  void (async () => {
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const sheet = book.addWorksheet(lang === 'zh' ? '统计' : 'Stats', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = columns.map((c, i) => ({ header: c.header, key: String(i), width: c.width, ...(group[i] === 'day' ? { style: { numFmt: 'yyyy-mm-dd' } } : {}) }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    let next = await rows.next();
    for (let n = 1; !next.done; n++) {
      sheet.addRow(columns.map((c) => blankAsEmpty(c.cell(next.value as StatsRow)))).commit();
      if (n % XLSX_BATCH === 0 && !(await xlsxRoom(sheet, out))) {
        // The client went away: stop reading rows, nobody takes the rest.
        await rows.return({ enrolled: 0, existing: 0, consultations: 0 });
        return;
      }
      next = await rows.next();
    }
    if (group.length > 0) {
      const totals = next.value;
      const total = sheet.addRow([t(lang, 'stats.totals'), ...Array(group.length - 1).fill(null), totals.enrolled, totals.existing, totals.consultations]);
      total.font = { bold: true };
      total.commit();
    }
    sheet.commit();
    await book.commit();
  })().catch((error: unknown) => out.destroy(failed(error)));
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}
