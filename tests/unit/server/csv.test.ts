import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/server/orgs/csv';

/** Writes fields as RFC 4180 does: quoted when they hold a comma, quote or line break. */
const quote = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);

describe('parseCsv (RFC 4180)', () => {
  it('reads plain, quoted and multi-line fields, with the line each record starts on', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""",z\n"two\nlines",2,3\r\n\r\nlast,,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'z'] },
      { line: 3, fields: ['two\nlines', '2', '3'] },
      { line: 6, fields: ['last', '', ''] },
    ]);
  });

  it('reports broken quoting on its own line and goes on with the next', () => {
    expect(parseCsv('a,"b"c,d\nok,1\nx,y"z\n"open,2\n3,4')).toEqual([
      { line: 1, malformed: true },
      { line: 2, fields: ['ok', '1'] },
      { line: 3, malformed: true },
      { line: 4, malformed: true },
    ]);
  });

  it('reads back whatever an RFC 4180 writer wrote (any fields, CRLF, LF or CR line ends)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', '北', ',', '"', '\n', '\r', ' ', '·', '𠀀') });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('\r\n', '\n', '\r'),
        (rows, eol) => {
          const text = rows.map((r) => r.map(quote).join(',')).join(eol) + eol;
          expect(parseCsv(text).map((r) => ('fields' in r ? r.fields : 'malformed'))).toEqual(rows);
        },
      ),
    );
  });

  it('never throws on any input', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => void parseCsv(s)));
  });
});
