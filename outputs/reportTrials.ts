// Per-trial outcomes as the report reads them: named columns (the names of trials.csv), taken
// straight from a run's outcome arrays, or read back from a results folder's trials.parquet
// (preferred: typed, and only the needed columns are read) or trials.csv. A file read back must be
// the one its summary.json was made with: its trial count, no column of another run's strategies,
// and for trials.parquet the same seed, engine version and scenario (its key-value metadata,
// written by trialsMetadata). An older hashpivot's file may lack newer columns (optional ones).
import { createHash } from 'node:crypto';
import { closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { MARKET_METRICS, STRATEGY_METRICS, type OutcomeBlock } from '../engine/outcomes.js';
import { openBoundedFile, readAt, type FileLimit } from '../scenarios/boundedFile.js';
import { readParquet, type ParquetHeader } from './parquet.js';
import type { Summary } from './summary.js';

export interface TrialTable {
  trialCount: number;
  /** A column by its trials.csv name (`stay.npvUsd`, `nextHalvingMonth`); NaN marks an absent value. */
  column(name: string): Float64Array;
  /** Whether the table holds the column (results written by an older hashpivot may lack newer ones). */
  has(name: string): boolean;
}

export function trialColumnName(strategyName: string, metric: string): string {
  return `${strategyName}.${metric}`;
}

/** Every column of trials.csv and trials.parquet, in file order. */
export function trialsColumnNames(strategyNames: readonly string[]): string[] {
  return ['trial', ...MARKET_METRICS, ...strategyNames.flatMap((name) => STRATEGY_METRICS.map((metric) => trialColumnName(name, metric)))];
}

/** The identity of a run as trials.parquet records it in its key-value metadata. */
export function trialsMetadata(summary: Pick<Summary, 'engine' | 'seed' | 'trials' | 'scenario'>): Record<string, string> {
  return {
    'hashpivot.version': summary.engine.version,
    'hashpivot.scenario': String(summary.scenario.name ?? ''),
    'hashpivot.scenarioSha256': createHash('sha256').update(JSON.stringify(summary.scenario)).digest('hex'),
    'hashpivot.seed': String(summary.seed),
    'hashpivot.trials': String(summary.trials),
  };
}

/** Bytes a trials file of this shape can take at most (a cell of trials.csv is at most 25 characters). */
function trialsFileLimit(file: string, trials: number, columns: number): FileLimit {
  return { maxBytes: (trials + 1) * columns * 32 + (1 << 20), what: `the ${file} of ${trials.toLocaleString('en-US')} trials x ${columns} columns` };
}

/** A file's columns must start with `trial` and name nothing but this run's columns (an older file may lack some). */
function checkColumns(path: string, found: readonly string[], allowed: readonly string[]): void {
  const known = new Set(allowed);
  const foreign = found.find((name) => !known.has(name));
  if (found[0] !== 'trial' || foreign !== undefined) {
    throw new Error(`${path} does not hold the columns of summary.json's strategies${foreign === undefined ? '' : ` (it has "${foreign.slice(0, 80)}")`}: it belongs to another run`);
  }
}

export function trialTableFromOutcomes(block: OutcomeBlock, strategyNames: readonly string[]): TrialTable {
  const n = block.trialCount;
  const index = new Map<string, Float64Array>();
  MARKET_METRICS.forEach((metric, c) => index.set(metric, block.market.subarray(c * n, (c + 1) * n)));
  strategyNames.forEach((name, s) => {
    STRATEGY_METRICS.forEach((metric, m) => {
      const start = (s * STRATEGY_METRICS.length + m) * n;
      index.set(trialColumnName(name, metric), block.strategy.subarray(start, start + n));
    });
  });
  return tableOf(n, index, 'the run');
}

function tableOf(trialCount: number, columns: Map<string, Float64Array>, source: string): TrialTable {
  return {
    trialCount,
    column(name) {
      const values = columns.get(name);
      if (!values) throw new Error(`${source} has no column "${name}"`);
      return values;
    },
    has: (name) => columns.has(name),
  };
}

/** Splits one CSV line (RFC 4180 quoting, as trialsCsv writes it). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let text = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error('unterminated quoted CSV field');
        text += line.slice(i, q);
        if (line[q + 1] === '"') {
          text += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(text);
      i++; // the comma
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      fields.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}

/**
 * Reads the named columns of trials.csv (and the `optional` ones the file has). The file can be
 * far larger than one JavaScript string (10^6 trials are ~0.6 GB), so it is read in 4 MB pieces
 * and split into lines as it goes. With `allowedColumns`, the header may name only those; every
 * cell read must be a number or empty (absent).
 */
export function readTrialsCsvColumns(
  path: string,
  names: readonly string[],
  optional: readonly string[] = [],
  limit: FileLimit = { maxBytes: 2 ** 42, what: 'trials.csv' },
  allowedColumns?: readonly string[],
): TrialTable {
  const { fd, bytes } = openBoundedFile(path, limit);
  const buffer = Buffer.alloc(4 << 20);
  const decoder = new TextDecoder();
  let header: string[] | undefined;
  let wanted: number[] = [];
  let found: string[] = [...names];
  let values: number[][] = [];
  let rest = '';
  let lineNumber = 0;
  const onLine = (line: string) => {
    lineNumber++;
    if (line === '') return;
    if (!header) {
      header = csvFields(line);
      if (allowedColumns) checkColumns(path, header, allowedColumns);
      for (const name of names) if (!header.includes(name)) throw new Error(`${path} has no column "${name}"`);
      found = [...names, ...optional.filter((name) => header!.includes(name) && !names.includes(name))];
      wanted = found.map((name) => header!.indexOf(name));
      values = found.map(() => []);
      return;
    }
    // Data rows hold numbers only: no quoting.
    const fields = line.split(',');
    if (fields.length !== header.length) throw new Error(`${path} line ${lineNumber}: ${fields.length} fields, the header has ${header.length}`);
    for (let k = 0; k < wanted.length; k++) {
      const text = fields[wanted[k]];
      const value = text === '' ? NaN : Number(text);
      if (text !== '' && !Number.isFinite(value)) throw new Error(`${path} line ${lineNumber}, column "${found[k]}": ${JSON.stringify(text.slice(0, 40))} is not a number`);
      values[k].push(value);
    }
  };
  try {
    for (let position = 0; ; ) {
      const read = readAt(fd, buffer, position, Math.min(buffer.length, bytes - position));
      position += read;
      const text = rest + decoder.decode(buffer.subarray(0, read), { stream: read > 0 });
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      if (read === 0) break;
    }
    if (rest !== '') onLine(rest);
  } finally {
    closeSync(fd);
  }
  if (!header) throw new Error(`${path} is empty`);
  const columns = new Map(found.map((name, k) => [name, Float64Array.from(values[k])]));
  return tableOf(values[0]?.length ?? 0, columns, path);
}

export interface TrialSource {
  table: TrialTable;
  file: 'trials.parquet' | 'trials.csv';
}

/** Refuses a trials.parquet that is not the one `summary` was made with, naming what differs. */
function checkParquetIdentity(path: string, header: ParquetHeader, summary: Summary): void {
  const expected = trialsMetadata(summary);
  for (const [key, value] of Object.entries(expected)) {
    const found = header.metadata[key];
    if (found === undefined) throw new Error(`${path} has no ${key} in its metadata: it was not written with this summary.json (re-run, or remove it to read trials.csv)`);
    if (found !== value) {
      const shown = (text: string) => (text.length > 40 ? `${text.slice(0, 12)}...` : JSON.stringify(text));
      throw new Error(`${path} belongs to another run: its ${key} is ${shown(found)}, summary.json's is ${shown(value)}`);
    }
  }
  if (header.rowCount !== summary.trials) throw new Error(`${path} has ${header.rowCount} rows, summary.json ${summary.trials} trials`);
  checkColumns(path, header.columnNames, trialsColumnNames(summary.strategies.map((s) => s.name)));
}

/**
 * The named columns from a results folder: trials.parquet if present, else trials.csv; either must
 * be the file `summary` was made with (trial count, columns; for Parquet also seed, version and
 * scenario). `optional` columns are read when the file has them (an older hashpivot's may not).
 */
export async function readTrialColumns(dir: string, names: readonly string[], summary: Summary, optional: readonly string[] = []): Promise<TrialSource> {
  const allColumns = trialsColumnNames(summary.strategies.map((s) => s.name));
  const parquetPath = join(dir, 'trials.parquet');
  if (existsSync(parquetPath)) {
    const limit = trialsFileLimit('trials.parquet', summary.trials, allColumns.length);
    const parquet = await readParquet(parquetPath, (present) => [...names, ...optional.filter((name) => present.includes(name) && !names.includes(name))], limit, (header) =>
      checkParquetIdentity(parquetPath, header, summary),
    );
    const columns = new Map<string, Float64Array>();
    for (const [name, values] of parquet.columns) {
      if (!(values instanceof Float64Array)) throw new Error(`${parquetPath}: column "${name}" is not numeric`);
      columns.set(name, values);
    }
    return { table: tableOf(parquet.rowCount, columns, parquetPath), file: 'trials.parquet' };
  }
  const csvPath = join(dir, 'trials.csv');
  if (!existsSync(csvPath)) throw new Error(`${dir} has neither trials.parquet nor trials.csv`);
  const table = readTrialsCsvColumns(csvPath, ['trial', ...names], optional, trialsFileLimit('trials.csv', summary.trials, allColumns.length), allColumns);
  if (table.trialCount !== summary.trials) throw new Error(`${csvPath} has ${table.trialCount} rows, summary.json ${summary.trials} trials`);
  const trial = table.column('trial');
  for (let t = 0; t < trial.length; t++) if (trial[t] !== t) throw new Error(`${csvPath} row ${t + 2}: trial ${trial[t]}, expected ${t} (rows in trial order)`);
  return { table, file: 'trials.csv' };
}
