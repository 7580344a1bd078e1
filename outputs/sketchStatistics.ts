// The statistics of summary.json read off an outcome sketch (--outcomes sketch) instead of the
// per-trial rows: counts, probabilities, min and max exactly; means, standard deviations, paired
// differences and the running means of the convergence chart from exact sums (the same bits in any
// order, but rounded from sums rather than summed in sorted order, so the last digits can differ
// from a run that keeps its rows); percentiles, VaR, their intervals and CVaR from the quantile
// sketch, within (|x| + unit) / 1024 of the sample's order statistics.
import type { OutcomeSketch, OutcomeSketchShape, SketchMetric } from '../engine/outcomeSketch.js';
import {
  binomial,
  cvar5StandardErrorOfTail,
  PERCENTILE_LEVELS,
  logSpacedCounts,
  pairedDifferenceOf,
  quantileInterval95Ranks,
  runningMeanPoint,
  type ConvergencePoint,
  type MetricSummary,
  type PairedDifference,
  type PercentileKey,
  type Percentiles,
  type ProbabilityEstimate,
} from './statistics.js';

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);
const PERCENTILE_KEYS = Object.keys(PERCENTILE_LEVELS) as PercentileKey[];

/** Sample sd from a count and the sums of x and x^2 (null below two values). */
function sdOf(n: number, sum: number, sumSquares: number): number {
  return n >= 2 ? Math.sqrt(Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1))) : NaN;
}

export function sketchMetricSummary(sketch: OutcomeSketch, v: number): MetricSummary {
  const quantiles = sketch.sketch;
  const count = sketch.trialsOf(v);
  const n = sketch.definedOf(v);
  const percentiles = {} as Percentiles;
  const percentileCi95 = {} as Record<PercentileKey, [number, number] | null>;
  // Every order statistic lies between the exact min and max; a bin's spread may not (one trial's
  // payback of 0 read as 4.9e-7, its only value as 71.27 for 71.25).
  const min = sketch.minOf(v);
  const max = sketch.maxOf(v);
  const within = (x: number) => Math.min(max, Math.max(min, x));
  for (const key of PERCENTILE_KEYS) {
    percentiles[key] = n > 0 ? finiteOrNull(within(quantiles.quantile(v, 0, PERCENTILE_LEVELS[key]))) : null;
    const ranks = quantileInterval95Ranks(n, PERCENTILE_LEVELS[key]);
    // Hutson's fractional order statistics X_(u), 1-based u, read off the sketch at rank u - 1.
    const lo = ranks && within(quantiles.valueAtRank(v, 0, ranks[0] - 1));
    const hi = ranks && within(quantiles.valueAtRank(v, 0, ranks[1] - 1));
    percentileCi95[key] = ranks && Number.isFinite(lo) && Number.isFinite(hi) ? [lo!, hi!] : null;
  }
  if (n === 0) {
    return { count, definedCount: 0, mean: null, standardError: null, sd: null, min: null, max: null, percentiles, var5: null, cvar5: null, percentileCi95, var5Ci95: null, cvar5StandardError: null };
  }
  const sum = sketch.sumOf(v);
  const sd = sdOf(n, sum, sketch.sumOfSquaresOf(v));
  const var5 = within(quantiles.quantile(v, 0, PERCENTILE_LEVELS.p5));
  // var5 sits at rank 0.05 (n - 1); the values at or below it are those up to the end of its bin
  // (to the sketch's resolution, ties included, as summarizeMetric counts them on sorted rows).
  const tailCount = quantiles.countThroughRank(v, 0, PERCENTILE_LEVELS.p5 * (n - 1));
  const tail = quantiles.smallest(v, 0, tailCount);
  const sumY = tail.sum - tailCount * var5;
  const sumSquaresY = tail.sumSquares - 2 * var5 * tail.sum + tailCount * var5 * var5;
  return {
    count,
    definedCount: n,
    mean: finiteOrNull(sum / n),
    standardError: sketchStandardError(sketch, v),
    sd: finiteOrNull(sd),
    min: finiteOrNull(min),
    max: finiteOrNull(max),
    percentiles,
    var5: finiteOrNull(var5),
    cvar5: finiteOrNull(tail.sum / tailCount),
    percentileCi95,
    var5Ci95: percentileCi95.p5,
    cvar5StandardError: cvar5StandardErrorOfTail(n, tailCount, sumY, sumSquaresY),
  };
}

export function sketchPairedDifference(sketch: OutcomeSketch, pair: number): PairedDifference {
  const v = sketch.pairVariable(pair);
  const n = sketch.definedOf(v);
  const { wins, ties } = sketch.winsOf(pair);
  const sum = sketch.sumOf(v);
  return pairedDifferenceOf(n, wins, ties, sum / n, sdOf(n, sum, sketch.sumOfSquaresOf(v)));
}

export function sketchConvergence(sketch: OutcomeSketch, strategy: number): ConvergencePoint[] {
  return sketch.shape.checkpoints.map((trials, j) => {
    const { count, sum, sumSquares } = sketch.convergencePrefix(strategy, j);
    return runningMeanPoint(trials, count, sum / count, sdOf(count, sum, sumSquares) ** 2 / count);
  });
}

/** A variable's standard error of the mean from the exact sums alone (a run's stopping check reads no quantiles). */
export function sketchStandardError(sketch: OutcomeSketch, v: number): number | null {
  const n = sketch.definedOf(v);
  return n === 0 ? null : finiteOrNull(sdOf(n, sketch.sumOf(v), sketch.sumOfSquaresOf(v)) / Math.sqrt(n));
}

export const sketchMetric = (sketch: OutcomeSketch, strategy: number, metric: SketchMetric) => sketchMetricSummary(sketch, sketch.variableOf(strategy, metric));

export function sketchShare(hits: number, trials: number): ProbabilityEstimate {
  return binomial(hits, trials);
}

/** Points of the convergence chart (runningMeanConvergence's default). */
const CONVERGENCE_POINTS = 30;

/** The shape of a run's outcome sketch, from what summary.json also holds (a results folder's sketch.bin is read against it). */
export function sketchShape(strategyCount: number, months: number, trials: number, ownFundsUsd: number): OutcomeSketchShape {
  // Convergence checkpoints of the whole run, as runningMeanConvergence takes them from the rows.
  return { strategyCount, months, checkpoints: logSpacedCounts(trials, CONVERGENCE_POINTS), ownFundsUsd };
}
