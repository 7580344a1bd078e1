// A dated series from a file a user brings (`--price FILE`, `--difficulty FILE`, `--series
// NAME=FILE`, `market.price.bootstrap.file`): CSV or Parquet, one date column and one value column,
// found by name or by content. More forgiving in form than the strict reader of the shipped files
// (runners/history.ts parseCsv): quoted fields, `;` or tab separators, dates with a time part or as
// Unix seconds, newest-first files. Strict in substance: a date twice, dates out of order, a value
// that is text or not positive are errors naming the flag, the file and the line, with the fix;
// cells marked missing (empty, null, NaN, n/a, -) are skipped, counted and reported, and months with
// no observation are reported as gaps for the caller to refuse where it needs them.
import { BoundedFileError, readBoundedBytes } from '../scenarios/boundedFile.js';
import { parquetReadObjects } from 'hyparquet';
import type { DailySeries } from './history.js';

export class UserSeriesError extends Error {
  override name = 'UserSeriesError';
}

/** A row that was skipped because its value cell marks a missing value. */
export interface SkippedRow {
  line: number;
  cell: string;
}

/** Months with no observation between two observed months, `YYYY-MM`, inclusive. */
export interface MonthGap {
  from: string;
  to: string;
}

export interface UserSeries {
  series: DailySeries;
  /** The columns used, for messages and for the fragment's `source:` comment. */
  dateColumn: string;
  valueColumn: string;
  /** How the value column was chosen, e.g. 'named "Adj Close"', 'the first numeric column'. */
  chosenBy: string;
  /** Block height of each observation, when asked for and the file has a `height` column. */
  heights?: Float64Array;
  format: 'CSV' | 'Parquet';
  /** Data rows in the file (header excluded, blank lines not counted). */
  rows: number;
  skipped: SkippedRow[];
  /** The file ran newest first and was reversed. */
  newestFirst: boolean;
  gaps: MonthGap[];
}

export interface UserSeriesOptions {
  /** The value column, by exact name, then any case. */
  column?: string;
  /** Read a `height` (or `blockHeight`, `block_height`) column too: difficulty files from a node. */
  heights?: boolean;
}

/** A table of text cells: what both CSV and Parquet files become before the series is read. */
interface CellTable {
  header: string[];
  rows: { line: number; cells: string[] }[];
}

const DATE_HEADERS = ['date', 'day', 'timestamp', 'time', 'datetime'];
/** Value columns preferred by name when no column is given: a Yahoo export's close before its open. */
const PREFERRED_VALUE_HEADERS = ['adj close', 'adj_close', 'adjclose', 'close', 'price', 'value', 'difficulty'];
const HEIGHT_HEADERS = ['height', 'blockheight', 'block_height'];
/** Cells that mark a missing value (Yahoo writes "null" on days without a quote). */
const MISSING = /^(|null|nan|n\/a|na|#n\/a|-)$/i;
/**
 * Files larger than this are refused before reading: a daily series since 2009 is a few hundred
 * kilobytes, and a symlink to /dev/zero must not fill the memory.
 */
export const MAX_USER_FILE_BYTES = 64 * 1024 * 1024;
const PARQUET_MAGIC = 'PAR1';

/**
 * Splits one CSV line: RFC 4180 quotes ("a,b" and "" for a quote inside). Text between quotes and
 * separators is taken in slices: adding it a character at a time took 9 s and 2 GB for a 60 MB line.
 */
function splitLine(line: string, separator: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  let from = 0; // start of the text not yet added to cell
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      cell += line.slice(from, i);
      if (quoted && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = !quoted;
      from = i + 1;
    } else if (ch === separator && !quoted) {
      cells.push((cell + line.slice(from, i)).trim());
      cell = '';
      from = i + 1;
    }
  }
  cells.push((cell + line.slice(from)).trim());
  return cells;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/;
const SLASH_DAY = /^(\d{4})\/(\d{2})\/(\d{2})(?:[T ].*)?$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;
/** Unix seconds (Bitcoin Core's `getblockheader` `time`): 9 or 10 digits, 1973 .. 2286. */
const UNIX_SECONDS = /^\d{9,10}$/;

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * `YYYY-MM-DD` of a date cell, or null. A month `YYYY-MM` stands for its last day (month-end
 * data); Unix seconds are read as UTC.
 */
export function parseDateCell(text: string): string | null {
  if (UNIX_SECONDS.test(text)) return isoDay(new Date(Number(text) * 1000));
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

/** A number cell: plain, or with thousands separators ("1,234.5"); null for anything else. */
export function parseNumberCell(text: string): number | null {
  const cleaned = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text) ? text.replaceAll(',', '') : text;
  if (cleaned === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cleaned)) return null;
  const value = Number(cleaned);
  return Number.isFinite(value) ? value : null;
}

function csvTable(text: string, where: string): CellTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerLine = lines[0] ?? '';
  const separator = [',', ';', '\t'].find((s) => headerLine.includes(s)) ?? ',';
  const header = splitLine(headerLine, separator);
  if (header.length < 2) {
    throw new UserSeriesError(`${where}: the first line must be a header with a date column and a value column (found "${headerLine.slice(0, 80)}")`);
  }
  const rows: CellTable['rows'] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = splitLine(lines[i], separator);
    if (cells.length !== header.length) {
      throw new UserSeriesError(`${where} line ${i + 1}: ${cells.length} fields, the header has ${header.length}; every row needs one cell per column`);
    }
    rows.push({ line: i + 1, cells });
  }
  return { header, rows };
}

/** A Parquet cell as the text a CSV would hold: dates as ISO dates, numbers as written. */
function parquetCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value.trim();
  return JSON.stringify(value);
}

/** Row n of a Parquet file is reported as "line n + 1", as if the file had a header line. */
async function parquetTable(bytes: Buffer, where: string): Promise<CellTable> {
  let objects: Record<string, unknown>[];
  try {
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    objects = await parquetReadObjects({ file });
  } catch (error) {
    throw new UserSeriesError(`${where}: not a readable Parquet file (${error instanceof Error ? error.message : String(error)}); pass a CSV or Parquet file with a date column and a value column`);
  }
  const header = objects.length > 0 ? Object.keys(objects[0]) : [];
  if (header.length < 2) throw new UserSeriesError(`${where}: needs a date column and a value column (found ${header.length === 0 ? 'no rows' : `only "${header[0]}"`})`);
  return { header, rows: objects.map((row, i) => ({ line: i + 2, cells: header.map((name) => parquetCell(row[name])) })) };
}

function monthAfter(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}

function monthBefore(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}

/** Runs of months with no observation between the first and the last date (sorted). */
export function monthGaps(dates: readonly string[]): MonthGap[] {
  const gaps: MonthGap[] = [];
  for (let i = 1; i < dates.length; i++) {
    const before = dates[i - 1].slice(0, 7);
    const month = dates[i].slice(0, 7);
    if (month !== before && month !== monthAfter(before)) gaps.push({ from: monthAfter(before), to: monthBefore(month) });
  }
  return gaps;
}

function findColumn(header: readonly string[], names: readonly string[], skip: ReadonlySet<number>, accept: (index: number) => boolean = () => true): number | undefined {
  const lower = header.map((h) => h.toLowerCase());
  return names.map((name) => lower.indexOf(name)).find((i) => i >= 0 && !skip.has(i) && accept(i));
}

function seriesFromTable(table: CellTable, flag: string, fileName: string, format: UserSeries['format'], options: UserSeriesOptions): UserSeries {
  const where = `${flag} ${fileName}`;
  const { header, rows } = table;
  if (rows.length === 0) throw new UserSeriesError(`${where}: no data rows after the header`);

  const dateIndex = findColumn(header, DATE_HEADERS, new Set());
  if (dateIndex === undefined) {
    throw new UserSeriesError(`${where}: no date column; name one of the columns "date" (columns: ${header.join(', ')})`);
  }
  const heightIndex = options.heights ? findColumn(header, HEIGHT_HEADERS, new Set([dateIndex])) : undefined;
  const taken = new Set([dateIndex, ...(heightIndex === undefined ? [] : [heightIndex])]);

  let valueIndex: number;
  let chosenBy: string;
  const columnFlag = flag === '--price' ? '--price-column' : flag === '--difficulty' ? '--difficulty-column' : flag.startsWith('--series') ? `${flag}=FILE:COLUMN` : `${flag} (name the column in the file "value")`;
  if (options.column !== undefined) {
    valueIndex = header.indexOf(options.column);
    if (valueIndex < 0) valueIndex = header.map((h) => h.toLowerCase()).indexOf(options.column.toLowerCase());
    if (valueIndex < 0 || taken.has(valueIndex)) {
      throw new UserSeriesError(`${where}: no value column "${options.column}" (columns: ${header.join(', ')}); check ${columnFlag}`);
    }
    chosenBy = 'as given';
  } else {
    const numericShare = (index: number) => {
      let numbers = 0;
      let filled = 0;
      for (const row of rows) {
        const cell = row.cells[index];
        if (MISSING.test(cell)) continue;
        filled++;
        if (parseNumberCell(cell) !== null) numbers++;
      }
      return filled === 0 ? 0 : numbers / filled;
    };
    // A column named like a value that holds any number is the value column, and a column of
    // mostly numbers is one: a stray bad cell in it is then reported by its line below, rather
    // than the column being passed over for another (or for none).
    const named = findColumn(header, PREFERRED_VALUE_HEADERS, taken, (i) => numericShare(i) > 0);
    if (named !== undefined) {
      valueIndex = named;
      chosenBy = `named "${header[named]}"`;
    } else {
      valueIndex = header.findIndex((_, i) => !taken.has(i) && numericShare(i) >= 0.5);
      if (valueIndex < 0) {
        const column = header.findIndex((_, i) => !taken.has(i));
        const row = column < 0 ? undefined : rows.find((r) => !MISSING.test(r.cells[column]));
        const firstText = column < 0 ? 'no other column' : row === undefined ? `"${header[column]}" is empty in every row` : `line ${row.line}: "${header[column]}" is "${row.cells[column].slice(0, 40)}", not a number`;
        throw new UserSeriesError(`${where}: no numeric column besides ${[...taken].map((i) => `"${header[i]}"`).join(' and ')} (${firstText}); pass ${columnFlag} to name the value column, and leave a cell empty to mark a missing value`);
      }
      chosenBy = 'the first numeric column';
    }
  }

  const points: { date: string; value: number; height: number; line: number }[] = [];
  const skipped: SkippedRow[] = [];
  for (const row of rows) {
    const dateText = row.cells[dateIndex];
    const date = parseDateCell(dateText);
    if (date === null) {
      throw new UserSeriesError(`${where} line ${row.line}: date "${dateText.slice(0, 40)}" is not YYYY-MM-DD (or YYYY-MM, YYYY/MM/DD, with an optional time, or Unix seconds)`);
    }
    const cell = row.cells[valueIndex];
    if (MISSING.test(cell)) {
      skipped.push({ line: row.line, cell });
      continue;
    }
    const value = parseNumberCell(cell);
    if (value === null) {
      throw new UserSeriesError(`${where} line ${row.line}: "${header[valueIndex]}" is "${cell.slice(0, 40)}", not a number; leave the cell empty to mark a missing value`);
    }
    if (!(value > 0)) {
      throw new UserSeriesError(`${where} line ${row.line}: "${header[valueIndex]}" is ${value}; the values must be positive (the fits and the simulation work on logs): delete the row or leave the cell empty to mark a missing value`);
    }
    let height = NaN;
    if (heightIndex !== undefined) {
      height = parseNumberCell(row.cells[heightIndex]) ?? NaN;
      if (!Number.isInteger(height) || height < 0) {
        throw new UserSeriesError(`${where} line ${row.line}: "${header[heightIndex]}" is "${row.cells[heightIndex].slice(0, 40)}", not a block height (a whole number >= 0)`);
      }
    }
    points.push({ date, value, height, line: row.line });
  }
  if (points.length === 0) throw new UserSeriesError(`${where}: column "${header[valueIndex]}" has no values (${skipped.length} rows marked missing)`);

  // Oldest first, or newest first (a common export order) reversed; anything else is a broken file.
  const newestFirst = points.length > 1 && points[0].date > points[points.length - 1].date;
  if (newestFirst) points.reverse();
  for (let i = 1; i < points.length; i++) {
    const [previous, current] = [points[i - 1], points[i]];
    if (current.date === previous.date) {
      throw new UserSeriesError(`${where}: date ${current.date} appears twice (lines ${Math.min(previous.line, current.line)} and ${Math.max(previous.line, current.line)}); keep one value per day`);
    }
    if (current.date < previous.date) {
      throw new UserSeriesError(
        `${where} line ${current.line}: date ${current.date} is out of order (line ${previous.line} has ${previous.date}, and the file runs ${newestFirst ? 'newest' : 'oldest'} first); sort the file by date`,
      );
    }
  }
  const dates = points.map((p) => p.date);
  return {
    series: { dates, values: Float64Array.from(points, (p) => p.value) },
    dateColumn: header[dateIndex],
    valueColumn: header[valueIndex],
    chosenBy,
    ...(heightIndex === undefined ? {} : { heights: Float64Array.from(points, (p) => p.height) }),
    format,
    rows: rows.length,
    skipped,
    newestFirst,
    gaps: monthGaps(dates),
  };
}

/** Parses CSV text (tests and callers that already hold the text). */
export function parseUserSeries(text: string, flag: string, fileName: string, options: UserSeriesOptions = {}): UserSeries {
  return seriesFromTable(csvTable(text, `${flag} ${fileName}`), flag, fileName, 'CSV', options);
}

/** A regular file of at most MAX_USER_FILE_BYTES, read bounded (scenarios/boundedFile.ts: a device or FIFO never is read). */
function readBytes(path: string, flag: string): Buffer {
  try {
    return readBoundedBytes(path, { maxBytes: MAX_USER_FILE_BYTES, what: `a ${flag} file` });
  } catch (error) {
    if (!(error instanceof BoundedFileError)) throw error;
    throw new UserSeriesError(`${flag} ${path}: ${error.problem}; pass the path of a CSV or Parquet file with a date column and a value column`);
  }
}

/** Reads a user's CSV or Parquet file (told apart by Parquet's magic bytes, not by the name). */
export async function readUserSeries(path: string, flag: string, options: UserSeriesOptions = {}): Promise<UserSeries> {
  const bytes = readBytes(path, flag);
  const isParquet = bytes.length >= 8 && bytes.subarray(0, 4).toString('latin1') === PARQUET_MAGIC && bytes.subarray(bytes.length - 4).toString('latin1') === PARQUET_MAGIC;
  if (isParquet) return seriesFromTable(await parquetTable(bytes, `${flag} ${path}`), flag, path, 'Parquet', options);
  return parseUserSeries(bytes.toString('utf8'), flag, path, options);
}

const listLines = (lines: readonly number[]) => (lines.length <= 5 ? lines.join(', ') : `${lines.slice(0, 5).join(', ')} and ${lines.length - 5} more`);

/**
 * One sentence on what was read: the columns, how many rows, and every row skipped or month
 * missing, so that nothing is dropped without the user seeing it.
 */
export function describeUserSeries(user: UserSeries, flag: string, path: string): string {
  const { dates } = user.series;
  const parts = [
    `${flag} ${path} (${user.format}): ${dates.length} values ${dates[0]} .. ${dates[dates.length - 1]}, dates from "${user.dateColumn}", values from "${user.valueColumn}" (${user.chosenBy})`,
  ];
  if (user.heights !== undefined) parts.push('block heights from its height column');
  if (user.newestFirst) parts.push('the file runs newest first and was read in reverse');
  if (user.skipped.length > 0) {
    parts.push(`${user.skipped.length} of ${user.rows} rows skipped as missing values (line${user.skipped.length === 1 ? '' : 's'} ${listLines(user.skipped.map((s) => s.line))})`);
  }
  if (user.gaps.length > 0) {
    const shown = user.gaps.slice(0, 3).map((g) => (g.from === g.to ? g.from : `${g.from} .. ${g.to}`));
    parts.push(`no observation in ${shown.join(', ')}${user.gaps.length > 3 ? ` and ${user.gaps.length - 3} more gaps` : ''}`);
  }
  return parts.join('; ');
}
