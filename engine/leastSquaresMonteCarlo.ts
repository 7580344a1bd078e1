// Least-squares Monte Carlo (Longstaff & Schwartz 2001) for optimal stopping with one or more
// exercise actions, generic over the problem: it knows nothing about options or mining. The
// problem supplies three things at each decision date, for a set of fitting paths: the regression
// state, the value of exercising each action, and (once) the value of never exercising; every value
// is in time-0 money (the problem discounts, so deterministic and stochastic rates look the same).
//
// Calibration (fitStoppingPolicy) walks the dates backwards. At each date it regresses the realised
// value of the policy found so far (the continuation) on the basis, over the paths where exercise
// is possible (LS: in the money) or all paths, and exercises where that beats continuing; each
// path's realised value becomes the exercise value where it exercises (realised cash flows, not
// fitted ones: LS's choice, which keeps the in-sample bias small). Exercise values come in two kinds:
// - known at the date (an option's payoff): compared as they are with the fitted continuation;
// - realised only later (the value of converting a site, which depends on the months after): each
//   action's value is regressed on the same basis too, and the decision compares fitted with
//   fitted. Both regressions share one design, so this is the regression of their difference.
// The fitted policy then prices fresh paths (StoppingPolicyEvaluator) for an out-of-sample value:
// QuantLib's two phases (longstaffschwartzpathpricer.hpp), a lower bound on the true value.
import { NormalEquations } from './leastSquares.js';
import { RegressionBasis, basisSize, type BasisSpec } from './regressionBasis.js';

/** An early-exercise problem over a fixed set of fitting paths. */
export interface StoppingProblem {
  readonly paths: number;
  /** Decision dates 0 .. dates - 1, in time order. */
  readonly dates: number;
  /** Exercise actions (at least 1); not exercising is the alternative to all of them. */
  readonly actions: number;
  /** Variables of the regression state. */
  readonly stateSize: number;
  /** true: exercise values are known at their date (payoffs); false: realised later, so regressed too. */
  readonly exerciseKnownAtDate: boolean;
  /** Fills out[p * stateSize + v] with variable v of path p's state at `date`. */
  stateAt(date: number, out: Float64Array): void;
  /** Fills out[a * paths + p] with the time-0 value of exercising action a at `date` on path p. */
  exerciseValuesAt(date: number, out: Float64Array): void;
  /** Fills out[p] with the time-0 value of never exercising on path p. */
  holdValues(out: Float64Array): void;
}

export interface StoppingFitOptions {
  basis: BasisSpec;
  /**
   * Regress only on paths where some action's exercise value is positive (LS's in-the-money rule);
   * elsewhere the policy never exercises. Default false: regress on every path.
   */
  inTheMoneyOnly?: boolean;
  /**
   * Centre and scale each state variable at each date (by its mean and standard deviation over the
   * paths regressed) before the basis: needed when variables differ in size (log difficulty ~33,
   * months to a halving ~20). A variable constant at a date enters as 0. Default false.
   */
  standardize?: boolean;
}

/** A fitted policy: everything needed to decide on a new path, as plain numbers. */
export interface StoppingPolicy {
  basis: BasisSpec;
  stateSize: number;
  dates: number;
  actions: number;
  exerciseKnownAtDate: boolean;
  inTheMoneyOnly: boolean;
  /** Per date and variable ([date * stateSize + v]): the state enters as (x - center) / scale; scale 0 means "constant at this date", entering as 0. */
  center: Float64Array;
  scale: Float64Array;
  /**
   * Coefficients per date: [date][column][function], column 0 the continuation value and, when
   * exercise values are regressed, column 1 + a the value of action a. All zero at a date with
   * fewer regression paths than basis functions.
   */
  coefficients: Float64Array;
  /** Paths regressed at each date. */
  regressionPaths: Int32Array;
}

export interface StoppingFit {
  policy: StoppingPolicy;
  /** Realised time-0 value of the fitted policy on each fitting path (the in-sample estimate's samples). */
  pathValues: Float64Array;
  /** Date each fitting path exercises at, -1 if never. */
  exerciseDate: Int32Array;
  /** Action it exercises, -1 if never. */
  exerciseAction: Int32Array;
}

/** Columns regressed per date: the continuation, and the actions when their values are not known at the date. */
export function policyColumns(actions: number, exerciseKnownAtDate: boolean): number {
  return exerciseKnownAtDate ? 1 : 1 + actions;
}

/** Decides on one path at a time with a fitted policy; buffers reused, nothing allocated per call. */
export class StoppingPolicyEvaluator {
  readonly basis: RegressionBasis;
  private readonly row: Float64Array;
  private readonly scaled: Float64Array;
  private readonly columns: number;

  constructor(readonly policy: StoppingPolicy) {
    this.basis = new RegressionBasis(policy.basis, policy.stateSize);
    this.row = new Float64Array(this.basis.size);
    this.scaled = new Float64Array(policy.stateSize);
    this.columns = policyColumns(policy.actions, policy.exerciseKnownAtDate);
  }

  /** Fitted column c (0 = continuation, 1 + a = action a) at `date` for the basis row[offset .. offset + size). */
  fitted(date: number, column: number, row: Float64Array, offset: number): number {
    const k = this.basis.size;
    const base = (date * this.columns + column) * k;
    const coefficients = this.policy.coefficients;
    let value = 0;
    for (let i = 0; i < k; i++) value += coefficients[base + i] * row[offset + i];
    return value;
  }

  /** Writes the basis at state x[offset ..) of `date`, scaled as at fitting, into out[outOffset ..). */
  basisRow(date: number, x: ArrayLike<number>, offset: number, out: Float64Array, outOffset: number): void {
    const n = this.policy.stateSize;
    const { center, scale } = this.policy;
    const scaled = this.scaled;
    for (let v = 0; v < n; v++) {
      const s = scale[date * n + v];
      scaled[v] = s === 0 ? 0 : (x[offset + v] - center[date * n + v]) / s;
    }
    this.basis.evaluate(scaled, 0, out, outOffset);
  }

  /**
   * The action to take at `date` in state x[offset ..), or -1 to continue. `exerciseValues[a]` are
   * the known exercise values (exerciseKnownAtDate); otherwise they are not read and may be null.
   */
  decide(date: number, x: ArrayLike<number>, offset: number, exerciseValues: ArrayLike<number> | null): number {
    if (this.policy.exerciseKnownAtDate && this.policy.inTheMoneyOnly && !(maxOf(exerciseValues!, this.policy.actions) > 0)) return -1;
    this.basisRow(date, x, offset, this.row, 0);
    return this.decideFromRow(date, this.row, 0, exerciseValues);
  }

  /** decide() for a state whose basis row is already at row[offset ..). */
  decideFromRow(date: number, row: Float64Array, offset: number, exerciseValues: ArrayLike<number> | null): number {
    const policy = this.policy;
    let best = -1;
    let bestValue = -Infinity;
    for (let a = 0; a < policy.actions; a++) {
      const value = policy.exerciseKnownAtDate ? exerciseValues![a] : this.fitted(date, 1 + a, row, offset);
      if (value > bestValue) {
        bestValue = value;
        best = a;
      }
    }
    if (policy.exerciseKnownAtDate && policy.inTheMoneyOnly && !(bestValue > 0)) return -1;
    return bestValue > this.fitted(date, 0, row, offset) ? best : -1;
  }
}

function maxOf(values: ArrayLike<number>, count: number): number {
  let best = -Infinity;
  for (let i = 0; i < count; i++) if (values[i] > best) best = values[i];
  return best;
}

/** Fits a stopping policy on the problem's paths by backward induction (see the file comment). */
export function fitStoppingPolicy(problem: StoppingProblem, options: StoppingFitOptions): StoppingFit {
  const { paths, dates, actions, stateSize, exerciseKnownAtDate } = problem;
  if (actions < 1) throw new Error('a stopping problem needs at least one exercise action');
  const inTheMoneyOnly = options.inTheMoneyOnly ?? false;
  const standardize = options.standardize ?? false;
  const k = basisSize(options.basis, stateSize);
  const columns = policyColumns(actions, exerciseKnownAtDate);
  const policy: StoppingPolicy = {
    basis: { ...options.basis },
    stateSize,
    dates,
    actions,
    exerciseKnownAtDate,
    inTheMoneyOnly,
    center: new Float64Array(dates * stateSize),
    scale: new Float64Array(dates * stateSize).fill(1),
    coefficients: new Float64Array(dates * columns * k),
    regressionPaths: new Int32Array(dates),
  };
  const evaluator = new StoppingPolicyEvaluator(policy);
  const equations = new NormalEquations(k, columns);
  const solution = new Float64Array(columns * k);
  const values = new Float64Array(paths);
  problem.holdValues(values);
  const exerciseDate = new Int32Array(paths).fill(-1);
  const exerciseAction = new Int32Array(paths).fill(-1);
  const state = new Float64Array(paths * stateSize);
  const exercise = new Float64Array(actions * paths);
  const inRegression = new Uint8Array(paths);
  const responses = new Float64Array(columns);
  const pathExercise = new Float64Array(actions);
  // The basis rows of the date's regression paths, kept for the decisions that follow the fit.
  const rows = new Float64Array(paths * k);

  for (let d = dates - 1; d >= 0; d--) {
    problem.stateAt(d, state);
    problem.exerciseValuesAt(d, exercise);
    let regressed = 0;
    for (let p = 0; p < paths; p++) {
      let feasible = 1;
      if (inTheMoneyOnly) {
        feasible = 0;
        for (let a = 0; a < actions; a++) if (exercise[a * paths + p] > 0) feasible = 1;
      }
      inRegression[p] = feasible;
      regressed += feasible;
    }
    policy.regressionPaths[d] = regressed;
    if (standardize) standardizeDate(policy, d, state, inRegression, paths);

    equations.reset();
    for (let p = 0; p < paths; p++) {
      if (!inRegression[p]) continue;
      evaluator.basisRow(d, state, p * stateSize, rows, p * k);
      if (regressed < k) continue;
      responses[0] = values[p];
      if (!exerciseKnownAtDate) for (let a = 0; a < actions; a++) responses[1 + a] = exercise[a * paths + p];
      equations.add(rows, p * k, responses);
    }
    equations.solve(solution);
    policy.coefficients.set(solution, d * columns * k);

    for (let p = 0; p < paths; p++) {
      if (!inRegression[p]) continue;
      for (let a = 0; a < actions; a++) pathExercise[a] = exercise[a * paths + p];
      const action = evaluator.decideFromRow(d, rows, p * k, pathExercise);
      if (action < 0) continue;
      values[p] = pathExercise[action];
      exerciseDate[p] = d;
      exerciseAction[p] = action;
    }
  }
  return { policy, pathValues: values, exerciseDate, exerciseAction };
}

/** Sets the date's centre and scale to each variable's mean and standard deviation over the regressed paths. */
function standardizeDate(policy: StoppingPolicy, date: number, state: Float64Array, inRegression: Uint8Array, paths: number): void {
  const n = policy.stateSize;
  for (let v = 0; v < n; v++) {
    let count = 0;
    let mean = 0;
    let m2 = 0;
    for (let p = 0; p < paths; p++) {
      if (!inRegression[p]) continue;
      // Welford: stable for variables far from 0 (log difficulty ~33) with a small spread.
      const x = state[p * n + v];
      count++;
      const delta = x - mean;
      mean += delta / count;
      m2 += delta * (x - mean);
    }
    const sd = count > 1 ? Math.sqrt(m2 / (count - 1)) : 0;
    policy.center[date * n + v] = count > 0 ? mean : 0;
    // A spread below rounding of the mean is no spread: the variable is constant at this date.
    policy.scale[date * n + v] = sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 0;
  }
}
