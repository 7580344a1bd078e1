// Per-trial outcomes of a block of consecutive trials, in flat typed arrays: a run's block lives
// in shared memory, where worker threads write each trial's outcomes at its own index.

/** Outcomes recorded per trial and strategy. NaN marks an absent value (IRR undefined, never paid back...). */
export const STRATEGY_METRICS = [
  'npvUsd',
  'irr',
  'paybackMonth',
  'minCashUsd',
  'ruined',
  'ruinMonth',
  'btcMined',
  'revenueUsdPerKwh',
  'peakFundingUsd', // most cash consumed before the strategy funds itself (minus its lowest cumulative cash flow); 0 if never
  'peakFundingMonth', // month of that low point; NaN if cumulative cash flow never goes below 0
  'switchMonth', // month the conversion started (a trigger's or a policy's choice too); NaN if never
  'switchShare', // share of the MW converted; 0 if none
  // Drivers of the strategy's outcome (with the market's below): NaN when it never converts.
  'switchPriceUsd', // BTC price in the switch month
  'leaseSignedMonth', // month the first lease is signed (the switch month when pre-leased); NaN if never
  'tenantDefaults', // tenant defaults over the horizon; 0 when nothing is leased
  'terminalPvUsd', // the part of npvUsd that is the terminal value: the site after the horizon, discounted to the as-of date
] as const;
export type StrategyMetric = (typeof STRATEGY_METRICS)[number];

/** Outcomes of the market path, shared by every strategy of a trial. */
export const MARKET_METRICS = [
  'nextHalvingMonth', // fractional months from the as-of date to the next halving; NaN if beyond the horizon
  'finalPriceUsd',
  'finalDifficulty',
  // Drivers: what kind of future the trial was, so outcomes can be attributed (the report's tail
  // anatomy and its regression of paired NPV differences on them). Means over the horizon's months.
  'aiWinterMonths', // months of the horizon in an AI winter
  'meanPriceUsd',
  'meanHashpriceUsdPerPhDay',
  'meanEnergyUsdPerMwh', // the market (spot) price the site's non-PPA power pays
  'meanFeesBtcPerBlock',
  'meanAiDemandIndex', // the AI demand index (1 = normal), which sets lease rates at signing and tenants' appetite
  'finalAiDemandIndex', // the index in the last month, which prices a re-lease after the horizon (terminal value)
] as const;
export type MarketMetric = (typeof MARKET_METRICS)[number];

export interface OutcomeBlock {
  firstTrial: number;
  trialCount: number;
  strategyCount: number;
  /** Layout [strategy][metric][trial]: index ((s * STRATEGY_METRICS.length) + m) * trialCount + t. */
  strategy: Float64Array;
  /** Layout [metric][trial]. */
  market: Float64Array;
}

/** `shared`: the arrays live in SharedArrayBuffers, so other threads can read them without a copy. */
export function createOutcomeBlock(firstTrial: number, trialCount: number, strategyCount: number, shared = false): OutcomeBlock {
  const doubles = (n: number) => (shared ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n));
  return {
    firstTrial,
    trialCount,
    strategyCount,
    strategy: doubles(strategyCount * STRATEGY_METRICS.length * trialCount),
    market: doubles(MARKET_METRICS.length * trialCount),
  };
}

/** The values of one strategy metric over the block's trials (a view, no copy). */
export function strategyColumn(block: OutcomeBlock, strategy: number, metric: StrategyMetric): Float64Array {
  const m = STRATEGY_METRICS.indexOf(metric);
  const start = (strategy * STRATEGY_METRICS.length + m) * block.trialCount;
  return block.strategy.subarray(start, start + block.trialCount);
}

export function marketColumn(block: OutcomeBlock, metric: MarketMetric): Float64Array {
  const start = MARKET_METRICS.indexOf(metric) * block.trialCount;
  return block.market.subarray(start, start + block.trialCount);
}

/** A copy of the block's first `trials` trials (a run that stopped short of its cap), in shared memory. */
export function firstTrialsOf(block: OutcomeBlock, trials: number): OutcomeBlock {
  const out = createOutcomeBlock(block.firstTrial, trials, block.strategyCount, true);
  const rows = block.strategyCount * STRATEGY_METRICS.length;
  for (let r = 0; r < rows; r++) out.strategy.set(block.strategy.subarray(r * block.trialCount, r * block.trialCount + trials), r * trials);
  for (let r = 0; r < MARKET_METRICS.length; r++) out.market.set(block.market.subarray(r * block.trialCount, r * block.trialCount + trials), r * trials);
  return out;
}
