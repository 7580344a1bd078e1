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
 * A distribution the report bins and reads quantiles from: the defined values of a trial column
 * (sortedDistribution), or a variable of an outcome sketch (sketchReport.ts).
 */
export interface Distribution {
  /** Values (absent ones not counted). */
  defined: number;
  /** Type-7 quantile. */
  quantile(q: number): number;
  /** Values in bin i = [first + i step, first + (i + 1) step), i < binCount (the top edge in the last bin); the rest below or above. */
  bin(first: number, step: number, binCount: number): { counts: number[]; below: number; above: number };
}

export function sortedDistribution(values: Float64Array): Distribution {
  const sorted = sortedDefined(values);
  return {
    defined: sorted.length,
    quantile: (q) => quantileOfSorted(sorted, q),
    bin(first, step, binCount) {
      const counts = new Array<number>(binCount).fill(0);
      let below = 0;
      let above = 0;
      for (const v of sorted) {
        const bin = Math.floor((v - first) / step);
        if (bin < 0) below++;
        else if (bin >= binCount) {
          // The top edge itself belongs to the last bin.
          if (v <= first + binCount * step) counts[binCount - 1]++;
          else above++;
        } else counts[bin]++;
      }
      return { counts, below, above };
    },
  };
}

/**
 * Histograms of several series over one set of bins: the axis spans the 0.05%..99.95% range of all
 * series together, widened to round numbers; values outside are counted as below/above.
 */
export function sharedHistogram(series: readonly { name: string; values: Float64Array }[], targetBins = HISTOGRAM_BINS): Histogram {
  return sharedHistogramOf(series.map((s) => ({ name: s.name, distribution: sortedDistribution(s.values) })), targetBins);
}

export function sharedHistogramOf(series: readonly { name: string; distribution: Distribution }[], targetBins = HISTOGRAM_BINS): Histogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (const { distribution } of series) {
    if (distribution.defined === 0) continue;
    lo = Math.min(lo, distribution.quantile(HISTOGRAM_TAIL));
    hi = Math.max(hi, distribution.quantile(1 - HISTOGRAM_TAIL));
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
    series: series.map(({ name, distribution }) => ({ name, ...distribution.bin(first, step, binCount), defined: distribution.defined })),
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

export function cumulativeSeries(name: string, distribution: Distribution): CumulativeSeries {
  return { name, values: CDF_LEVELS.map((q) => (distribution.defined ? distribution.quantile(q) : null)) };
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

/** The next halving's month counts: trials per month offset from the as-of date, and trials with none in the horizon. */
export interface HalvingMonths {
  counts: Map<number, number>;
  beyond: number;
}

export function halvingMonthsOf(nextHalvingMonth: Float64Array): HalvingMonths {
  const counts = new Map<number, number>();
  let beyond = 0;
  for (const m of nextHalvingMonth) {
    if (m !== m) beyond++;
    else {
      const month = Math.floor(m);
      counts.set(month, (counts.get(month) ?? 0) + 1);
    }
  }
  return { counts, beyond };
}

export function halvingDistribution({ counts, beyond }: HalvingMonths, trials: number, asOfDate: string): HalvingDistribution {
  const months = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([m, c]) => ({ month: monthLabel(asOfDate, m), share: c / trials }));
  return { months, beyondHorizonShare: trials > 0 ? beyond / trials : 0, trials };
}

/** The trial columns the report needs, by their trials.csv names. */
export function reportColumns(summary: Summary): string[] {
  return ['nextHalvingMonth', ...summary.strategies.map((s) => trialColumnName(s.name, 'npvUsd'))];
}

/** Trial columns the report uses when a results folder has them (older ones lack the drivers). */
export function optionalReportColumns(summary: Summary): string[] {
  return [...new Set([...driverColumns(summary), ...TAIL_MEASURES.flatMap((m) => summary.strategies.map((s) => measureColumn(m, s.name)))])];
}

/** What the report's charts are binned from: a run's trial columns, or its outcome sketch. */
export interface ReportSource {
  trials: number;
  /** The trial columns themselves, when the run kept them: the tail anatomy and the drivers need them (a sketch has none). */
  table: TrialTable | null;
  npv(strategy: string): Distribution;
  /** other - baseline NPV in each trial. */
  npvDifference(other: string, baseline: string): Distribution;
  halvingMonths(): HalvingMonths;
}

export function tableReportSource(trials: TrialTable): ReportSource {
  const npvOf = (name: string) => trials.column(trialColumnName(name, 'npvUsd'));
  return {
    trials: trials.trialCount,
    table: trials,
    npv: (name) => sortedDistribution(npvOf(name)),
    npvDifference(other, baseline) {
      const a = npvOf(other);
      const b = npvOf(baseline);
      const difference = new Float64Array(a.length);
      for (let t = 0; t < a.length; t++) difference[t] = a[t] - b[t]; // NaN if either is absent
      return sortedDistribution(difference);
    },
    halvingMonths: () => halvingMonthsOf(trials.column('nextHalvingMonth')),
  };
}

export function buildReportData(summary: Summary, source: ReportSource): ReportData {
  if (source.trials !== summary.trials) {
    throw new Error(`the trials hold ${source.trials} rows but summary.json counts ${summary.trials} trials`);
  }
  const npvs = new Map(summary.strategies.map((s) => [s.name, source.npv(s.name)]));
  const npv = sharedHistogramOf(summary.strategies.map((s) => ({ name: s.name, distribution: npvs.get(s.name)! })));
  const baseline = baselineStrategy(summary).name;
  const pairs = pairsAgainstBaseline(summary);
  const differences = { pairs, histogram: sharedHistogramOf(pairs.map((pair) => ({ name: pair.other, distribution: source.npvDifference(pair.other, baseline) }))) };
  const npvCumulative = summary.strategies.map((s) => cumulativeSeries(s.name, npvs.get(s.name)!));
  const asOf = String((summary.scenario.asOf as { date: string }).date);
  const tail = source.table ? tailAnatomy(summary, source.table) : null;
  const drivers = source.table ? explainDifferences(summary, pairs, source.table) : [];
  return { baseline, tail, drivers, npv, npvCumulative, differences, halving: halvingDistribution(source.halvingMonths(), source.trials, asOf) };
}
