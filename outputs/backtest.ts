// Back-test results: where each realised month falls in the simulated distribution, the share of
// months inside the 50% and 90% bands, the halving date's percentile, and the files (JSON, CSV,
// Vega-Lite spec) and terminal table that show them. Pure: paths and history in, objects and text out.
import { quantileSorted } from 'simple-statistics';
import type { HashrateTrend, HistoricalState, RealisedMonth } from '../runners/backtest.js';
import type { PriceSpec } from '../scenarios/schema.js';
import { dateOfFractionalMonth } from './calendarMonths.js';
import { csvNumber, csvText } from './csvCell.js';

export const BACKTEST_BANDS = { p5: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95 } as const;
export type BandKey = keyof typeof BACKTEST_BANDS;
export type Bands = Record<BandKey, number>;

export interface BacktestMonth extends Bands {
  /** Months after the as-of date (1 = the start of the next month). */
  month: number;
  /** `YYYY-MM` of that month. */
  date: string;
  /** The history's value at the start of that month; null past the series' end. */
  realised: number | null;
  observedOn: string | null;
  /** Share of simulated paths below the realised value, ties counting half (mid-rank). */
  percentile: number | null;
  /** p25 <= realised <= p75. */
  inside50: boolean | null;
  /** p5 <= realised <= p95. */
  inside90: boolean | null;
}

export interface BandCoverage {
  /** Months with a realised value. */
  monthsCompared: number;
  inside50: number;
  inside90: number;
  share50: number | null;
  share90: number | null;
}

export interface SeriesComparison {
  months: BacktestMonth[];
  coverage: BandCoverage;
}

export interface HalvingComparison {
  height: number;
  realisedDate: string;
  /** Fractional months from the start of the as-of month (engine months of 30.44 days). */
  realisedMonth: number;
  /** Share of simulated halvings earlier than the realised one (no halving in the simulated horizon counts as later). */
  percentile: number;
  /** Simulated halving month quantiles; null where beyond the simulated horizon. */
  simulatedMonths: Record<BandKey, number | null>;
  simulatedDates: Record<BandKey, string | null>;
  /** Share of paths with the halving inside the simulated horizon. */
  pWithinSimulated: number;
  inside50: boolean;
  inside90: boolean;
}

export interface BacktestWindow {
  asOf: string;
  /** Months compared after the as-of date. */
  months: number;
  /** Months simulated: enough to reach the realised halving (plus 6), at least months + 1. */
  simulatedMonths: number;
  state: HistoricalState;
  /** Set when the hashrate growth and volatility came from the trend before the as-of date. */
  hashrateTrend: HashrateTrend | null;
  /** Process parameters used (after any trend), for the record. */
  processes: { price: PriceSpec; hashrate: Record<string, number> };
  notes: string[];
  priceUsd: SeriesComparison;
  difficulty: SeriesComparison;
  halving: HalvingComparison | null;
}

export interface BacktestReport {
  engine: { name: 'hashpivot'; version: string };
  scenario: string;
  trials: number;
  seed: number;
  method: Record<string, string | string[]>;
  /** What was read from the user's files (columns, rows skipped, gaps); empty with the shipped history. */
  read: string[];
  windows: BacktestWindow[];
  /** Pooled over every window: months inside the bands, halvings inside the intervals. */
  coverage: {
    priceUsd: BandCoverage;
    difficulty: BandCoverage;
    halvings: { compared: number; inside50: number; inside90: number };
  };
}

/** Mid-rank percentile of x in an ascending sample: (#below + #equal / 2) / n. */
export function percentileOf(sorted: Float64Array, x: number): number {
  let below = 0;
  let hi = sorted.length;
  while (below < hi) {
    const mid = (below + hi) >>> 1;
    if (sorted[mid] < x) below = mid + 1;
    else hi = mid;
  }
  let atOrBelow = below;
  while (atOrBelow < sorted.length && sorted[atOrBelow] === x) atOrBelow++;
  return (below + 0.5 * (atOrBelow - below)) / sorted.length;
}

function bandsOf(sorted: Float64Array): Bands {
  const values = sorted as unknown as number[];
  return {
    p5: quantileSorted(values, BACKTEST_BANDS.p5),
    p25: quantileSorted(values, BACKTEST_BANDS.p25),
    p50: quantileSorted(values, BACKTEST_BANDS.p50),
    p75: quantileSorted(values, BACKTEST_BANDS.p75),
    p95: quantileSorted(values, BACKTEST_BANDS.p95),
  };
}

export function bandCoverage(months: readonly BacktestMonth[]): BandCoverage {
  const compared = months.filter((m) => m.realised !== null);
  const inside50 = compared.filter((m) => m.inside50).length;
  const inside90 = compared.filter((m) => m.inside90).length;
  const n = compared.length;
  return { monthsCompared: n, inside50, inside90, share50: n === 0 ? null : inside50 / n, share90: n === 0 ? null : inside90 / n };
}

/**
 * Months 1 .. realised.length - 1 of a simulated series (month-major, `trials` per month) against
 * what happened: bands, percentile, inside the 50% and 90% bands.
 */
export function compareSeries(simulated: Float64Array, trials: number, realised: readonly RealisedMonth[]): SeriesComparison {
  const months: BacktestMonth[] = [];
  for (let m = 1; m < realised.length; m++) {
    const sorted = simulated.slice(m * trials, (m + 1) * trials).sort();
    const bands = bandsOf(sorted);
    const x = realised[m].value;
    months.push({
      month: m,
      date: realised[m].label,
      realised: x,
      observedOn: realised[m].observedOn,
      ...bands,
      percentile: x === null ? null : percentileOf(sorted, x),
      inside50: x === null ? null : bands.p25 <= x && x <= bands.p75,
      inside90: x === null ? null : bands.p5 <= x && x <= bands.p95,
    });
  }
  return { months, coverage: bandCoverage(months) };
}

/** The realised halving against the simulated halving months (NaN = not within the simulated horizon). */
export function compareHalving(halvingMonth: Float64Array, realised: { dateUtc: string; height: number; month: number }, asOf: string): HalvingComparison {
  const n = halvingMonth.length;
  // No halving inside the simulated horizon means later than any month in it.
  const sorted = Float64Array.from(halvingMonth, (x) => (x === x ? x : Infinity)).sort();
  let within = 0;
  for (let i = 0; i < n; i++) if (halvingMonth[i] === halvingMonth[i]) within++;
  const simulatedMonths = {} as Record<BandKey, number | null>;
  const simulatedDates = {} as Record<BandKey, string | null>;
  for (const key of Object.keys(BACKTEST_BANDS) as BandKey[]) {
    const q = quantileSorted(sorted as unknown as number[], BACKTEST_BANDS[key]);
    simulatedMonths[key] = Number.isFinite(q) ? q : null;
    simulatedDates[key] = Number.isFinite(q) ? dateOfFractionalMonth(asOf, q) : null;
  }
  const percentile = percentileOf(sorted, realised.month);
  return {
    height: realised.height,
    realisedDate: realised.dateUtc,
    realisedMonth: realised.month,
    percentile,
    simulatedMonths,
    simulatedDates,
    pWithinSimulated: within / n,
    inside50: percentile >= 0.25 && percentile <= 0.75,
    inside90: percentile >= 0.05 && percentile <= 0.95,
  };
}

function pooled(parts: readonly BandCoverage[]): BandCoverage {
  const n = parts.reduce((s, p) => s + p.monthsCompared, 0);
  const inside50 = parts.reduce((s, p) => s + p.inside50, 0);
  const inside90 = parts.reduce((s, p) => s + p.inside90, 0);
  return { monthsCompared: n, inside50, inside90, share50: n === 0 ? null : inside50 / n, share90: n === 0 ? null : inside90 / n };
}

export function pooledCoverage(windows: readonly BacktestWindow[]): BacktestReport['coverage'] {
  const halvings = windows.map((w) => w.halving).filter((h): h is HalvingComparison => h !== null);
  return {
    priceUsd: pooled(windows.map((w) => w.priceUsd.coverage)),
    difficulty: pooled(windows.map((w) => w.difficulty.coverage)),
    halvings: { compared: halvings.length, inside50: halvings.filter((h) => h.inside50).length, inside90: halvings.filter((h) => h.inside90).length },
  };
}

// ---------------------------------------------------------------------------------------------
// Files and text.

const CSV_HEADER = ['asOf', 'series', 'month', 'date', 'realised', 'observedOn', 'percentile', 'p5', 'p25', 'p50', 'p75', 'p95', 'inside50', 'inside90'];

const cell = (x: number | string | boolean | null) => (x === null ? '' : typeof x === 'boolean' ? (x ? '1' : '0') : typeof x === 'number' ? csvNumber(x) : csvText(x));

/**
 * One row per as-of, series and month (priceUsd, difficulty), then one `nextHalvingMonth` row per
 * as-of whose bands are simulated halving months and whose realised value is the realised month.
 * Empty cell = absent (past a series' end, or no halving within the simulated horizon).
 */
export function backtestCsv(report: BacktestReport): string {
  const lines = [CSV_HEADER.join(',')];
  for (const w of report.windows) {
    for (const [series, comparison] of [['priceUsd', w.priceUsd], ['difficulty', w.difficulty]] as const) {
      for (const m of comparison.months) {
        lines.push([w.asOf, series, m.month, m.date, m.realised, m.observedOn, m.percentile, m.p5, m.p25, m.p50, m.p75, m.p95, m.inside50, m.inside90].map(cell).join(','));
      }
    }
    const h = w.halving;
    if (h !== null) {
      const s = h.simulatedMonths;
      lines.push([w.asOf, 'nextHalvingMonth', '', h.realisedDate, h.realisedMonth, h.realisedDate, h.percentile, s.p5, s.p25, s.p50, s.p75, s.p95, h.inside50, h.inside90].map(cell).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A Vega-Lite (v6) spec of the realised paths over the simulated fans: one panel per as-of date
 * (rows) and series (columns), log scale, 90% and 50% bands, the simulated median dashed, what
 * happened in black. The data are inline, so the file renders alone (e.g. in the Vega editor).
 */
export function backtestChartSpec(report: BacktestReport): Record<string, unknown> {
  const values: Record<string, string | number | null>[] = [];
  for (const w of report.windows) {
    for (const [series, comparison, start] of [
      ['BTC price (USD)', w.priceUsd, w.state.priceUsd],
      ['difficulty', w.difficulty, w.state.difficulty],
    ] as const) {
      values.push({ asOf: w.asOf, series, date: `${w.asOf}-01`, p5: start, p25: start, p50: start, p75: start, p95: start, realised: start });
      for (const m of comparison.months) values.push({ asOf: w.asOf, series, date: `${m.date}-01`, p5: m.p5, p25: m.p25, p50: m.p50, p75: m.p75, p95: m.p95, realised: m.realised });
    }
  }
  const x = { field: 'date', type: 'temporal', title: null };
  const y = (field: string) => ({ field, type: 'quantitative', scale: { type: 'log' }, axis: { format: '~s' }, title: null });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Back-tests (${report.scenario}, ${report.trials} paths): what happened (black) over the simulated 50% and 90% bands`,
    data: { values },
    facet: { row: { field: 'asOf', type: 'nominal', title: 'as of' }, column: { field: 'series', type: 'nominal', title: null } },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    spec: {
      width: 320,
      height: 180,
      layer: [
        { mark: { type: 'area', opacity: 0.2, color: '#4c78a8' }, encoding: { x, y: y('p5'), y2: { field: 'p95' } } },
        { mark: { type: 'area', opacity: 0.35, color: '#4c78a8' }, encoding: { x, y: y('p25'), y2: { field: 'p75' } } },
        { mark: { type: 'line', strokeDash: [4, 3], color: '#4c78a8' }, encoding: { x, y: y('p50') } },
        { mark: { type: 'line', color: 'black', point: { color: 'black', filled: true } }, encoding: { x, y: y('realised') } },
      ],
    },
  };
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100)}%`);
const ratio = (c: BandCoverage, key: 'inside50' | 'inside90') => (c.monthsCompared === 0 ? 'n/a' : `${c[key]}/${c.monthsCompared} (${pct(key === 'inside50' ? c.share50 : c.share90)})`);

/** The coverage table for the terminal, with every window's notes below it. */
export function backtestTable(report: BacktestReport): string {
  const header = ['as-of', 'months', 'hashrate', 'price in 50%', 'price in 90%', 'difficulty in 50%', 'difficulty in 90%', 'halving', 'simulated 90%', 'percentile'];
  const rows = report.windows.map((w) => {
    const h = w.halving;
    return [
      w.asOf,
      String(w.months),
      w.hashrateTrend === null ? report.scenario : `trend ${w.hashrateTrend.months}m`,
      ratio(w.priceUsd.coverage, 'inside50'),
      ratio(w.priceUsd.coverage, 'inside90'),
      ratio(w.difficulty.coverage, 'inside50'),
      ratio(w.difficulty.coverage, 'inside90'),
      h === null ? 'n/a' : h.realisedDate,
      h === null ? 'n/a' : `${h.simulatedDates.p5 ?? 'later'} .. ${h.simulatedDates.p95 ?? 'later'}`,
      h === null ? 'n/a' : `${h.percentile.toFixed(3)} ${h.inside90 ? 'inside' : 'OUTSIDE'}`,
    ];
  });
  const c = report.coverage;
  if (report.windows.length > 1) {
    rows.push(['all', '', '', ratio(c.priceUsd, 'inside50'), ratio(c.priceUsd, 'inside90'), ratio(c.difficulty, 'inside50'), ratio(c.difficulty, 'inside90'), '', '', `${c.halvings.inside90}/${c.halvings.compared} inside 90%`]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((text, i) => text.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  out.push('', `Bands from ${report.trials} simulated paths (seed ${report.seed}); months 1..N after each as-of date. Calibrated bands hold ~50% and ~90% of months, but the months of one window move together, so one window's share is noisy.`);
  for (const w of report.windows) for (const note of w.notes) out.push(`${w.asOf}: ${note}`);
  return `${out.join('\n')}\n`;
}
