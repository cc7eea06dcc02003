/**
 * The member roster as XLSX (GET /api/members.xlsx): one row per new member with the fields a
 * membership system needs, headed in the asked language, written by exceljs's streaming
 * WorkbookWriter as the members are read, and only as fast as the zip and the client take them
 * (`export/stream.ts`), so 100,000 of them never sit in memory. ID numbers and
 * phones are masked unless the admin asked for the full values; they are always text cells (an
 * 18-digit number would lose its last digits as a number cell). Every text cell goes through
 * `safeCell`, so nothing in it runs as a formula.
 */
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { t, type Lang } from '../../shared/i18n';
import { maskId, maskPhone } from '../../shared/mask';
import { safeCell } from '../export/safe-cell';
import { xlsxRoom } from '../export/stream';
import { describeError, log } from '../log';
import type { RosterMember } from './query';

/** The columns, in order: key, English and Chinese header, width. */
export const ROSTER_COLUMNS = [
  ['name', 'name', '姓名', 12],
  ['idType', 'ID type', '证件类型', 18],
  ['idNumber', 'ID number', '证件号码', 22],
  ['gender', 'gender', '性别', 6],
  ['birthDate', 'birth date', '出生日期', 12],
  ['ethnicity', 'ethnicity', '民族', 8],
  ['phone', 'phone', '手机号', 14],
  ['occupation', 'occupation', '职业', 16],
  ['employer', 'employer', '工作单位/平台', 20],
  ['district', 'district', '区', 14],
  ['street', 'street', '街道乡镇', 18],
  ['stall', 'stall', '摊位', 24],
  ['day', 'date', '入会日期', 12],
  ['channel', 'channel', '渠道', 10],
  ['services', 'services', '所需服务', 30],
] as const;

type Key = (typeof ROSTER_COLUMNS)[number][0];
const DATE_KEYS: ReadonlySet<Key> = new Set(['birthDate', 'day']);

/** A `YYYY-MM-DD` as a date cell (midnight UTC, which a spreadsheet shows as that day). */
const dateCell = (day: string) => new Date(`${day}T00:00:00Z`);

/** The cells of one member, in column order. */
export function rosterCells(m: RosterMember, lang: Lang, full: boolean): (string | Date | null)[] {
  const p = m.person;
  const text = (v: string | null | undefined) => (v ? safeCell(v) : null);
  const cells: Record<Key, string | Date | null> = {
    name: text(p.name),
    idType: t(lang, `idType.${p.idType}`),
    idNumber: text(full ? p.idNumber : maskId(p.idNumber)),
    gender: t(lang, `gender.${p.gender}`),
    birthDate: dateCell(p.birthDate),
    ethnicity: text(p.ethnicity),
    phone: text(full ? p.phone : maskPhone(p.phone)),
    occupation: t(lang, `occupation.${p.occupation}`),
    employer: text(p.employer),
    district: text(m.district),
    street: text(m.street),
    stall: text(m.stall),
    day: dateCell(m.day),
    channel: t(lang, `channel.${m.channel}`),
    services: m.services.map((s) => t(lang, `service.${s}`)).join(lang === 'zh' ? '、' : '; ') || null,
  };
  return ROSTER_COLUMNS.map(([key]) => cells[key]);
}

/** The download's file name: `ruhui-members-<from>_<to>.xlsx`. */
export function rosterFileName(from: string, to: string): string {
  return `ruhui-members-${from}_${to}.xlsx`;
}

/** Members committed between two waits for the workbook's streams to take more. */
const BATCH = 200;

/** The roster workbook, streamed: a bold frozen header row, column widths, date cells as yyyy-mm-dd. */
export function rosterXlsx(members: AsyncIterable<RosterMember>, lang: Lang, full: boolean): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  void (async () => {
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const sheet = book.addWorksheet(lang === 'zh' ? '新会员' : 'New members', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = ROSTER_COLUMNS.map(([key, en, zh, width]) => ({
      header: lang === 'zh' ? zh : en,
      key,
      width,
      ...(DATE_KEYS.has(key) ? { style: { numFmt: 'yyyy-mm-dd' } } : {}),
    }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    let n = 0;
    // Leaving the loop early (the client went away) ends the reading of members too.
    for await (const member of members) {
      sheet.addRow(rosterCells(member, lang, full)).commit();
      if (++n % BATCH === 0 && !(await xlsxRoom(sheet, out))) return;
    }
    sheet.commit();
    await book.commit();
  })().catch((error: unknown) => {
    // No member data in the log: only what failed.
    log.error('roster export failed mid-stream', describeError(error));
    out.destroy(error instanceof Error ? error : new Error('export failed'));
  });
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}
