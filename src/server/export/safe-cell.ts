/**
 * The one rule for text cells of a CSV or XLSX export: a cell that a spreadsheet would run as a
 * formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is neutralized by a leading
 * apostrophe, which Excel and WPS show as text and never evaluate (OWASP "CSV injection"). Counts are
 * written as numbers and never pass through here.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** The text as a cell that is never a formula. */
export function safeCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
