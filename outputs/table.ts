// The strategy comparison as an aligned plain-text table for the terminal: one row per strategy.

import type { MetricSummary } from './statistics.js';

export interface StrategyTableRow {
  name: string;
  npv: MetricSummary;
  /** Annual IRR as a fraction (0.12 = 12%). */
  irr: MetricSummary;
  payback: MetricSummary;
  btcMined: MetricSummary;
  revenuePerKwh: MetricSummary;
  /** P(NPV < 0) over all trials; null when there are no trials. */
  pNegative: number | null;
  pRuin: number | null;
}

const ABSENT = 'n/a';

/** toFixed, without the "-0.00" it gives for tiny negatives. */
function fixed(x: number, digits: number): string {
  const text = x.toFixed(digits);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

export function formatNumber(x: number | null, digits = 2): string {
  return x === null || !Number.isFinite(x) ? ABSENT : fixed(x, digits);
}

/** US dollars shown in millions: 12_345_678 -> "12.35". */
export function formatUsdMillions(x: number | null, digits = 2): string {
  return x === null ? ABSENT : formatNumber(x / 1e6, digits);
}

/** A fraction shown as a percentage: 0.1234 -> "12.3%". */
export function formatPercent(x: number | null, digits = 1): string {
  return x === null || !Number.isFinite(x) ? ABSENT : `${fixed(x * 100, digits)}%`;
}

/**
 * A percentile of a metric that is absent in some trials (IRR undefined, never paid back) is a
 * percentile of the trials where it exists; the share of those trials is shown beside it, because a
 * median payback of 30 months means little if only a fifth of the trials ever pay back.
 */
function withDefinedShare(summary: MetricSummary, text: string): string {
  if (summary.definedCount === 0 || summary.definedCount === summary.count) return text;
  return `${text} (${formatPercent(summary.definedCount / summary.count, 0)})`;
}

const HEADERS = [
  'strategy',
  'mean NPV ± SE ($M)',
  'p5 NPV ($M)',
  'p50 NPV ($M)',
  'p95 NPV ($M)',
  'VaR5/CVaR5 ($M)',
  'P(NPV<0)',
  'P(ruin)',
  'IRR p50',
  'payback p50 (months)',
  'BTC mined p50',
  'revenue $/kWh p50',
];

function cells(row: StrategyTableRow): string[] {
  const { npv } = row;
  return [
    row.name,
    npv.mean === null
      ? ABSENT
      : `${formatUsdMillions(npv.mean)} ± ${formatUsdMillions(npv.standardError)}`,
    formatUsdMillions(npv.percentiles.p5),
    formatUsdMillions(npv.percentiles.p50),
    formatUsdMillions(npv.percentiles.p95),
    `${formatUsdMillions(npv.var5)} / ${formatUsdMillions(npv.cvar5)}`,
    formatPercent(row.pNegative),
    formatPercent(row.pRuin),
    withDefinedShare(row.irr, formatPercent(row.irr.percentiles.p50)),
    withDefinedShare(row.payback, formatNumber(row.payback.percentiles.p50, 1)),
    formatNumber(row.btcMined.percentiles.p50, 2),
    formatNumber(row.revenuePerKwh.percentiles.p50, 4),
  ];
}

/** Strategy names left-aligned, numbers right-aligned, columns separated by two spaces. */
export function strategyTable(rows: readonly StrategyTableRow[]): string {
  const body = rows.map(cells);
  const widths = HEADERS.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (r: readonly string[]) =>
    r.map((text, c) => (c === 0 ? text.padEnd(widths[c]) : text.padStart(widths[c]))).join('  ').trimEnd();
  const lines = [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  if (rows.some((r) => partlyDefined(r.irr) || partlyDefined(r.payback))) {
    lines.push('(n%): share of trials where IRR / payback exists; their p50 is over those trials only.');
  }
  return lines.join('\n') + '\n';
}

function partlyDefined(summary: MetricSummary): boolean {
  return summary.definedCount > 0 && summary.definedCount < summary.count;
}
