// Maximum-likelihood fit of the two-regime Markov-switching price model (market.price.model:
// regimes): in the month's regime k the log return is N((mu_k - sigma_k^2/2) dt, sigma_k^2 dt), and
// the regime follows a two-state Markov chain with monthly switch probabilities, started from its
// stationary distribution, as engine/priceModel.ts simulates it. The likelihood is Hamilton's
// (1989) filter; Nelder-Mead maximises it from several starts; standard errors come from the
// inverse observed information, mapped to the reported parameters by the delta method. Pure.
import { CalibrationError } from './calibrationError.js';
import type { Fit } from './calibration.js';
import { nelderMead } from './nelderMead.js';
import { inverseInformation } from './observedInformation.js';
import type { PriceSpec } from '../scenarios/schema.js';

export type RegimesParameter = 'bullDriftPerYear' | 'bullVolatilityPerYear' | 'bearDriftPerYear' | 'bearVolatilityPerYear' | 'bullToBearPerStep' | 'bearToBullPerStep';

export interface RegimesFit extends Fit<RegimesParameter> {
  readonly model: 'regimes';
  /** Log-likelihood of the GBM fit to the same data (the nested one-regime model). */
  readonly gbmLogLikelihood: number;
}

const LOG_TWO_PI = Math.log(2 * Math.PI);
const NAMES: readonly RegimesParameter[] = ['bullDriftPerYear', 'bearDriftPerYear', 'bullVolatilityPerYear', 'bearVolatilityPerYear', 'bullToBearPerStep', 'bearToBullPerStep'];
const COORDINATES = ['bull log drift', 'bear log drift', 'ln bull volatility', 'ln bear volatility', 'logit bull-to-bear', 'logit bear-to-bull'];

const logistic = (z: number) => 1 / (1 + Math.exp(-z));
const logit = (p: number) => Math.log(p / (1 - p));

/**
 * Coordinates x: [a_bull, a_bear, ln sigma_bull, ln sigma_bear, logit p, logit q] with a_k the log
 * drift per year (mu_k - sigma_k^2/2), p = P(bull -> bear), q = P(bear -> bull) per step.
 */
function negativeLogLikelihood(r: Float64Array, dtYears: number, x: Float64Array): number {
  const sigma1 = Math.exp(x[2]);
  const sigma2 = Math.exp(x[3]);
  const p = logistic(x[4]);
  const q = logistic(x[5]);
  // Plausibility box: volatilities from 1e-4 to 20 per year, switch probabilities from 1e-4 to 1 - 1e-4.
  if (!(sigma1 > 1e-4 && sigma1 < 20 && sigma2 > 1e-4 && sigma2 < 20 && p > 1e-4 && p < 1 - 1e-4 && q > 1e-4 && q < 1 - 1e-4) || Math.abs(x[0]) > 1e3 || Math.abs(x[1]) > 1e3) return Infinity;
  const m1 = x[0] * dtYears;
  const m2 = x[1] * dtYears;
  const v1 = sigma1 * sigma1 * dtYears;
  const v2 = sigma2 * sigma2 * dtYears;
  const c1 = -0.5 * (LOG_TWO_PI + Math.log(v1));
  const c2 = -0.5 * (LOG_TWO_PI + Math.log(v2));
  // Predicted probability of bull for the first step: the stationary share q / (p + q).
  let bull = q / (p + q);
  let total = 0;
  for (let t = 0; t < r.length; t++) {
    const l1 = c1 - ((r[t] - m1) ** 2) / (2 * v1);
    const l2 = c2 - ((r[t] - m2) ** 2) / (2 * v2);
    const top = Math.max(l1, l2);
    const w1 = bull * Math.exp(l1 - top);
    const w2 = (1 - bull) * Math.exp(l2 - top);
    const sum = w1 + w2;
    total += top + Math.log(sum);
    const posterior = w1 / sum;
    bull = posterior * (1 - p) + (1 - posterior) * q;
  }
  return -total;
}

/**
 * MLE of the regimes model from log prices at step dtYears; the regime with the higher drift is
 * called bull. Throws a CalibrationError when the two regimes are not told apart (the information
 * matrix is singular: one regime fits as well) or fewer than 30 increments are given.
 */
export function fitRegimes(logPrices: ArrayLike<number>, dtYears: number): RegimesFit {
  if (!(dtYears > 0)) throw new CalibrationError(`fitRegimes: dtYears must be positive, got ${dtYears}`);
  const n = logPrices.length - 1;
  if (n < 30) throw new CalibrationError(`fitRegimes: needs at least 31 observations (30 increments) to tell two regimes apart, got ${logPrices.length}`);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    r[i] = logPrices[i + 1] - logPrices[i];
    if (!Number.isFinite(r[i])) throw new CalibrationError(`fitRegimes: log price ${i} or ${i + 1} is not finite`);
  }
  let mean = 0;
  for (const x of r) mean += x;
  mean /= n;
  let variance = 0;
  for (const x of r) variance += (x - mean) ** 2;
  variance /= n;
  const sd = Math.sqrt(variance / dtYears);
  const logDrift = mean / dtYears;
  const gbmLogLikelihood = -0.5 * n * (LOG_TWO_PI + Math.log(variance) + 1);
  const f = (x: Float64Array) => negativeLogLikelihood(r, dtYears, x);

  // Starts: regimes a few standard deviations of the drift apart, calm and wild, persistent or not.
  const starts: Float64Array[] = [];
  for (const spread of [0.5, 1, 2]) {
    for (const [volBull, volBear] of [[1, 1], [0.7, 1.3], [1.3, 0.7]]) {
      for (const stay of [0.9, 0.7]) {
        starts.push(Float64Array.from([logDrift + spread * sd, logDrift - spread * sd, Math.log(sd * volBull), Math.log(sd * volBear), logit(1 - stay), logit(1 - stay)]));
      }
    }
  }
  const steps = Float64Array.from([sd, sd, 0.3, 0.3, 1, 1]);
  let best: { x: Float64Array; value: number } | null = null;
  for (const start of starts) {
    const result = nelderMead(f, start, steps, { maxEvaluations: 3000 });
    if (best === null || result.value < best.value) best = result;
  }
  for (let round = 0; round < 5 && best !== null; round++) {
    const result = nelderMead(f, best.x, steps.map((s) => s * 0.1), { maxEvaluations: 3000 });
    const improved = best.value - result.value > 1e-9;
    if (result.value < best.value) best = result;
    if (!improved) break;
  }
  if (best === null || !Number.isFinite(best.value)) throw new CalibrationError('fitRegimes: no start gave a finite log-likelihood');
  let x = best.x;
  // Label the regimes: bull is the one with the higher drift mu = a + sigma^2 / 2.
  const mu = (a: number, lnSigma: number) => a + Math.exp(2 * lnSigma) / 2;
  if (mu(x[1], x[3]) > mu(x[0], x[2])) x = Float64Array.from([x[1], x[0], x[3], x[2], x[5], x[4]]);
  const covariance = inverseInformation(f, x, 'fitRegimes', COORDINATES);

  const [s1, s2, p, q] = [Math.exp(x[2]), Math.exp(x[3]), logistic(x[4]), logistic(x[5])];
  const estimates: Record<RegimesParameter, number> = {
    bullDriftPerYear: mu(x[0], x[2]),
    bearDriftPerYear: mu(x[1], x[3]),
    bullVolatilityPerYear: s1,
    bearVolatilityPerYear: s2,
    bullToBearPerStep: p,
    bearToBullPerStep: q,
  };
  // Jacobian d(reported)/d(coordinates), rows in NAMES order.
  const jacobian = [
    [1, 0, s1 * s1, 0, 0, 0],
    [0, 1, 0, s2 * s2, 0, 0],
    [0, 0, s1, 0, 0, 0],
    [0, 0, 0, s2, 0, 0],
    [0, 0, 0, 0, p * (1 - p), 0],
    [0, 0, 0, 0, 0, q * (1 - q)],
  ];
  const standardErrors = {} as Record<RegimesParameter, number>;
  NAMES.forEach((name, row) => {
    let v = 0;
    for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) v += jacobian[row][a] * covariance[a * 6 + b] * jacobian[row][b];
    standardErrors[name] = Math.sqrt(Math.max(v, 0));
  });
  return { model: 'regimes', estimates, standardErrors, observations: n, dtYears, logLikelihood: -best.value, gbmLogLikelihood };
}

/** A scenario's regimes block (market.price.regimes) as the fit's parameters, monthly steps. */
export function regimesParameters(r: Pick<NonNullable<PriceSpec['regimes']>, 'bull' | 'bear' | 'bullToBearPerMonth' | 'bearToBullPerMonth'>): Record<RegimesParameter, number> {
  return {
    bullDriftPerYear: r.bull.driftPerYear,
    bullVolatilityPerYear: r.bull.volatilityPerYear,
    bearDriftPerYear: r.bear.driftPerYear,
    bearVolatilityPerYear: r.bear.volatilityPerYear,
    bullToBearPerStep: r.bullToBearPerMonth,
    bearToBullPerStep: r.bearToBullPerMonth,
  };
}

/** The log-likelihood of increments under given regimes parameters (for tests and comparisons). */
export function regimesLogLikelihood(logPrices: ArrayLike<number>, dtYears: number, e: Readonly<Record<RegimesParameter, number>>): number {
  const n = logPrices.length - 1;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = logPrices[i + 1] - logPrices[i];
  const x = Float64Array.from([
    e.bullDriftPerYear - e.bullVolatilityPerYear ** 2 / 2,
    e.bearDriftPerYear - e.bearVolatilityPerYear ** 2 / 2,
    Math.log(e.bullVolatilityPerYear),
    Math.log(e.bearVolatilityPerYear),
    logit(e.bullToBearPerStep),
    logit(e.bearToBullPerStep),
  ]);
  return -negativeLogLikelihood(r, dtYears, x);
}
