// An upper bound on the value of an optimal-stopping problem from a fitted exercise policy: the
// duality of Rogers (2002) and Haugh & Kogan (2004) with the martingale Andersen & Broadie (2004)
// build by nested simulation. With L_k the value (time-0 money) of following the policy from date
// k and C_k = E_k[L_{k+1}] (the policy's value if it does not exercise at k),
//   M_k = sum_{j<k} (L_{j+1} - C_j) = L_k - L_0 + sum_{j<k, policy exercises at j} (h_j - C_j)
// is a martingale (the sum telescopes between exercise dates), and for any martingale with M_0 = 0
//   V_0 <= E[ max_k (h_k - M_k) ],
// tight when the policy is optimal. C_k comes from inner paths started at the outer path's state
// (their noise only loosens the bound). The maximum is taken over dates where exercise pays and
// over never exercising (-M at the last date): the optimal policy stops only there, so the bound
// holds (Broadie & Cao 2008, sub-optimality checking), and inner paths are needed only at those dates.
// With 100 inner paths the noise of C_k alone would add ~0.2 to a put's bound (the maximum picks
// up the noise of every date), so a model may offer a martingale it knows the value of (the
// European put) as a control variate for the inner paths (Rasmussen 2005): its value at the inner
// path's stopping date has a known mean (optional stopping), and the regression-adjusted mean cuts
// the variance of C_k several times.
// This needs a model that can restart from any state (a Markov one, such as the Bermudan put); a
// mining site's path (hosting, leases) cannot, so the bound is computed on the textbook cases.
import { labelledAlea, RandomStream } from './random.js';
import { RunningMean } from './runningMean.js';
import { StoppingPolicyEvaluator, type StoppingPolicy } from './leastSquaresMonteCarlo.js';

/** A single-action stopping problem on a Markov state that can be simulated from any date. */
export interface MarkovStoppingModel {
  /** Exercise dates 0 .. dates - 1, after the start. */
  readonly dates: number;
  /** Size of the simulated state. */
  readonly stateSize: number;
  /** Writes the state at the start (before date 0). */
  start(state: Float64Array): void;
  /** Advances the state in place to date `date` (from date - 1, or from the start when date = 0). */
  advance(state: Float64Array, date: number, stream: RandomStream): void;
  /** Time-0 value of exercising at `date` in this state (0 when it does not pay). */
  exerciseValue(state: Float64Array, date: number): number;
  /** The policy's regression state at `date`, written to out[0 .. policy.stateSize). */
  regressionState(state: Float64Array, date: number, out: Float64Array): void;
  /** Optional: time-0 value at `date` of a martingale known in closed form, correlated with the payoff (a control variate). */
  controlVariate?(state: Float64Array, date: number): number;
}

export interface DualBoundOptions {
  outerPaths: number;
  innerPaths: number;
  seed: number;
  /** The policy's value at the start (an out-of-sample estimate) and its standard error. */
  lowerBound: { value: number; standardError: number };
}

export interface DualBound {
  upperBound: number;
  /** Combined with the lower bound's. */
  standardError: number;
  /** upperBound - lowerBound: how far the policy may be from optimal. */
  gap: number;
  gapStandardError: number;
}

/** Andersen-Broadie upper bound for `policy` on `model` (see the file comment). */
export function dualUpperBound(model: MarkovStoppingModel, policy: StoppingPolicy, options: DualBoundOptions): DualBound {
  const { dates, stateSize } = model;
  const { outerPaths, innerPaths } = options;
  if (policy.actions !== 1 || policy.dates !== dates) throw new Error('the dual bound needs a single-action policy fitted on the model\'s dates');
  // One outer path has no standard error; a fractional count silently ran one path more.
  for (const [field, least] of [['outerPaths', 2], ['innerPaths', 1]] as const) {
    if (!Number.isSafeInteger(options[field]) || options[field] < least) throw new RangeError(`${field} must be a whole number >= ${least}, got ${options[field]}`);
  }
  if (!Number.isFinite(options.lowerBound?.value) || !(options.lowerBound.standardError >= 0)) {
    throw new RangeError('lowerBound must be the policy\'s out-of-sample value and its standard error (finite numbers, the error >= 0), e.g. from priceWithPolicy');
  }
  const evaluator = new StoppingPolicyEvaluator(policy);
  const stream = new RandomStream();
  const outer = new Float64Array(stateSize);
  const inner = new Float64Array(stateSize);
  const regression = new Float64Array(policy.stateSize);
  const exerciseValue = new Float64Array(1);
  const lower = options.lowerBound.value;

  /** Exercise decision of the policy at `date`. */
  const exercises = (state: Float64Array, date: number, h: number): boolean => {
    if (!(h > 0)) return false;
    model.regressionState(state, date, regression);
    exerciseValue[0] = h;
    return evaluator.decide(date, regression, 0, exerciseValue) >= 0;
  };
  const control = model.controlVariate?.bind(model);
  /** C_k: the policy's value from date + 1 on, from inner paths started at `state`. */
  const continuation = (state: Float64Array, date: number): number => {
    let sumY = 0, sumX = 0, sumXY = 0, sumXX = 0;
    for (let i = 0; i < innerPaths; i++) {
      inner.set(state);
      let y = 0;
      let j = date + 1;
      for (; j < dates; j++) {
        model.advance(inner, j, stream);
        const h = model.exerciseValue(inner, j);
        if (exercises(inner, j, h)) {
          y = h;
          break;
        }
      }
      sumY += y;
      if (control) {
        const x = control(inner, Math.min(j, dates - 1));
        sumX += x;
        sumXY += x * y;
        sumXX += x * x;
      }
    }
    const meanY = sumY / innerPaths;
    if (!control) return meanY;
    const meanX = sumX / innerPaths;
    const varianceX = sumXX / innerPaths - meanX * meanX;
    const beta = varianceX > 0 ? (sumXY / innerPaths - meanX * meanY) / varianceX : 0;
    return meanY - beta * (meanX - control(state, date));
  };

  const excess = new RunningMean();
  for (let p = 0; p < outerPaths; p++) {
    stream.seedFrom(labelledAlea(options.seed, 'dual', p));
    model.start(outer);
    let exercisedGains = 0; // sum over exercise dates j < k of (h_j - C_j)
    let best = -Infinity;
    let lastM = 0;
    for (let k = 0; k < dates; k++) {
      model.advance(outer, k, stream);
      const h = model.exerciseValue(outer, k);
      const last = k === dates - 1;
      if (!(h > 0) && !last) continue;
      const stop = exercises(outer, k, h);
      const c = last ? 0 : continuation(outer, k);
      const m = (stop ? h : c) - lower + exercisedGains;
      if (h > 0 && h - m > best) best = h - m;
      if (stop) exercisedGains += h - c;
      lastM = m;
    }
    // Never exercising: payoff 0 against the martingale's final value.
    if (-lastM > best) best = -lastM;
    excess.add(best);
  }
  // Each sample is L_0 + max_k (h_k - L_k - gains before k): the lower bound enters every sample
  // as the same constant, so the gap's error is the samples' own, the bound's adds the lower bound's.
  return {
    upperBound: excess.mean,
    standardError: Math.hypot(excess.standardError, options.lowerBound.standardError),
    gap: excess.mean - lower,
    gapStandardError: excess.standardError,
  };
}
