// Summaries across trials of per-trial outcomes (MODEL.md §4): mean with its standard error,
// percentiles, VaR/CVaR at 5%, probabilities with binomial errors, paired differences of strategies,
// and the Monte Carlo error of each: distribution-free 95% intervals for the percentiles and VaR,
// an influence-function standard error for CVaR, and the running mean's convergence. Pure: no I/O. Every result is JSON-friendly (plain numbers or null, never NaN or Infinity),
// because summary.json is written straight from these objects.

import { mean, quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import { regularizedIncompleteBeta } from './incompleteBeta.js';
import { sortDoubles } from './sortDoubles.js';

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
  /**
   * Monte Carlo 95% interval of each percentile (of the population quantile the percentile
   * estimates): distribution-free, from fractional order statistics (quantileInterval95). Null
   * where there are too few defined trials for a 95% interval at that level (e.g. p1 below ~300).
   */
  percentileCi95: Record<PercentileKey, [number, number] | null>;
  /** The same interval for var5 (var5 is the 5th percentile). */
  var5Ci95: [number, number] | null;
  /** Standard error of cvar5 from its influence function (cvar5StandardError); null below 20 values. */
  cvar5StandardError: number | null;
}

/** One point of a running mean over trials in index order (runningMeanConvergence). */
export interface ConvergencePoint {
  /** Trials 0 .. trials-1 in index order. */
  trials: number;
  /** Mean over the defined values among them. */
  mean: number | null;
  /** mean ± 1.96 · sd / sqrt(defined count): where the mean would settle, to Monte Carlo error. */
  ci95: [number, number] | null;
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
export function finiteOrNull(x: number): number | null {
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
  // Sorted once, every quantile read from it: a radix sort, in the native typed-array sort's order
  // (~2.5x faster than it; simple-statistics' numericSort is ~10x slower than the native one).
  return sortDoubles(sorted);
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

/**
 * Mean of the defined values and its standard error (sample sd / sqrt(n)) in two plain passes, no
 * sort: cheap enough to check a run's precision after every batch (--target-se). As in
 * summarizeMetric, null is "none": no mean without a value, no standard error with fewer than two.
 */
export function meanAndStandardError(values: Float64Array): { mean: number | null; standardError: number | null; definedCount: number } {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x === x) {
      sum += x;
      n++;
    }
  }
  if (n === 0) return { mean: null, standardError: null, definedCount: 0 };
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (x === x) squares += (x - mean) ** 2;
  }
  return { mean, standardError: n > 1 ? Math.sqrt(squares / (n - 1) / n) : null, definedCount: n };
}

export interface SampleMoments {
  n: number;
  mean: number;
  /** Unbiased sample variance. */
  variance: number;
  /** Standard error of the mean. */
  seMean: number;
  /** Standard error of the sample variance, sqrt((m4 - m2^2) / n): valid for any shape. */
  seVariance: number;
}

/** Mean and variance with their standard errors: what closed-form checks compare against. */
export function sampleMoments(x: Float64Array): SampleMoments {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d2 = (x[i] - mean) ** 2;
    m2 += d2;
    m4 += d2 * d2;
  }
  const variance = m2 / (n - 1);
  m2 /= n;
  m4 /= n;
  return { n, mean, variance, seMean: Math.sqrt(variance / n), seVariance: Math.sqrt((m4 - m2 * m2) / n) };
}

/** summarizeMetric's percentiles.p50 alone: a study point's IRR and payback medians. */
export function definedMedian(values: Float64Array): number | null {
  const sorted = definedSorted(values);
  return sorted.length > 0 ? finiteOrNull(quantileSorted(asNumbers(sorted), PERCENTILE_LEVELS.p50)) : null;
}

/**
 * `intervals: false` leaves out the percentiles' intervals and CVaR's standard error (null): a
 * study summarising thousands of points needs the statistics, not their intervals, which cost
 * most of the time.
 */
export function summarizeMetric(values: Float64Array, options: { intervals?: boolean } = {}): MetricSummary {
  const intervals = options.intervals ?? true;
  const sorted = definedSorted(values);
  const n = sorted.length;
  const percentiles = {} as Percentiles;
  for (const key of Object.keys(PERCENTILE_LEVELS) as PercentileKey[]) {
    percentiles[key] = n > 0 ? finiteOrNull(quantileSorted(asNumbers(sorted), PERCENTILE_LEVELS[key])) : null;
  }
  const percentileCi95 = {} as Record<PercentileKey, [number, number] | null>;
  for (const key of Object.keys(PERCENTILE_LEVELS) as PercentileKey[]) {
    percentileCi95[key] = intervals ? quantileInterval95(sorted, PERCENTILE_LEVELS[key]) : null;
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
      percentileCi95,
      var5Ci95: null,
      cvar5StandardError: null,
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
    percentileCi95,
    var5Ci95: percentileCi95.p5,
    cvar5StandardError: intervals ? cvar5StandardError(sorted, var5, tailCount) : null,
  };
}

/** A proportion hits / n with its binomial standard error. */
export function binomial(hits: number, n: number): ProbabilityEstimate {
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
  const d = differences.subarray(0, n);
  return pairedDifferenceOf(n, wins, ties, n > 0 ? mean(asNumbers(d)) : NaN, n >= 2 ? sampleStandardDeviation(asNumbers(d)) : NaN);
}

/** A paired difference from its counts (n pairs, a > b in `wins`, equal in `ties`), mean and sd of a - b. */
export function pairedDifferenceOf(n: number, wins: number, ties: number, meanDifference: number, sd: number): PairedDifference {
  if (n === 0) return { definedPairCount: 0, pABeatsB: null, pABeatsBStandardError: null, meanDifference: null, standardError: null, ci95: null };
  // Score per pair s ∈ {0, ½, 1}; SE = sqrt(Var(s) / n) with Var(s) = E[s²] - p². Without ties this
  // is the binomial sqrt(p(1-p)/n) used by shareBelow; with ties it is smaller, as it should be.
  const pABeatsB = (wins + 0.5 * ties) / n;
  const scoreVariance = Math.max(0, (wins + 0.25 * ties) / n - pABeatsB * pABeatsB);
  const standardError = n >= 2 ? sd / Math.sqrt(n) : NaN;
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

// ---------------------------------------------------------------------------------------------
// Monte Carlo error of the summaries.

const HALF_ALPHA_95 = 0.025;

/** X_(u), the fractional order statistic of 1-based rank u in [1, n]: linear between neighbours. */
function fractionalOrderStatistic(sorted: Float64Array, u: number): number {
  const below = Math.floor(u);
  const fraction = u - below;
  const lower = sorted[below - 1];
  if (fraction === 0 || below >= sorted.length) return lower;
  return lower + fraction * (sorted[below] - lower);
}

/**
 * The rank u in [1, n] with P(U_(u) <= p) = I_p(u, n - u + 1) = target, where U_(u) is the u-th
 * of n uniforms (a Beta(u, n - u + 1) variable); I_p falls as u grows, so bisection finds it.
 * Null when even u = 1 (or u = n) cannot reach the target: the interval would leave the sample.
 */
function rankWithCoverage(n: number, p: number, target: number): number | null {
  const cdf = (u: number) => regularizedIncompleteBeta(p, u, n - u + 1);
  if (cdf(1) < target || cdf(n) > target) return null;
  let lo = 1;
  let hi = n;
  // 1e-7 of a rank is far below any difference it makes to the interpolated value.
  while (hi - lo > 1e-7 * Math.max(1, n / 1e6)) {
    const mid = 0.5 * (lo + hi);
    if (cdf(mid) > target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Distribution-free 95% confidence interval for the population quantile of level p, from the
 * ascending sample `sorted` (Hutson 1999, "Calculating nonparametric confidence intervals for
 * quantiles using fractional order statistics", J. Applied Statistics 26(3):343-353).
 *
 * For a continuous distribution F, F(X_(k)) is the k-th of n uniforms, Beta(k, n - k + 1), whatever
 * F is; so P(X_(k) <= xi_p) = I_p(k, n - k + 1) = P(Binomial(n, p) >= k). With whole ranks this is
 * the classical order-statistic interval (Thompson 1936; David & Nagaraja, Order Statistics, §7.1).
 * It needs no resampling: the exact (infinitely resampled) bootstrap distribution of a sample
 * quantile puts binomial weights on the order statistics, so its percentile interval picks, to first
 * order, the same order statistics, and this interval is what a bootstrap would converge to. Whole
 * ranks make the coverage jump above 95% by the binomial's discreteness; Hutson lets the rank be
 * fractional, X_(u) = X_(floor u) + (u - floor u)(X_(floor u + 1) - X_(floor u)), with
 * I_p(u_l, n - u_l + 1) = 0.975 and I_p(u_u, n - u_u + 1) = 0.025, which is close to 95% from
 * n ~ 20 on. Null when u_l < 1 or u_u > n: fewer trials than a 95% interval at that level needs
 * (about 370 for p1 and p99, 75 for p5 and p95). Ties (discrete outcomes) make it conservative.
 */
export function quantileInterval95(sorted: Float64Array, p: number): [number, number] | null {
  const ranks = quantileInterval95Ranks(sorted.length, p);
  if (ranks === null) return null;
  const lo = fractionalOrderStatistic(sorted, ranks[0]);
  const hi = fractionalOrderStatistic(sorted, ranks[1]);
  return Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : null;
}

/** The 1-based fractional ranks of quantileInterval95's bounds among n values, or null (too few values). */
export function quantileInterval95Ranks(n: number, p: number): [number, number] | null {
  if (n < 2 || !(p > 0 && p < 1)) return null;
  const lowerRank = rankWithCoverage(n, p, 1 - HALF_ALPHA_95);
  const upperRank = rankWithCoverage(n, p, HALF_ALPHA_95);
  return lowerRank === null || upperRank === null ? null : [lowerRank, upperRank];
}

/**
 * Standard error of the 5% expected shortfall (cvar5 = mean of the `tailCount` smallest values,
 * those at or below var5 = q), from its influence function (e.g. Hong & Liu 2009, Management
 * Science 55(2); Acerbi & Tasche 2002): cvar = q + E[(X - q) 1{X <= q}] / alpha, so
 * Var(cvar estimate) ≈ Var((X - q) 1{X <= q}) / (alpha^2 n)
 *                  = [Var(X | X <= q) + (1 - alpha)(cvar - q)^2] / (alpha n).
 * alpha is the share actually averaged (tailCount / n). Only the tail is read: O(n / 20).
 * Null with fewer than two values in the tail.
 */
export function cvar5StandardError(sorted: Float64Array, var5: number, tailCount: number): number | null {
  const n = sorted.length;
  if (tailCount < 2 || n < 2) return null;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < tailCount; i++) {
    const y = sorted[i] - var5;
    sum += y;
    squares += y * y;
  }
  return cvar5StandardErrorOfTail(n, tailCount, sum, squares);
}

/** cvar5StandardError from the tail's sums of y = x - var5 and y^2 (n values, tailCount of them in the tail). */
export function cvar5StandardErrorOfTail(n: number, tailCount: number, sum: number, squares: number): number | null {
  if (tailCount < 2 || n < 2) return null;
  const meanY = sum / n;
  // Sample variance of Y over all n trials (zeros outside the tail), with n - 1.
  const varianceY = Math.max(0, (squares - n * meanY * meanY) / (n - 1));
  const alpha = tailCount / n;
  return finiteOrNull(Math.sqrt(varianceY / n) / alpha);
}

/** Trial counts about evenly spaced in log between min(n, 10) and n, n included, no repeats. */
export function logSpacedCounts(n: number, points: number): number[] {
  if (n <= 0) return [];
  const first = Math.min(n, 10);
  const counts: number[] = [];
  for (let i = 0; i < points; i++) {
    const k = i === points - 1 ? n : Math.round(first * (n / first) ** (i / Math.max(1, points - 1)));
    if (counts.length === 0 || k > counts[counts.length - 1]) counts.push(k);
  }
  if (counts[counts.length - 1] !== n) counts.push(n);
  return counts;
}

/**
 * The running mean of `values` over trials in index order, at about `points` log-spaced trial
 * counts (logSpacedCounts), each with its 95% band mean ± 1.96 sd / sqrt(count): the curve a reader
 * checks to see that the mean has settled (the band narrows as 1/sqrt(trials) and the mean stays
 * inside the later, narrower bands). Absent values (NaN) are skipped. Welford's update keeps the
 * running variance exact to rounding in one pass.
 */
export function runningMeanConvergence(values: Float64Array, points = 30): ConvergencePoint[] {
  const out: ConvergencePoint[] = [];
  let count = 0;
  let runningMean = 0;
  let m2 = 0;
  let next = 0;
  const checkpoints = logSpacedCounts(values.length, points);
  for (let i = 0; i < values.length && next < checkpoints.length; i++) {
    const x = values[i];
    if (x === x) {
      count++;
      const delta = x - runningMean;
      runningMean += delta / count;
      m2 += delta * (x - runningMean);
    }
    if (i + 1 === checkpoints[next]) {
      next++;
      out.push(runningMeanPoint(i + 1, count, runningMean, m2 / (count - 1) / count));
    }
  }
  return out;
}

/** A convergence point: the mean of `count` defined values among the first `trials`, and the variance of that mean. */
export function runningMeanPoint(trials: number, count: number, runningMean: number, meanVariance: number): ConvergencePoint {
  const halfWidth = count >= 2 ? Z_975 * Math.sqrt(meanVariance) : NaN;
  const lo = runningMean - halfWidth;
  const hi = runningMean + halfWidth;
  return {
    trials,
    mean: count > 0 ? finiteOrNull(runningMean) : null,
    ci95: Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : null,
  };
}
