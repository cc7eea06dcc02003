import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { statsCsv, statsXlsx } from '../../../src/server/stats/export';
import type { StatsCounts, StatsRow } from '../../../src/shared/stats';
import { parseCsv } from '../../support/csv';

/** Day-by-stall rows, numbered so their order shows; counts how many were read. */
function source(count: number) {
  const read = { rows: 0 };
  async function* rows(): AsyncGenerator<StatsRow, StatsCounts> {
    const totals = { enrolled: 0, existing: 0, consultations: 0 };
    for (let i = 0; i < count; i++) {
      read.rows++;
      const row = { day: '2026-03-01', stallId: `s${i}`, stall: `摊位${i}, "${i}"`, enrolled: i, existing: 1, consultations: 2 };
      totals.enrolled += i;
      totals.existing += 1;
      totals.consultations += 2;
      yield row;
    }
    return totals;
  }
  return { rows: rows(), read };
}

const settle = async () => {
  // Long enough for every stream in between to fill up, if nothing held it back.
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 10));
};

describe('stats exports longer than one written piece', () => {
  const COUNT = 1_234; // more than a CSV piece (500 rows) and an XLSX wait (200 rows), not a multiple

  it('writes every row of a CSV once, in order, after the header', async () => {
    const { rows } = source(COUNT);
    const text = Buffer.from(await new Response(statsCsv(rows, ['day', 'stall'], 'en')).arrayBuffer()).toString('utf8');
    expect(text.startsWith('\uFEFFdate,stall,enrolled,existing,consultations\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    const records = parseCsv(text.slice(1));
    expect(records.length).toBe(COUNT + 1);
    records.slice(1).forEach((r, i) => expect(r).toEqual(['2026-03-01', `摊位${i}, "${i}"`, String(i), '1', '2']));
  });

  it('writes every row of an XLSX once, in order, then the totals', async () => {
    const { rows } = source(COUNT);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await new Response(statsXlsx(rows, ['day', 'stall'], 'en')).arrayBuffer());
    const sheet = book.worksheets[0]!;
    expect(sheet.actualRowCount).toBe(COUNT + 2);
    for (let i = 0; i < COUNT; i++) expect(sheet.getRow(i + 2).getCell(2).value).toBe(`摊位${i}, "${i}"`);
    expect(sheet.getRow(COUNT + 2).getCell(3).value).toBe((COUNT * (COUNT - 1)) / 2);
  });

  it('reads no further rows than the CSV download has room for while its reader waits', async () => {
    const { rows, read } = source(100_000);
    const reader = statsCsv(rows, ['day', 'stall'], 'en').getReader();
    await reader.read();
    await settle();
    // The piece taken, the one the stream holds, and the one being made.
    expect(read.rows).toBeLessThanOrEqual(3 * 500);
    await reader.cancel();
  });

  it('reads no further rows than the XLSX download has room for while its reader waits', async () => {
    const { rows, read } = source(100_000);
    const reader = statsXlsx(rows, ['day', 'stall'], 'en').getReader();
    await reader.read();
    await settle();
    const held = read.rows;
    await settle();
    // Stopped, well short of the end: what fills the output, and what the sheet and zip hold (a MB of XML at most).
    expect(read.rows).toBe(held);
    expect(held).toBeLessThan(20_000);
    await reader.cancel();
  });
});
