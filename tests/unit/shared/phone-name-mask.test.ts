import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { MOBILE_RE, normalizePhone } from '../../../src/shared/phone';
import { NAME_MAX, normalizeName } from '../../../src/shared/person-name';
import { maskId, maskName, maskPhone } from '../../../src/shared/mask';

describe('normalizePhone', () => {
  it('normalizes the usual ways of writing a number to the same 11 digits', () => {
    for (const raw of ['+86 138-1234-5678', '8613812345678', '138 1234 5678', '0086 13812345678', '(+86) 138.1234.5678', '１３８１２３４５６７８']) {
      expect(normalizePhone(raw)).toEqual({ ok: true, value: '13812345678' });
    }
  });

  it('keeps any valid mobile number, however it is decorated', () => {
    const mobile = fc.stringMatching(/^1[3-9]\d{9}$/);
    const decorate = fc.constantFrom(
      (m: string) => m,
      (m: string) => `+86 ${m}`,
      (m: string) => `86${m}`,
      (m: string) => `0086-${m}`,
      (m: string) => `${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}`,
      (m: string) => ` (${m.slice(0, 3)}) ${m.slice(3, 7)}-${m.slice(7)} `,
    );
    fc.assert(
      fc.property(mobile, decorate, (m, d) => {
        expect(normalizePhone(d(m))).toEqual({ ok: true, value: m });
      }),
    );
  });

  it('rejects what is not a mainland mobile number', () => {
    for (const raw of ['12345', '1381234567', '138123456789', '23812345678', '12812345678', '+1 415 555 0100', 'abc', '138l2345678', '010-12345678']) {
      expect(normalizePhone(raw)).toEqual({ ok: false, code: 'phone_format' });
    }
    expect(normalizePhone('  ')).toEqual({ ok: false, code: 'phone_required' });
  });

  it('only ever returns an 11-digit mobile number', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const r = normalizePhone(raw);
        if (r.ok) expect(r.value).toMatch(MOBILE_RE);
        else expect(['phone_format', 'phone_required']).toContain(r.code);
      }),
    );
  });
});

const letter = fc
  .oneof(
    fc.integer({ min: 0x4e00, max: 0x9fff }),
    fc.integer({ min: 0x20000, max: 0x2a6df }),
    fc.integer({ min: 0x41, max: 0x24f }),
    fc.integer({ min: 0, max: 0x10ffff }),
  )
  .map((cp) => String.fromCodePoint(cp))
  .filter((ch) => /^\p{L}$/u.test(ch));

describe('normalizeName', () => {
  it('accepts random strings of Unicode letters and returns them in NFC', () => {
    fc.assert(
      fc.property(fc.array(letter, { minLength: 1, maxLength: 20 }), (chars) => {
        const raw = chars.join('');
        const r = normalizeName(raw);
        expect(r).toEqual({ ok: true, value: raw.normalize('NFC') });
        if (r.ok) expect(r.value.normalize('NFC')).toBe(r.value);
      }),
    );
  });

  it('trims, collapses whitespace, composes and unifies middle dots', () => {
    expect(normalizeName('  张三 ')).toEqual({ ok: true, value: '张三' });
    expect(normalizeName('Zoe\u0301  \t O’Brien-Smith')).toEqual({ ok: true, value: 'Zoé O’Brien-Smith' });
    for (const dot of ['·', '•', '・', '‧', '･']) {
      expect(normalizeName(`阿依古丽${dot}买买提`)).toEqual({ ok: true, value: '阿依古丽·买买提' });
    }
  });

  it('accepts rare characters beyond the BMP and counts code points', () => {
    expect(normalizeName('𠮷野家')).toEqual({ ok: true, value: '𠮷野家' });
    expect(normalizeName('𠮷'.repeat(NAME_MAX))).toMatchObject({ ok: true });
    expect(normalizeName('𠮷'.repeat(NAME_MAX + 1))).toEqual({ ok: false, code: 'name_too_long' });
  });

  it('refuses digits, control characters, symbols and emptiness', () => {
    expect(normalizeName('')).toEqual({ ok: false, code: 'name_required' });
    expect(normalizeName(' \u3000 ')).toEqual({ ok: false, code: 'name_required' });
    for (const raw of ['张三1', '张\u0000三', '张三!', '<script>', '·', '😀', '张三２']) {
      expect(normalizeName(raw)).toEqual({ ok: false, code: 'name_chars' });
    }
  });
});

describe('masking', () => {
  it('masks names', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('张')).toBe('*');
    expect(maskName('𠮷野')).toBe('𠮷*');
  });

  it('masks ID numbers', () => {
    expect(maskId('110105199001010123')).toBe('110105********0123');
    expect(maskId('USA123405060701')).toBe('USA********0701');
  });

  it('masks phones', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('never reveals more than the ends, and keeps the length', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}[\dX]$/), (id) => {
        const m = maskId(id);
        expect(m).toHaveLength(18);
        expect(m.slice(6, 14)).toBe('********');
      }),
    );
  });
});
