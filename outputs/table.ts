// The strategy comparison as an aligned plain-text table for the terminal: one row per strategy.
// Probabilities, IRR and payback medians and the funding need are written as the report writes
// them (reportText.ts).

import { formatShare, irrText, paybackText } from './reportText.js';
import type { MetricSummary } from './statistics.js';
import type { FundingSummary } from './summary.js';

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
  /** P(runs out of cash without new funding). */
  pRuin: number | null;
  /** Never shown without pRuin beside it; absent in a summary.json older than the funding block. */
  funding: FundingSummary | undefined;
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

const HEADERS = [
  'strategy',
  'mean NPV ± SE ($M)',
  'p5 NPV ($M)',
  'p50 NPV ($M)',
  'p95 NPV ($M)',
  'mean of worst 5% ($M)',
  'P(NPV<0)',
  'P(ruin)',
  'funding need p50 / p95 ($M)',
  'IRR p50',
  'payback p50',
  'BTC mined p50',
  'revenue $/kWh p50',
];

function cells(row: StrategyTableRow): string[] {
  const { npv } = row;
  const peak = row.funding?.peakUsd.percentiles;
  return [
    row.name,
    npv.mean === null
      ? ABSENT
      : `${formatUsdMillions(npv.mean)} ± ${formatUsdMillions(npv.standardError)}`,
    formatUsdMillions(npv.percentiles.p5),
    formatUsdMillions(npv.percentiles.p50),
    formatUsdMillions(npv.percentiles.p95),
    formatUsdMillions(npv.cvar5),
    formatShare(row.pNegative),
    formatShare(row.pRuin),
    peak ? `${formatUsdMillions(peak.p50, 1)} / ${formatUsdMillions(peak.p95, 1)}` : ABSENT,
    irrText(row.irr),
    paybackText(row.payback),
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
  const ownFundsUsd = rows.find((r) => r.funding)?.funding?.ownFundsUsd;
  lines.push(
    `P(ruin): runs out of cash without new funding (below minus the credit line at some month); funding need: the most cash the strategy consumes before it pays for itself${ownFundsUsd === undefined ? '' : `, against own funds (cash and credit line) of $${formatUsdMillions(ownFundsUsd, 1)}M`}.`,
  );
  if (rows.some((r) => r.irr.definedCount < r.irr.count || r.payback.definedCount < r.payback.count)) {
    lines.push('IRR / payback: the p50 over the trials where they exist, with their share (in n%); n/a where that is under half. Both on the flows the NPV values (the debt left out unless hosting.debtInNpv): the IRR with the terminal value, the payback without it; no outlay: their running sum never below zero.');
  }
  return lines.join('\n') + '\n';
}
