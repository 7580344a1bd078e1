// summary.json: the scenario as resolved, the run's settings, and per strategy and strategy pair
// the statistics of MODEL.md §4, plus the halving-date distribution and the monthly bands.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../scenarios/packageRoot.js';
import { BAND_QUANTILES } from '../engine/bandSketch.js';
import { marketColumn, strategyColumn } from '../engine/outcomes.js';
import { OUTCOME_SUB_BITS, SKETCH_METRICS, type OutcomeSketch } from '../engine/outcomeSketch.js';
import { resolvedScenarioJson, type JsonObject } from '../scenarios/load.js';
import { maxNpvStandardError, sketchMaxNpvStandardError, type RunResult } from '../runners/run.js';
import type { Swings } from '../runners/swings.js';
import { monthLabel, dateOfFractionalMonth } from './calendarMonths.js';
import { sketchConvergence, sketchMetric, sketchMetricSummary, sketchPairedDifference } from './sketchStatistics.js';
import { optimalSummaries, switchingFromCounts, switchingSummary, type OptimalSummary, type SwitchingSummary } from './switchSummary.js';
import {
  binomial,
  pairedDifference,
  runningMeanConvergence,
  shareBelow,
  shareWhere,
  summarizeMetric,
  type ConvergencePoint,
  type MetricSummary,
  type PairedDifference,
  type ProbabilityEstimate,
} from './statistics.js';

/** The package version, written into every summary so a result names the engine that made it. */
export const ENGINE_VERSION: string = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version;

/** Metrics summarised per strategy (the list; ruin appears as a probability). */
export const SUMMARY_METRICS = SKETCH_METRICS;
type SummaryMetric = (typeof SUMMARY_METRICS)[number];

/**
 * How much money a strategy needs before it pays for itself, and whether the site has it: what
 * pRuin alone does not say.
 */
export interface FundingSummary {
  /** Per trial, the most cash the strategy consumes at any month end (minus its lowest cumulative cash flow; 0 if it never dips). */
  peakUsd: MetricSummary;
  /** Month (0 = as-of month) of that low point, over the trials where there is one. */
  peakMonth: MetricSummary;
  /** The site's own funds: cash at the as-of date plus the credit line. */
  ownFundsUsd: number;
  /** Per trial, the new money needed beyond own funds: max(0, peak need - own funds). */
  externalUsd: MetricSummary;
  /** P(peak need > own funds): the same event as pRuin (runs out of cash without new funding). */
  pExceedsOwnFunds: ProbabilityEstimate;
}

/** Metrics a summary.json written before they existed lacks (terminalPvUsd: before stop 32). */
export const LATER_SUMMARY_METRICS = ['terminalPvUsd'] as const satisfies readonly SummaryMetric[];
type LaterSummaryMetric = (typeof LATER_SUMMARY_METRICS)[number];

export interface StrategySummary {
  name: string;
  kind: string;
  metrics: Record<Exclude<SummaryMetric, LaterSummaryMetric>, MetricSummary> & Partial<Record<LaterSummaryMetric, MetricSummary>>;
  pNpvNegative: ProbabilityEstimate;
  /** P(cash falls below minus the credit line at some month): runs out of cash without new funding. */
  pRuin: ProbabilityEstimate;
  funding: FundingSummary;
  /** Share of trials ruined by the end of each month. */
  ruinByMonth: number[];
  /**
   * Running mean NPV over trials in index order (trial 0 first) at ~30 log-spaced trial counts
   * from 10 to the run's total, each with its 95% band: how the estimate settled as trials ran.
   */
  convergence: ConvergencePoint[];
  /** When and how much the strategy converts, over trials. */
  switching: SwitchingSummary;
}

export interface PairSummary {
  a: string;
  b: string;
  npvUsd: PairedDifference;
}

/** How a run made with --outcomes sketch got its statistics (absent from a run that keeps per-trial rows). */
export interface SketchOutcomes {
  mode: 'sketch';
  /** A percentile, VaR or interval bound lies within this share of (|x| + unit) of the sample's order statistic. */
  quantileRelativeError: number;
  note: string;
}

const SKETCH_OUTCOMES: SketchOutcomes = {
  mode: 'sketch',
  quantileRelativeError: 2 ** -OUTCOME_SUB_BITS,
  note:
    'No per-trial rows were kept (--outcomes sketch). Counts, probabilities, min and max are exact; means, standard deviations, paired differences and convergence come from exact sums; ' +
    'percentiles, VaR, their intervals and CVaR from a log-binned quantile sketch with 1024 bins per octave (units: $1 of NPV, terminal value and cash, 1e-6 of IRR, BTC and $/kWh, 0.001 month). The same for any sharding.',
};

export interface Summary {
  engine: { name: 'hashpivot'; version: string };
  outcomes?: SketchOutcomes;
  seed: number;
  trials: number;
  trialsRequested: number;
  targetSeUsd: number | null;
  maxNpvStandardErrorUsd: number | null;
  scenario: JsonObject;
  strategies: StrategySummary[];
  pairs: PairSummary[];
  /** One entry per optimal or policy strategy: its value out of sample, the value of flexibility, its exercise boundary. */
  optimal: OptimalSummary[];
  halving: {
    /** Months from the as-of date to the next halving, over trials where it falls in the horizon. */
    nextHalvingMonth: MetricSummary;
    pWithinHorizon: ProbabilityEstimate;
    datePercentiles: Record<string, string | null>;
  };
  bands: {
    months: string[];
    /** Trials the bands are drawn from: the run's first BAND_TRIALS (engine/bandSketch.ts), or all of a smaller run's. */
    trials: number;
    quantiles: number[];
    /** series -> one array per quantile, one value per month. */
    series: Record<string, number[][]>;
    /** series -> the mean in each month, read from the same counts (BandSketch.mean). */
    means: Record<string, number[]>;
  };
  /**
   * "What drives the result": the main inputs swung one at a time at a reduced trial count on the
   * run's futures (runners/swings.ts). Absent when the run made none (a library run, --swing-trials 0).
   */
  swings?: Swings;
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

export function fundingSummary(peakUsd: Float64Array, peakMonth: Float64Array, ownFundsUsd: number): FundingSummary {
  const externalUsd = new Float64Array(peakUsd.length);
  const exceeds = new Float64Array(peakUsd.length);
  for (let t = 0; t < peakUsd.length; t++) {
    externalUsd[t] = Math.max(0, peakUsd[t] - ownFundsUsd);
    exceeds[t] = peakUsd[t] > ownFundsUsd ? 1 : 0;
  }
  return {
    peakUsd: summarizeMetric(peakUsd),
    peakMonth: summarizeMetric(peakMonth),
    ownFundsUsd,
    externalUsd: summarizeMetric(externalUsd),
    pExceedsOwnFunds: shareWhere(exceeds),
  };
}

/**
 * The statistics a summary is made of, read either off the per-trial outcomes or, for a run made
 * with --outcomes sketch, off its outcome sketch (sketchStatistics.ts).
 */
interface OutcomeStatistics {
  metric(strategy: number, metric: SummaryMetric): MetricSummary;
  pNpvNegative(strategy: number): ProbabilityEstimate;
  pRuin(strategy: number): ProbabilityEstimate;
  /** Trials ruined in each month (counts). */
  ruinedInMonth(strategy: number, month: number): number;
  convergence(strategy: number): ConvergencePoint[];
  /** Pair number `pair` is (a, b), a < b, in the order of summary.pairs. */
  pair(a: number, b: number, pair: number): PairedDifference;
  funding(strategy: number): FundingSummary;
  nextHalvingMonth(): MetricSummary;
  pHalvingWithinHorizon(): ProbabilityEstimate;
  maxNpvStandardError(): number | null;
  switching(strategy: number): SwitchingSummary;
  optimal(): OptimalSummary[];
}

function rowStatistics(run: RunResult, months: number, ownFundsUsd: number): OutcomeStatistics {
  const { outcomes } = run;
  const halvingMonths = marketColumn(outcomes, 'nextHalvingMonth');
  const ruined = new Map<number, Float64Array>();
  const ruinedOf = (s: number) => {
    let counts = ruined.get(s);
    if (!counts) {
      counts = new Float64Array(months);
      for (const m of strategyColumn(outcomes, s, 'ruinMonth')) if (m === m) counts[m]++;
      ruined.set(s, counts);
    }
    return counts;
  };
  return {
    metric: (s, metric) => summarizeMetric(strategyColumn(outcomes, s, metric)),
    pNpvNegative: (s) => shareBelow(strategyColumn(outcomes, s, 'npvUsd'), 0),
    pRuin: (s) => shareWhere(strategyColumn(outcomes, s, 'ruined')),
    ruinedInMonth: (s, m) => ruinedOf(s)[m],
    convergence: (s) => runningMeanConvergence(strategyColumn(outcomes, s, 'npvUsd')),
    pair: (a, b) => pairedDifference(strategyColumn(outcomes, a, 'npvUsd'), strategyColumn(outcomes, b, 'npvUsd')),
    funding: (s) => fundingSummary(strategyColumn(outcomes, s, 'peakFundingUsd'), strategyColumn(outcomes, s, 'peakFundingMonth'), ownFundsUsd),
    nextHalvingMonth: () => summarizeMetric(halvingMonths),
    pHalvingWithinHorizon: () => {
      const within = new Float64Array(halvingMonths.length);
      for (let t = 0; t < within.length; t++) within[t] = halvingMonths[t] === halvingMonths[t] ? 1 : 0;
      return shareWhere(within);
    },
    maxNpvStandardError: () => maxNpvStandardError(outcomes),
    switching: (s) => switchingSummary(outcomes, s, months),
    optimal: () => optimalSummaries(run.scenario, run.inputs, outcomes),
  };
}

/** The median of whole numbers given by their counts, as simple-statistics' quantileSorted takes it (summarizeMetric's p50). */
function medianOfCounts(counts: (value: number) => number, values: number, total: number): number | null {
  if (total === 0) return null;
  const at = (k: number) => {
    let below = 0;
    for (let v = 0; v < values; v++) if ((below += counts(v)) > k) return v;
    return values - 1;
  };
  const idx = total * 0.5;
  if (idx % 1 !== 0) return at(Math.ceil(idx) - 1);
  return total % 2 === 0 ? (at(idx - 1) + at(idx)) / 2 : at(idx);
}

function sketchOutcomeStatistics(sketch: OutcomeSketch, trials: number, scenario: RunResult['scenario']): OutcomeStatistics {
  const months = sketch.shape.months;
  return {
    // A fixed rule converts one share of the site (its spec's), whichever month it converts in.
    switching: (s) => {
      const byMonth = Float64Array.from({ length: months }, (_, m) => sketch.switchedInMonth(s, m));
      const converted = byMonth.reduce((a, b) => a + b, 0);
      const spec = scenario.strategies[s] as { share?: number };
      const shares = new Map(converted > 0 ? [[spec.share ?? 0, converted]] : []);
      return switchingFromCounts({ trials, byMonth, shares, medianMonth: medianOfCounts((m) => byMonth[m], months, converted) });
    },
    // Refused in sketch mode before the trials (runScenario): an optimal strategy's summary reads rows.
    optimal: () => [],
    metric: (s, metric) => sketchMetric(sketch, s, metric),
    pNpvNegative: (s) => binomial(sketch.negativeNpvOf(s), trials),
    pRuin: (s) => binomial(sketch.ruinedOf(s), trials),
    ruinedInMonth: (s, m) => sketch.ruinedInMonth(s, m),
    convergence: (s) => sketchConvergence(sketch, s),
    pair: (_a, _b, pair) => sketchPairedDifference(sketch, pair),
    funding: (s) => ({
      peakUsd: sketchMetricSummary(sketch, sketch.variableOf(s, 'peakFundingUsd')),
      peakMonth: sketchMetricSummary(sketch, sketch.variableOf(s, 'peakFundingMonth')),
      ownFundsUsd: sketch.shape.ownFundsUsd,
      externalUsd: sketchMetricSummary(sketch, sketch.variableOf(s, 'externalFundingUsd')),
      pExceedsOwnFunds: binomial(sketch.exceedsOwnFundsOf(s), trials),
    }),
    nextHalvingMonth: () => sketchMetricSummary(sketch, sketch.halvingVariable),
    pHalvingWithinHorizon: () => binomial(sketch.definedOf(sketch.halvingVariable), trials),
    maxNpvStandardError: () => sketchMaxNpvStandardError(sketch),
  };
}

/**
 * The summary of a whole run, from its per-trial outcomes (or outcome sketch), band counts,
 * scenario and seed only: a merge of shards (runners/merge.ts) rebuilds exactly these, so it
 * gives the same bytes.
 */
export function buildSummary(run: RunResult, swings?: Swings): Summary {
  const { outcomes, scenario, model } = run;
  if (run.shard.count !== 1 || outcomes.firstTrial !== 0) {
    throw new RangeError(`buildSummary: this is shard ${run.shard.index}/${run.shard.count} of a run; merge the shards first (hashpivot merge)`);
  }
  const months = model.market.months;
  const stats = run.sketch ? sketchOutcomeStatistics(run.sketch, run.trials, scenario) : rowStatistics(run, months, scenario.site.cashUsd + scenario.site.creditLineUsd);
  const strategies = scenario.strategies.map((spec, s): StrategySummary => {
    const metrics = Object.fromEntries(SUMMARY_METRICS.map((metric) => [metric, stats.metric(s, metric)])) as Record<SummaryMetric, MetricSummary>;
    const ruinByMonth: number[] = [];
    let cumulative = 0;
    for (let m = 0; m < months; m++) {
      cumulative += stats.ruinedInMonth(s, m);
      ruinByMonth.push(cumulative / run.trials);
    }
    return {
      name: spec.name,
      kind: spec.kind,
      metrics,
      pNpvNegative: stats.pNpvNegative(s),
      pRuin: stats.pRuin(s),
      funding: stats.funding(s),
      ruinByMonth,
      convergence: stats.convergence(s),
      switching: stats.switching(s),
    };
  });

  const pairs: PairSummary[] = [];
  for (let a = 0; a < strategies.length; a++) {
    for (let b = a + 1; b < strategies.length; b++) {
      pairs.push({ a: strategies[a].name, b: strategies[b].name, npvUsd: stats.pair(a, b, pairs.length) });
    }
  }

  const nextHalvingMonth = stats.nextHalvingMonth();
  const datePercentiles = Object.fromEntries(
    Object.entries(nextHalvingMonth.percentiles).map(([key, m]) => [key, m === null ? null : dateOfFractionalMonth(scenario.asOf.date, m)]),
  );

  const series: Record<string, number[][]> = {};
  const means: Record<string, number[]> = {};
  model.bands.forEach((band, i) => {
    series[band.name] = BAND_QUANTILES.map((q) => Array.from({ length: months }, (_, m) => finiteOrNull(run.bands.quantile(i, m, q)) ?? 0));
    means[band.name] = Array.from({ length: months }, (_, m) => finiteOrNull(run.bands.mean(i, m)) ?? 0);
  });

  return {
    engine: { name: 'hashpivot', version: ENGINE_VERSION },
    ...(run.sketch ? { outcomes: SKETCH_OUTCOMES } : {}),
    seed: run.seed,
    trials: run.trials,
    trialsRequested: run.trialsRequested,
    targetSeUsd: run.targetSeUsd,
    maxNpvStandardErrorUsd: stats.maxNpvStandardError(),
    scenario: resolvedScenarioJson(scenario),
    strategies,
    pairs,
    optimal: stats.optimal(),
    halving: { nextHalvingMonth, pWithinHorizon: stats.pHalvingWithinHorizon(), datePercentiles },
    bands: {
      months: Array.from({ length: months }, (_, m) => monthLabel(scenario.asOf.date, m)),
      trials: run.bands.series.length === 0 ? 0 : run.bands.countOf(0, 0),
      quantiles: [...BAND_QUANTILES],
      series,
      means,
    },
    ...(swings ? { swings } : {}),
  };
}
