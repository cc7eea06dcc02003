/**
 * A small RFC 4180 reader: comma-separated fields, double-quoted fields that may hold commas, line
 * breaks and doubled quotes (`""`), records ending in CRLF, LF or CR, an optional UTF-8 BOM. Each
 * record carries the line it starts on, so an import can name the line a person sees in their editor;
 * a record with broken quoting is returned as such and does not stop the records after it.
 */

/** One record: its fields, or `malformed` when its quoting is broken. */
export type CsvRecord = { line: number; fields: string[] } | { line: number; malformed: true };

/** Splits CSV text into records. Blank lines are skipped. */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;

  while (i < src.length) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let malformed = false;
    let atFieldStart = true;
    let quoted = false;
    let afterQuote = false;

    for (;;) {
      if (i >= src.length) {
        if (quoted) malformed = true; // unterminated quote: the rest of the file was this field
        break;
      }
      const ch = src[i]!;
      if (quoted) {
        if (ch === '"') {
          if (src[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            afterQuote = true;
            i += 1;
          }
        } else {
          if (ch === '\n' || (ch === '\r' && src[i + 1] !== '\n')) line += 1;
          field += ch;
          i += 1;
        }
        continue;
      }
      if (ch === ',') {
        fields.push(field);
        field = '';
        atFieldStart = true;
        afterQuote = false;
        i += 1;
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
        line += 1;
        break;
      }
      if (ch === '"' && atFieldStart) {
        quoted = true;
        atFieldStart = false;
        i += 1;
        continue;
      }
      // Text after a closing quote, or a quote inside an unquoted field: not RFC 4180.
      if (afterQuote || ch === '"') malformed = true;
      field += ch;
      atFieldStart = false;
      i += 1;
    }
    fields.push(field);

    if (malformed) records.push({ line: startLine, malformed: true });
    else if (!(fields.length === 1 && fields[0]!.trim() === '')) records.push({ line: startLine, fields });
  }
  return records;
}
