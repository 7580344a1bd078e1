// The historical series shipped in data/: loading, merging the two price sources, month-end
// sampling and coverage. I/O lives here (runners), so that engine/calibration.ts stays pure.
// Provenance of every file: data/README.md.
import { readBoundedText } from '../scenarios/boundedFile.js';
import { join } from 'node:path';
import { packageRoot } from '../scenarios/packageRoot.js';
import { lastDayOfMonth } from '../scenarios/yearMonth.js';

/** A daily series: dates `YYYY-MM-DD`, strictly increasing, one value per date. */
export interface DailySeries {
  readonly dates: string[];
  readonly values: Float64Array;
}

/** A month-end series: `dates` are `YYYY-MM`; `observedOn` is the day each value was observed. */
export interface MonthlySeries extends DailySeries {
  readonly observedOn: string[];
}

export interface Halving {
  readonly height: number;
  readonly dateUtc: string;
  readonly subsidyBtcAfter: number;
  readonly difficultyNearBlock: number;
  /** Where the difficulty figure comes from (some are approximate: see data/README.md). */
  readonly difficultySource: string;
}

export interface Coverage {
  /** First and last date with a value, `YYYY-MM-DD`. */
  readonly from: string;
  readonly to: string;
  readonly observations: number;
}

export const HISTORY_SERIES = ['btcPriceUsd', 'difficulty', 'hashrateThs'] as const;
export type HistorySeriesName = (typeof HISTORY_SERIES)[number];

const DAY_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;


/** The shipped data folder (`<package root>/data`). */
export function dataDirectory(): string {
  return join(packageRoot(), 'data');
}

export interface CsvTable {
  readonly header: string[];
  readonly rows: string[][];
}

/**
 * Minimal CSV reader for the shipped files: comma-separated, first line a header, no quoted
 * fields (a quote is rejected rather than misread). Accepts CRLF and a missing final newline
 * (btc-usd-daily.csv has none); blank lines are skipped.
 */
export function parseCsv(text: string, fileName = 'CSV'): CsvTable {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  if (header.length === 0 || header[0] === '') throw new Error(`${fileName}: empty file or missing header`);
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    if (line.includes('"')) throw new Error(`${fileName} line ${i + 1}: quoted fields are not supported`);
    const cells = line.split(',');
    if (cells.length !== header.length) {
      throw new Error(`${fileName} line ${i + 1}: ${cells.length} fields, header has ${header.length}`);
    }
    rows.push(cells);
  }
  return { header, rows };
}

function readTable(fileName: string): CsvTable {
  const path = join(dataDirectory(), fileName);
  return parseCsv(readBoundedText(path, { maxBytes: 64 << 20, what: 'a shipped history file' }), fileName);
}

function columnIndex(table: CsvTable, column: string, fileName: string): number {
  const index = table.header.indexOf(column);
  if (index < 0) throw new Error(`${fileName}: no column "${column}" (columns: ${table.header.join(', ')})`);
  return index;
}

/**
 * One value column of a daily CSV as a series. Rows whose value is not a number (Yahoo exports
 * write "null" on missing days) are skipped; zeros are kept as published (early blockchain.com
 * difficulty and hashrate) and dropped later by monthlySeries or by the caller.
 */
export function dailySeriesFromCsv(table: CsvTable, dateColumn: string, valueColumn: string, fileName = 'CSV'): DailySeries {
  const d = columnIndex(table, dateColumn, fileName);
  const v = columnIndex(table, valueColumn, fileName);
  const dates: string[] = [];
  const values: number[] = [];
  for (let i = 0; i < table.rows.length; i++) {
    const date = table.rows[i][d].trim();
    if (!DAY_PATTERN.test(date)) throw new Error(`${fileName} row ${i + 1}: date "${date}" is not YYYY-MM-DD`);
    const raw = table.rows[i][v].trim();
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) continue;
    if (dates.length > 0 && date <= dates[dates.length - 1]) {
      throw new Error(`${fileName} row ${i + 1}: date ${date} does not follow ${dates[dates.length - 1]}`);
    }
    dates.push(date);
    values.push(value);
  }
  return { dates, values: Float64Array.from(values) };
}

function loadDaily(fileName: string, dateColumn: string, valueColumn: string): DailySeries {
  return dailySeriesFromCsv(readTable(fileName), dateColumn, valueColumn, fileName);
}

/** BTC-USD adjusted close, Yahoo Finance export, 2014-09-17 .. 2024-03-31. */
export function loadBtcPriceYahoo(): DailySeries {
  return loadDaily('btc-usd-daily.csv', 'Date', 'Adj Close');
}

/** BTC market price in USD, blockchain.com chart export, 2010-08-17 .. 2019-06-19. */
export function loadBtcPriceBlockchainCom(): DailySeries {
  return loadDaily('btc-usd-daily-2010-2019.csv', 'date', 'price_usd');
}

/** Network difficulty, blockchain.com, 2009-01-03 .. 2019-06-19 (zeros on early 2009 days). */
export function loadDifficulty(): DailySeries {
  return loadDaily('difficulty-daily.csv', 'date', 'difficulty');
}

/**
 * Estimated network hashrate in TH/s, blockchain.com, 2009-01-03 .. 2019-06-19. It is estimated
 * from one day's block count, so a single day is noisy (~1/sqrt(144), about 8%); difficulty
 * (a two-week average) gives a smoother hashrate: H = D * 2^32 / 600 s.
 */
export function loadHashrateThs(): DailySeries {
  return loadDaily('hashrate-daily.csv', 'date', 'hashrate_ths');
}

/**
 * Merges two daily series into one covering the union of their dates; where both have a date,
 * `preferred` wins. With the shipped price files this gives blockchain.com until 2014-09-16 and
 * Yahoo from 2014-09-17 on (Yahoo has no gaps), so the sources switch exactly once.
 */
export function mergeDailySeries(preferred: DailySeries, fallback: DailySeries): DailySeries {
  const dates: string[] = [];
  const values: number[] = [];
  let i = 0;
  let j = 0;
  while (i < preferred.dates.length || j < fallback.dates.length) {
    const a = i < preferred.dates.length ? preferred.dates[i] : undefined;
    const b = j < fallback.dates.length ? fallback.dates[j] : undefined;
    if (b === undefined || (a !== undefined && a <= b)) {
      dates.push(a as string);
      values.push(preferred.values[i]);
      if (a === b) j++;
      i++;
    } else {
      dates.push(b);
      values.push(fallback.values[j]);
      j++;
    }
  }
  return { dates, values: Float64Array.from(values) };
}

/** BTC-USD daily, 2010-08-17 .. 2024-03-31: blockchain.com, then Yahoo adjusted close from 2014-09-17. */
export function loadBtcPriceUsd(): DailySeries {
  return mergeDailySeries(loadBtcPriceYahoo(), loadBtcPriceBlockchainCom());
}

/** The four halvings (height, date, subsidy after, difficulty near the block). */
export function loadHalvings(): Halving[] {
  const fileName = 'halvings.csv';
  const table = readTable(fileName);
  const col = (name: string) => columnIndex(table, name, fileName);
  const [h, d, s, diff, src] = [col('height'), col('date_utc'), col('subsidy_btc_after'), col('difficulty_near_block'), col('difficulty_source')];
  return table.rows.map((row, i) => {
    const halving = {
      height: Number(row[h]),
      dateUtc: row[d].trim(),
      subsidyBtcAfter: Number(row[s]),
      difficultyNearBlock: Number(row[diff]),
      difficultySource: row[src].trim(),
    };
    if (!Number.isInteger(halving.height) || !DAY_PATTERN.test(halving.dateUtc) || !(halving.subsidyBtcAfter > 0) || !(halving.difficultyNearBlock > 0)) {
      throw new Error(`${fileName} row ${i + 1}: unreadable halving ${row.join(',')}`);
    }
    return halving;
  });
}

function checkMonth(name: string, month: string | undefined): void {
  if (month !== undefined && !MONTH_PATTERN.test(month)) throw new Error(`monthlySeries: ${name} "${month}" must be a month written YYYY-MM`);
}

/**
 * Month-end sampling: the last observation of each calendar month with a positive value, for
 * months in [from, to] (inclusive, `YYYY-MM`). Non-positive values are dropped first because the
 * fits work on logs. The last month of a series that stops mid-month is its last observation
 * (e.g. 2019-06-19 for difficulty): `observedOn` says so, and the caller decides whether to keep it.
 */
export function monthlySeries(daily: DailySeries, from?: string, to?: string): MonthlySeries {
  checkMonth('from', from);
  checkMonth('to', to);
  const dates: string[] = [];
  const observedOn: string[] = [];
  const values: number[] = [];
  for (let i = 0; i < daily.dates.length; i++) {
    const value = daily.values[i];
    if (!(value > 0)) continue;
    const month = daily.dates[i].slice(0, 7);
    if ((from !== undefined && month < from) || (to !== undefined && month > to)) continue;
    if (dates.length > 0 && dates[dates.length - 1] === month) {
      // Same month: a later day replaces the earlier one (dates are increasing).
      observedOn[observedOn.length - 1] = daily.dates[i];
      values[values.length - 1] = value;
    } else {
      dates.push(month);
      observedOn.push(daily.dates[i]);
      values.push(value);
    }
  }
  return { dates, observedOn, values: Float64Array.from(values) };
}

/** First and last date with a positive value (the range a log-based fit can use). */
export function coverageOf(series: DailySeries): Coverage {
  let first = -1;
  let last = -1;
  let observations = 0;
  for (let i = 0; i < series.dates.length; i++) {
    if (!(series.values[i] > 0)) continue;
    if (first < 0) first = i;
    last = i;
    observations++;
  }
  if (first < 0) throw new Error('coverageOf: the series has no positive value');
  return { from: series.dates[first], to: series.dates[last], observations };
}

/** Covered range of each shipped series, so that a caller can say when a window runs past an end. */
export function historyCoverage(): Record<HistorySeriesName, Coverage> {
  return {
    btcPriceUsd: coverageOf(loadBtcPriceUsd()),
    difficulty: coverageOf(loadDifficulty()),
    hashrateThs: coverageOf(loadHashrateThs()),
  };
}


/**
 * How much of the window [from, to] (`YYYY-MM` or `YYYY-MM-DD`, inclusive) a series covers, with
 * a sentence to show the user when it is not all of it.
 */
export function windowCoverage(coverage: Coverage, from: string, to: string, seriesName = 'series'): { complete: boolean; from: string; to: string; note?: string } {
  for (const [name, bound] of [['from', from], ['to', to]] as const) {
    if (!MONTH_PATTERN.test(bound) && !DAY_PATTERN.test(bound)) throw new Error(`windowCoverage: ${name} "${bound}" must be YYYY-MM or YYYY-MM-DD`);
  }
  // A month bound means the whole month, so '2019-06' as `to` reaches 2019-06-30.
  const start = from.length === 7 ? `${from}-01` : from;
  const end = to.length === 7 ? `${to}-${String(lastDayOfMonth(to)).padStart(2, '0')}` : to;
  const usedFrom = start < coverage.from ? coverage.from : start;
  const usedTo = end > coverage.to ? coverage.to : end;
  if (usedFrom > usedTo) {
    return { complete: false, from: usedFrom, to: usedTo, note: `${seriesName} covers ${coverage.from} .. ${coverage.to}: nothing inside ${from} .. ${to}` };
  }
  const short: string[] = [];
  if (start < coverage.from) short.push(`starts ${coverage.from}`);
  if (end > coverage.to) short.push(`ends ${coverage.to}`);
  return short.length === 0
    ? { complete: true, from: usedFrom, to: usedTo }
    : { complete: false, from: usedFrom, to: usedTo, note: `${seriesName} ${short.join(' and ')}: only ${usedFrom} .. ${usedTo} of ${from} .. ${to} is used` };
}
