import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MARKS, cleanText, codePoints, looksLikeFormula, type TextRule } from '../../../src/shared/text';

const rule: TextRule = { max: 10 };
const problem = (raw: string, r = rule) => {
  const res = cleanText(raw, r);
  return res.ok ? 'ok' : res.problem;
};

describe('the free-text rule', () => {
  it('normalizes to NFC, trims and collapses spaces', () => {
    expect(cleanText('  e\u0301  cole\u3000x ', { max: 20 })).toEqual({ ok: true, value: '\u00E9 cole x' });
    expect(cleanText('a\t\r\n\u2028b\n', { max: 20 })).toEqual({ ok: true, value: 'a b' });
  });

  it('counts code points, so a character beyond the BMP counts once', () => {
    expect(codePoints('𠀀𠮷')).toBe(2);
    expect(problem('𠀀'.repeat(10))).toBe('ok');
    expect(problem('𠀀'.repeat(11))).toBe('too_long');
  });

  it('refuses control characters, lone surrogates and format characters, but keeps ZWNJ and ZWJ', () => {
    expect(problem('a\u0000b')).toBe('control');
    expect(problem('a\u0085b')).toBe('control');
    expect(problem('a\u001Bb')).toBe('control');
    expect(problem('a\uD800b')).toBe('surrogate');
    expect(problem('\uDFFF')).toBe('surrogate');
    expect(problem('a\u202Eb')).toBe('format');
    expect(problem('a\u2066b')).toBe('format');
    expect(problem('a\u200Bb')).toBe('format');
    expect(problem('a\u00ADb')).toBe('format');
    expect(problem('می\u200Cخواهم')).toBe('ok');
    expect(problem('👩\u200D💻')).toBe('ok');
  });

  it(`allows up to ${MAX_MARKS} combining marks in a row`, () => {
    expect(problem('Nguyễn')).toBe('ok');
    expect(problem(`a${'\u0301'.repeat(MAX_MARKS)}`, { max: 10 })).toBe('ok');
    expect(problem(`a${'\u0301'.repeat(49)}`, { max: 100 })).toBe('marks');
  });

  it('refuses empty text unless min is 0', () => {
    expect(problem('   ')).toBe('empty');
    expect(cleanText('   ', { max: 10, min: 0 })).toEqual({ ok: true, value: '' });
  });

  it('refuses formula-looking text only where asked', () => {
    for (const f of ['=HYPERLINK("http://x")', '+cmd|\' /C calc\'!A0', '@SUM(A1)', '-2+3', '＝1+1']) {
      expect(looksLikeFormula(f)).toBe(true);
      expect(problem(f, { max: 100, noFormula: true })).toBe('formula');
      expect(problem(f, { max: 100 })).toBe('ok');
    }
    expect(problem('建外街道 A=1', { max: 100, noFormula: true })).toBe('ok');
  });

  it('whatever it accepts is NFC, trimmed, well-formed and within the length', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (raw) => {
        const res = cleanText(raw, { max: 20 });
        if (!res.ok) return;
        expect(res.value).toBe(res.value.normalize('NFC'));
        expect(res.value).toBe(res.value.trim());
        expect(/\p{Cs}|\p{Cc}/u.test(res.value)).toBe(false);
        expect(codePoints(res.value)).toBeLessThanOrEqual(20);
        expect(cleanText(res.value, { max: 20 })).toEqual(res);
      }),
      { numRuns: 300 },
    );
  }, 30_000);
});
