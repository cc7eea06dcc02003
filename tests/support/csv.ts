/**
 * A strict RFC 4180 reader for checking exports: CRLF records, quoted fields with doubled quotes.
 * Throws on anything else (a bare LF, a quote inside an unquoted field), so a sloppy writer fails.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  if (text === '') return rows;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted field');
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      const m = /[,\r\n"]|$/.exec(text.slice(i))!;
      field = text.slice(i, i + m.index);
      i += m.index;
      if (text[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`);
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (i >= text.length) throw new Error('last record lacks its CRLF');
    if (text[i] !== '\r' || text[i + 1] !== '\n') throw new Error(`record not ended by CRLF at ${i}`);
    i += 2;
    rows.push(row);
    row = [];
    if (i >= text.length) return rows;
  }
}
