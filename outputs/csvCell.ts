// One cell of a CSV file hashpivot writes (trials.csv, paths.csv, backtest.csv): every CSV writer
// formats its cells here, so none can write a cell that a spreadsheet would run as a formula.
//
// Text: RFC 4180 quoting (a cell with a comma, quote or line break is quoted, its quotes doubled)
// and, for text starting with = + - @ tab or carriage return (what Excel, LibreOffice and Google
// Sheets read as a formula: "CSV injection", OWASP), a leading apostrophe inside quotes, which
// spreadsheets show as the text itself. Numbers: the shortest decimal that parses back to the same
// double; they start with a digit or a minus sign followed by a digit, which no spreadsheet runs.

/** Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell, quoted when needed and never a formula. */
export function csvText(text: string): string {
  if (FORMULA_START.test(text)) return `"'${text.replaceAll('"', '""')}"`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A number cell: shortest string that parses back to the same double (ECMAScript
 * Number::toString), integers without decimals; absent (NaN) is an empty cell. -0 is written "-0"
 * because String(-0) is "0" and the files must round-trip bit for bit. Infinities never reach a
 * file (the engine refuses a non-finite outcome), so none is written as text.
 */
export function csvNumber(x: number): string {
  if (x !== x) return '';
  if (x === 0 && 1 / x < 0) return '-0';
  return String(x);
}
