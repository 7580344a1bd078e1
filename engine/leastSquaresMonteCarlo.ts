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
  private readonly actionValues: Float64Array;
  private readonly columns: number;

  constructor(readonly policy: StoppingPolicy) {
    this.basis = new RegressionBasis(policy.basis, policy.stateSize);
    this.row = new Float64Array(this.basis.size);
    this.scaled = new Float64Array(policy.stateSize);
    this.actionValues = new Float64Array(policy.actions);
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
  private decideFromRow(date: number, row: Float64Array, offset: number, exerciseValues: ArrayLike<number> | null): number {
    const policy = this.policy;
    const values = this.actionValues;
    for (let a = 0; a < policy.actions; a++) values[a] = policy.exerciseKnownAtDate ? exerciseValues![a] : this.fitted(date, 1 + a, row, offset);
    return chooseAction(values, policy.actions, this.fitted(date, 0, row, offset), policy.exerciseKnownAtDate && policy.inTheMoneyOnly);
  }
}

/**
 * The best action by `values` (the first of equals) if it beats `continuation` (and is positive,
 * with `positiveOnly`), else -1: the decision of a fitted policy, at fitting and after.
 */
function chooseAction(values: ArrayLike<number>, actions: number, continuation: number, positiveOnly: boolean): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let a = 0; a < actions; a++) {
    if (values[a] > bestValue) {
      bestValue = values[a];
      best = a;
    }
  }
  if (positiveOnly && !(bestValue > 0)) return -1;
  return bestValue > continuation ? best : -1;
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
  const basis = new RegressionBasis(options.basis, stateSize);
  const samePair = basis.gramPairs();
  const equations = new NormalEquations(k, columns);
  const solution = new Float64Array(columns * k);
  const values = new Float64Array(paths);
  problem.holdValues(values);
  const exerciseDate = new Int32Array(paths).fill(-1);
  const exerciseAction = new Int32Array(paths).fill(-1);
  const state = new Float64Array(paths * stateSize);
  const exercise = new Float64Array(actions * paths);
  const inRegression = new Uint8Array(paths);
  // The date's regression paths, compacted and column by column (contiguous loops over the paths):
  // their scaled state, basis, responses and fitted values. Each number is computed as
  // StoppingPolicyEvaluator computes it for one path, so the decisions here are the policy's.
  const regressionIndex = new Int32Array(paths);
  const scaledColumns = new Float64Array(stateSize * paths);
  const designColumns = new Float64Array(k * paths);
  const responseColumns = new Float64Array(columns * paths);
  const fittedColumns = new Float64Array(columns * paths);
  const pathValues = new Float64Array(actions);

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

    const { center, scale } = policy;
    let t = 0;
    for (let p = 0; p < paths; p++) {
      if (!inRegression[p]) continue;
      regressionIndex[t] = p;
      for (let v = 0; v < stateSize; v++) {
        const sv = scale[d * stateSize + v];
        scaledColumns[v * paths + t] = sv === 0 ? 0 : (state[p * stateSize + v] - center[d * stateSize + v]) / sv;
      }
      responseColumns[t] = values[p];
      if (!exerciseKnownAtDate) for (let a = 0; a < actions; a++) responseColumns[(1 + a) * paths + t] = exercise[a * paths + p];
      t++;
    }
    basis.evaluateColumns(scaledColumns, paths, regressed, designColumns, paths);
    equations.reset();
    if (regressed >= k) equations.addColumns(designColumns, responseColumns, paths, regressed, samePair);
    equations.solve(solution);
    policy.coefficients.set(solution, d * columns * k);

    // Fitted values, each summed from 0 over the functions in order, as StoppingPolicyEvaluator.fitted sums them.
    fittedColumns.fill(0, 0, columns * paths);
    for (let c = 0; c < columns; c++) {
      for (let i = 0; i < k; i++) addScaled(fittedColumns, c * paths, solution[c * k + i], designColumns, i * paths, regressed);
    }
    for (let r = 0; r < regressed; r++) {
      const p = regressionIndex[r];
      for (let a = 0; a < actions; a++) pathValues[a] = exerciseKnownAtDate ? exercise[a * paths + p] : fittedColumns[(1 + a) * paths + r];
      const action = chooseAction(pathValues, actions, fittedColumns[r], exerciseKnownAtDate && inTheMoneyOnly);
      if (action < 0) continue;
      values[p] = exercise[action * paths + p];
      exerciseDate[p] = d;
      exerciseAction[p] = action;
    }
  }
  return { policy, pathValues: values, exerciseDate, exerciseAction };
}

/** y[yOffset + t] += a * x[xOffset + t] for t < count (a small function: V8 compiles its loop tighter than inside the fit's). */
function addScaled(y: Float64Array, yOffset: number, a: number, x: Float64Array, xOffset: number, count: number): void {
  for (let t = 0; t < count; t++) y[yOffset + t] += a * x[xOffset + t];
}

/** Sets the date's centre and scale to each variable's mean and standard deviation over the regressed paths. */
function standardizeDate(policy: StoppingPolicy, date: number, state: Float64Array, inRegression: Uint8Array, paths: number): void {
  const n = policy.stateSize;
  for (let v = 0; v < n; v++) {
    let count = 0;
    let sum = 0;
    for (let p = 0; p < paths; p++) {
      if (!inRegression[p]) continue;
      count++;
      sum += state[p * n + v];
    }
    const mean = count > 0 ? sum / count : 0;
    // Two passes (the mean, then the squared deviations from it): stable for variables far from 0
    // (log difficulty ~33) with a small spread, and no division per path.
    let squares = 0;
    for (let p = 0; p < paths; p++) {
      if (!inRegression[p]) continue;
      const deviation = state[p * n + v] - mean;
      squares += deviation * deviation;
    }
    const sd = count > 1 ? Math.sqrt(squares / (count - 1)) : 0;
    policy.center[date * n + v] = mean;
    // A spread below rounding of the mean is no spread: the variable is constant at this date.
    policy.scale[date * n + v] = sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 0;
  }
}
