// Calibration: maximum-likelihood fits of the market processes of MODEL.md section 2 to log
// observations taken at a fixed step dtYears (1/12 monthly, 1/365 daily), each with standard
// errors. Pure: arrays in, numbers out; loading the history is runners/history.ts's job.
//
// Standard errors are asymptotic: exact closed forms for GBM, OLS covariance plus the delta method
// for the log-OU and hashrate regressions, and the inverse observed information (numerical
// Hessian of the log-likelihood) for Merton. They assume the model is right; real series with
// regime changes make them optimistic.
import { CalibrationError } from './calibrationError.js';
import { nelderMead } from './nelderMead.js';
import { inverseInformation } from './observedInformation.js';

export { CalibrationError };

export interface Fit<Parameter extends string> {
  readonly estimates: Readonly<Record<Parameter, number>>;
  /** One asymptotic standard error per estimate, in the estimate's units. */
  readonly standardErrors: Readonly<Record<Parameter, number>>;
  /** Number of increments (transitions) the likelihood is built from. */
  readonly observations: number;
  readonly dtYears: number;
  /** Maximised log-likelihood of the increments (conditional on the first observation). */
  readonly logLikelihood: number;
}

export type GbmParameter = 'driftPerYear' | 'volatilityPerYear' | 'logDriftPerYear';
export type MertonParameter = 'driftPerYear' | 'volatilityPerYear' | 'jumpsPerYear' | 'jumpMeanLog' | 'jumpSdLog';
export type LogOuParameter = 'mean' | 'logMean' | 'reversionPerYear' | 'volatilityPerYear';
export type HashrateParameter = 'growthPerYear' | 'responsePerYear' | 'volatilityPerYear';

export interface GbmFit extends Fit<GbmParameter> {
  readonly model: 'gbm';
}
export interface MertonFit extends Fit<MertonParameter> {
  readonly model: 'merton';
  /** Starts tried by Nelder-Mead and the evaluations spent, for reports. */
  readonly starts: number;
  readonly evaluations: number;
  /**
   * Parameters the likelihood pushed to the edge of their range and that were then held there:
   * 'jumpSdLog' = 0 means jumps of one fixed size fit best. Their standard error is reported as 0:
   * it is not defined on a boundary.
   */
  readonly atBoundary: readonly MertonParameter[];
  /** Log-likelihood of the GBM fit to the same data (nested: lambda = 0), for a likelihood-ratio view. */
  readonly gbmLogLikelihood: number;
}
export interface LogOuFit extends Fit<LogOuParameter> {
  readonly model: 'logOu';
}
export interface HashrateFit extends Fit<HashrateParameter> {
  readonly model: 'hashrate';
  readonly responseLagMonths: number;
}

const LOG_TWO_PI = Math.log(2 * Math.PI);

function checkStep(fitName: string, dtYears: number): void {
  if (!(dtYears > 0) || !Number.isFinite(dtYears)) throw new CalibrationError(`${fitName}: dtYears must be a positive number of years, got ${dtYears}`);
}

/** Rejects non-finite entries (a log of 0 or of a missing value) with the offending index. */
function checkFinite(fitName: string, argument: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new CalibrationError(`${fitName}: ${argument}[${i}] is ${values[i]}; every value must be a finite log`);
  }
}

function increments(fitName: string, logValues: ArrayLike<number>, minIncrements: number): Float64Array {
  checkFinite(fitName, 'log series', logValues);
  const n = logValues.length - 1;
  if (n < minIncrements) {
    throw new CalibrationError(`${fitName}: needs at least ${minIncrements + 1} observations (${minIncrements} increments), got ${logValues.length}`);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = logValues[i + 1] - logValues[i];
  return out;
}

// ---------------------------------------------------------------------------------------------
// GBM: ln S(t+dt) - ln S(t) ~ N((mu - sigma^2/2) dt, sigma^2 dt), i.i.d.

/**
 * Closed-form MLE of geometric Brownian motion. `driftPerYear` is mu, the drift of the price
 * (E[S(t)] = S(0) e^{mu t}), as MODEL.md uses it; `logDriftPerYear` is mu - sigma^2/2, the mean
 * log return per year. The variance is the MLE (divide by n) so that the log-likelihood matches.
 * Exact standard errors: sd(log drift) = sigma / sqrt(n dt), sd(sigma) = sigma / sqrt(2n)
 * (asymptotic), independent; mu's by the delta method.
 */
export function fitGbm(logPrices: ArrayLike<number>, dtYears: number): GbmFit {
  checkStep('fitGbm', dtYears);
  const r = increments('fitGbm', logPrices, 2);
  const n = r.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += r[i];
  mean /= n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (r[i] - mean) ** 2;
  const variance = squares / n;
  if (!(variance > 0)) throw new CalibrationError('fitGbm: every increment is the same; the volatility is not identified');
  const sigma = Math.sqrt(variance / dtYears);
  const logDrift = mean / dtYears;
  const logDriftSe = sigma / Math.sqrt(n * dtYears);
  const sigmaSe = sigma / Math.sqrt(2 * n);
  const mu = logDrift + variance / dtYears / 2;
  // d mu = d logDrift + sigma d sigma; the two estimators are independent for Gaussian data.
  const muSe = Math.sqrt(logDriftSe ** 2 + (sigma * sigmaSe) ** 2);
  return {
    model: 'gbm',
    estimates: { driftPerYear: mu, volatilityPerYear: sigma, logDriftPerYear: logDrift },
    standardErrors: { driftPerYear: muSe, volatilityPerYear: sigmaSe, logDriftPerYear: logDriftSe },
    observations: n,
    dtYears,
    logLikelihood: -0.5 * n * (LOG_TWO_PI + Math.log(variance) + 1),
  };
}

// ---------------------------------------------------------------------------------------------
// Merton jump-diffusion (MODEL.md section 2):
//   ln S(t+dt) = ln S(t) + (mu - sigma^2/2 - lambda k) dt + sigma sqrt(dt) z + sum_{i<N} Y_i,
//   N ~ Poisson(lambda dt), Y ~ N(muJ, sigmaJ^2), k = exp(muJ + sigmaJ^2/2) - 1.
// Given N = j the increment is normal, so its density is a Poisson mixture of normals.

export interface MertonParameters {
  driftPerYear: number;
  volatilityPerYear: number;
  jumpsPerYear: number;
  jumpMeanLog: number;
  jumpSdLog: number;
}

/** "Truncate the sum at ~10 jumps", but never below lambda dt + 10 sd of the Poisson count. */
const MIN_JUMP_TERMS = 10;
/** Terms whose Poisson weight is below e^-40 (~4e-18) of the largest one are negligible. */
const NEGLIGIBLE_LOG_WEIGHT = -40;

/**
 * Optimisation coordinates: a = continuous-part log drift per year (mu - sigma^2/2 - lambda k),
 * then ln sigma, ln lambda, muJ, ln sigmaJ. Logs keep the positive parameters positive without
 * bounds; a decouples the mean of the n = 0 component from the jump terms, which makes the
 * surface far rounder for Nelder-Mead than mu itself.
 */
type Coordinates = Float64Array;

function mertonFromCoordinates(x: Coordinates): MertonParameters {
  const sigma = Math.exp(x[1]);
  const lambda = Math.exp(x[2]);
  const sigmaJ = Math.exp(x[4]);
  const k = Math.exp(x[3] + (sigmaJ * sigmaJ) / 2) - 1;
  return { driftPerYear: x[0] + (sigma * sigma) / 2 + lambda * k, volatilityPerYear: sigma, jumpsPerYear: lambda, jumpMeanLog: x[3], jumpSdLog: sigmaJ };
}

function coordinatesFromMerton(p: MertonParameters): Coordinates {
  const k = Math.exp(p.jumpMeanLog + (p.jumpSdLog * p.jumpSdLog) / 2) - 1;
  const a = p.driftPerYear - (p.volatilityPerYear * p.volatilityPerYear) / 2 - p.jumpsPerYear * k;
  return Float64Array.from([a, Math.log(p.volatilityPerYear), Math.log(p.jumpsPerYear), p.jumpMeanLog, Math.log(p.jumpSdLog)]);
}

const MAX_JUMPS_PER_STEP = 5;

/** Plausibility box in coordinates; outside it the likelihood is treated as -infinity. */
function insideBox(x: Coordinates, dtYears: number): boolean {
  return (
    Math.abs(x[0]) < 1e3 &&
    x[1] > Math.log(1e-6) && x[1] < Math.log(50) &&
    // At most MAX_JUMPS_PER_STEP jumps per step on average: a sum of that many small jumps is
    // already close to normal, so beyond it jumps and diffusion are not told apart.
    x[2] > Math.log(1e-8) && x[2] < Math.log(MAX_JUMPS_PER_STEP / dtYears) &&
    Math.abs(x[3]) < 10 &&
    // -Infinity is sigmaJ = 0 exactly: jumps of one size, used when sigmaJ is held at its boundary.
    (x[4] === -Infinity || (x[4] > Math.log(1e-6) && x[4] < Math.log(10)))
  );
}

function mertonLogLikelihoodAt(r: Float64Array, dtYears: number, x: Coordinates, scratch: { weights: Float64Array; means: Float64Array; variances: Float64Array; terms: Float64Array }): number {
  if (!insideBox(x, dtYears)) return -Infinity;
  const sigma2dt = Math.exp(2 * x[1]) * dtYears;
  const lambdaDt = Math.exp(x[2]) * dtYears;
  const muJ = x[3];
  const sigmaJ2 = Math.exp(2 * x[4]);
  const baseMean = x[0] * dtYears;
  const logLambdaDt = Math.log(lambdaDt);
  const maxTerms = Math.min(scratch.weights.length, Math.max(MIN_JUMP_TERMS, Math.ceil(lambdaDt + 10 * Math.sqrt(lambdaDt))) + 1);
  const modeLogWeight = logPoisson(Math.floor(lambdaDt), lambdaDt, logLambdaDt);
  let terms = 0;
  for (let j = 0; j < maxTerms; j++) {
    const logWeight = logPoisson(j, lambdaDt, logLambdaDt);
    if (j > lambdaDt && logWeight < modeLogWeight + NEGLIGIBLE_LOG_WEIGHT) break;
    const variance = sigma2dt + j * sigmaJ2;
    scratch.weights[j] = logWeight - 0.5 * (LOG_TWO_PI + Math.log(variance));
    scratch.means[j] = baseMean + j * muJ;
    scratch.variances[j] = 1 / (2 * variance);
    terms++;
  }
  let total = 0;
  const t = scratch.terms;
  for (let i = 0; i < r.length; i++) {
    // log-sum-exp over the jump counts, shifted by the largest term so that no exp underflows.
    let max = -Infinity;
    for (let j = 0; j < terms; j++) {
      const d = r[i] - scratch.means[j];
      t[j] = scratch.weights[j] - d * d * scratch.variances[j];
      if (t[j] > max) max = t[j];
    }
    let sum = 0;
    for (let j = 0; j < terms; j++) sum += Math.exp(t[j] - max);
    total += max + Math.log(sum);
  }
  return total;
}

function logPoisson(j: number, mean: number, logMean: number): number {
  let logFactorial = 0;
  for (let i = 2; i <= j; i++) logFactorial += Math.log(i);
  return -mean + j * logMean - logFactorial;
}

/** Per-fit buffers for the mixture terms (at most lambda dt + 10 sd + 1 <= 29 terms in the box). */
function mertonScratch() {
  const size = 256;
  return { weights: new Float64Array(size), means: new Float64Array(size), variances: new Float64Array(size), terms: new Float64Array(size) };
}

/**
 * Log-likelihood of the increments of `logPrices` under Merton with the given parameters
 * (jumpsPerYear > 0, volatilityPerYear > 0, jumpSdLog >= 0); -Infinity outside the plausibility box.
 */
export function mertonLogLikelihood(logPrices: ArrayLike<number>, dtYears: number, parameters: MertonParameters): number {
  checkStep('mertonLogLikelihood', dtYears);
  if (!(parameters.jumpsPerYear > 0 && parameters.volatilityPerYear > 0 && parameters.jumpSdLog >= 0)) {
    throw new CalibrationError(`mertonLogLikelihood: needs jumpsPerYear > 0, volatilityPerYear > 0, jumpSdLog >= 0 (use fitGbm's likelihood for no jumps)`);
  }
  const r = increments('mertonLogLikelihood', logPrices, 1);
  return mertonLogLikelihoodAt(r, dtYears, coordinatesFromMerton(parameters), mertonScratch());
}

const MERTON_NAMES: readonly MertonParameter[] = ['driftPerYear', 'volatilityPerYear', 'jumpsPerYear', 'jumpMeanLog', 'jumpSdLog'];
const COORDINATE_NAMES = ['continuous log drift', 'ln volatility', 'ln jumps per year', 'jump mean', 'ln jump sd'];

/**
 * MLE of the Merton jump-diffusion from the Poisson mixture density of the log increments,
 * maximised by Nelder-Mead from several starts (the GBM fit with almost no jumps, and a grid of
 * jump rates and sizes), the best polished by restarts. Standard errors: inverse of the observed
 * information (central-difference Hessian in the optimisation coordinates), mapped to the
 * reported parameters by the delta method.
 *
 * Jumps are only identified when the data have tails a normal cannot explain; on near-Gaussian
 * data the jump rate goes to 0 and this throws a CalibrationError (use fitGbm). When the best fit
 * has jumps of a single size (sigmaJ -> 0), sigmaJ is held at 0, the rest refitted, and
 * `atBoundary` lists it.
 */
export function fitMerton(logPrices: ArrayLike<number>, dtYears: number): MertonFit {
  checkStep('fitMerton', dtYears);
  // Five parameters of a mixture: fewer increments than this cannot separate jumps from noise.
  const r = increments('fitMerton', logPrices, 30);
  const gbm = fitGbm(logPrices, dtYears);
  const sigma = gbm.estimates.volatilityPerYear;
  const stepSd = sigma * Math.sqrt(dtYears);
  const scratch = mertonScratch();
  const negLogLik = (x: Coordinates) => -mertonLogLikelihoodAt(r, dtYears, x, scratch);

  const starts: Coordinates[] = [
    // The GBM fit with a negligible jump rate.
    Float64Array.from([gbm.estimates.logDriftPerYear, Math.log(sigma), Math.log(1e-3), 0, Math.log(2 * stepSd)]),
  ];
  for (const lambda of [1, 4, 16]) {
    for (const jumpSdInSteps of [2, 4]) {
      const sigmaJ = jumpSdInSteps * stepSd;
      // The diffusion carries what the jumps do not: variance sigma^2 - lambda sigmaJ^2, floored.
      const diffusionVariance = Math.max(0.25 * sigma * sigma, sigma * sigma - lambda * sigmaJ * sigmaJ);
      starts.push(Float64Array.from([gbm.estimates.logDriftPerYear, 0.5 * Math.log(diffusionVariance), Math.log(lambda), 0, Math.log(sigmaJ)]));
    }
  }
  // Initial simplex edges: one standard error of the drift, ~30% in the scales, x2 in the jump rate.
  const steps = Float64Array.from([Math.max(gbm.standardErrors.logDriftPerYear, 1e-3), 0.3, 0.7, 0.5 * stepSd, 0.3]);

  let evaluations = 0;
  let best: { x: Coordinates; value: number } | null = null;
  for (const start of starts) {
    const result = nelderMead(negLogLik, start, steps, { maxEvaluations: 4000 });
    evaluations += result.evaluations;
    if (best === null || result.value < best.value) best = result;
  }
  // Polish: restart from the best point with a fresh simplex until it stops improving, the usual
  // guard against Nelder-Mead stalling on a collapsed simplex.
  for (let round = 0; round < 5 && best !== null; round++) {
    const result = nelderMead(negLogLik, best.x, steps.map((s) => s * 0.1), { maxEvaluations: 4000 });
    evaluations += result.evaluations;
    const improved = best.value - result.value > 1e-9;
    if (result.value < best.value) best = result;
    if (!improved) break;
  }
  if (best === null || !Number.isFinite(best.value)) throw new CalibrationError('fitMerton: no start gave a finite log-likelihood');

  const describe = (q: MertonParameters) =>
    `optimum: sigma ${q.volatilityPerYear.toPrecision(3)}/yr, lambda ${q.jumpsPerYear.toPrecision(3)}/yr, muJ ${q.jumpMeanLog.toPrecision(3)}, sigmaJ ${q.jumpSdLog.toPrecision(3)}`;
  // Where the likelihood runs to an edge, some parameter is not identified:
  // - no jumps (lambda -> 0): muJ and sigmaJ mean nothing; the answer is GBM;
  // - jumps as frequent as the box allows: many tiny jumps are a second diffusion; GBM again;
  // - jumps of one size (sigmaJ -> 0; the likelihood is flat there because sigma^2 dt dominates
  //   sigmaJ^2): a legitimate Merton model, so sigmaJ is held at 0, the other four refitted, and
  //   atBoundary says so.
  const checkJumpRate = (y: Coordinates) => {
    const lambda = Math.exp(y[2]);
    if (lambda < 1e-2) {
      throw new CalibrationError(`fitMerton: the jump rate went to 0 (${describe(mertonFromCoordinates(y))}): these data show no jumps beyond the diffusion; use fitGbm`);
    }
    if (lambda * dtYears > 0.9 * MAX_JUMPS_PER_STEP) {
      throw new CalibrationError(
        `fitMerton: the jump rate ran to the limit of ${MAX_JUMPS_PER_STEP} jumps per step (${describe(mertonFromCoordinates(y))}): the jumps are not told apart from the diffusion; use fitGbm`,
      );
    }
  };
  checkJumpRate(best.x);
  const atBoundary: MertonParameter[] = [];
  let x = best.x;
  let value = best.value;
  let dimensions = 5;
  let objective = negLogLik;
  if (Math.exp(best.x[4]) < 0.01 * stepSd) {
    atBoundary.push('jumpSdLog');
    dimensions = 4;
    const full = new Float64Array(5);
    full[4] = -Infinity;
    objective = (y: Float64Array) => {
      full.set(y);
      return negLogLik(full);
    };
    let reduced = nelderMead(objective, best.x.subarray(0, 4), steps.subarray(0, 4).map((h) => h * 0.1), { maxEvaluations: 4000 });
    evaluations += reduced.evaluations;
    const again = nelderMead(objective, reduced.x, steps.subarray(0, 4).map((h) => h * 0.01), { maxEvaluations: 4000 });
    evaluations += again.evaluations;
    if (again.value < reduced.value) reduced = again;
    x = Float64Array.from([...reduced.x, -Infinity]);
    value = reduced.value;
    checkJumpRate(x);
  }
  const p = mertonFromCoordinates(x);
  let covariance: Float64Array;
  try {
    covariance = inverseInformation(objective, x.subarray(0, dimensions), 'fitMerton', COORDINATE_NAMES);
  } catch (error) {
    if (error instanceof CalibrationError) throw new CalibrationError(`${error.message} (${describe(p)}); use fitGbm`);
    throw error;
  }
  const k = Math.exp(p.jumpMeanLog + (p.jumpSdLog * p.jumpSdLog) / 2) - 1;
  // Jacobian d(reported)/d(coordinates), rows in MERTON_NAMES order; mu = a + sigma^2/2 + lambda k.
  const jacobian = [
    [1, p.volatilityPerYear ** 2, p.jumpsPerYear * k, p.jumpsPerYear * (1 + k), p.jumpsPerYear * (1 + k) * p.jumpSdLog ** 2],
    [0, p.volatilityPerYear, 0, 0, 0],
    [0, 0, p.jumpsPerYear, 0, 0],
    [0, 0, 0, 1, 0],
    [0, 0, 0, 0, p.jumpSdLog],
  ];
  const standardErrors = {} as Record<MertonParameter, number>;
  MERTON_NAMES.forEach((name, row) => {
    let variance = 0;
    for (let a = 0; a < dimensions; a++) for (let b = 0; b < dimensions; b++) variance += jacobian[row][a] * covariance[a * dimensions + b] * jacobian[row][b];
    // A parameter held at its boundary has no sampling variance in this fit (see atBoundary).
    standardErrors[name] = atBoundary.includes(name) ? 0 : Math.sqrt(Math.max(variance, 0));
  });
  return {
    model: 'merton',
    estimates: { ...p },
    standardErrors,
    observations: r.length,
    dtYears,
    logLikelihood: -value,
    starts: starts.length,
    evaluations,
    atBoundary,
    gbmLogLikelihood: gbm.logLikelihood,
  };
}

// ---------------------------------------------------------------------------------------------
// Least squares with an intercept and one regressor: y = b0 + b1 x + e.

interface LineFit {
  intercept: number;
  slope: number;
  /** Covariance of (intercept, slope): residual variance (MLE, / n) times (X'X)^-1. */
  varIntercept: number;
  varSlope: number;
  covInterceptSlope: number;
  residualVariance: number;
  n: number;
}

function fitLine(fitName: string, x: ArrayLike<number>, y: ArrayLike<number>, regressorName: string): LineFit {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  // Relative test: a regressor constant up to rounding has no information about the slope.
  if (!(sxx > 1e-24 * Math.max(1, mx * mx) * n)) throw new CalibrationError(`${fitName}: ${regressorName} does not vary; its coefficient is not identified`);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - intercept - slope * x[i]) ** 2;
  const residualVariance = rss / n;
  if (!(residualVariance > 0)) throw new CalibrationError(`${fitName}: the regression fits exactly; the volatility is not identified`);
  return {
    intercept,
    slope,
    varSlope: residualVariance / sxx,
    varIntercept: residualVariance * (1 / n + (mx * mx) / sxx),
    covInterceptSlope: (-residualVariance * mx) / sxx,
    residualVariance,
    n,
  };
}

// ---------------------------------------------------------------------------------------------
// Log-OU: d ln X = kappa (m - ln X) dt + sigma dW. Exact discretisation (MODEL.md's energy and fee
// processes): ln X(t+dt) = m (1 - b) + b ln X(t) + e, b = e^{-kappa dt},
// Var e = sigma^2 (1 - b^2) / (2 kappa). OLS on this AR(1) is the conditional MLE.

/**
 * Fits a log-OU process by the exact AR(1) regression. `logMean` is m, the long-run level of the
 * log; `mean` = exp(m), the level MODEL.md's Ebar denotes (the stationary median, not the mean).
 * Standard errors by the delta method from the OLS covariance of (intercept, b) and
 * Var(residual variance) = 2 s^4 / n, independent of the coefficients.
 * Throws when b is outside (0, 1): no mean reversion (b >= 1) or an oscillating series (b <= 0).
 */
export function fitLogOu(logValues: ArrayLike<number>, dtYears: number): LogOuFit {
  checkStep('fitLogOu', dtYears);
  checkFinite('fitLogOu', 'logValues', logValues);
  const n = logValues.length - 1;
  if (n < 4) throw new CalibrationError(`fitLogOu: needs at least 5 observations, got ${logValues.length}`);
  const previous = new Float64Array(n);
  const next = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    previous[i] = logValues[i];
    next[i] = logValues[i + 1];
  }
  const line = fitLine('fitLogOu', previous, next, 'the series');
  const b = line.slope;
  if (!(b > 0 && b < 1)) {
    throw new CalibrationError(
      `fitLogOu: the AR(1) coefficient is ${b.toFixed(4)} (must be in (0, 1)): ${b >= 1 ? 'no mean reversion in this window' : 'the series oscillates step to step'}; a log-OU does not describe it`,
    );
  }
  const s2 = line.residualVariance;
  const kappa = -Math.log(b) / dtYears;
  const logMean = line.intercept / (1 - b);
  const sigma = Math.sqrt((2 * kappa * s2) / (1 - b * b));
  // Gradients of (kappa, m, sigma) with respect to (intercept, b, s2).
  const dKappaDb = -1 / (b * dtYears);
  const dMeanDIntercept = 1 / (1 - b);
  const dMeanDb = line.intercept / (1 - b) ** 2;
  const dSigmaDb = (sigma / 2) * (dKappaDb / kappa + (2 * b) / (1 - b * b));
  const dSigmaDs2 = sigma / (2 * s2);
  const varS2 = (2 * s2 * s2) / n;
  const kappaSe = Math.abs(dKappaDb) * Math.sqrt(line.varSlope);
  const logMeanSe = Math.sqrt(
    dMeanDIntercept ** 2 * line.varIntercept + 2 * dMeanDIntercept * dMeanDb * line.covInterceptSlope + dMeanDb ** 2 * line.varSlope,
  );
  const sigmaSe = Math.sqrt(dSigmaDb ** 2 * line.varSlope + dSigmaDs2 ** 2 * varS2);
  const mean = Math.exp(logMean);
  return {
    model: 'logOu',
    estimates: { mean, logMean, reversionPerYear: kappa, volatilityPerYear: sigma },
    standardErrors: { mean: mean * logMeanSe, logMean: logMeanSe, reversionPerYear: kappaSe, volatilityPerYear: sigmaSe },
    observations: n,
    dtYears,
    logLikelihood: -0.5 * n * (LOG_TWO_PI + Math.log(s2) + 1),
  };
}

// ---------------------------------------------------------------------------------------------
// Hashrate response (MODEL.md section 2):
//   ln H(t+dt) = ln H(t) + g dt + eta (ln HP(t - lag) - ln HPbreakeven(t)) dt + sigmaH sqrt(dt) z.

/**
 * Regression of d ln H on [dt, gap dt], gap = ln HP(t - lag) - ln HPbreakeven(t): OLS is the MLE
 * given the gaps. All arrays are on the same time grid of step dtYears; the lag in steps is
 * lagMonths / (12 dtYears), rounded (exact for monthly data).
 *
 * Simplification: the network's breakeven hashprice is not in the shipped data (it needs the
 * fleet's efficiency and marginal power price over time), so the caller supplies it, as an array
 * or one constant. With a constant breakeven, g and ln HPbreakeven are not separately identified
 * (only g - eta ln HPbreakeven is): the fitted g is then only as good as the breakeven supplied.
 * The gap is taken lagged, so it is predetermined: the endogeneity of hashprice (which falls as
 * hashrate rises) does not bias the slope as long as the lag is at least one step.
 */
export function fitHashrate(
  logHashrate: ArrayLike<number>,
  logHashprice: ArrayLike<number>,
  lagMonths: number,
  dtYears: number,
  logBreakevenHashprice: ArrayLike<number> | number,
): HashrateFit {
  checkStep('fitHashrate', dtYears);
  if (!(lagMonths >= 0) || !Number.isFinite(lagMonths)) throw new CalibrationError(`fitHashrate: lagMonths must be >= 0, got ${lagMonths}`);
  const n = logHashrate.length;
  if (logHashprice.length !== n) throw new CalibrationError(`fitHashrate: logHashprice has ${logHashprice.length} values, logHashrate ${n}; they must share one time grid`);
  const breakeven = typeof logBreakevenHashprice === 'number' ? new Float64Array(n).fill(logBreakevenHashprice) : logBreakevenHashprice;
  if (breakeven.length !== n) throw new CalibrationError(`fitHashrate: logBreakevenHashprice has ${breakeven.length} values, logHashrate ${n}; they must share one time grid`);
  checkFinite('fitHashrate', 'logHashrate', logHashrate);
  checkFinite('fitHashrate', 'logHashprice', logHashprice);
  checkFinite('fitHashrate', 'logBreakevenHashprice', breakeven);
  const lag = Math.round(lagMonths / (12 * dtYears));
  const rows = n - 1 - lag;
  if (rows < 5) throw new CalibrationError(`fitHashrate: needs at least ${lag + 6} observations for a lag of ${lag} steps, got ${n}`);
  const gap = new Float64Array(rows);
  const growth = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const t = i + lag;
    gap[i] = logHashprice[t - lag] - breakeven[t];
    // Regressing d ln H / dt on [1, gap] is the same least squares as d ln H on [dt, gap dt].
    growth[i] = (logHashrate[t + 1] - logHashrate[t]) / dtYears;
  }
  const line = fitLine('fitHashrate', gap, growth, 'the hashprice gap');
  // Residuals of growth per year have variance sigmaH^2 / dt.
  const sigma = Math.sqrt(line.residualVariance * dtYears);
  const residualVarianceOfIncrement = line.residualVariance * dtYears * dtYears;
  return {
    model: 'hashrate',
    estimates: { growthPerYear: line.intercept, responsePerYear: line.slope, volatilityPerYear: sigma },
    standardErrors: {
      growthPerYear: Math.sqrt(line.varIntercept),
      responsePerYear: Math.sqrt(line.varSlope),
      volatilityPerYear: sigma / Math.sqrt(2 * rows),
    },
    observations: rows,
    dtYears,
    logLikelihood: -0.5 * rows * (LOG_TWO_PI + Math.log(residualVarianceOfIncrement) + 1),
    responseLagMonths: lagMonths,
  };
}
