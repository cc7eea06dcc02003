/**
 * GET /api/members.xlsx: the roster of new members of an admin's subtree, read back with exceljs and
 * checked cell by cell against the records the test sent; scope, masking, the audit entry, ciphertext
 * at rest, bad parameters, roles and the rate limit shared by two app servers on one store.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app';
import { t as msg, type Lang } from '../../../src/shared/i18n';
import { SERVICES } from '../../../src/shared/records';
import { consultation, enrollment } from '../../support/records';
import { describeEachEngine, startTestApp, type TestApp } from '../support/engines';
import { addStall, addUser, type FixtureOrg, type FixtureUser } from '../support/fixtures';
import { storeRecords } from '../support/store-records';
import { seedWorld, type World } from '../sync/helpers';
import { FORMULA_NAME, shanghaiDay } from './seed';

const FROM = '2026-05-01';
const TO = '2026-05-03';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The headers the roster has, written out again here. */
const HEADERS: Record<Lang, string[]> = {
  zh: ['姓名', '证件类型', '证件号码', '性别', '出生日期', '民族', '手机号', '职业', '工作单位/平台', '区', '街道乡镇', '摊位', '入会日期', '渠道', '所需服务'],
  en: ['name', 'ID type', 'ID number', 'gender', 'birth date', 'ethnicity', 'phone', 'occupation', 'employer', 'district', 'street', 'stall', 'date', 'channel', 'services'],
};

/** A text cell as a spreadsheet must receive it: never starting like a formula. */
const neutral = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
/** Masks written out again: 6 + 8 stars + 4 for an 18-character ID; 3 + 4 stars + 4 for a phone. */
const maskedId = (id: string) => `${id.slice(0, 6)}********${id.slice(-4)}`;
const maskedPhone = (p: string) => `${p.slice(0, 3)}****${p.slice(-4)}`;

type Sent = ReturnType<typeof enrollment>;
interface Expected {
  sent: Sent;
  day: string;
  district: string | null;
  street: string | null;
  stall: string;
  districtId: string | null;
}

const dateOf = (day: string) => new Date(`${day}T00:00:00Z`).getTime();

/** The row the test expects for a member, as plain values (dates as epoch ms). */
function expectedCells(e: Expected, lang: Lang, full: boolean): (string | number | null)[] {
  const p = e.sent.person as Sent['person'] & { ethnicity?: string };
  return [
    neutral(p.name),
    msg(lang, `idType.${p.idType}`),
    full ? p.idNumber : maskedId(p.idNumber),
    msg(lang, `gender.${p.gender}`),
    dateOf(p.birthDate),
    p.ethnicity ?? null,
    full ? p.phone : maskedPhone(p.phone),
    msg(lang, `occupation.${p.occupation}`),
    p.employer ?? null,
    e.district === null ? null : neutral(e.district),
    e.street === null ? null : neutral(e.street),
    neutral(e.stall),
    dateOf(e.day),
    msg(lang, `channel.${e.sent.channel}`),
    e.sent.services.length === 0 ? null : e.sent.services.map((s) => msg(lang, `service.${s}`)).join(lang === 'zh' ? '、' : '; '),
  ];
}

/** A sheet's rows as plain values (dates as epoch ms, empty cells null), header first. */
function sheetRows(sheet: ExcelJS.Worksheet): (string | number | null)[][] {
  const rows: (string | number | null)[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const cells: (string | number | null)[] = [];
    for (let i = 1; i <= HEADERS.en.length; i++) {
      const v = row.getCell(i).value;
      cells.push(v instanceof Date ? v.getTime() : v === null || v === undefined ? null : typeof v === 'number' ? v : String(v));
    }
    rows.push(cells);
  });
  return rows;
}

/** Seeds members across districts, days around the range, people coming back, and consultations. */
async function seedRoster(t: TestApp) {
  const w = await seedWorld(t.storage);
  const { tree } = w;
  const formula = await addStall(t.storage, tree.streets.zhongguancun, FROM, FORMULA_NAME);
  const cityStall = await addStall(t.storage, tree.city, FROM, '市总工会广场摊位');
  const places: { stall: { id: string; name: string }; district: FixtureOrg | null; street: FixtureOrg | null }[] = [
    { stall: w.stalls.jianwai, district: tree.districts.chaoyang, street: tree.streets.jianwai },
    { stall: w.stalls.sanlitun, district: tree.districts.chaoyang, street: tree.streets.sanlitun },
    { stall: w.stalls.zhongguancun, district: tree.districts.haidian, street: tree.streets.zhongguancun },
    { stall: w.stalls.haidianDistrict, district: tree.districts.haidian, street: null },
    { stall: formula, district: tree.districts.haidian, street: tree.streets.zhongguancun },
    { stall: cityStall, district: null, street: null },
  ];
  const times = [
    '2026-04-30T15:59:59Z', // 30 April in Beijing: outside
    '2026-04-30T16:00:00Z', // 00:00 on 1 May
    '2026-05-01T12:00:00+08:00',
    '2026-05-02T09:15:00+05:30',
    '2026-05-02T20:00:00-04:00', // 08:00 on 3 May
    '2026-05-03T16:30:00Z', // 4 May: outside
    '2026-05-03T12:00:00+08:00',
  ];
  const sent: unknown[] = [];
  const expected: Expected[] = [];
  const seen = new Set<number>();
  const people: Sent['person'][] = [];
  for (let i = 0; i < 90; i++) {
    const place = places[i % places.length]!;
    const createdAt = times[(i * 3) % times.length]!;
    if (i % 9 === 4) {
      sent.push(consultation({ stallId: place.stall.id, createdAt }));
      continue;
    }
    // People 0..59; some come back later (already members: not new, not in the roster again).
    const n = i % 60;
    // A name a spreadsheet would read as a formula, and one with a middle dot (both in the range).
    const person = i === 2 ? { name: '-Anna Lee' } : i === 3 ? { name: '阿依古丽·买买提' } : undefined;
    const e = enrollment({ stallId: place.stall.id, n: 1000 + n * 37, createdAt, channel: i % 5 === 0 ? 'self' : 'staff', ...(person ? { person } : {}) });
    sent.push(e);
    people.push(e.person);
    if (seen.has(n)) continue;
    seen.add(n);
    const day = shanghaiDay(createdAt);
    if (day < FROM || day > TO) continue;
    expected.push({
      sent: e,
      day,
      district: place.district?.name ?? null,
      districtId: place.district?.id ?? null,
      street: place.street?.name ?? null,
      stall: place.stall.name,
    });
  }
  await storeRecords(t, sent);
  // The roster's order: day, then time, then record id.
  expected.sort((a, b) => a.day.localeCompare(b.day) || Date.parse(a.sent.createdAt) - Date.parse(b.sent.createdAt) || (a.sent.id < b.sent.id ? -1 : 1));
  return { w, expected, people };
}

describeEachEngine('GET /api/members.xlsx: the new-member roster', (engine) => {
  let t: TestApp;
  let app: ReturnType<typeof createApp>;
  let w: World;
  let expected: Expected[];
  let people: Sent['person'][];
  let chaoyangAdmin: FixtureUser;
  let haidianAdmin: FixtureUser;

  const get = (path: string, auth?: { Authorization: string }, via = app) => via.request(path, { headers: auth ?? {} });
  const query = (q: Record<string, string>) => new URLSearchParams({ from: FROM, to: TO, reason: '登记入会会员系统', ...q }).toString();
  const rosterOf = async (auth: { Authorization: string }, q: Record<string, string> = {}) => {
    const res = await get(`/api/members.xlsx?${query(q)}`, auth);
    expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX_TYPE);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="ruhui-members-${q.from ?? FROM}_${q.to ?? TO}.xlsx"`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    expect(book.worksheets).toHaveLength(1);
    return book.worksheets[0]!;
  };
  const auditRows = () => t.storage.db.selectFrom('audit').selectAll().where('action', '=', 'members.export').orderBy('at').execute();

  beforeAll(async () => {
    t = await startTestApp(engine);
    // The tests below export many times: a wide limit here; the limit itself is tested on apps of its own.
    app = createApp({ config: t.config, storage: t.storage, keys: t.keys, exportLimits: { perUser: 1000 } });
    ({ w, expected, people } = await seedRoster(t));
    chaoyangAdmin = await addUser(t.storage, w.tree.districts.chaoyang, 'admin');
    haidianAdmin = await addUser(t.storage, w.tree.districts.haidian, 'admin');
  });
  afterAll(async () => t.close());

  it('lists every new member of the city in the range, cell by cell, with full values when asked (zh)', async () => {
    expect(expected.length).toBeGreaterThan(20);
    const sheet = await rosterOf(w.users.admin.auth, { full: '1' });
    const [header, ...rows] = sheetRows(sheet);
    expect(header).toEqual(HEADERS.zh);
    expect(rows).toEqual(expected.map((e) => expectedCells(e, 'zh', true)));
    // ID numbers and phones are text cells, never numbers that would lose digits.
    expect(typeof sheet.getRow(2).getCell(3).value).toBe('string');
    expect(typeof sheet.getRow(2).getCell(7).value).toBe('string');
    // A stall name and a person's name that a spreadsheet would run are neutralized.
    expect(rows.some((r) => r[11] === `'${FORMULA_NAME}`)).toBe(true);
    expect(rows.some((r) => r[0] === "'-Anna Lee")).toBe(true);
    expect(sheet.getRow(1).font?.bold).toBe(true);
  });

  it('masks ID numbers and phones by default, and heads and names in English with lang=en', async () => {
    const sheet = await rosterOf(w.users.admin.auth, { lang: 'en' });
    const [header, ...rows] = sheetRows(sheet);
    expect(header).toEqual(HEADERS.en);
    expect(rows).toEqual(expected.map((e) => expectedCells(e, 'en', false)));
    const text = JSON.stringify(rows);
    for (const p of people) {
      expect(text).not.toContain(p.idNumber);
      expect(text).not.toContain(p.phone);
    }
  });

  it('gives a district admin only their district, and one day alone when from = to', async () => {
    const chaoyang = sheetRows(await rosterOf(chaoyangAdmin.auth, { full: '1' })).slice(1);
    const mine = expected.filter((e) => e.districtId === w.tree.districts.chaoyang.id);
    expect(mine.length).toBeGreaterThan(3);
    expect(chaoyang).toEqual(mine.map((e) => expectedCells(e, 'zh', true)));

    const haidian = sheetRows(await rosterOf(haidianAdmin.auth, { full: '1' })).slice(1);
    const theirs = expected.filter((e) => e.districtId === w.tree.districts.haidian.id);
    expect(haidian).toEqual(theirs.map((e) => expectedCells(e, 'zh', true)));
    // Nobody of Chaoyang in Haidian's roster, by ID number.
    const haidianText = JSON.stringify(haidian);
    for (const e of mine) expect(haidianText).not.toContain(e.sent.person.idNumber);

    const oneDay = sheetRows(await rosterOf(w.users.admin.auth, { from: '2026-05-02', to: '2026-05-02', full: '1' })).slice(1);
    expect(oneDay).toEqual(expected.filter((e) => e.day === '2026-05-02').map((e) => expectedCells(e, 'zh', true)));
    // An empty range: the header alone.
    expect(sheetRows(await rosterOf(w.users.admin.auth, { from: '2026-06-01', to: '2026-06-02' }))).toEqual([HEADERS.zh]);
  });

  it('audits each export with who, the range, masked or full, and the reason — and no personal data', async () => {
    const before = (await auditRows()).length;
    await rosterOf(chaoyangAdmin.auth, { reason: '  跟进法律援助  需求 ' });
    await rosterOf(chaoyangAdmin.auth, { full: '1', from: '2026-05-02', reason: 'register in the membership system' });
    const rows = (await auditRows()).slice(before);
    expect(rows.map((r) => ({ user: r.user_id, target: r.target }))).toEqual([
      { user: chaoyangAdmin.id, target: `members.xlsx:${FROM}..${TO}:masked:跟进法律援助 需求` },
      { user: chaoyangAdmin.id, target: `members.xlsx:2026-05-02..${TO}:full:register in the membership system` },
    ]);
    const everything = JSON.stringify(await t.storage.db.selectFrom('audit').selectAll().execute());
    for (const p of people) {
      expect(everything).not.toContain(p.idNumber);
      expect(everything).not.toContain(p.phone);
    }
  });

  it('stores people only as ciphertext: the names, ID numbers and phones appear in no stored row', async () => {
    const stored = JSON.stringify(await t.storage.db.selectFrom('records').selectAll().execute());
    expect(stored).toContain('"person_enc":"v1.');
    for (const p of people) {
      expect(stored).not.toContain(p.idNumber);
      expect(stored).not.toContain(p.phone);
      expect(stored).not.toContain(p.name);
    }
    const members = JSON.stringify(await t.storage.db.selectFrom('members').selectAll().execute());
    for (const p of people) expect(members).not.toContain(p.idNumber);
  });

  describe('refuses', () => {
    it.each([
      ['no reason', { reason: '' }, 'invalid_reason'],
      ['a one-character reason', { reason: ' x ' }, 'invalid_reason'],
      ['a reason over 200 characters', { reason: '因'.repeat(201) }, 'invalid_reason'],
      ['a reason with a control character', { reason: '登记\u0000入会' }, 'invalid_reason'],
      ['full=2', { full: '2' }, 'invalid_full'],
      ['full=true', { full: 'true' }, 'invalid_full'],
      ['lang=fr', { lang: 'fr' }, 'invalid_lang'],
      ['from after to', { from: '2026-05-04', to: '2026-05-01' }, 'invalid_range'],
      ['over 366 days', { from: '2025-01-01', to: '2026-05-01' }, 'range_too_long'],
      ['a malformed date', { from: '2026-5-1' }, 'invalid_day'],
      ['a date that does not exist', { to: '2026-02-30' }, 'invalid_day'],
    ])('%s with 400 and the reason, auditing nothing', async (_name, q, code) => {
      const before = (await auditRows()).length;
      const res = await get(`/api/members.xlsx?${query(q)}`, w.users.admin.auth);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(0);
      expect((await auditRows()).length).toBe(before);
    });

    it('a missing reason too', async () => {
      const res = await get(`/api/members.xlsx?from=${FROM}&to=${TO}`, w.users.admin.auth);
      expect(res.status).toBe(400);
    });

    it('supervisors and staff with 403, and nobody signed in with 401', async () => {
      for (const u of [w.users.citySupervisor, w.users.chaoyangSupervisor, w.users.cityStaff, w.users.jianwaiStaff]) {
        expect((await get(`/api/members.xlsx?${query({})}`, u.auth)).status).toBe(403);
      }
      expect((await get(`/api/members.xlsx?${query({})}`)).status).toBe(401);
    });
  });

  it('limits exports per admin across app servers sharing the store: 429 with Retry-After past the limit', async () => {
    const limited = { config: t.config, storage: t.storage, keys: t.keys, exportLimits: { perUser: 3 } };
    const [one, two] = [createApp(limited), createApp(limited)];
    const admin = await addUser(t.storage, w.tree.city, 'admin');
    const other = await addUser(t.storage, w.tree.city, 'admin');
    const statuses: number[] = [];
    for (const via of [one, two, one, two]) statuses.push((await get(`/api/members.xlsx?${query({})}`, admin.auth, via)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const res = await get(`/api/members.xlsx?${query({})}`, admin.auth, one);
    expect(res.status).toBe(429);
    const wait = Number(res.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(3600);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    // Refused exports are not audited; another admin is not held back.
    expect((await auditRows()).filter((r) => r.user_id === admin.id)).toHaveLength(3);
    expect((await get(`/api/members.xlsx?${query({})}`, other.auth, two)).status).toBe(200);
  });

  it('lists each service the member asked for', () => {
    // The seed covers members with none and with several services.
    expect(expected.some((e) => e.sent.services.length === 0)).toBe(true);
    expect(expected.some((e) => e.sent.services.length >= 2)).toBe(true);
    expect(new Set(expected.flatMap((e) => e.sent.services)).size).toBe(SERVICES.length);
  });
});
