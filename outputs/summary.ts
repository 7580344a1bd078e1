// summary.json: the scenario as resolved, the run's settings, and per strategy and strategy pair
// the statistics of MODEL.md §4, plus the halving-date distribution and the monthly bands.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../scenarios/packageRoot.js';
import { BAND_QUANTILES } from '../engine/bandSketch.js';
import { marketColumn, strategyColumn, type StrategyMetric } from '../engine/outcomes.js';
import { resolvedScenarioJson, type JsonObject } from '../scenarios/load.js';
import { maxNpvStandardError, type RunResult } from '../runners/run.js';
import type { Swings } from '../runners/swings.js';
import { monthLabel, dateOfFractionalMonth } from './calendarMonths.js';
import { optimalSummaries, switchingSummary, type OptimalSummary, type SwitchingSummary } from './switchSummary.js';
import {
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
export const SUMMARY_METRICS = ['npvUsd', 'irr', 'paybackMonth', 'minCashUsd', 'btcMined', 'revenueUsdPerKwh'] as const satisfies readonly StrategyMetric[];
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

export interface StrategySummary {
  name: string;
  kind: string;
  metrics: Record<SummaryMetric, MetricSummary>;
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

export interface Summary {
  engine: { name: 'hashpivot'; version: string };
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
 * The summary of a whole run, from its per-trial outcomes, band counts, scenario and seed only: a
 * merge of shards (runners/merge.ts) rebuilds exactly these, so it gives the same bytes.
 */
export function buildSummary(run: RunResult, swings?: Swings): Summary {
  const { outcomes, scenario, model } = run;
  if (run.shard.count !== 1 || outcomes.firstTrial !== 0) {
    throw new RangeError(`buildSummary: this is shard ${run.shard.index}/${run.shard.count} of a run; merge the shards first (hashpivot merge)`);
  }
  const months = model.market.months;
  const strategies = scenario.strategies.map((spec, s): StrategySummary => {
    const metrics = Object.fromEntries(SUMMARY_METRICS.map((metric) => [metric, summarizeMetric(strategyColumn(outcomes, s, metric))])) as Record<SummaryMetric, MetricSummary>;
    const ruinMonth = strategyColumn(outcomes, s, 'ruinMonth');
    const ruinedBy = new Float64Array(months);
    for (const m of ruinMonth) if (m === m) ruinedBy[m]++;
    const ruinByMonth: number[] = [];
    let cumulative = 0;
    for (let m = 0; m < months; m++) {
      cumulative += ruinedBy[m];
      ruinByMonth.push(cumulative / outcomes.trialCount);
    }
    return {
      name: spec.name,
      kind: spec.kind,
      metrics,
      pNpvNegative: shareBelow(strategyColumn(outcomes, s, 'npvUsd'), 0),
      pRuin: shareWhere(strategyColumn(outcomes, s, 'ruined')),
      funding: fundingSummary(strategyColumn(outcomes, s, 'peakFundingUsd'), strategyColumn(outcomes, s, 'peakFundingMonth'), scenario.site.cashUsd + scenario.site.creditLineUsd),
      ruinByMonth,
      convergence: runningMeanConvergence(strategyColumn(outcomes, s, 'npvUsd')),
      switching: switchingSummary(outcomes, s, months),
    };
  });

  const pairs: PairSummary[] = [];
  for (let a = 0; a < strategies.length; a++) {
    for (let b = a + 1; b < strategies.length; b++) {
      pairs.push({
        a: strategies[a].name,
        b: strategies[b].name,
        npvUsd: pairedDifference(strategyColumn(outcomes, a, 'npvUsd'), strategyColumn(outcomes, b, 'npvUsd')),
      });
    }
  }

  const halvingMonths = marketColumn(outcomes, 'nextHalvingMonth');
  const nextHalvingMonth = summarizeMetric(halvingMonths);
  const within = new Float64Array(halvingMonths.length);
  for (let t = 0; t < within.length; t++) within[t] = halvingMonths[t] === halvingMonths[t] ? 1 : 0;
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
    seed: run.seed,
    trials: run.trials,
    trialsRequested: run.trialsRequested,
    targetSeUsd: run.targetSeUsd,
    maxNpvStandardErrorUsd: finiteOrNull(maxNpvStandardError(outcomes)),
    scenario: resolvedScenarioJson(scenario),
    strategies,
    pairs,
    optimal: optimalSummaries(scenario, run.inputs, outcomes),
    halving: { nextHalvingMonth, pWithinHorizon: shareWhere(within), datePercentiles },
    bands: {
      months: Array.from({ length: months }, (_, m) => monthLabel(scenario.asOf.date, m)),
      quantiles: [...BAND_QUANTILES],
      series,
      means,
    },
    ...(swings ? { swings } : {}),
  };
}
