// Per-trial outcomes as the report reads them: named columns (the names of trials.csv), taken
// straight from a run's outcome arrays, or read back from a results folder's trials.parquet
// (preferred: typed, and only the needed columns are read) or trials.csv.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { MARKET_METRICS, STRATEGY_METRICS, type OutcomeBlock } from '../engine/outcomes.js';
import { parquetColumnNames, readParquet } from './parquet.js';

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
 * Reads the named columns of trials.csv. The file can be far larger than one JavaScript string
 * (10^6 trials are ~0.6 GB), so it is read in 4 MB pieces and split into lines as it goes.
 */
export function readTrialsCsvColumns(path: string, names: readonly string[], optional: readonly string[] = []): TrialTable {
  const fd = openSync(path, 'r');
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
      values[k].push(text === '' ? NaN : Number(text));
    }
  };
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
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

/**
 * The named columns from a results folder: trials.parquet if present, else trials.csv. `optional`
 * columns are read when the file has them (a folder written by an older hashpivot may not).
 */
export async function readTrialColumns(dir: string, names: readonly string[], optional: readonly string[] = []): Promise<TrialSource> {
  const parquetPath = join(dir, 'trials.parquet');
  if (existsSync(parquetPath)) {
    const present = await parquetColumnNames(parquetPath);
    const parquet = await readParquet(parquetPath, [...names, ...optional.filter((name) => present.includes(name) && !names.includes(name))]);
    const columns = new Map<string, Float64Array>();
    for (const [name, values] of parquet.columns) {
      if (!(values instanceof Float64Array)) throw new Error(`${parquetPath}: column "${name}" is not numeric`);
      columns.set(name, values);
    }
    return { table: tableOf(parquet.rowCount, columns, parquetPath), file: 'trials.parquet' };
  }
  const csvPath = join(dir, 'trials.csv');
  if (!existsSync(csvPath)) throw new Error(`${dir} has neither trials.parquet nor trials.csv`);
  return { table: readTrialsCsvColumns(csvPath, names, optional), file: 'trials.csv' };
}
