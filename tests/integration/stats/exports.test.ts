import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t as msg, type Lang } from '../../../src/shared/i18n';
import { statsResponseSchema, type StatsGroupKey, type StatsRow } from '../../../src/shared/stats';
import { parseCsv } from '../../support/csv';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import type { World } from '../sync/helpers';
import { FORMULA_NAME, FROM, QUOTED_NAME, SUBSETS, TO, expectedRows, seedStats, type Counted } from './seed';

/** The headers DESIGN.md gives, written out again here. */
const HEADERS: Record<Lang, Record<StatsGroupKey | 'enrolled' | 'existing' | 'consultations', string>> = {
  en: { day: 'date', district: 'district', street: 'street', stall: 'stall', occupation: 'occupation', channel: 'channel', enrolled: 'enrolled', existing: 'existing', consultations: 'consultations' },
  zh: { day: '日期', district: '区', street: '街道乡镇', stall: '摊位', occupation: '职业', channel: '渠道', enrolled: '新入会', existing: '已是会员', consultations: '咨询' },
};
const COUNTS = ['enrolled', 'existing', 'consultations'] as const;
const headerOf = (group: StatsGroupKey[], lang: Lang) => [...group, ...COUNTS].map((k) => HEADERS[lang][k]);

/** A text cell as a spreadsheet must receive it: never starting like a formula. */
const neutral = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

/** The text cells of a row, as the test expects them (counts as decimal text). */
function cellsOf(row: StatsRow, group: StatsGroupKey[], lang: Lang): string[] {
  const key = (g: StatsGroupKey): string => {
    if (g === 'day') return row.day ?? '';
    if (g === 'district') return neutral(row.district ?? '');
    if (g === 'street') return neutral(row.street ?? '');
    if (g === 'stall') return neutral(row.stall ?? '');
    if (g === 'occupation') return row.occupation ? msg(lang, `occupation.${row.occupation}`) : '';
    return row.channel ? msg(lang, `channel.${row.channel}`) : '';
  };
  return [...group.map(key), ...COUNTS.map((k) => String(row[k]))];
}
const sorted = (rows: string[][]) => rows.map((r) => JSON.stringify(r)).sort();
const sum = (rows: StatsRow[], k: (typeof COUNTS)[number]) => rows.reduce((n, r) => n + r[k], 0);

describeEachEngine('GET /api/stats.csv and /api/stats.xlsx', (engine) => {
  let t: TestApp;
  let w: World;
  let counted: Counted[];

  const get = (path: string, auth: { Authorization: string }) => t.app.request(path, { headers: auth });
  const csvOf = async (auth: { Authorization: string }, query: string) => {
    const res = await get(`/api/stats.csv?${query}`, auth);
    expect(res.status, await res.clone().text()).toBe(200);
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const xlsxOf = async (auth: { Authorization: string }, query: string) => {
    const res = await get(`/api/stats.xlsx?${query}`, auth);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    return book.worksheets[0]!;
  };
  /** The API's rows, in its (tested) order. */
  const apiRows = async (auth: { Authorization: string }, query: string) => {
    const res = await get(`/api/stats?${query}`, auth);
    return statsResponseSchema.parse(await res.json()).rows;
  };

  beforeAll(async () => {
    t = await startTestApp(engine);
    ({ w, counted } = await seedStats(t));
  });
  afterAll(async () => t.close());

  describe('CSV rows match counts computed from the records sent, for every combination of group keys', () => {
    it.each(SUBSETS.map((s) => [s.join(',') || '(none)', s] as const))('group=%s', async (_name, group) => {
      const query = `from=${FROM}&to=${TO}&group=${group.join(',')}`;
      const { bytes } = await csvOf(w.users.citySupervisor.auth, query);
      const [header, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
      expect(header).toEqual(headerOf(group, 'zh'));
      const expected = expectedRows(counted, group, FROM, TO);
      expect(sorted(rows)).toEqual(sorted(expected.map((r) => cellsOf(r, group, 'zh'))));
      // In the API's order, which the stats tests check against the documented sort.
      expect(rows).toEqual((await apiRows(w.users.citySupervisor.auth, query)).map((r) => cellsOf(r, group, 'zh')));
    });
  });

  describe('XLSX read back cell by cell, for every combination of group keys', () => {
    it.each(SUBSETS.map((s) => [s.join(',') || '(none)', s] as const))('group=%s', async (_name, group) => {
      const query = `from=${FROM}&to=${TO}&group=${group.join(',')}&lang=en`;
      const sheet = await xlsxOf(w.users.citySupervisor.auth, query);
      const width = group.length + 3;
      const values = (n: number) => Array.from({ length: width }, (_, i) => sheet.getRow(n).getCell(i + 1).value);
      expect(values(1)).toEqual(headerOf(group, 'en'));
      expect(sheet.getRow(1).font?.bold).toBe(true);
      for (let i = 1; i <= width; i++) expect(sheet.getColumn(i).width ?? 0).toBeGreaterThanOrEqual(10);

      const rows = await apiRows(w.users.citySupervisor.auth, query);
      const expected = expectedRows(counted, group, FROM, TO);
      expect(rows.length).toBe(expected.length);
      const seen: string[][] = [];
      rows.forEach((row, n) => {
        const cells = values(n + 2);
        const want = cellsOf(row, group, 'en');
        group.forEach((g, i) => {
          if (g === 'day') {
            expect(cells[i]).toBeInstanceOf(Date);
            expect((cells[i] as Date).toISOString().slice(0, 10)).toBe(row.day);
          } else if (want[i] === '') expect(cells[i], `row ${n + 2} col ${i + 1}`).toBeNull();
          else expect(typeof cells[i], `row ${n + 2} col ${i + 1}`).toBe('string');
        });
        for (let i = group.length; i < width; i++) expect(typeof cells[i], `row ${n + 2} col ${i + 1}`).toBe('number');
        const text = cells.map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v === null ? '' : String(v)));
        expect(text).toEqual(want);
        seen.push(text);
      });
      expect(sorted(seen)).toEqual(sorted(expected.map((r) => cellsOf(r, group, 'en'))));
      const last = rows.length + 2;
      if (group.length === 0) expect(sheet.actualRowCount).toBe(2);
      else {
        expect(values(last)).toEqual(['Total', ...Array(group.length - 1).fill(null), sum(expected, 'enrolled'), sum(expected, 'existing'), sum(expected, 'consultations')]);
        expect(sheet.getRow(last).font?.bold).toBe(true);
        expect(sheet.actualRowCount).toBe(last);
      }
    });
  });

  it('writes the CSV as UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting and neutralized formulas', async () => {
    const { res, bytes } = await csvOf(w.users.citySupervisor.auth, `from=${FROM}&to=${TO}&group=street,stall`);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="ruhui-stats-${FROM}_${TO}.csv"`);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.startsWith('街道乡镇,摊位,新入会,已是会员,咨询\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(text).toContain(`\r\n三里屯街道总工会,"老王,""小李""摊位",`);
    expect(text).toContain(`\r\n中关村街道总工会,"'=HYPERLINK(""http://evil.test"",""点我"")",`);
    expect(text).not.toMatch(/(^|,|\r\n)"?=/);
    const rows = parseCsv(text);
    expect(rows.map((r) => r[1])).toContain(QUOTED_NAME);
    expect(rows.map((r) => r[1])).toContain(`'${FORMULA_NAME}`);
  });

  it('heads the CSV in English with lang=en, and names occupations and channels in English', async () => {
    const { bytes } = await csvOf(w.users.admin.auth, `from=${FROM}&to=${TO}&group=day,district,street,stall,occupation,channel&lang=en`);
    const rows = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(rows[0]!.join(',')).toBe('date,district,street,stall,occupation,channel,enrolled,existing,consultations');
    expect(new Set(rows.slice(1).map((r) => r[5]))).toEqual(new Set(['At the stall', 'Self (QR code)']));
    expect(rows.slice(1).map((r) => r[4])).toContain('On-demand delivery rider');
    const zh = parseCsv((await csvOf(w.users.admin.auth, `from=${FROM}&to=${TO}&group=occupation,channel`)).bytes.subarray(3).toString('utf8'));
    expect(zh[0]).toEqual(['职业', '渠道', '新入会', '已是会员', '咨询']);
    expect(zh.slice(1).map((r) => r[0])).toContain('网约配送员');
    expect(new Set(zh.slice(1).map((r) => r[1]))).toEqual(new Set(['现场登记', '扫码自助']));
  });

  it('puts the Asia/Shanghai day of each record in the day column', async () => {
    const { bytes } = await csvOf(w.users.admin.auth, `from=2026-04-30&to=2026-05-04&group=day`);
    const rows = parseCsv(bytes.subarray(3).toString('utf8')).slice(1);
    const perDay = (day: string) => counted.filter((c) => c.day === day).length;
    expect(rows.map((r) => r[0])).toEqual(['2026-04-30', '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04']);
    for (const r of rows) expect(Number(r[1]) + Number(r[2]) + Number(r[3])).toBe(perDay(r[0]!));
  });

  it("never shows a district supervisor another district's rows or totals", async () => {
    const chaoyang = w.tree.districts.chaoyang;
    const mine = counted.filter((c) => c.place.districtId === chaoyang.id);
    const expected = expectedRows(mine, ['district', 'stall'], FROM, TO);
    const { bytes } = await csvOf(w.users.chaoyangSupervisor.auth, `from=${FROM}&to=${TO}&group=district,stall`);
    const rows = parseCsv(bytes.subarray(3).toString('utf8')).slice(1);
    expect(sorted(rows)).toEqual(sorted(expected.map((r) => cellsOf(r, ['district', 'stall'], 'zh'))));
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set([chaoyang.name]));
    const sheet = await xlsxOf(w.users.chaoyangSupervisor.auth, `from=${FROM}&to=${TO}&group=district`);
    expect(sheet.getRow(2).values).toEqual([undefined, chaoyang.name, sum(expected, 'enrolled'), sum(expected, 'existing'), sum(expected, 'consultations')]);
    expect(sheet.getRow(3).values).toEqual([undefined, '合计', sum(expected, 'enrolled'), sum(expected, 'existing'), sum(expected, 'consultations')]);
    expect(sheet.actualRowCount).toBe(3);
  });

  it('audits each export (who, which format, range and grouping) and refuses bad queries with 400 and nothing audited', async () => {
    const before = await t.storage.db.selectFrom('audit').selectAll().where('action', '=', 'stats.export').execute();
    await csvOf(w.users.chaoyangSupervisor.auth, `from=2026-05-02&to=2026-05-03&group=stall,day`);
    await xlsxOf(w.users.admin.auth, `from=${FROM}&to=${FROM}`);
    const after = await t.storage.db.selectFrom('audit').selectAll().where('action', '=', 'stats.export').execute();
    const added = after.filter((a) => !before.some((b) => b.id === a.id)).map((a) => [a.user_id, a.target]);
    expect(added).toEqual(
      expect.arrayContaining([
        [w.users.chaoyangSupervisor.id, 'stats.csv:2026-05-02..2026-05-03:day,stall'],
        [w.users.admin.id, `stats.xlsx:${FROM}..${FROM}:`],
      ]),
    );
    expect(added).toHaveLength(2);

    for (const [path, code] of [
      ['/api/stats.csv?lang=fr', 'invalid_lang'],
      ['/api/stats.csv?from=2026-05-03&to=2026-05-01', 'invalid_range'],
      ['/api/stats.xlsx?group=province', 'invalid_group'],
      ['/api/stats.xlsx?from=2025-01-01&to=2026-05-01', 'range_too_long'],
      ['/api/stats.csv?to=2026-02-30', 'invalid_day'],
    ]) {
      const res = await t.app.request(path!, { headers: { ...w.users.admin.auth, 'Accept-Language': 'en' } });
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe(code);
    }
    expect((await get('/api/stats.csv', w.users.cityStaff.auth)).status).toBe(403);
    expect((await t.app.request('/api/stats.xlsx')).status).toBe(401);
    const end = await t.storage.db.selectFrom('audit').selectAll().where('action', '=', 'stats.export').execute();
    expect(end.length).toBe(after.length);
  });
});
