// The decision a committee reads first: the strategies ranked by one stated criterion, how sure the
// ranking is (Monte Carlo error of the means, and the probability that the top two are in the right
// order, from their paired difference), and what would flip it. Pure: reads summary.json's numbers.
import { errorFunction } from 'simple-statistics';
import { baselineStrategy, orientPair } from './reportData.js';
import type { StrategySummary, Summary } from './summary.js';

/**
 * A strategy counts as fundable when the site's own cash and credit line cover it in all but this
 * share of futures: P(cash falls below minus the credit line) at most 5%.
 */
export const FUNDING_SHORTFALL_LIMIT = 0.05;

export interface RankedStrategy {
  name: string;
  meanNpvUsd: number | null;
  standardErrorUsd: number | null;
  /** P(NPV above the baseline's in the same future); null for the baseline itself. */
  pBeatsBaseline: number | null;
  /** 5th percentile of NPV and the mean of the worst 5%. */
  var5Usd: number | null;
  cvar5Usd: number | null;
  /** P(the strategy needs more than the site's cash and credit line at some month). */
  pFundingShortfall: number | null;
  /** Its standard error (binomial). */
  pFundingShortfallStandardError: number | null;
  /** Outside funding needed beyond the site's cash and credit line: median and 95th percentile over trials (0 when none); null when summary.json predates the funding block. */
  outsideFundingP50Usd: number | null;
  outsideFundingP95Usd: number | null;
  funded: boolean;
}

/** The paired comparison of two strategies' mean NPVs: how far apart, and how sure their order is. */
export interface OrderCertainty {
  ahead: string;
  behind: string;
  meanDifferenceUsd: number;
  standardErrorUsd: number;
  /**
   * P(the true mean of `ahead` exceeds that of `behind`) = Phi(difference / SE): the normal
   * approximation of the mean paired difference's sampling distribution (a flat prior's posterior).
   */
  pOrderRight: number;
}

export interface Decision {
  criterion: string;
  /** The site's own funds (cash plus credit line), when summary.json states them. */
  ownFundsUsd: number | null;
  baseline: string;
  /** Fundable strategies by mean NPV, then the others by mean NPV. */
  ranked: RankedStrategy[];
  /** First in the ranking: the decision by the criterion. */
  leader: RankedStrategy;
  /** Strategies the site cannot fund alone whose mean NPV is above the leader's. */
  betterIfFunded: RankedStrategy[];
  /** The leader against the second fundable strategy (null with fewer than two fundable). */
  leaderOrder: OrderCertainty | null;
  /** The two highest mean NPVs regardless of funding (null with one strategy). */
  topTwoByMean: OrderCertainty | null;
  /** Trials per strategy, and the largest standard error among the means. */
  trials: number;
  maxStandardErrorUsd: number | null;
}

/** Phi(z), the standard normal distribution function. */
export function normalCdf(z: number): number {
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

function byMeanDescending(a: RankedStrategy, b: RankedStrategy): number {
  return (b.meanNpvUsd ?? -Infinity) - (a.meanNpvUsd ?? -Infinity);
}

export function orderCertainty(summary: Summary, ahead: string, behind: string): OrderCertainty | null {
  const pair = summary.pairs.find((p) => (p.a === ahead && p.b === behind) || (p.a === behind && p.b === ahead));
  if (!pair) return null;
  const oriented = orientPair(pair, ahead);
  const d = oriented.meanDifferenceUsd;
  const se = oriented.standardErrorUsd;
  if (d === null || se === null) return null;
  const pOrderRight = se > 0 ? normalCdf(d / se) : d > 0 ? 1 : d < 0 ? 0 : 0.5;
  return { ahead, behind, meanDifferenceUsd: d, standardErrorUsd: se, pOrderRight };
}

function ranked(summary: Summary, strategy: StrategySummary, baseline: string): RankedStrategy {
  const npv = strategy.metrics.npvUsd;
  const pair = strategy.name === baseline ? null : summary.pairs.find((p) => (p.a === strategy.name && p.b === baseline) || (p.b === strategy.name && p.a === baseline));
  // The funding block (peak need against cash plus credit line) counts the same event as pRuin;
  // a summary.json written before it has only pRuin.
  const shortfall = strategy.funding?.pExceedsOwnFunds ?? strategy.pRuin;
  const outside = strategy.funding?.externalUsd.percentiles;
  return {
    name: strategy.name,
    meanNpvUsd: npv.mean,
    standardErrorUsd: npv.standardError,
    pBeatsBaseline: pair ? orientPair(pair, strategy.name).pOtherBeatsBaseline : null,
    var5Usd: npv.var5,
    cvar5Usd: npv.cvar5,
    pFundingShortfall: shortfall.p,
    pFundingShortfallStandardError: shortfall.standardError,
    outsideFundingP50Usd: outside?.p50 ?? null,
    outsideFundingP95Usd: outside?.p95 ?? null,
    funded: shortfall.p !== null && shortfall.p <= FUNDING_SHORTFALL_LIMIT,
  };
}

export function decide(summary: Summary): Decision {
  const baseline = baselineStrategy(summary).name;
  const all = summary.strategies.map((s) => ranked(summary, s, baseline));
  const funded = all.filter((s) => s.funded).sort(byMeanDescending);
  const unfunded = all.filter((s) => !s.funded).sort(byMeanDescending);
  const order = [...funded, ...unfunded];
  const leader = order[0];
  const byMean = [...all].sort(byMeanDescending);
  const errors = all.map((s) => s.standardErrorUsd).filter((x): x is number => x !== null);
  return {
    criterion:
      funded.length > 0
        ? `highest mean NPV among the strategies the site can fund from its own cash and credit line (short of funds in at most ${Math.round(FUNDING_SHORTFALL_LIMIT * 100)}% of futures)`
        : 'highest mean NPV (no strategy can be funded from the site\'s own cash and credit line in 95% of futures)',
    baseline,
    ownFundsUsd: summary.strategies[0]?.funding?.ownFundsUsd ?? null,
    ranked: order,
    leader,
    betterIfFunded: funded.length > 0 ? unfunded.filter((s) => byMeanDescending(s, leader) < 0) : [],
    leaderOrder: funded.length >= 2 ? orderCertainty(summary, funded[0].name, funded[1].name) : null,
    topTwoByMean: byMean.length >= 2 ? orderCertainty(summary, byMean[0].name, byMean[1].name) : null,
    trials: summary.trials,
    maxStandardErrorUsd: errors.length ? Math.max(...errors) : null,
  };
}
