// A daily series from a CSV file a user brings (`hashpivot calibrate --price FILE` and friends):
// one date column and one value column, found by name or by content. More forgiving than the
// strict reader of the shipped files (runners/history.ts parseCsv): quoted fields, `;` or tab
// separators, dates with a time part, newest-first files. Every problem is a UserSeriesError whose
// message names the flag, the file and the line, and says what would fix it.
import { readFileSync } from 'node:fs';
import type { DailySeries } from './history.js';

export class UserSeriesError extends Error {
  override name = 'UserSeriesError';
}

export interface UserSeries {
  series: DailySeries;
  /** The columns used, for messages and for the fragment's `source:` comment. */
  dateColumn: string;
  valueColumn: string;
  /** How the value column was chosen, e.g. 'named "Adj Close"', 'first numeric column'. */
  chosenBy: string;
}

const DATE_HEADERS = ['date', 'day', 'timestamp', 'time', 'datetime'];
/** Value columns preferred by name when no column is given: a Yahoo export's close before its open. */
const PREFERRED_VALUE_HEADERS = ['adj close', 'adj_close', 'adjclose', 'close', 'price', 'value'];

/** Splits one CSV line: RFC 4180 quotes ("a,b" and "" for a quote inside). */
function splitLine(line: string, separator: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/;
const SLASH_DAY = /^(\d{4})\/(\d{2})\/(\d{2})(?:[T ].*)?$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;

/** `YYYY-MM-DD` of a date cell, or null. A month `YYYY-MM` stands for its last day (month-end data). */
export function parseDateCell(text: string): string | null {
  const day = ISO_DAY.exec(text) ?? SLASH_DAY.exec(text);
  if (day !== null) {
    const [year, month, dayOfMonth] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const check = new Date(Date.UTC(year, month - 1, dayOfMonth));
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== dayOfMonth) return null;
    return `${day[1]}-${day[2]}-${day[3]}`;
  }
  const month = ISO_MONTH.exec(text);
  if (month !== null && Number(month[2]) >= 1 && Number(month[2]) <= 12) {
    const last = new Date(Date.UTC(Number(month[1]), Number(month[2]), 0)).getUTCDate();
    return `${month[1]}-${month[2]}-${String(last).padStart(2, '0')}`;
  }
  return null;
}

/** A number cell: plain, or with thousands separators ("1,234.5"); null for empty or text ("null"). */
export function parseNumberCell(text: string): number | null {
  const cleaned = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text) ? text.replaceAll(',', '') : text;
  if (cleaned === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cleaned)) return null;
  const value = Number(cleaned);
  return Number.isFinite(value) ? value : null;
}

/**
 * Reads a daily series from CSV text. `flag` and `fileName` name the source in errors.
 * The date column: the first header named date, day, timestamp, time or datetime (any case).
 * The value column: `column` when given (exact, then any case); otherwise a column named
 * Adj Close, Close, price or value (any case), else the first column whose cells are numbers.
 * Rows without a number (empty, "null") are skipped; dates may come in either order but not twice.
 */
export function parseUserSeries(text: string, flag: string, fileName: string, column?: string): UserSeries {
  const where = `${flag} ${fileName}`;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerLine = lines[0] ?? '';
  const separator = [',', ';', '\t'].find((s) => headerLine.includes(s)) ?? ',';
  const header = splitLine(headerLine, separator);
  if (header.length < 2) {
    throw new UserSeriesError(`${where}: the first line must be a header with a date column and a value column (found "${headerLine.slice(0, 80)}")`);
  }
  const rows: { line: number; cells: string[] }[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = splitLine(lines[i], separator);
    if (cells.length !== header.length) {
      throw new UserSeriesError(`${where} line ${i + 1}: ${cells.length} fields, the header has ${header.length}; every row needs one cell per column`);
    }
    rows.push({ line: i + 1, cells });
  }
  if (rows.length === 0) throw new UserSeriesError(`${where}: no data rows after the header`);

  const lower = header.map((h) => h.toLowerCase());
  const dateIndex = DATE_HEADERS.map((name) => lower.indexOf(name)).find((i) => i >= 0);
  if (dateIndex === undefined) {
    throw new UserSeriesError(`${where}: no date column; name one of the columns "date" (columns: ${header.join(', ')})`);
  }

  let valueIndex: number;
  let chosenBy: string;
  const columnFlag = flag === '--price' ? '--price-column' : flag === '--difficulty' ? '--difficulty-column' : `${flag} NAME=FILE:COLUMN`;
  if (column !== undefined) {
    valueIndex = header.indexOf(column);
    if (valueIndex < 0) valueIndex = lower.indexOf(column.toLowerCase());
    if (valueIndex < 0 || valueIndex === dateIndex) {
      throw new UserSeriesError(`${where}: no value column "${column}" (columns: ${header.join(', ')}); check ${columnFlag}`);
    }
    chosenBy = 'as given';
  } else {
    const numericShare = (index: number) => {
      let numbers = 0;
      let filled = 0;
      for (const row of rows) {
        const cell = row.cells[index];
        if (cell === '' || /^(null|nan|n\/a|na|-)$/i.test(cell)) continue;
        filled++;
        if (parseNumberCell(cell) !== null) numbers++;
      }
      return filled === 0 ? 0 : numbers / filled;
    };
    const named = PREFERRED_VALUE_HEADERS.map((name) => lower.indexOf(name)).find((i) => i >= 0 && i !== dateIndex && numericShare(i) > 0.9);
    if (named !== undefined) {
      valueIndex = named;
      chosenBy = `named "${header[named]}"`;
    } else {
      valueIndex = header.findIndex((_, i) => i !== dateIndex && numericShare(i) > 0.9);
      if (valueIndex < 0) throw new UserSeriesError(`${where}: no numeric column besides "${header[dateIndex]}"; pass ${columnFlag} to name the value column`);
      chosenBy = 'the first numeric column';
    }
  }

  const points: { date: string; value: number; line: number }[] = [];
  for (const row of rows) {
    const dateText = row.cells[dateIndex];
    const date = parseDateCell(dateText);
    if (date === null) throw new UserSeriesError(`${where} line ${row.line}: date "${dateText}" is not YYYY-MM-DD (or YYYY-MM, YYYY/MM/DD, with an optional time)`);
    const value = parseNumberCell(row.cells[valueIndex]);
    if (value === null) continue;
    points.push({ date, value, line: row.line });
  }
  if (points.length === 0) throw new UserSeriesError(`${where}: column "${header[valueIndex]}" has no numbers`);
  // Newest-first exports are common: sort, then refuse a date given twice.
  points.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.line - b.line));
  for (let i = 1; i < points.length; i++) {
    if (points[i].date === points[i - 1].date) {
      throw new UserSeriesError(`${where}: date ${points[i].date} appears twice (lines ${points[i - 1].line} and ${points[i].line}); keep one value per day`);
    }
  }
  return {
    series: { dates: points.map((p) => p.date), values: Float64Array.from(points, (p) => p.value) },
    dateColumn: header[dateIndex],
    valueColumn: header[valueIndex],
    chosenBy,
  };
}

/** Reads and parses a user's CSV file; an unreadable file is a UserSeriesError naming the flag. */
export function readUserSeries(path: string, flag: string, column?: string): UserSeries {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a CSV file' : `cannot be read (${code ?? String(error)})`;
    throw new UserSeriesError(`${flag} ${path}: ${reason}; pass the path of a CSV file with a date column and a value column`);
  }
  return parseUserSeries(text, flag, path, column);
}
