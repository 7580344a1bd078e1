// paths.csv and paths.parquet: the monthly percentile bands of summary.json as a long table, one
// row per (month, series): month (0 = the as-of month, as in trials' ruinMonth and paybackMonth),
// date (YYYY-MM), series (priceUsd, hashpriceUsdPerPhDay, difficulty, energyUsdPerMwh,
// cashUsd:<strategy>), p5, p25, p50, p75, p95 and mean (empty in a summary written before means).
import type { Summary } from './summary.js';
import { writeParquet, type ParquetColumn } from './parquet.js';
import { csvNumber, csvText } from './csvCell.js';

const VALUE_COLUMNS = ['p5', 'p25', 'p50', 'p75', 'p95', 'mean'] as const;

export interface PathRow {
  month: number;
  date: string;
  series: string;
  /** p5, p25, p50, p75, p95, mean. */
  values: number[];
}

export function pathRows(summary: Summary): PathRow[] {
  const expected = [0.05, 0.25, 0.5, 0.75, 0.95];
  if (summary.bands.quantiles.length !== expected.length || summary.bands.quantiles.some((q, i) => Math.abs(q - expected[i]) > 1e-12)) {
    throw new Error(`summary.json bands have quantiles ${summary.bands.quantiles.join(', ')}; paths.csv expects ${expected.join(', ')}`);
  }
  const rows: PathRow[] = [];
  summary.bands.months.forEach((date, m) => {
    for (const [series, bands] of Object.entries(summary.bands.series)) {
      rows.push({ month: m, date, series, values: [...bands.map((q) => q[m]), summary.bands.means?.[series]?.[m] ?? NaN] });
    }
  });
  return rows;
}

export function pathsCsv(summary: Summary): string {
  const lines = [['month', 'date', 'series', ...VALUE_COLUMNS].join(',')];
  for (const row of pathRows(summary)) lines.push([String(row.month), csvText(row.date), csvText(row.series), ...row.values.map((v) => (Number.isFinite(v) ? csvNumber(v) : ''))].join(','));
  return `${lines.join('\n')}\n`;
}

export function writePathsParquet(summary: Summary, write: (chunk: Uint8Array) => void): void {
  const rows = pathRows(summary);
  const columns: ParquetColumn[] = [
    { name: 'month', type: 'INT32', values: (r) => rows[r].month },
    { name: 'date', type: 'STRING', values: (r) => rows[r].date },
    { name: 'series', type: 'STRING', values: (r) => rows[r].series },
    ...VALUE_COLUMNS.map((name, q): ParquetColumn => ({ name, type: 'DOUBLE', values: (r) => rows[r].values[q] })),
  ];
  writeParquet(columns, rows.length, write);
}
