// The BTC price of one trial (MODEL.md §2), month by month: Merton jump-diffusion or GBM, two-regime
// Markov switching (bull/bear), or a block bootstrap of historical monthly log returns. The price
// feeds the other factors (hashprice, the hashrate response) but reads none of them, so its whole
// path is drawn first, in one tight loop per model, before the market's month loop.
import type { PriceSpec } from '../scenarios/schema.js';
import type { SwitchPolicy } from './switchPolicy.js';
import { poissonFromUniform } from './random.js';

const DT_YEARS = 1 / 12;

/** Which loop draws the path; numbers so that the hot path compares small integers. */
export const PRICE_MODEL_DIFFUSION = 0; // merton and gbm (gbm: no jumps)
export const PRICE_MODEL_REGIMES = 1;
export const PRICE_MODEL_BOOTSTRAP = 2;
/** A process of one's own (engine/priceProcess.ts): MarketPath runs it instead of simulateLogPrice. */
export const PRICE_MODEL_CUSTOM = 3;

/**
 * Historical monthly log returns, resolved by the runner before any trial runs: engine/ reads no
 * files. For model: bootstrap, the returns of the scenario's window, oldest first.
 */
export interface PriceHistory {
  /** `YYYY-MM` of each return: ln(month-end price / previous month-end price). */
  months: string[];
  logReturns: Float64Array;
}

/** What a compiled model needs beyond the scenario itself (see runners/modelInputs.ts). */
export interface ModelInputs {
  priceHistory?: PriceHistory;
  /**
   * Absolute path of the module of a custom price process (model: custom), named by the user on the
   * command line or in the API call and checked by runners/processModule.ts: each worker loads it.
   */
  priceProcessModule?: string;
  /**
   * Conversion policies by strategy name: fitted for `optimal` strategies before the trials run
   * (runners/switchFit.ts), read from their files for `policy` ones.
   */
  switchPolicies?: Record<string, SwitchPolicy>;
}

/** Scenario price parameters turned into per-month constants once, before any trial runs. */
export interface PriceParams {
  model: number;
  logPrice0: number;
  // merton / gbm
  driftPerMonth: number;
  volPerMonth: number;
  jumpMeanCountPerMonth: number;
  expMinusJumpMeanCount: number;
  jumpMeanLog: number;
  jumpSdLog: number;
  // regimes: log step (mu - sigma²/2) dt + sigma sqrt(dt) z in the month's regime
  bullDriftPerMonth: number;
  bullVolPerMonth: number;
  bearDriftPerMonth: number;
  bearVolPerMonth: number;
  bullToBearProbability: number;
  bearToBullProbability: number;
  /** Probability that month 0 is a bull month: 1 (start bull), 0 (start bear) or the stationary share. */
  startBullProbability: number;
  // bootstrap
  /** The window's log returns, shifted when demean is on; empty for the other models. */
  logReturns: Float64Array;
  blockMonths: number;
}

/** Where the price reads its draws inside the market's fixed per-month blocks of draws. */
export interface PriceDrawLayout {
  normalsPerMonth: number;
  uniformsPerMonth: number;
  /** Normal slot of the price shock (correlated with the other factors through the Cholesky factor). */
  shock: number;
  /** Normal slot of the jump size (merton). */
  jumpSize: number;
  /** Uniform slot of the jump count (merton). */
  jumpCount: number;
  /** Uniform slot of the regime switch (regimes) or the block start (bootstrap). */
  modelUniform: number;
}

/**
 * The constant added to every historical log return when demeaning: afterwards the mean of
 * exp(return) over the window, which is each simulated month's expected price ratio (every month
 * draws each return of the window with the same probability), equals exp(mu dt).
 */
export function demeanShift(logReturns: Float64Array, driftPerYear: number): number {
  let meanRatio = 0;
  for (let i = 0; i < logReturns.length; i++) meanRatio += Math.exp(logReturns[i]);
  meanRatio /= logReturns.length;
  return driftPerYear * DT_YEARS - Math.log(meanRatio);
}

function historyFor(spec: PriceSpec, inputs: ModelInputs): PriceHistory {
  const window = spec.bootstrap;
  const history = inputs.priceHistory;
  if (!window) throw new Error('market.price.bootstrap is missing (the scenario was not validated by parseScenario)');
  if (!history || history.logReturns.length === 0) {
    throw new Error('market.price.model is bootstrap, but no price history was supplied: resolve it with modelInputsFor(scenario) (runners/modelInputs.ts); runScenario does');
  }
  const { months } = history;
  // Without from/to (a file's window), the window is the whole history supplied.
  if ((window.from !== undefined && months[0] !== window.from) || (window.to !== undefined && months[months.length - 1] !== window.to) || months.length !== history.logReturns.length) {
    throw new Error(`the supplied price history covers ${months[0]} .. ${months[months.length - 1]}, not the bootstrap window ${window.from} .. ${window.to}`);
  }
  return history;
}

export function priceParams(spec: PriceSpec, priceUsd0: number, inputs: ModelInputs = {}): PriceParams {
  const diffusion = spec.model === 'merton' || spec.model === 'gbm';
  const jumpsPerYear = spec.model === 'merton' ? spec.jumpsPerYear : 0;
  const jumpCompensation = Math.exp(spec.jumpMeanLog + 0.5 * spec.jumpSdLog ** 2) - 1;
  const jumpsPerMonth = jumpsPerYear * DT_YEARS;
  const params: PriceParams = {
    model: diffusion ? PRICE_MODEL_DIFFUSION : spec.model === 'regimes' ? PRICE_MODEL_REGIMES : spec.model === 'custom' ? PRICE_MODEL_CUSTOM : PRICE_MODEL_BOOTSTRAP,
    logPrice0: Math.log(priceUsd0),
    driftPerMonth: (spec.driftPerYear - 0.5 * spec.volatilityPerYear ** 2 - jumpsPerYear * jumpCompensation) * DT_YEARS,
    volPerMonth: spec.volatilityPerYear * Math.sqrt(DT_YEARS),
    jumpMeanCountPerMonth: jumpsPerMonth,
    expMinusJumpMeanCount: Math.exp(-jumpsPerMonth),
    jumpMeanLog: spec.jumpMeanLog,
    jumpSdLog: spec.jumpSdLog,
    bullDriftPerMonth: 0,
    bullVolPerMonth: 0,
    bearDriftPerMonth: 0,
    bearVolPerMonth: 0,
    bullToBearProbability: 0,
    bearToBullProbability: 0,
    startBullProbability: 1,
    logReturns: new Float64Array(0),
    blockMonths: 1,
  };
  if (spec.model === 'regimes') {
    const r = spec.regimes;
    if (!r) throw new Error('market.price.regimes is missing (the scenario was not validated by parseScenario)');
    params.bullDriftPerMonth = (r.bull.driftPerYear - 0.5 * r.bull.volatilityPerYear ** 2) * DT_YEARS;
    params.bullVolPerMonth = r.bull.volatilityPerYear * Math.sqrt(DT_YEARS);
    params.bearDriftPerMonth = (r.bear.driftPerYear - 0.5 * r.bear.volatilityPerYear ** 2) * DT_YEARS;
    params.bearVolPerMonth = r.bear.volatilityPerYear * Math.sqrt(DT_YEARS);
    params.bullToBearProbability = r.bullToBearPerMonth;
    params.bearToBullProbability = r.bearToBullPerMonth;
    params.startBullProbability =
      r.start === 'bull' ? 1 : r.start === 'bear' ? 0 : r.bearToBullPerMonth / (r.bullToBearPerMonth + r.bearToBullPerMonth);
  }
  if (spec.model === 'bootstrap') {
    const window = spec.bootstrap as NonNullable<PriceSpec['bootstrap']>;
    const history = historyFor(spec, inputs);
    const shift = window.demean ? demeanShift(history.logReturns, spec.driftPerYear) : 0;
    params.logReturns = history.logReturns.map((r) => r + shift);
    params.blockMonths = window.blockMonths;
  }
  return params;
}

/**
 * Writes ln price of months 0 .. months - 1 into `logPriceOut` (month m = the state at the start of
 * month m) and, for model regimes, 1 into `bearOut[m]` when month m's step runs in the bear regime.
 * `priceShockScale` is the Cholesky factor's [0][0] (the price shock z = L e starts with it).
 * Reads only its own slots of the draws; allocates nothing.
 */
export function simulateLogPrice(
  p: PriceParams,
  months: number,
  normals: Float64Array,
  uniforms: Float64Array,
  layout: PriceDrawLayout,
  priceShockScale: number,
  logPriceOut: Float64Array,
  bearOut: Uint8Array,
): void {
  const normalsPerMonth = layout.normalsPerMonth;
  const uniformsPerMonth = layout.uniformsPerMonth;
  const shock = layout.shock;
  const modelUniform = layout.modelUniform;
  let logPrice = p.logPrice0;

  if (p.model === PRICE_MODEL_DIFFUSION) {
    const jumpSize = layout.jumpSize;
    const jumpCount = layout.jumpCount;
    for (let m = 0; m < months; m++) {
      logPriceOut[m] = logPrice;
      const n0 = m * normalsPerMonth;
      const jumps = p.jumpMeanCountPerMonth > 0 ? poissonFromUniform(p.jumpMeanCountPerMonth, p.expMinusJumpMeanCount, uniforms[m * uniformsPerMonth + jumpCount]) : 0;
      logPrice += p.driftPerMonth + p.volPerMonth * (priceShockScale * normals[n0 + shock]);
      // A sum of n normal jumps is one normal with n times the mean and variance.
      if (jumps > 0) logPrice += jumps * p.jumpMeanLog + Math.sqrt(jumps) * p.jumpSdLog * normals[n0 + jumpSize];
    }
    return;
  }

  if (p.model === PRICE_MODEL_REGIMES) {
    // Month m's uniform decides month m's regime: month 0 from the start distribution, later
    // months by the switch probabilities from the month before. GBM within the regime, driven by
    // the same correlated price shock as merton/gbm.
    const bullToBear = p.bullToBearProbability;
    const bearToBull = p.bearToBullProbability;
    let bear = uniforms[modelUniform] < p.startBullProbability ? 0 : 1;
    for (let m = 0; m < months; m++) {
      if (m > 0) {
        const u = uniforms[m * uniformsPerMonth + modelUniform];
        bear = bear ? (u < bearToBull ? 0 : 1) : u < bullToBear ? 1 : 0;
      }
      logPriceOut[m] = logPrice;
      bearOut[m] = bear;
      const z = priceShockScale * normals[m * normalsPerMonth + shock];
      logPrice += bear ? p.bearDriftPerMonth + p.bearVolPerMonth * z : p.bullDriftPerMonth + p.bullVolPerMonth * z;
    }
    return;
  }

  if (p.model === PRICE_MODEL_CUSTOM) throw new Error('market.price.model is custom, but no price process was loaded: the runner loads it (runners/processModule.ts) and compileModel takes it');

  // Circular block bootstrap (Politis & Romano 1992): blocks of blockMonths consecutive historical
  // returns, each starting at a uniformly drawn month of the window and wrapping from its end to its
  // start, so every month of a trial draws each historical return with probability 1/N and the
  // expected return is exactly the window's mean. Blocks start at months 0, L, 2L, ...; every month
  // consumes its uniform, only a block's first month reads it.
  const returns = p.logReturns;
  const count = returns.length;
  const blockMonths = p.blockMonths;
  let index = 0;
  let left = 0;
  for (let m = 0; m < months; m++) {
    logPriceOut[m] = logPrice;
    if (left === 0) {
      index = Math.floor(uniforms[m * uniformsPerMonth + modelUniform] * count);
      left = blockMonths;
    } else {
      index = index + 1 === count ? 0 : index + 1;
    }
    left--;
    logPrice += returns[index];
  }
}
