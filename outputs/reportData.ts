// What the report's charts show, binned here from the per-trial outcomes: histograms with shared
// bins, paired differences against a baseline, the calendar month of the next halving. Charts get
// these few hundred numbers, never raw samples, so a report of 10^6 trials is as small as one of
// 10^3. Pure: no I/O.
import type { PairSummary, StrategySummary, Summary } from './summary.js';
import type { TrialTable } from './reportTrials.js';
import { trialColumnName } from './reportTrials.js';
import { monthLabel } from './calendarMonths.js';
import { driverColumns, explainDifferences, type PairDrivers } from './drivers.js';
import { measureColumn, TAIL_MEASURES, tailAnatomy, type TailAnatomy } from './tailAnatomy.js';

/** Bins per histogram: fine enough to show shape, coarse enough that 10^3 trials still look like a distribution. */
export const HISTOGRAM_BINS = 60;
/** Share of trials left off each end of a histogram's axis, so one extreme trial cannot squash the rest. */
export const HISTOGRAM_TAIL = 0.0005;

export interface HistogramSeries {
  name: string;
  /** Count per bin; bin i covers [lo + i step, lo + (i + 1) step). */
  counts: number[];
  /** Trials with a value (the denominator of every share). */
  defined: number;
  /** Defined values below lo / at or above hi (off the axis). */
  below: number;
  above: number;
}

export interface Histogram {
  lo: number;
  step: number;
  binCount: number;
  series: HistogramSeries[];
}

/** 1, 2, 2.5 or 5 times a power of ten, the smallest such at or above x. */
export function niceStep(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= x * (1 - 1e-12)) return m * power;
  return 10 * power;
}

function sortedDefined(values: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) n++;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) out[j++] = values[i];
  return out.sort();
}

/** Type-7 quantile of an ascending array. */
export function quantileOfSorted(sorted: Float64Array, q: number): number {
  const h = q * (sorted.length - 1);
  const i = Math.floor(h);
  return i + 1 < sorted.length ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/**
 * Histograms of several series over one set of bins: the axis spans the 0.05%..99.95% range of all
 * series together, widened to round numbers; values outside are counted as below/above.
 */
export function sharedHistogram(series: readonly { name: string; values: Float64Array }[], targetBins = HISTOGRAM_BINS): Histogram {
  const sorted = series.map((s) => sortedDefined(s.values));
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of sorted) {
    if (s.length === 0) continue;
    lo = Math.min(lo, quantileOfSorted(s, HISTOGRAM_TAIL));
    hi = Math.max(hi, quantileOfSorted(s, 1 - HISTOGRAM_TAIL));
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (hi <= lo) {
    // Every value the same (e.g. no BTC mined after full conversion): one bin around it.
    const half = niceStep(Math.abs(lo) / 100 || 1) / 2;
    lo -= half;
    hi += half;
  }
  const step = niceStep((hi - lo) / targetBins);
  const first = Math.floor(lo / step) * step;
  const binCount = Math.max(1, Math.ceil((hi - first) / step - 1e-9));
  return {
    lo: first,
    step,
    binCount,
    series: series.map((s, k) => {
      const counts = new Array<number>(binCount).fill(0);
      let below = 0;
      let above = 0;
      for (const v of sorted[k]) {
        const bin = Math.floor((v - first) / step);
        if (bin < 0) below++;
        else if (bin >= binCount) {
          // The top edge itself belongs to the last bin.
          if (v <= first + binCount * step) counts[binCount - 1]++;
          else above++;
        } else counts[bin]++;
      }
      return { name: s.name, counts, defined: sorted[k].length, below, above };
    }),
  };
}

/** A pair oriented as "other minus baseline": P(other beats baseline), mean difference and its CI. */
export interface OrientedPair {
  other: string;
  baseline: string;
  pOtherBeatsBaseline: number | null;
  pStandardError: number | null;
  meanDifferenceUsd: number | null;
  standardErrorUsd: number | null;
  ci95Usd: [number, number] | null;
}

export function orientPair(pair: PairSummary, other: string): OrientedPair {
  const d = pair.npvUsd;
  if (pair.a === other) {
    return {
      other,
      baseline: pair.b,
      pOtherBeatsBaseline: d.pABeatsB,
      pStandardError: d.pABeatsBStandardError,
      meanDifferenceUsd: d.meanDifference,
      standardErrorUsd: d.standardError,
      ci95Usd: d.ci95,
    };
  }
  return {
    other,
    baseline: pair.a,
    pOtherBeatsBaseline: d.pABeatsB === null ? null : 1 - d.pABeatsB,
    pStandardError: d.pABeatsBStandardError,
    meanDifferenceUsd: d.meanDifference === null ? null : -d.meanDifference,
    standardErrorUsd: d.standardError,
    ci95Usd: d.ci95 === null ? null : [-d.ci95[1], -d.ci95[0]],
  };
}

/** The strategy others are compared with: the first `stay` strategy, else the first one listed. */
export function baselineStrategy(summary: Summary): StrategySummary {
  return summary.strategies.find((s) => s.kind === 'stay') ?? summary.strategies[0];
}

/** Every other strategy against the baseline, oriented other - baseline. */
export function pairsAgainstBaseline(summary: Summary): OrientedPair[] {
  const baseline = baselineStrategy(summary).name;
  return summary.strategies
    .filter((s) => s.name !== baseline)
    .map((s) => {
      const pair = summary.pairs.find((p) => (p.a === s.name && p.b === baseline) || (p.b === s.name && p.a === baseline));
      if (!pair) throw new Error(`summary.json has no pair for ${s.name} and ${baseline}`);
      return orientPair(pair, s.name);
    });
}

export interface Differences {
  /** Every other strategy against the baseline, in the order of the strategies table. */
  pairs: OrientedPair[];
  /** Histograms of other - baseline NPV per trial, in USD, one series per pair, on one set of bins. */
  histogram: Histogram;
}

/** A cumulative distribution read at fixed levels: values[i] is the quantile at CDF_LEVELS[i]. */
export interface CumulativeSeries {
  name: string;
  values: (number | null)[];
}

/**
 * Levels the S-curves are drawn at: every half percent, and the histogram's axis ends (0.05%,
 * 99.95%), so the curve spans what the histogram shows with a size that does not grow with trials.
 */
export const CDF_LEVELS: readonly number[] = [HISTOGRAM_TAIL, ...Array.from({ length: 199 }, (_, i) => (i + 1) / 200), 1 - HISTOGRAM_TAIL];

export function cumulativeSeries(name: string, values: Float64Array): CumulativeSeries {
  const sorted = sortedDefined(values);
  return { name, values: CDF_LEVELS.map((q) => (sorted.length ? quantileOfSorted(sorted, q) : null)) };
}

export interface HalvingDistribution {
  /** Share of trials whose next halving falls in each calendar month (months with none left out). */
  months: { month: string; share: number }[];
  /** Share of trials with no halving within the horizon. */
  beyondHorizonShare: number;
  trials: number;
}

export interface ReportData {
  baseline: string;
  /** What the worst 5% of futures look like per strategy; null when the trials hold no driver columns. */
  tail: TailAnatomy | null;
  /** Which drivers explain each paired difference against the baseline. */
  drivers: PairDrivers[];
  npv: Histogram;
  /** The S-curves of NPV, one per strategy. */
  npvCumulative: CumulativeSeries[];
  differences: Differences;
  halving: HalvingDistribution;
}

export function halvingDistribution(nextHalvingMonth: Float64Array, asOfDate: string): HalvingDistribution {
  const counts = new Map<number, number>();
  let beyond = 0;
  for (const m of nextHalvingMonth) {
    if (m !== m) beyond++;
    else {
      const month = Math.floor(m);
      counts.set(month, (counts.get(month) ?? 0) + 1);
    }
  }
  const n = nextHalvingMonth.length;
  const months = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([m, c]) => ({ month: monthLabel(asOfDate, m), share: c / n }));
  return { months, beyondHorizonShare: n > 0 ? beyond / n : 0, trials: n };
}

/** The trial columns the report needs, by their trials.csv names. */
export function reportColumns(summary: Summary): string[] {
  return ['nextHalvingMonth', ...summary.strategies.map((s) => trialColumnName(s.name, 'npvUsd'))];
}

/** Trial columns the report uses when a results folder has them (older ones lack the drivers). */
export function optionalReportColumns(summary: Summary): string[] {
  return [...new Set([...driverColumns(summary), ...TAIL_MEASURES.flatMap((m) => summary.strategies.map((s) => measureColumn(m, s.name)))])];
}

export function buildReportData(summary: Summary, trials: TrialTable): ReportData {
  if (trials.trialCount !== summary.trials) {
    throw new Error(`the trials hold ${trials.trialCount} rows but summary.json counts ${summary.trials} trials`);
  }
  const npvOf = (name: string) => trials.column(trialColumnName(name, 'npvUsd'));
  const npv = sharedHistogram(summary.strategies.map((s) => ({ name: s.name, values: npvOf(s.name) })));
  const baseline = baselineStrategy(summary).name;
  const base = npvOf(baseline);
  const pairs = pairsAgainstBaseline(summary);
  const differenceSeries = pairs.map((pair) => {
    const other = npvOf(pair.other);
    const difference = new Float64Array(other.length);
    for (let t = 0; t < other.length; t++) difference[t] = other[t] - base[t]; // NaN if either is absent
    return { name: pair.other, values: difference };
  });
  const differences = { pairs, histogram: sharedHistogram(differenceSeries) };
  const npvCumulative = summary.strategies.map((s) => cumulativeSeries(s.name, npvOf(s.name)));
  const asOf = String((summary.scenario.asOf as { date: string }).date);
  return { baseline, tail: tailAnatomy(summary, trials), drivers: explainDifferences(summary, pairs, trials), npv, npvCumulative, differences, halving: halvingDistribution(trials.column('nextHalvingMonth'), asOf) };
}
