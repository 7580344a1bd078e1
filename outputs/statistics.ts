// Summaries across trials of per-trial outcomes (MODEL.md §4): mean with its standard error,
// percentiles, VaR/CVaR at 5%, probabilities with binomial errors, paired differences of strategies.
// Pure: no I/O. Every result is JSON-friendly (plain numbers or null, never NaN or Infinity),
// because summary.json is written straight from these objects.

import { mean, quantileSorted, sampleStandardDeviation } from 'simple-statistics';

/** Two-sided 95% normal quantile, Φ⁻¹(0.975). */
const Z_975 = 1.959963984540054;

export const PERCENTILE_LEVELS = {
  p1: 0.01,
  p5: 0.05,
  p10: 0.1,
  p25: 0.25,
  p50: 0.5,
  p75: 0.75,
  p90: 0.9,
  p95: 0.95,
  p99: 0.99,
} as const;
export type PercentileKey = keyof typeof PERCENTILE_LEVELS;
export type Percentiles = Record<PercentileKey, number | null>;

export interface MetricSummary {
  /** Trials, absent values included. */
  count: number;
  /** Trials with a value (not NaN); every other field is computed over these. */
  definedCount: number;
  mean: number | null;
  /** Sample standard deviation / sqrt(definedCount); null with fewer than two values. */
  standardError: number | null;
  /** Sample standard deviation (n - 1); null with fewer than two values. */
  sd: number | null;
  min: number | null;
  max: number | null;
  /** Type-7 (NumPy "linear", R default) quantiles. */
  percentiles: Percentiles;
  /** The 5th percentile of the outcome itself: a value, negative = loss (not a loss magnitude). */
  var5: number | null;
  /** Mean of the defined outcomes at or below var5: the expected outcome in the worst 5%. */
  cvar5: number | null;
}

export interface ProbabilityEstimate {
  p: number | null;
  /** Binomial standard error sqrt(p(1 - p) / n); 0 when p is 0 or 1. */
  standardError: number | null;
}

export interface PairedDifference {
  /** Pairs where both a and b are defined; every other field is computed over these. */
  definedPairCount: number;
  /** Share of pairs with a > b, ties counting half. */
  pABeatsB: number | null;
  pABeatsBStandardError: number | null;
  /** mean(a - b). */
  meanDifference: number | null;
  /** Sample standard deviation of (a - b) / sqrt(n): small when a and b share random numbers. */
  standardError: number | null;
  /** meanDifference ± 1.959963984540054 · standardError. */
  ci95: [number, number] | null;
}

/** summary.json must not hold NaN or Infinity (JSON.stringify would silently turn them into null). */
function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

// simple-statistics declares number[] but only indexes and reads .length, so a Float64Array serves
// as is; copying 10^6 values into an array just to satisfy the types would cost more than the sums.
function asNumbers(values: Float64Array): number[] {
  return values as unknown as number[];
}

function definedSorted(values: Float64Array): Float64Array {
  let definedCount = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) definedCount++;
  const sorted = new Float64Array(definedCount);
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) sorted[j++] = v;
  }
  // Native typed-array sort is numeric without a comparator (~120 ms for 10^6 on this machine;
  // simple-statistics' numericSort takes ~0.6 s): sort once, read every quantile from it.
  return sorted.sort();
}

/** Number of leading entries of an ascending array that are <= x. */
function countAtOrBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function summarizeMetric(values: Float64Array): MetricSummary {
  const sorted = definedSorted(values);
  const n = sorted.length;
  const percentiles = {} as Percentiles;
  for (const key of Object.keys(PERCENTILE_LEVELS) as PercentileKey[]) {
    percentiles[key] = n > 0 ? finiteOrNull(quantileSorted(asNumbers(sorted), PERCENTILE_LEVELS[key])) : null;
  }
  if (n === 0) {
    return {
      count: values.length,
      definedCount: 0,
      mean: null,
      standardError: null,
      sd: null,
      min: null,
      max: null,
      percentiles,
      var5: null,
      cvar5: null,
    };
  }
  const sd = n >= 2 ? sampleStandardDeviation(asNumbers(sorted)) : NaN;
  const var5 = quantileSorted(asNumbers(sorted), PERCENTILE_LEVELS.p5);
  // var5 lies between two order statistics, so at least the smallest value is at or below it.
  const tailCount = countAtOrBelow(sorted, var5);
  return {
    count: values.length,
    definedCount: n,
    // Kahan-compensated sum (simple-statistics), taken in sorted order: independent of trial order.
    mean: finiteOrNull(mean(asNumbers(sorted))),
    standardError: finiteOrNull(sd / Math.sqrt(n)),
    sd: finiteOrNull(sd),
    min: finiteOrNull(sorted[0]),
    max: finiteOrNull(sorted[n - 1]),
    percentiles,
    var5: finiteOrNull(var5),
    cvar5: finiteOrNull(mean(asNumbers(sorted.subarray(0, tailCount)))),
  };
}

function binomial(hits: number, n: number): ProbabilityEstimate {
  if (n === 0) return { p: null, standardError: null };
  const p = hits / n;
  return { p, standardError: Math.sqrt((p * (1 - p)) / n) };
}

/** Share of ALL trials with value < threshold; an absent value (NaN) counts as not below. */
export function shareBelow(values: Float64Array, threshold: number): ProbabilityEstimate {
  let hits = 0;
  for (let i = 0; i < values.length; i++) if (values[i] < threshold) hits++;
  return binomial(hits, values.length);
}

/**
 * Share of ALL trials whose 0/1 flag is 1 (e.g. `ruined`); an absent flag counts as 0.
 * Any other value is an error: the binomial standard error would be meaningless for it.
 */
export function shareWhere(flags: Float64Array): ProbabilityEstimate {
  let hits = 0;
  for (let i = 0; i < flags.length; i++) {
    const v = flags[i];
    if (v === 1) hits++;
    else if (v !== 0 && v === v) {
      throw new RangeError(`shareWhere: flags must be 0, 1 or NaN; trial ${i} has ${v}`);
    }
  }
  return binomial(hits, flags.length);
}

/**
 * Paired comparison of two strategies over the same trials (common random numbers), so the
 * difference's standard error is far smaller than that of two independent means. Pairs with either
 * side absent are left out.
 */
export function pairedDifference(a: Float64Array, b: Float64Array): PairedDifference {
  if (a.length !== b.length) {
    throw new RangeError(`pairedDifference: a has ${a.length} trials, b has ${b.length}; they must be paired`);
  }
  const differences = new Float64Array(a.length);
  let n = 0;
  let wins = 0;
  let ties = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== x || y !== y) continue;
    if (x > y) wins++;
    else if (x === y) ties++;
    differences[n++] = x - y;
  }
  if (n === 0) {
    return {
      definedPairCount: 0,
      pABeatsB: null,
      pABeatsBStandardError: null,
      meanDifference: null,
      standardError: null,
      ci95: null,
    };
  }
  // Score per pair s ∈ {0, ½, 1}; SE = sqrt(Var(s) / n) with Var(s) = E[s²] - p². Without ties this
  // is the binomial sqrt(p(1-p)/n) used by shareBelow; with ties it is smaller, as it should be.
  const pABeatsB = (wins + 0.5 * ties) / n;
  const scoreVariance = Math.max(0, (wins + 0.25 * ties) / n - pABeatsB * pABeatsB);
  const d = differences.subarray(0, n);
  const meanDifference = mean(asNumbers(d));
  const standardError = n >= 2 ? sampleStandardDeviation(asNumbers(d)) / Math.sqrt(n) : NaN;
  const lo = meanDifference - Z_975 * standardError;
  const hi = meanDifference + Z_975 * standardError;
  return {
    definedPairCount: n,
    pABeatsB,
    pABeatsBStandardError: Math.sqrt(scoreVariance / n),
    meanDifference: finiteOrNull(meanDifference),
    standardError: finiteOrNull(standardError),
    ci95: Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : null,
  };
}
