// One study point in numbers: per strategy the NPV distribution's main statistics, and per pair of
// strategies the paired difference, from the point's per-trial outcomes. These are the rows of the
// study store's summary and pairs tables. Pure: no I/O.
import { strategyColumn, type OutcomeBlock } from '../engine/outcomes.js';
import { definedMedian, meanAndStandardError, pairedDifference, shareBelow, shareWhere, summarizeMetric } from './statistics.js';

export interface StrategyPointSummary {
  strategy: string;
  npvMeanUsd: number | null;
  npvSeUsd: number | null;
  npvSdUsd: number | null;
  npvP5Usd: number | null;
  npvP50Usd: number | null;
  npvP95Usd: number | null;
  npvCvar5Usd: number | null;
  pNpvNegative: number | null;
  pRuin: number | null;
  irrP50: number | null;
  paybackMonthP50: number | null;
  btcMinedMean: number | null;
  revenueUsdPerKwhMean: number | null;
}

export interface PairPointSummary {
  a: string;
  b: string;
  meanDifferenceUsd: number | null;
  differenceSeUsd: number | null;
  pABeatsB: number | null;
  pABeatsBSe: number | null;
}

export interface PointSummary {
  trials: number;
  strategies: StrategyPointSummary[];
  pairs: PairPointSummary[];
}

/** The store holds statistics, not their Monte Carlo intervals (which cost most of summarizeMetric's time). */
const NO_INTERVALS = { intervals: false };

export function summarizePoint(block: OutcomeBlock, strategyNames: readonly string[]): PointSummary {
  const strategies = strategyNames.map((strategy, s): StrategyPointSummary => {
    const npv = summarizeMetric(strategyColumn(block, s, 'npvUsd'), NO_INTERVALS);
    const btc = meanAndStandardError(strategyColumn(block, s, 'btcMined'));
    const revenue = meanAndStandardError(strategyColumn(block, s, 'revenueUsdPerKwh'));
    return {
      strategy,
      npvMeanUsd: npv.mean,
      npvSeUsd: npv.standardError,
      npvSdUsd: npv.sd,
      npvP5Usd: npv.percentiles.p5,
      npvP50Usd: npv.percentiles.p50,
      npvP95Usd: npv.percentiles.p95,
      npvCvar5Usd: npv.cvar5,
      pNpvNegative: shareBelow(strategyColumn(block, s, 'npvUsd'), 0).p,
      pRuin: shareWhere(strategyColumn(block, s, 'ruined')).p,
      irrP50: definedMedian(strategyColumn(block, s, 'irr')),
      paybackMonthP50: definedMedian(strategyColumn(block, s, 'paybackMonth')),
      btcMinedMean: btc.mean,
      revenueUsdPerKwhMean: revenue.mean,
    };
  });
  const pairs: PairPointSummary[] = [];
  for (let a = 0; a < strategyNames.length; a++) {
    for (let b = a + 1; b < strategyNames.length; b++) {
      const d = pairedDifference(strategyColumn(block, a, 'npvUsd'), strategyColumn(block, b, 'npvUsd'));
      pairs.push({ a: strategyNames[a], b: strategyNames[b], meanDifferenceUsd: d.meanDifference, differenceSeUsd: d.standardError, pABeatsB: d.pABeatsB, pABeatsBSe: d.pABeatsBStandardError });
    }
  }
  return { trials: block.trialCount, strategies, pairs };
}
