// What a conversion policy may look at when it decides, at the start of a decision month: the
// market's state, as the site would see it that day. Positive quantities enter as logs (their
// processes are log-normal-like, so a polynomial in logs fits their effect on values far better),
// read from the logs the market path keeps (only the difficulty's is taken here); the months to
// the next halving enter as months. The month itself is always part of the state:
// each decision date has its own regression.
import { HALVING_INTERVAL_BLOCKS, HASHES_PER_DIFFICULTY } from './bitcoin.js';
import { SECONDS_PER_MONTH } from './chain.js';
import type { MarketPath } from './market.js';

export const SWITCH_STATE_VARIABLES = ['hashprice', 'btcPrice', 'difficulty', 'energyPrice', 'aiDemand', 'monthsToHalving'] as const;
export type SwitchStateVariable = (typeof SWITCH_STATE_VARIABLES)[number];

/** How each variable is shown to a reader (units of the untransformed value). */
export const SWITCH_STATE_LABELS: Record<SwitchStateVariable, string> = {
  hashprice: 'hashprice (USD/PH/day)',
  btcPrice: 'BTC price (USD)',
  difficulty: 'difficulty',
  energyPrice: 'energy price (USD/MWh)',
  aiDemand: 'AI demand index',
  monthsToHalving: 'months to the next halving',
};

/** Whether the variable enters the regression as its log. */
export const SWITCH_STATE_IN_LOGS: Record<SwitchStateVariable, boolean> = {
  hashprice: true,
  btcPrice: true,
  difficulty: true,
  energyPrice: true,
  aiDemand: true,
  monthsToHalving: false,
};

const VARIABLE_CODES: Record<SwitchStateVariable, number> = {
  hashprice: 0,
  btcPrice: 1,
  difficulty: 2,
  energyPrice: 3,
  aiDemand: 4,
  monthsToHalving: 5,
};

/** Months of a block per (difficulty / EH/s): a block takes difficulty x 2^32 hashes. */
const MONTHS_PER_BLOCK_PER_DIFFICULTY_EHS = HASHES_PER_DIFFICULTY / 1e18 / SECONDS_PER_MONTH;

/**
 * Months until the chain reaches the next multiple of 210,000 blocks at the month's block rate:
 * blocks left x difficulty x 2^32 / hashrate, in one division (a policy reads it at each decision).
 */
function monthsToHalving(market: MarketPath, month: number): number {
  const height = market.blockHeight[month];
  const blocksLeft = (Math.floor(height / HALVING_INTERVAL_BLOCKS) + 1) * HALVING_INTERVAL_BLOCKS - height;
  return (blocksLeft * market.difficulty[month] * MONTHS_PER_BLOCK_PER_DIFFICULTY_EHS) / market.networkHashrateEhs[month];
}

/** Reads a policy's state variables off a market path: codes fixed once, no allocation per call. */
export class SwitchStateReader {
  private readonly codes: Int32Array;

  constructor(readonly variables: readonly SwitchStateVariable[]) {
    this.codes = Int32Array.from(variables, (v) => VARIABLE_CODES[v]);
  }

  get size(): number {
    return this.codes.length;
  }

  /** Writes the regression state at the start of `month` into out[offset .. offset + size). */
  read(market: MarketPath, month: number, out: Float32Array | Float64Array, offset: number): void {
    const codes = this.codes;
    for (let v = 0; v < codes.length; v++) out[offset + v] = stateAt(market, codes[v], month);
  }

  /**
   * read() at each of `months`, month d's state into out[offset + d * stride ..): the same numbers,
   * a variable at a time (its case chosen once, not once a month).
   */
  readMonths(market: MarketPath, months: readonly number[], out: Float32Array | Float64Array, offset: number, stride: number): void {
    const codes = this.codes;
    for (let v = 0; v < codes.length; v++) {
      const o = offset + v;
      const logs = logSeries(market, codes[v]);
      if (logs) for (let d = 0; d < months.length; d++) out[o + d * stride] = logs[months[d]];
      else for (let d = 0; d < months.length; d++) out[o + d * stride] = stateAt(market, codes[v], months[d]);
    }
  }
}

/** The market's own series of state variable `code`'s values (its logs); null for those computed here. */
function logSeries(market: MarketPath, code: number): Float64Array | null {
  switch (code) {
    case 0: return market.logHashpriceUsdPerPhDay;
    case 1: return market.logPriceUsd;
    case 3: return market.logEnergyUsdPerMwh;
    case 4: return market.logAiDemandIndex;
    default: return null;
  }
}

/**
 * State variable `code` at the start of `month`: logSeries' series read here in the same switch,
 * not through it (one switch a variable on a decision's path; with logSeries called here, fitAB
 * found a decision ~20% slower in one process of four, as V8 inlined the two differently).
 */
function stateAt(market: MarketPath, code: number, month: number): number {
  switch (code) {
    case 0: return market.logHashpriceUsdPerPhDay[month];
    case 1: return market.logPriceUsd[month];
    case 2: return Math.log(market.difficulty[month]);
    case 3: return market.logEnergyUsdPerMwh[month];
    case 4: return market.logAiDemandIndex[month];
    default: return monthsToHalving(market, month);
  }
}

/** A regression-state value back in the variable's own units (exp of a log). */
export function stateValue(variable: SwitchStateVariable, x: number): number {
  return SWITCH_STATE_IN_LOGS[variable] ? Math.exp(x) : x;
}
