import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  ageOn,
  idCheckChar,
  idNumberProgress,
  parseIdNumber,
  type IdType,
} from '../../../src/shared/id-number';
import { birthDateArb, foreignPrefixArb, id18Arb, isoDay, makeId18, permitPrefixArb, residentPrefixArb } from './id-fixtures';

const ID_CHARS = '0123456789XA -';

describe('idCheckChar', () => {
  it('matches the known sample', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
  });
});

describe('parseIdNumber: resident', () => {
  it('accepts the known sample, normalizing lower-case x and spaces', () => {
    expect(parseIdNumber('resident', ' 110105 19491231 002x ')).toEqual({
      ok: true,
      value: '11010519491231002X',
      birthDate: '1949-12-31',
      gender: 'female',
    });
  });

  it('accepts full-width digits', () => {
    expect(parseIdNumber('resident', '１１０１０５１９４９１２３１００２ｘ')).toMatchObject({ ok: true, value: '11010519491231002X' });
  });

  it('always accepts generated valid IDs and reads birth date and gender from them', () => {
    fc.assert(
      fc.property(id18Arb(residentPrefixArb), ({ id, birthDate, gender }) => {
        expect(parseIdNumber('resident', id)).toEqual({ ok: true, value: id, birthDate, gender });
      }),
    );
  });

  it('rejects any single-character change of a valid ID', () => {
    const arb = fc.tuple(id18Arb(residentPrefixArb), fc.nat(17), fc.constantFrom(...ID_CHARS.replace(' ', '')));
    fc.assert(
      fc.property(arb, ([{ id }, pos, ch]) => {
        fc.pre(id[pos] !== ch);
        const changed = id.slice(0, pos) + ch + id.slice(pos + 1);
        const r = parseIdNumber('resident', changed);
        expect(r.ok).toBe(false);
      }),
    );
  });

  it('says incomplete for every proper prefix of a valid ID, never an error', () => {
    fc.assert(
      fc.property(id18Arb(residentPrefixArb), fc.nat(17), ({ id }, len) => {
        const state = idNumberProgress('resident', id.slice(0, len)).state;
        expect(state).toBe(len === 0 ? 'empty' : 'incomplete');
      }),
    );
  });

  it('names the problem', () => {
    expect(parseIdNumber('resident', '')).toEqual({ ok: false, code: 'id_required' });
    expect(parseIdNumber('resident', '   ')).toEqual({ ok: false, code: 'id_required' });
    expect(parseIdNumber('resident', '1101051949')).toEqual({ ok: false, code: 'id_format' });
    expect(parseIdNumber('resident', '11010519491231002X1')).toEqual({ ok: false, code: 'id_format' });
    expect(parseIdNumber('resident', '110105194912310021')).toEqual({ ok: false, code: 'id_checksum' });
    expect(parseIdNumber('resident', makeId18('110105', '1990-02-30', 12))).toEqual({ ok: false, code: 'id_birth_date' });
    expect(parseIdNumber('resident', makeId18('110105', '1899-12-31', 12))).toEqual({ ok: false, code: 'id_birth_date' });
    expect(parseIdNumber('resident', makeId18('010105', '1990-01-01', 12))).toEqual({ ok: false, code: 'id_format' });
  });

  it('refuses a birth date in the future', () => {
    const nextYear = new Date();
    nextYear.setFullYear(nextYear.getFullYear() + 1);
    const id = makeId18('110105', isoDay(nextYear), 12);
    expect(parseIdNumber('resident', id)).toEqual({ ok: false, code: 'id_birth_date' });
    expect(parseIdNumber('resident', id, '2000-01-01')).toEqual({ ok: false, code: 'id_birth_date' });
  });

  it('tells the user to choose the permit or foreigner type for those numbers', () => {
    expect(parseIdNumber('resident', makeId18('810000', '1990-01-01', 12))).toEqual({ ok: false, code: 'id_type_mismatch' });
    expect(parseIdNumber('resident', makeId18('910000', '1990-01-01', 12))).toEqual({ ok: false, code: 'id_type_mismatch' });
    expect(idNumberProgress('resident', '8')).toEqual({ state: 'incomplete' });
    expect(idNumberProgress('resident', '82')).toEqual({ state: 'invalid', code: 'id_type_mismatch' });
    expect(idNumberProgress('resident', '11a')).toEqual({ state: 'invalid', code: 'id_format' });
    expect(idNumberProgress('resident', '1101051990130')).toEqual({ state: 'incomplete' });
    expect(idNumberProgress('resident', '11010519901301')).toEqual({ state: 'invalid', code: 'id_birth_date' });
  });
});

describe('parseIdNumber: Hong Kong, Macau and Taiwan residence permit', () => {
  it('accepts generated permits and reads birth date and gender', () => {
    fc.assert(
      fc.property(id18Arb(permitPrefixArb), ({ id, birthDate, gender }) => {
        expect(parseIdNumber('hkmotw_permit', id.toLowerCase())).toEqual({ ok: true, value: id, birthDate, gender });
        expect(parseIdNumber('resident', id)).toEqual({ ok: false, code: 'id_type_mismatch' });
        expect(parseIdNumber('foreign_permanent', id)).toEqual({ ok: false, code: 'id_type_mismatch' });
      }),
    );
  });

  it('needs exactly 810000, 820000 or 830000', () => {
    expect(parseIdNumber('hkmotw_permit', makeId18('810100', '1990-01-01', 1))).toEqual({ ok: false, code: 'id_format' });
    expect(parseIdNumber('hkmotw_permit', makeId18('110105', '1990-01-01', 1))).toEqual({ ok: false, code: 'id_type_mismatch' });
  });

  it('says incomplete for every proper prefix', () => {
    fc.assert(
      fc.property(id18Arb(permitPrefixArb), fc.integer({ min: 1, max: 17 }), ({ id }, len) => {
        expect(idNumberProgress('hkmotw_permit', id.slice(0, len)).state).toBe('incomplete');
      }),
    );
  });
});

describe('parseIdNumber: foreigner permanent residence ID', () => {
  it('accepts the 18-digit form starting with 9', () => {
    fc.assert(
      fc.property(id18Arb(foreignPrefixArb), ({ id, birthDate, gender }) => {
        expect(parseIdNumber('foreign_permanent', id)).toEqual({ ok: true, value: id, birthDate, gender });
        expect(parseIdNumber('resident', id)).toEqual({ ok: false, code: 'id_type_mismatch' });
      }),
    );
  });

  it('rejects any single-character change of the 18-digit form', () => {
    const arb = fc.tuple(id18Arb(foreignPrefixArb), fc.nat(17), fc.constantFrom(...'0123456789X'));
    fc.assert(
      fc.property(arb, ([{ id }, pos, ch]) => {
        fc.pre(id[pos] !== ch);
        expect(parseIdNumber('foreign_permanent', id.slice(0, pos) + ch + id.slice(pos + 1)).ok).toBe(false);
      }),
    );
  });

  const oldForm = fc
    .tuple(
      fc.stringMatching(/^[A-Z]{3}$/),
      fc.stringMatching(/^\d{4}$/),
      birthDateArb.filter((d) => d < '2000-01-01'),
      fc.stringMatching(/^\d{2}$/),
    )
    .map(([nation, four, birthDate, seq]) => ({ id: nation + four + birthDate.slice(2).replaceAll('-', '') + seq, birthDate }));

  it('accepts the older 15-character form, with the birth date and no gender', () => {
    fc.assert(
      fc.property(oldForm, ({ id, birthDate }) => {
        expect(parseIdNumber('foreign_permanent', id.toLowerCase())).toEqual({ ok: true, value: id, birthDate });
      }),
    );
  });

  it('says incomplete for every proper prefix of the 15-character form', () => {
    fc.assert(
      fc.property(oldForm, fc.integer({ min: 1, max: 14 }), ({ id }, len) => {
        expect(idNumberProgress('foreign_permanent', id.slice(0, len)).state).toBe('incomplete');
      }),
    );
  });

  it('reads a 15-character form from this century when that makes the holder 16 or over', () => {
    expect(parseIdNumber('foreign_permanent', 'USA1234050607' + '01', '2026-01-01')).toMatchObject({ birthDate: '2005-06-07' });
    expect(parseIdNumber('foreign_permanent', 'USA1234150607' + '01', '2026-01-01')).toMatchObject({ birthDate: '1915-06-07' });
  });

  it('names the problem', () => {
    expect(parseIdNumber('foreign_permanent', 'US1234567890123')).toEqual({ ok: false, code: 'id_format' });
    expect(parseIdNumber('foreign_permanent', 'USA123456789012X')).toEqual({ ok: false, code: 'id_format' });
    expect(parseIdNumber('foreign_permanent', 'USA123499133101')).toEqual({ ok: false, code: 'id_birth_date' });
    expect(parseIdNumber('foreign_permanent', '11010519491231002X')).toEqual({ ok: false, code: 'id_type_mismatch' });
    expect(parseIdNumber('resident', 'USA123480010101')).toEqual({ ok: false, code: 'id_format' });
  });
});

describe('idNumberProgress', () => {
  it('never throws on any typed text, for any type', () => {
    const types: IdType[] = ['resident', 'hkmotw_permit', 'foreign_permanent'];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.string(), (type, raw) => {
        const p = idNumberProgress(type, raw);
        expect(['empty', 'incomplete', 'invalid', 'valid']).toContain(p.state);
      }),
    );
  });
});

describe('ageOn', () => {
  it('counts full years', () => {
    expect(ageOn('2008-05-02', '2024-05-01')).toBe(15);
    expect(ageOn('2008-05-01', '2024-05-01')).toBe(16);
    expect(ageOn('2008-02-29', '2024-02-28')).toBe(15);
    expect(ageOn('2008-02-29', '2025-02-28')).toBe(16);
    expect(ageOn('2008-02-29', '2025-03-01')).toBe(17);
  });

  it('is zero on the birth day and grows by one each birthday', () => {
    fc.assert(
      fc.property(birthDateArb, fc.integer({ min: 1, max: 80 }), (b, years) => {
        expect(ageOn(b, b)).toBe(0);
        const later = `${Number(b.slice(0, 4)) + years}${b.slice(4)}`;
        if (!b.endsWith('02-29')) expect(ageOn(b, later)).toBe(years);
      }),
    );
  });
});
