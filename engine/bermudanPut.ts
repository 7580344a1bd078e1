// The textbook case of least-squares Monte Carlo: a put on a stock following geometric Brownian
// motion under the risk-neutral measure, exercisable at `exercisesPerYear` equally spaced dates up
// to maturity (Longstaff & Schwartz 2001, section 3: K = 40, r = 0.06, 50 dates a year, 100,000
// paths of which half antithetic, a constant and three weighted Laguerre polynomials, in-the-money
// paths only). The regression state is S/K, as QuantLib's American path pricer scales it, so the
// Laguerre weights exp(-x/2) stay of order one. The policy is fitted on one set of paths and priced
// on another (independent streams), so the price is an out-of-sample, low-biased estimate; the
// in-sample figure (LS's own method) is reported beside it.
import { fitStoppingPolicy, StoppingPolicyEvaluator, type StoppingPolicy, type StoppingProblem } from './leastSquaresMonteCarlo.js';
import type { MarkovStoppingModel } from './dualUpperBound.js';
import { labelledAlea, RandomStream, trialAlea } from './random.js';
import { RunningMean } from './runningMean.js';
import type { BasisSpec } from './regressionBasis.js';
import { errorFunction } from 'simple-statistics';

export interface BermudanPutSpec {
  spot: number;
  strike: number;
  /** Continuously compounded risk-free rate. */
  ratePerYear: number;
  volatilityPerYear: number;
  maturityYears: number;
  /** Exercise dates per year; the last is at maturity, the first one interval after today. */
  exercisesPerYear: number;
  /** Paths the policy is fitted on, and as many fresh paths it is priced on; even (antithetic pairs). */
  paths: number;
  seed: number;
  /** Default: weighted Laguerre of order 2 (a constant and L0, L1, L2, as in LS 2001). */
  basis?: BasisSpec;
}

export interface BermudanPutPrice {
  /** Out-of-sample price: the fitted policy applied to fresh paths. */
  price: number;
  standardError: number;
  /** Price on the fitting paths (LS 2001's own estimate; biased up by the fit). */
  inSamplePrice: number;
  inSampleStandardError: number;
  policy: StoppingPolicy;
}

export const LONGSTAFF_SCHWARTZ_BASIS: BasisSpec = { kind: 'laguerre', degree: 2 };

/** The put as a Markov model (also what the dual bound simulates). State: [S]. */
export class BermudanPutModel implements MarkovStoppingModel {
  readonly dates: number;
  readonly stateSize = 1;
  private readonly drift: number;
  private readonly diffusion: number;
  private readonly discount: Float64Array;
  private readonly normal = new Float64Array(1);

  constructor(readonly spec: BermudanPutSpec) {
    const { maturityYears, exercisesPerYear, ratePerYear, volatilityPerYear } = spec;
    this.dates = Math.round(maturityYears * exercisesPerYear);
    const dt = maturityYears / this.dates;
    this.drift = (ratePerYear - 0.5 * volatilityPerYear ** 2) * dt;
    this.diffusion = volatilityPerYear * Math.sqrt(dt);
    this.discount = Float64Array.from({ length: this.dates }, (_, d) => Math.exp(-ratePerYear * dt * (d + 1)));
  }

  start(state: Float64Array): void {
    state[0] = this.spec.spot;
  }

  advance(state: Float64Array, _date: number, stream: RandomStream): void {
    stream.fillNormals(this.normal, 1);
    state[0] *= Math.exp(this.drift + this.diffusion * this.normal[0]);
  }

  /** One step driven by a given normal (the fitting and pricing paths draw them a path at a time). */
  step(spot: number, normal: number): number {
    return spot * Math.exp(this.drift + this.diffusion * normal);
  }

  exerciseValue(state: Float64Array, date: number): number {
    return this.payoff(state[0], date);
  }

  payoff(spot: number, date: number): number {
    const intrinsic = this.spec.strike - spot;
    return intrinsic > 0 ? intrinsic * this.discount[date] : 0;
  }

  regressionState(state: Float64Array, _date: number, out: Float64Array): void {
    out[0] = state[0] / this.spec.strike;
  }

  /** Time-0 value of the European put at `date`: a martingale, the dual bound's control variate. */
  controlVariate(state: Float64Array, date: number): number {
    const { strike, ratePerYear, volatilityPerYear, maturityYears } = this.spec;
    const t = (maturityYears * (date + 1)) / this.dates;
    return blackScholesPut(state[0], strike, ratePerYear, volatilityPerYear, maturityYears - t) * Math.exp(-ratePerYear * t);
  }
}

/**
 * Black-Scholes price of a European put with `years` to expiry (the payoff at expiry), for a reader
 * checking a textbook case: a spot of 0 is worth the discounted strike; input outside the formula's
 * domain is a RangeError naming the argument, not NaN.
 */
export function europeanPutPrice(spot: number, strike: number, ratePerYear: number, volatilityPerYear: number, years: number): number {
  const check = (name: string, value: number, ok: boolean, want: string) => {
    if (!ok || !Number.isFinite(value)) throw new RangeError(`${name} must be a finite number${want}, got ${value}`);
  };
  check('spot', spot, spot >= 0, ' >= 0');
  check('strike', strike, strike > 0, ' > 0');
  check('ratePerYear', ratePerYear, true, '');
  check('volatilityPerYear', volatilityPerYear, volatilityPerYear > 0, ' > 0');
  check('years', years, years >= 0, ' >= 0');
  return blackScholesPut(spot, strike, ratePerYear, volatilityPerYear, years);
}

/** europeanPutPrice on arguments known to be in its domain (the dual bound's control variate, per path and date). */
function blackScholesPut(spot: number, strike: number, ratePerYear: number, volatilityPerYear: number, years: number): number {
  if (years <= 1e-12) return Math.max(strike - spot, 0);
  const sd = volatilityPerYear * Math.sqrt(years);
  const d1 = (Math.log(spot / strike) + (ratePerYear + 0.5 * volatilityPerYear ** 2) * years) / sd;
  return strike * Math.exp(-ratePerYear * years) * normalCdf(sd - d1) - spot * normalCdf(-d1);
}

/** Standard normal distribution function (Numerical Recipes' erfc, absolute error < 1.2e-7). */
function normalCdf(x: number): number {
  return 0.5 * (1 + errorFunction(x / Math.SQRT2));
}

function checkPathsAndSeed(paths: number, seed: number): void {
  // Two pairs at least: the standard error is taken over the pairs, and one pair has none.
  if (!Number.isInteger(paths) || paths < 4 || paths % 2 !== 0) throw new RangeError(`paths must be an even whole number >= 4 (antithetic pairs), got ${paths}`);
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`seed must be a whole number >= 0, got ${seed}`);
}

function checkSpec(spec: BermudanPutSpec): void {
  const positive = ['spot', 'strike', 'volatilityPerYear', 'maturityYears', 'exercisesPerYear'] as const;
  for (const field of positive) {
    if (!(spec[field] > 0) || !Number.isFinite(spec[field])) throw new RangeError(`${field} must be a finite number > 0, got ${spec[field]}`);
  }
  if (!Number.isFinite(spec.ratePerYear)) throw new RangeError(`ratePerYear must be a finite number, got ${spec.ratePerYear}`);
  checkPathsAndSeed(spec.paths, spec.seed);
  // Rounded silently, 2.5 dates a year over one year gave 2 dates (dt 0.5) without a word.
  const dates = spec.maturityYears * spec.exercisesPerYear;
  if (Math.round(dates) < 1 || Math.abs(dates - Math.round(dates)) > 1e-9 * dates) {
    throw new RangeError(`maturityYears x exercisesPerYear must be a whole number of exercise dates >= 1, got ${spec.maturityYears} x ${spec.exercisesPerYear} = ${dates}`);
  }
  // The fit keeps every path's S/K at every date (4 bytes each).
  if (spec.paths * Math.round(dates) > MAX_PATH_DATES) {
    throw new RangeError(`paths x exercise dates must be at most ${MAX_PATH_DATES.toExponential(2)} (the fit holds 4 bytes per path and date), got ${spec.paths} x ${Math.round(dates)}`);
  }
}

/** 2^28 values of S/K: 1 GiB for the fit's paths (Longstaff & Schwartz's 100,000 paths x 50 dates take 20 MB). */
const MAX_PATH_DATES = 2 ** 28;

/** Mean and standard error of the pair averages (antithetic pairs are the independent samples). */
function pairStatistics(values: Float64Array): { mean: number; standardError: number } {
  const pairs = new RunningMean();
  for (let q = 0; q < values.length / 2; q++) pairs.add(0.5 * (values[2 * q] + values[2 * q + 1]));
  return { mean: pairs.mean, standardError: pairs.standardError };
}

/** Fits the exercise policy on `paths` paths from the seed's "fit" streams. */
export function fitBermudanPut(spec: BermudanPutSpec): { model: BermudanPutModel; policy: StoppingPolicy; inSample: { mean: number; standardError: number } } {
  checkSpec(spec);
  const model = new BermudanPutModel(spec);
  const { dates } = model;
  const paths = spec.paths;
  // S/K at every date of every path, [date][path]: single precision halves the memory (7 digits is
  // far below the Monte Carlo error).
  const ratio = new Float32Array(dates * paths);
  const stream = new RandomStream();
  const normals = new Float64Array(dates);
  for (let q = 0; q < paths / 2; q++) {
    stream.seedFrom(labelledAlea(spec.seed, 'fit', q));
    stream.fillNormals(normals, dates);
    let up = spec.spot;
    let down = spec.spot;
    for (let d = 0; d < dates; d++) {
      up = model.step(up, normals[d]);
      down = model.step(down, -normals[d]);
      ratio[d * paths + 2 * q] = up / spec.strike;
      ratio[d * paths + 2 * q + 1] = down / spec.strike;
    }
  }
  const problem: StoppingProblem = {
    paths,
    dates,
    actions: 1,
    stateSize: 1,
    exerciseKnownAtDate: true,
    stateAt: (d, out) => {
      for (let p = 0; p < paths; p++) out[p] = ratio[d * paths + p];
    },
    exerciseValuesAt: (d, out) => {
      for (let p = 0; p < paths; p++) out[p] = model.payoff(ratio[d * paths + p] * spec.strike, d);
    },
    holdValues: (out) => out.fill(0),
  };
  const fit = fitStoppingPolicy(problem, { basis: spec.basis ?? LONGSTAFF_SCHWARTZ_BASIS, inTheMoneyOnly: true });
  return { model, policy: fit.policy, inSample: pairStatistics(fit.pathValues) };
}

/** The value of the put under `policy` on `paths` fresh paths (the seed's trial streams), streamed: nothing stored per path. */
export function priceWithPolicy(model: BermudanPutModel, policy: StoppingPolicy, paths: number, seed: number): { mean: number; standardError: number } {
  checkPathsAndSeed(paths, seed);
  const evaluator = new StoppingPolicyEvaluator(policy);
  const stream = new RandomStream();
  const { dates } = model;
  const { strike } = model.spec;
  const normals = new Float64Array(dates);
  const x = new Float64Array(1);
  const h = new Float64Array(1);
  const values = new Float64Array(2);
  const pairs = new RunningMean();
  for (let q = 0; q < paths / 2; q++) {
    stream.seedFrom(trialAlea(seed, q));
    stream.fillNormals(normals, dates);
    for (let side = 0; side < 2; side++) {
      const sign = side === 0 ? 1 : -1;
      let spot = model.spec.spot;
      let value = 0;
      for (let d = 0; d < dates; d++) {
        spot = model.step(spot, sign * normals[d]);
        const payoff = model.payoff(spot, d);
        if (!(payoff > 0)) continue;
        x[0] = spot / strike;
        h[0] = payoff;
        if (evaluator.decide(d, x, 0, h) >= 0) {
          value = payoff;
          break;
        }
      }
      values[side] = value;
    }
    pairs.add(0.5 * (values[0] + values[1]));
  }
  return { mean: pairs.mean, standardError: pairs.standardError };
}

/**
 * Prices a Bermudan put by least-squares Monte Carlo: the policy fitted on `paths` paths, the price
 * from `paths` independent ones (half antithetic in both).
 */
export function priceBermudanPut(spec: BermudanPutSpec): BermudanPutPrice {
  const { model, policy, inSample } = fitBermudanPut(spec);
  const outOfSample = priceWithPolicy(model, policy, spec.paths, spec.seed);
  return {
    price: outOfSample.mean,
    standardError: outOfSample.standardError,
    inSamplePrice: inSample.mean,
    inSampleStandardError: inSample.standardError,
    policy,
  };
}
