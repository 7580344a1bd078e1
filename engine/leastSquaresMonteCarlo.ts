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
import { dot, NormalEquations } from './leastSquares.js';
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
  /** decide()'s fitted value of each column, then (known exercise values) the actions' values. */
  private readonly columnValues: Float64Array;
  private readonly actionValues: Float64Array;
  /** bestAdvantage()'s highest advantage (of every action, positive or not). */
  private highestAdvantage = -Infinity;
  private readonly columns: number;
  private readonly k: number;
  private readonly actions: number;
  private readonly stateSize: number;
  private readonly known: boolean;
  private readonly positiveOnly: boolean;
  private readonly coefficients: Float64Array;
  /** Regressed exercise values: per date and action, its coefficients less the continuation's (subtractContinuation). */
  private readonly advantageCoefficients: Float64Array;
  private readonly center: Float64Array;
  /** Per date and variable: 1 / scale (0 where the scale is 0), as the fit's design scales. */
  private readonly inverseScale: Float64Array;

  constructor(readonly policy: StoppingPolicy) {
    this.basis = new RegressionBasis(policy.basis, policy.stateSize);
    this.k = this.basis.size;
    checkPolicyArrays(policy, this.k);
    this.row = new Float64Array(this.k);
    this.scaled = new Float64Array(policy.stateSize);
    this.columns = policyColumns(policy.actions, policy.exerciseKnownAtDate);
    this.columnValues = new Float64Array(this.columns);
    this.actionValues = new Float64Array(policy.actions);
    this.actions = policy.actions;
    this.stateSize = policy.stateSize;
    this.known = policy.exerciseKnownAtDate;
    this.positiveOnly = policy.exerciseKnownAtDate && policy.inTheMoneyOnly;
    this.coefficients = policy.coefficients;
    this.center = policy.center;
    this.inverseScale = policy.scale.map(inverseScale);
    this.advantageCoefficients = new Float64Array(this.known ? 0 : policy.dates * policy.actions * this.k);
    if (!this.known) for (let d = 0; d < policy.dates; d++) subtractContinuation(this.coefficients, d * this.columns * this.k, this.actions, this.k, this.advantageCoefficients, d * this.actions * this.k);
  }

  /** Fitted column c (0 = continuation, 1 + a = action a) at `date` for the basis row[offset .. offset + size). */
  fitted(date: number, column: number, row: Float64Array, offset: number): number {
    const k = this.k;
    const base = (date * this.columns + column) * k;
    const coefficients = this.coefficients;
    let value = 0;
    for (let i = 0; i < k; i++) value += coefficients[base + i] * row[offset + i];
    return value;
  }

  /**
   * out[c] = fitted(date, c, row, offset) for every column c, each the same sum in the same order
   * (so the same bits), three columns side by side: three independent chains of additions, which
   * the CPU runs at once, instead of one after the other.
   */
  private fittedColumns(date: number, row: Float64Array, offset: number, out: Float64Array): void {
    const { k, columns, coefficients } = this;
    for (let c = 0; c < columns; c += 3) {
      const base0 = (date * columns + c) * k;
      // Past the last column, the first one's sum again (not written).
      const base1 = c + 1 < columns ? base0 + k : base0;
      const base2 = c + 2 < columns ? base0 + 2 * k : base0;
      let value0 = 0;
      let value1 = 0;
      let value2 = 0;
      for (let i = 0; i < k; i++) {
        const x = row[offset + i];
        value0 += coefficients[base0 + i] * x;
        value1 += coefficients[base1 + i] * x;
        value2 += coefficients[base2 + i] * x;
      }
      out[c] = value0;
      if (c + 1 < columns) out[c + 1] = value1;
      if (c + 2 < columns) out[c + 2] = value2;
    }
  }

  /** Writes the basis at state x[offset ..) of `date`, scaled as at fitting (scaledVariable), into out[outOffset ..). */
  basisRow(date: number, x: ArrayLike<number>, offset: number, out: Float64Array, outOffset: number): void {
    const n = this.stateSize;
    const { center, inverseScale } = this;
    // The scaled variables straight into their functions' places where the basis has them (as the fit's design does).
    const inPlace = this.basis.variablesAsColumns;
    const scaled = inPlace ? out : this.scaled;
    const to = inPlace ? outOffset + 1 : 0;
    for (let v = 0; v < n; v++) scaled[to + v] = scaledVariable(x[offset + v], center[date * n + v], inverseScale[date * n + v]);
    if (inPlace) this.basis.evaluateProducts(out, outOffset);
    else this.basis.evaluate(scaled, 0, out, outOffset);
  }

  /**
   * Regressed exercise values: the action with the highest fitted advantage over continuing at
   * `date` for the basis row[0 ..) (the first of equals), or -1 unless that advantage is positive:
   * the choice advantageAction makes at fitting; the highest advantage itself, positive or not, in
   * highestAdvantage. Each action's advantage is its fitted value less the continuation's, in one
   * sum with the coefficients' differences (subtractContinuation), summed from 0 over the functions
   * in order as the fit sums them on its paths (so the same bits); two actions side by side, and
   * the best kept as they come, not written out and read again (a trial of base-optimal makes ~12
   * decisions, so a few nanoseconds a call count).
   */
  private bestAdvantage(date: number, row: Float64Array): number {
    const { k, actions } = this;
    const coefficients = this.advantageCoefficients;
    let best = -1;
    let bestValue = -Infinity;
    let a = 0;
    for (; a + 1 < actions; a += 2) {
      const base0 = (date * actions + a) * k;
      const base1 = base0 + k;
      let value0 = 0;
      let value1 = 0;
      for (let i = 0; i < k; i++) {
        const x = row[i];
        value0 += coefficients[base0 + i] * x;
        value1 += coefficients[base1 + i] * x;
      }
      if (value0 > bestValue) {
        bestValue = value0;
        best = a;
      }
      if (value1 > bestValue) {
        bestValue = value1;
        best = a + 1;
      }
    }
    if (a < actions) {
      const base = (date * actions + a) * k;
      let value = 0;
      for (let i = 0; i < k; i++) value += coefficients[base + i] * row[i];
      if (value > bestValue) {
        bestValue = value;
        best = a;
      }
    }
    this.highestAdvantage = bestValue;
    return bestValue > 0 ? best : -1;
  }

  /** Regressed exercise values: the best action's fitted advantage over continuing at `date` in state x[offset ..) (it converts where this is > 0). */
  advantage(date: number, x: ArrayLike<number>, offset: number): number {
    this.basisRow(date, x, offset, this.row, 0);
    this.bestAdvantage(date, this.row);
    return this.highestAdvantage;
  }

  /**
   * The action to take at `date` in state x[offset ..), or -1 to continue. `exerciseValues[a]` are
   * the known exercise values (exerciseKnownAtDate); otherwise they are not read and may be null.
   */
  decide(date: number, x: ArrayLike<number>, offset: number, exerciseValues: ArrayLike<number> | null): number {
    if (this.positiveOnly && !(maxOf(exerciseValues!, this.actions) > 0)) return -1;
    this.basisRow(date, x, offset, this.row, 0);
    // The best action by its advantage, if that is positive: the best by fitted value, if it beats the fitted continuation.
    if (!this.known) return this.bestAdvantage(date, this.row);
    const values = this.actionValues;
    const fitted = this.columnValues;
    this.fittedColumns(date, this.row, 0, fitted);
    for (let a = 0; a < this.actions; a++) values[a] = exerciseValues![a];
    return chooseAction(values, 0, this.actions, fitted[0], this.positiveOnly);
  }
}

/**
 * The best action by `values` (the first of equals) if it beats `continuation` (and is positive,
 * with `positiveOnly`), else -1: the decision of a fitted policy, at fitting and after.
 */
function chooseAction(values: Float64Array, offset: number, actions: number, continuation: number, positiveOnly: boolean): number {
  const best = bestAction(values, offset, actions, positiveOnly);
  return best >= 0 && values[offset + best] > continuation ? best : -1;
}

/** chooseAction without the continuation: the action it picks if the continuation is low enough, or -1 (action a's value at values[offset + a]). */
function bestAction(values: Float64Array, offset: number, actions: number, positiveOnly: boolean): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let a = 0; a < actions; a++) {
    if (values[offset + a] > bestValue) {
      bestValue = values[offset + a];
      best = a;
    }
  }
  return positiveOnly && !(bestValue > 0) ? -1 : best;
}

/**
 * Regressed exercise values: the action with the highest advantage over continuing (the first of
 * equals; action a's at values[offset + a * stride]) if that is positive, else -1: the decision of
 * a fitted policy, at fitting and after. (The best action by fitted value, if it beats the fitted
 * continuation: the advantages are the fitted values less the continuation's, in one sum each.)
 */
function advantageAction(values: Float64Array, offset: number, stride: number, actions: number): number {
  let best = -1;
  let bestValue = 0;
  for (let a = 0; a < actions; a++) {
    const value = values[offset + a * stride];
    if (value > bestValue) {
      bestValue = value;
      best = a;
    }
  }
  return best;
}

function maxOf(values: ArrayLike<number>, count: number): number {
  let best = -Infinity;
  for (let i = 0; i < count; i++) if (values[i] > best) best = values[i];
  return best;
}

/** What a state variable's scale becomes in the design's arithmetic: its inverse, 0 for a variable constant at the date. */
function inverseScale(scale: number): number {
  return scale === 0 ? 0 : 1 / scale;
}

/** A state variable as it enters the basis: (x - center) / scale, as a product with the inverse scale (no division); 0 for a constant variable. */
function scaledVariable(x: number, center: number, inverseScale: number): number {
  return inverseScale === 0 ? 0 : (x - center) * inverseScale;
}

/**
 * Regressed exercise values: out[outOffset + a * k + i] = the coefficient of function i of action
 * a's column less the continuation's (coefficients[offset + (1 + a) * k + i] - coefficients[offset + i]):
 * an action's fitted advantage over continuing is one sum instead of the difference of two, at
 * fitting and after.
 */
function subtractContinuation(coefficients: Float64Array, offset: number, actions: number, k: number, out: Float64Array, outOffset: number): void {
  for (let a = 0; a < actions; a++) {
    for (let i = 0; i < k; i++) out[outOffset + a * k + i] = coefficients[offset + (1 + a) * k + i] - coefficients[offset + i];
  }
}

/** A stopping problem's sizes: what the per-date preparation and the induction are shaped by. */
export type StoppingShape = Pick<StoppingProblem, 'paths' | 'dates' | 'actions' | 'stateSize' | 'exerciseKnownAtDate'>;

/**
 * What a date's step of the induction needs that the decisions at later dates do not change, for
 * `slots` dates: the paths regressed; the state's centre and scale; the normal equations' sums
 * without the continuation's moments (the Gram matrix, and each action's moments when exercise
 * values are regressed); and, with known exercise values, per path the best action by its value
 * (regressed ones are compared with the continuation by the induction, as one fitted advantage per action).
 * Each date is prepared on its own (DatePreparer), so any thread may prepare any date: in shared
 * memory, worker threads prepare them all at once and the induction (one thread, date after date)
 * is left with the continuation alone.
 */
export interface PreparedDates {
  slots: number;
  /** [slot]: paths regressed. */
  regressionPaths: Int32Array;
  /** [slot][path]: 1 where the path is regressed (and decided on). */
  inRegression: Uint8Array;
  /** [slot][variable]: as StoppingPolicy's. */
  center: Float64Array;
  scale: Float64Array;
  /** [slot][NormalEquations.sumsLength]. */
  sums: Float64Array;
  /** Known exercise values, [slot][path]: the action with the highest exercise value (the first of equals), -1 if none may be taken (empty when regressed). */
  bestAction: Int8Array;
  /** Known exercise values, [slot][path]: its exercise value: the path exercises where it beats the fitted continuation. */
  bestValue: Float64Array;
}

function sumsLength(shape: StoppingShape, k: number): number {
  return 1 + k * k + policyColumns(shape.actions, shape.exerciseKnownAtDate) * k;
}

/** `shared`: in SharedArrayBuffers, for worker threads to fill in place. */
export function createPreparedDates(shape: StoppingShape, basis: BasisSpec, slots: number, shared: boolean): PreparedDates {
  const k = basisSize(basis, shape.stateSize);
  const make = <T>(Type: { new (buffer: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }, n: number) =>
    new Type(shared ? new SharedArrayBuffer(Type.BYTES_PER_ELEMENT * n) : new ArrayBuffer(Type.BYTES_PER_ELEMENT * n));
  return {
    slots,
    regressionPaths: make(Int32Array, slots),
    inRegression: make(Uint8Array, slots * shape.paths),
    center: make(Float64Array, slots * shape.stateSize),
    scale: make(Float64Array, slots * shape.stateSize),
    sums: make(Float64Array, slots * sumsLength(shape, k)),
    // Regressed exercise values are decided by the induction, not here.
    bestAction: make(Int8Array, shape.exerciseKnownAtDate ? slots * shape.paths : 0),
    bestValue: make(Float64Array, shape.exerciseKnownAtDate ? slots * shape.paths : 0),
  };
}

/**
 * Builds a date's design: its regression paths, compacted, column by column (contiguous loops over
 * the paths), their scaled state and basis. Each number is computed as StoppingPolicyEvaluator
 * computes it for one path, so the decisions at fitting are the policy's; and the same whoever
 * builds it, whole or a range of paths at a time.
 */
class DesignBuilder {
  readonly basis: RegressionBasis;
  private readonly scaledColumns: Float64Array;

  constructor(private readonly shape: StoppingShape, spec: BasisSpec) {
    this.basis = new RegressionBasis(spec, shape.stateSize);
    this.scaledColumns = new Float64Array(shape.stateSize * shape.paths);
  }

  /**
   * The rows of paths p0 .. p1 - 1 that slot `slot` of `prepared` regresses, at their rank t among
   * the date's regression paths: regressionIndex[t] = path, design[f * paths + t] = function f of
   * its scaled state (state[stateOffset + path * stateSize + v]). Returns the ranks [t0, t1) written.
   */
  build(
    state: ArrayLike<number>, stateOffset: number, prepared: PreparedDates, slot: number, p0: number, p1: number,
    regressionIndex: Int32Array, design: Float64Array, ranks: Int32Array,
  ): void {
    const { paths, stateSize } = this.shape;
    const { center, scale, inRegression } = prepared;
    const scaledColumns = this.scaledColumns;
    const flags = slot * paths;
    // With every path regressed (the default) a path's rank is the path.
    const t0 = prepared.regressionPaths[slot] === paths ? p0 : countFlags(inRegression, flags, flags + p0);
    const t = indexFlags(inRegression, flags, p0, p1, regressionIndex, t0);
    // The scaled variables straight into their columns of the design where the basis has them (no copy).
    const inPlace = this.basis.variablesAsColumns;
    const scaled = inPlace ? design : scaledColumns;
    // A variable at a time: its centre and scale stay in registers.
    for (let v = 0; v < stateSize; v++) {
      const inverse = inverseScale(scale[slot * stateSize + v]);
      const column = (inPlace ? 1 + v : v) * paths;
      if (inverse === 0) scaled.fill(0, column + t0, column + t);
      else scaleColumn(scaled, column, state, stateOffset + v, stateSize, regressionIndex, t0, t, center[slot * stateSize + v], inverse);
    }
    if (inPlace) this.basis.evaluateOtherColumns(design.subarray(t0), paths, t - t0);
    else this.basis.evaluateColumns(scaledColumns.subarray(t0), paths, t - t0, design.subarray(t0), paths);
    ranks[0] = t0;
    ranks[1] = t;
  }
}

/** Prepares dates (PreparedDates): any date, in any order, on any thread; buffers reused. */
export class DatePreparer {
  private readonly builder: DesignBuilder;
  private readonly ranks = new Int32Array(2);
  private readonly regressionIndex: Int32Array;
  private readonly design: Float64Array;
  private readonly samePair: Int32Array;
  private readonly equations: NormalEquations;
  private readonly responses: Float64Array;
  private readonly values: Float64Array;
  private readonly k: number;

  constructor(private readonly shape: StoppingShape, private readonly options: StoppingFitOptions) {
    checkShape(shape);
    this.builder = new DesignBuilder(shape, options.basis);
    this.k = this.builder.basis.size;
    this.samePair = this.builder.basis.gramPairs();
    this.regressionIndex = new Int32Array(shape.paths);
    this.design = new Float64Array(this.k * shape.paths);
    const columns = policyColumns(shape.actions, shape.exerciseKnownAtDate);
    this.equations = new NormalEquations(this.k, columns);
    this.responses = shape.exerciseKnownAtDate ? new Float64Array(0) : new Float64Array(shape.actions * shape.paths);
    this.values = new Float64Array(shape.actions);
  }

  /**
   * Prepares a date from its state (state[stateOffset + path * stateSize + v]) and exercise values
   * (exercise[exerciseOffset + action * paths + path]) into slot `slot`. With `into`, the date's
   * design is built where the induction reads it (InductionArrays.designs), and marked so, instead
   * of in this preparer's own buffers: the caller makes sure the induction is done with the date
   * that used them last (DESIGN_BUFFERS dates later).
   */
  prepare(
    state: ArrayLike<number>, stateOffset: number, exercise: ArrayLike<number>, exerciseOffset: number, prepared: PreparedDates, slot: number,
    into?: { arrays: InductionArrays; date: number },
  ): void {
    const { paths, actions, stateSize, exerciseKnownAtDate } = this.shape;
    const inTheMoneyOnly = this.options.inTheMoneyOnly ?? false;
    const flags = slot * paths;
    const regressed = flagFeasible(prepared.inRegression, flags, paths, inTheMoneyOnly ? actions : 0, exercise, exerciseOffset);
    prepared.regressionPaths[slot] = regressed;
    if (this.options.standardize) standardize(state, stateOffset, prepared, slot, paths, stateSize, regressed);
    else {
      prepared.center.fill(0, slot * stateSize, (slot + 1) * stateSize);
      prepared.scale.fill(1, slot * stateSize, (slot + 1) * stateSize);
    }
    const regressionIndex = into ? into.arrays.regressionIndexes[into.date % DESIGN_BUFFERS] : this.regressionIndex;
    const columns = into ? into.arrays.designs[into.date % DESIGN_BUFFERS] : this.design;
    this.builder.build(state, stateOffset, prepared, slot, 0, paths, regressionIndex, columns, this.ranks);
    if (into) into.arrays.designBuilt[into.date] = 1;
    const k = this.k;
    const equations = this.equations;
    equations.reset();
    if (regressed >= k) {
      equations.addGram(columns, paths, regressed, this.samePair);
      if (!exerciseKnownAtDate) {
        const responses = this.responses;
        for (let a = 0; a < actions; a++) gather(responses, a * paths, exercise, exerciseOffset + a * paths, regressionIndex, regressed);
        let a = 0;
        for (; a + 1 < actions; a += 2) equations.addMomentsTwice(1 + a, columns, paths, regressed, responses, a * paths, (a + 1) * paths);
        if (a < actions) equations.addMoments(1 + a, columns, paths, regressed, responses, a * paths);
      }
    }
    equations.exportSums(prepared.sums, slot * equations.sumsLength);
    // Regressed exercise values are compared with the continuation by the induction (InductionStep.decide), once its coefficients are in.
    if (exerciseKnownAtDate) this.recordBest(exercise, exerciseOffset, prepared, flags, regressionIndex, regressed);
  }

  /** Known exercise values: each regressed path's best action and its value, into the slot at `flags`. */
  private recordBest(exercise: ArrayLike<number>, exerciseOffset: number, prepared: PreparedDates, flags: number, regressionIndex: Int32Array, regressed: number): void {
    const { paths, actions } = this.shape;
    const positiveOnly = this.options.inTheMoneyOnly ?? false;
    const values = this.values;
    for (let r = 0; r < regressed; r++) {
      const p = regressionIndex[r];
      for (let a = 0; a < actions; a++) values[a] = exercise[exerciseOffset + a * paths + p];
      const best = bestAction(values, 0, actions, positiveOnly);
      prepared.bestAction[flags + p] = best;
      prepared.bestValue[flags + p] = best < 0 ? -Infinity : values[best];
    }
  }
}

/** Dates whose designs the induction's arrays hold at once (InductionArrays.designs). */
export const DESIGN_BUFFERS = 4;

/**
 * The backward induction's working arrays: the realised value of the policy found so far on each
 * path and where it exercises, and the current date's design; in shared memory when several
 * threads run the induction together (leastSquaresInduction.ts).
 */
export interface InductionArrays {
  /** [path]: realised time-0 value of the policy from the dates after the current one. */
  values: Float64Array;
  /** [path]: date and action it exercises at, -1 if never (so far). */
  exerciseDate: Int32Array;
  exerciseAction: Int32Array;
  /**
   * A date's regression paths ([rank] = path) and design ([function][rank]), in DESIGN_BUFFERS
   * buffers: date d in buffer d % DESIGN_BUFFERS, so that the preparation of the dates before it
   * can build their designs in place while the induction still works on this one.
   */
  regressionIndexes: Int32Array[];
  designs: Float64Array[];
  /** [date]: 1 once the date's preparation has built its design in place (the induction then does not build it again). */
  designBuilt: Int32Array;
  /** The current date's responses ([rank]). */
  responses: Float64Array;
  /** [date][function]: the continuation's moments (the one sum of the normal equations the preparation leaves). */
  moments: Float64Array;
  /** [date][column][function]: each date's coefficients, as the policy stores them (written by the date's first unit of decisions). */
  coefficients: Float64Array;
}

/** The arrays of an induction that starts from `holdValues` (copied); `shared`: in SharedArrayBuffers. */
export function createInductionArrays(shape: StoppingShape, basis: BasisSpec, holdValues: Float64Array, shared: boolean): InductionArrays {
  const { paths } = shape;
  const k = basisSize(basis, shape.stateSize);
  const make = <T>(Type: { new (buffer: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }, n: number) =>
    new Type(shared ? new SharedArrayBuffer(Type.BYTES_PER_ELEMENT * n) : new ArrayBuffer(Type.BYTES_PER_ELEMENT * n));
  const arrays: InductionArrays = {
    values: make(Float64Array, paths),
    exerciseDate: make(Int32Array, paths),
    exerciseAction: make(Int32Array, paths),
    regressionIndexes: Array.from({ length: DESIGN_BUFFERS }, () => make(Int32Array, paths)),
    designs: Array.from({ length: DESIGN_BUFFERS }, () => make(Float64Array, k * paths)),
    designBuilt: make(Int32Array, shape.dates),
    responses: make(Float64Array, paths),
    moments: make(Float64Array, shape.dates * k),
    coefficients: make(Float64Array, shape.dates * policyColumns(shape.actions, shape.exerciseKnownAtDate) * k),
  };
  arrays.values.set(holdValues.subarray(0, paths));
  arrays.exerciseDate.fill(-1);
  arrays.exerciseAction.fill(-1);
  return arrays;
}

/**
 * The step of the backward induction at a date, cut into units that depend only on the units of
 * the phase before them: build the design (a range of paths at a time), each moment of the
 * continuation (a function at a time), then decide (a range of regression paths at a time): the
 * continuation's fitted value on each path, and where the date's best action (from the
 * preparation) beats it, exercise. Whoever runs a unit computes the same numbers, so the result
 * does not depend on who ran which.
 */
export class InductionStep {
  readonly k: number;
  private readonly builder: DesignBuilder;
  private readonly equations: NormalEquations;
  private readonly solution: Float64Array;
  /** Regressed exercise values: the solution less the continuation (subtractContinuation). */
  private readonly advantageCoefficients: Float64Array;
  /** decide()'s fitted values at each rank: the continuation's (known exercise values), else each action's advantage ([action][rank]). */
  private readonly fitted: Float64Array;
  private readonly ranks = new Int32Array(2);
  private solvedDate = -1;

  constructor(private readonly shape: StoppingShape, options: StoppingFitOptions, private readonly arrays: InductionArrays) {
    checkShape(shape);
    this.builder = new DesignBuilder(shape, options.basis);
    this.k = this.builder.basis.size;
    const columns = policyColumns(shape.actions, shape.exerciseKnownAtDate);
    this.equations = new NormalEquations(this.k, columns);
    this.solution = new Float64Array(columns * this.k);
    this.advantageCoefficients = new Float64Array(shape.exerciseKnownAtDate ? 0 : shape.actions * this.k);
    this.fitted = new Float64Array((shape.exerciseKnownAtDate ? 1 : shape.actions) * shape.paths);
  }

  /**
   * Builds the design rows of paths p0 .. p1 - 1 at `date`, prepared in `slot`, from its state at
   * state[stateOffset + path * stateSize + v] (unless its preparation built them in place), and
   * their responses.
   */
  build(date: number, prepared: PreparedDates, slot: number, state: ArrayLike<number>, stateOffset: number, p0: number, p1: number): void {
    const { values, responses } = this.arrays;
    const regressionIndex = this.arrays.regressionIndexes[date % DESIGN_BUFFERS];
    const ranks = this.ranks;
    if (this.arrays.designBuilt[date]) {
      const paths = this.shape.paths;
      const flags = slot * paths;
      const every = prepared.regressionPaths[slot] === paths;
      ranks[0] = every ? p0 : countFlags(prepared.inRegression, flags, flags + p0);
      ranks[1] = every ? p1 : ranks[0] + countFlags(prepared.inRegression, flags + p0, flags + p1);
    } else {
      this.builder.build(state, stateOffset, prepared, slot, p0, p1, regressionIndex, this.arrays.designs[date % DESIGN_BUFFERS], ranks);
    }
    for (let r = ranks[0]; r < ranks[1]; r++) responses[r] = values[regressionIndex[r]];
  }

  /** The continuation's moment of function i at `date` (every row built). */
  moment(date: number, i: number, prepared: PreparedDates, slot: number): void {
    const { responses, moments } = this.arrays;
    const paths = this.shape.paths;
    moments[date * this.k + i] = dot(this.arrays.designs[date % DESIGN_BUFFERS], i * paths, responses, 0, prepared.regressionPaths[slot]);
  }

  /** The coefficients at `date` (every moment in): [column][function], as the policy stores them. */
  solve(date: number, prepared: PreparedDates, slot: number): Float64Array {
    if (date === this.solvedDate) return this.solution;
    const { equations, k } = this;
    equations.importSums(prepared.sums, slot * equations.sumsLength);
    if (prepared.regressionPaths[slot] >= k) for (let i = 0; i < k; i++) equations.addMoment(0, i, this.arrays.moments[date * k + i]);
    equations.solve(this.solution);
    if (!this.shape.exerciseKnownAtDate) subtractContinuation(this.solution, 0, this.shape.actions, k, this.advantageCoefficients, 0);
    this.solvedDate = date;
    return this.solution;
  }

  /** Decides regression paths of ranks t0 .. t1 - 1 at `date`, exercising at exercise[exerciseOffset + action * paths + path]. */
  decide(date: number, prepared: PreparedDates, slot: number, exercise: ArrayLike<number>, exerciseOffset: number, t0: number, t1: number): void {
    const { values, exerciseDate, exerciseAction } = this.arrays;
    const regressionIndex = this.arrays.regressionIndexes[date % DESIGN_BUFFERS];
    const design = this.arrays.designs[date % DESIGN_BUFFERS];
    const paths = this.shape.paths;
    const k = this.k;
    const solution = this.solve(date, prepared, slot);
    // One unit per date records the coefficients (each lane solves them to the same bits).
    if (t0 === 0) this.arrays.coefficients.set(solution, date * solution.length);
    if (!this.shape.exerciseKnownAtDate) {
      this.decideByAdvantage(regressionIndex, design, exercise, exerciseOffset, date, t0, t1);
      return;
    }
    const flags = slot * paths;
    // The fitted continuation, summed from 0 over the functions in order, as StoppingPolicyEvaluator.fitted sums it.
    const continuation = this.fitted;
    fittedValues(continuation, t0, solution, 0, k, design, paths, t0, t1 - t0);
    for (let t = t0; t < t1; t++) {
      const p = regressionIndex[t];
      const action = prepared.bestAction[flags + p];
      if (action < 0 || !(prepared.bestValue[flags + p] > continuation[t])) continue;
      values[p] = exercise[exerciseOffset + action * paths + p];
      exerciseDate[p] = date;
      exerciseAction[p] = action;
    }
  }

  /**
   * decide() with regressed exercise values: each action's fitted advantage over continuing on
   * each path, summed from 0 over the functions in order as StoppingPolicyEvaluator sums it (two
   * actions a pass over the columns), and the path exercises the best action where it is positive.
   */
  private decideByAdvantage(regressionIndex: Int32Array, design: Float64Array, exercise: ArrayLike<number>, exerciseOffset: number, date: number, t0: number, t1: number): void {
    const { values, exerciseDate, exerciseAction } = this.arrays;
    const { paths, actions } = this.shape;
    const { k, fitted: advantages, advantageCoefficients: coefficients } = this;
    const count = t1 - t0;
    let a = 0;
    for (; a + 1 < actions; a += 2) fittedValuesTwice(advantages, a * paths + t0, (a + 1) * paths + t0, coefficients, a * k, (a + 1) * k, k, design, paths, t0, count);
    if (a < actions) fittedValues(advantages, a * paths + t0, coefficients, a * k, k, design, paths, t0, count);
    for (let t = t0; t < t1; t++) {
      const action = advantageAction(advantages, t, paths, actions);
      if (action < 0) continue;
      const p = regressionIndex[t];
      values[p] = exercise[exerciseOffset + action * paths + p];
      exerciseDate[p] = date;
      exerciseAction[p] = action;
    }
  }
}

/** A new policy of the shape, before its dates are recorded (recordDate). */
function emptyPolicy(shape: StoppingShape, options: StoppingFitOptions): StoppingPolicy {
  const { dates, actions, stateSize, exerciseKnownAtDate } = shape;
  const k = basisSize(options.basis, stateSize);
  return {
    basis: { ...options.basis },
    stateSize,
    dates,
    actions,
    exerciseKnownAtDate,
    inTheMoneyOnly: options.inTheMoneyOnly ?? false,
    center: new Float64Array(dates * stateSize),
    scale: new Float64Array(dates * stateSize).fill(1),
    coefficients: new Float64Array(dates * policyColumns(actions, exerciseKnownAtDate) * k),
    regressionPaths: new Int32Array(dates),
  };
}

/** Records `date` in the policy: its preparation's paths, centre and scale, and its coefficients. */
function recordDate(policy: StoppingPolicy, date: number, prepared: PreparedDates, slot: number, coefficients: Float64Array): void {
  const n = policy.stateSize;
  policy.regressionPaths[date] = prepared.regressionPaths[slot];
  policy.center.set(prepared.center.subarray(slot * n, (slot + 1) * n), date * n);
  policy.scale.set(prepared.scale.subarray(slot * n, (slot + 1) * n), date * n);
  policy.coefficients.set(coefficients, date * coefficients.length);
}

/**
 * The fit of an induction that threads ran together (leastSquaresInduction.ts) over dates prepared
 * in slot = date: the policy (each date's coefficients as its decisions recorded them) and the paths' results.
 */
export function inductionResult(shape: StoppingShape, options: StoppingFitOptions, prepared: PreparedDates, arrays: InductionArrays): StoppingFit {
  const policy = emptyPolicy(shape, options);
  const width = arrays.coefficients.length / shape.dates;
  for (let d = 0; d < shape.dates; d++) recordDate(policy, d, prepared, d, arrays.coefficients.subarray(d * width, (d + 1) * width));
  return { policy, pathValues: arrays.values, exerciseDate: arrays.exerciseDate, exerciseAction: arrays.exerciseAction };
}

/** The backward induction in this thread, one date at a time from the last (each step whole). */
export class BackwardInduction {
  private readonly policy: StoppingPolicy;
  /** Its arrays: a date's preparation may build the date's design in them (DatePreparer.prepare's `into`). */
  readonly arrays: InductionArrays;
  private readonly step: InductionStep;

  /** `holdValues[p]`: the value of never exercising on path p (copied). */
  constructor(private readonly shape: StoppingShape, options: StoppingFitOptions, holdValues: Float64Array) {
    this.policy = emptyPolicy(shape, options);
    this.arrays = createInductionArrays(shape, options.basis, holdValues, false);
    this.step = new InductionStep(shape, options, this.arrays);
  }

  /** The step at `date` (each date once, from the last to 0), with the date's state and exercise values as given to DatePreparer.prepare and its preparation in slot `slot`. */
  stepDate(date: number, state: Float64Array, exercise: Float64Array, prepared: PreparedDates, slot: number): void {
    const step = this.step;
    const regressed = prepared.regressionPaths[slot];
    step.build(date, prepared, slot, state, 0, 0, this.shape.paths);
    if (regressed >= step.k) for (let i = 0; i < step.k; i++) step.moment(date, i, prepared, slot);
    recordDate(this.policy, date, prepared, slot, step.solve(date, prepared, slot));
    step.decide(date, prepared, slot, exercise, 0, 0, regressed);
  }

  /** The fit, once every date has had its step. */
  result(): StoppingFit {
    const { values, exerciseDate, exerciseAction } = this.arrays;
    return { policy: this.policy, pathValues: values, exerciseDate, exerciseAction };
  }
}

function checkShape(shape: StoppingShape): void {
  // A fractional or NaN size used to surface as a typed array's "byte length should be a multiple of 8", or as an empty fit.
  for (const [field, least] of [['paths', 1], ['dates', 1], ['stateSize', 0]] as const) {
    if (!Number.isSafeInteger(shape[field]) || shape[field] < least) throw new RangeError(`a stopping problem's ${field} must be a whole number >= ${least}, got ${shape[field]}`);
  }
  if (!Number.isSafeInteger(shape.actions) || shape.actions < 1) throw new Error(`a stopping problem needs at least one exercise action (a whole number), got ${shape.actions}`);
  if (shape.actions > 127) throw new Error(`a stopping problem takes at most 127 exercise actions, got ${shape.actions}`);
}

/** A policy put together by hand must have the arrays its shape implies: a short one read as undefined, a decision of NaN. */
function checkPolicyArrays(policy: StoppingPolicy, k: number): void {
  checkShape({ paths: 1, dates: policy.dates, actions: policy.actions, stateSize: policy.stateSize, exerciseKnownAtDate: policy.exerciseKnownAtDate });
  const expected = {
    center: policy.dates * policy.stateSize,
    scale: policy.dates * policy.stateSize,
    coefficients: policy.dates * policyColumns(policy.actions, policy.exerciseKnownAtDate) * k,
    regressionPaths: policy.dates,
  };
  for (const [field, length] of Object.entries(expected) as [keyof typeof expected, number][]) {
    if (policy[field]?.length !== length) throw new RangeError(`a stopping policy's ${field} must hold ${length} numbers for its ${policy.dates} dates, got ${policy[field]?.length}`);
  }
}

/** A problem's values must be finite: one NaN or Infinity turns every coefficient of its date, and each earlier date's, into NaN. */
function checkFinite(values: Float64Array, what: string, cell: (i: number) => string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`${what} gave ${values[i]} for ${cell(i)}: a stopping problem's values must be finite numbers`);
  }
}

/** Fits a stopping policy on the problem's paths by backward induction (see the file comment), preparing each date as it goes. */
export function fitStoppingPolicy(problem: StoppingProblem, options: StoppingFitOptions): StoppingFit {
  const { paths, dates, actions, stateSize } = problem;
  checkShape(problem);
  const prepared = createPreparedDates(problem, options.basis, 1, false);
  const preparer = new DatePreparer(problem, options);
  const hold = new Float64Array(paths);
  problem.holdValues(hold);
  checkFinite(hold, 'holdValues', (p) => `path ${p}`);
  const induction = new BackwardInduction(problem, options, hold);
  const state = new Float64Array(paths * stateSize);
  const exercise = new Float64Array(actions * paths);
  for (let d = dates - 1; d >= 0; d--) {
    problem.stateAt(d, state);
    checkFinite(state, `stateAt(${d})`, (i) => `path ${Math.floor(i / stateSize)}, variable ${i % stateSize}`);
    problem.exerciseValuesAt(d, exercise);
    checkFinite(exercise, `exerciseValuesAt(${d})`, (i) => `action ${Math.floor(i / paths)}, path ${i % paths}`);
    // The dates after d are done: d's design goes where the induction reads it.
    preparer.prepare(state, 0, exercise, 0, prepared, 0, { arrays: induction.arrays, date: d });
    induction.stepDate(d, state, exercise, prepared, 0);
  }
  return induction.result();
}

/**
 * y[yOffset + t] = the sum over the functions i < k of coefficients[c + i] * x[i * stride + xOffset + t],
 * for t < count, added from 0 in function order as StoppingPolicyEvaluator.fitted adds them (so the
 * same bits): the fitted values of a date's design. Three functions a pass, so that y is read and
 * written once for three terms instead of once for each.
 */
function fittedValues(y: Float64Array, yOffset: number, coefficients: Float64Array, c: number, k: number, x: Float64Array, stride: number, xOffset: number, count: number): void {
  y.fill(0, yOffset, yOffset + count);
  let i = 0;
  for (; i + 3 <= k; i += 3) addScaledThree(y, yOffset, coefficients[c + i], coefficients[c + i + 1], coefficients[c + i + 2], x, i * stride + xOffset, stride, count);
  for (; i < k; i++) addScaled(y, yOffset, coefficients[c + i], x, i * stride + xOffset, count);
}

/** fittedValues of two right-hand sides (coefficients at c and d, fitted values at y[yOffset ..) and y[zOffset ..)), in one pass over each column for both. */
function fittedValuesTwice(
  y: Float64Array, yOffset: number, zOffset: number, coefficients: Float64Array, c: number, d: number, k: number, x: Float64Array, stride: number, xOffset: number, count: number,
): void {
  y.fill(0, yOffset, yOffset + count);
  y.fill(0, zOffset, zOffset + count);
  let i = 0;
  for (; i + 3 <= k; i += 3) {
    addScaledThreeTwice(y, yOffset, coefficients[c + i], coefficients[c + i + 1], coefficients[c + i + 2], zOffset, coefficients[d + i], coefficients[d + i + 1], coefficients[d + i + 2], x, i * stride + xOffset, stride, count);
  }
  for (; i < k; i++) addScaledTwice(y, yOffset, coefficients[c + i], zOffset, coefficients[d + i], x, i * stride + xOffset, count);
}

/** addScaled of three columns of x (at xOffset, xOffset + stride, xOffset + 2 * stride), in order, in one pass over y. */
function addScaledThree(y: Float64Array, yOffset: number, a0: number, a1: number, a2: number, x: Float64Array, xOffset: number, stride: number, count: number): void {
  const x1 = xOffset + stride;
  const x2 = x1 + stride;
  for (let t = 0; t < count; t++) y[yOffset + t] = y[yOffset + t] + a0 * x[xOffset + t] + a1 * x[x1 + t] + a2 * x[x2 + t];
}

/** addScaledThree into y at yOffset (a0 .. a2) and at zOffset (b0 .. b2) in one pass over the three columns. */
function addScaledThreeTwice(
  y: Float64Array, yOffset: number, a0: number, a1: number, a2: number, zOffset: number, b0: number, b1: number, b2: number, x: Float64Array, xOffset: number, stride: number, count: number,
): void {
  const x1 = xOffset + stride;
  const x2 = x1 + stride;
  for (let t = 0; t < count; t++) {
    const v0 = x[xOffset + t];
    const v1 = x[x1 + t];
    const v2 = x[x2 + t];
    y[yOffset + t] = y[yOffset + t] + a0 * v0 + a1 * v1 + a2 * v2;
    y[zOffset + t] = y[zOffset + t] + b0 * v0 + b1 * v1 + b2 * v2;
  }
}

/** y[yOffset + t] += a * x[xOffset + t] for t < count (a small function: V8 compiles its loop tighter than inside the fit's). */
function addScaled(y: Float64Array, yOffset: number, a: number, x: Float64Array, xOffset: number, count: number): void {
  for (let t = 0; t < count; t++) y[yOffset + t] += a * x[xOffset + t];
}

/** addScaled(y, yOffset, a, x, ...) and addScaled(y, zOffset, b, x, ...) in one pass over x. */
function addScaledTwice(y: Float64Array, yOffset: number, a: number, zOffset: number, b: number, x: Float64Array, xOffset: number, count: number): void {
  for (let t = 0; t < count; t++) {
    const v = x[xOffset + t];
    y[yOffset + t] += a * v;
    y[zOffset + t] += b * v;
  }
}

/** Sets the slot's centre and scale to each variable's mean and standard deviation over the `count` regressed paths. */
function standardize(state: ArrayLike<number>, offset: number, prepared: PreparedDates, slot: number, paths: number, n: number, count: number): void {
  const { inRegression } = prepared;
  const flags = slot * paths;
  for (let v = 0; v < n; v++) {
    // Every path regressed (the default): the same sums without looking at the flags.
    const sum = count === paths ? stridedSum(state, offset + v, n, paths) : flaggedSum(state, offset + v, n, inRegression, flags, paths);
    const mean = count > 0 ? sum / count : 0;
    // Two passes (the mean, then the squared deviations from it): stable for variables far from 0
    // (log difficulty ~33) with a small spread, and no division per path.
    const squares = count === paths ? stridedSquares(state, offset + v, n, paths, mean) : flaggedSquares(state, offset + v, n, inRegression, flags, paths, mean);
    const sd = count > 1 ? Math.sqrt(squares / (count - 1)) : 0;
    prepared.center[slot * n + v] = mean;
    // A spread below rounding of the mean is no spread: the variable is constant at this date.
    prepared.scale[slot * n + v] = sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 0;
  }
}

// The loops of the preparation and the design, each a function of its own: inside a larger function
// V8 compiled the loop on the first call, before the code after it had ever run, and dropped that
// code (insufficient type feedback) on reaching it, call after call.

/** Sum of flags[from .. to). */
function countFlags(flags: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) count += flags[i];
  return count;
}

/** Writes the paths p0 .. p1 - 1 flagged at flags[offset + p] to index[t0 ..), in order; returns the rank after the last. */
function indexFlags(flags: Uint8Array, offset: number, p0: number, p1: number, index: Int32Array, t0: number): number {
  let t = t0;
  for (let p = p0; p < p1; p++) if (flags[offset + p]) index[t++] = p;
  return t;
}

/** out[column + r] = (state[offset + index[r] * stride] - center) * inverseScale for ranks r0 .. r1 - 1 (scaledVariable, inverseScale not 0). */
function scaleColumn(
  out: Float64Array, column: number, state: ArrayLike<number>, offset: number, stride: number, index: Int32Array, r0: number, r1: number, center: number, inverseScale: number,
): void {
  for (let r = r0; r < r1; r++) out[column + r] = (state[offset + index[r] * stride] - center) * inverseScale;
}

/**
 * Flags each path regressed (1) or not (0) at flags[offset + p] and returns how many are: every path,
 * or with `actions` > 0 those where one of the actions' exercise values (exercise[exerciseOffset + a * paths + p]) is positive.
 */
function flagFeasible(flags: Uint8Array, offset: number, paths: number, actions: number, exercise: ArrayLike<number>, exerciseOffset: number): number {
  let regressed = 0;
  for (let p = 0; p < paths; p++) {
    let feasible = 1;
    if (actions > 0) {
      feasible = 0;
      for (let a = 0; a < actions; a++) if (exercise[exerciseOffset + a * paths + p] > 0) feasible = 1;
    }
    flags[offset + p] = feasible;
    regressed += feasible;
  }
  return regressed;
}

/** out[outOffset + t] = from[fromOffset + index[t]] for t < count. */
function gather(out: Float64Array, outOffset: number, from: ArrayLike<number>, fromOffset: number, index: Int32Array, count: number): void {
  for (let t = 0; t < count; t++) out[outOffset + t] = from[fromOffset + index[t]];
}

/** Sum of x[offset + p * stride] over the paths p < paths flagged at flags[flagOffset + p], in path order. */
function flaggedSum(x: ArrayLike<number>, offset: number, stride: number, flags: Uint8Array, flagOffset: number, paths: number): number {
  let sum = 0;
  for (let p = 0; p < paths; p++) if (flags[flagOffset + p]) sum += x[offset + p * stride];
  return sum;
}

/** Sum of x[offset + p * stride] over the paths p < paths, in path order (flaggedSum with every path flagged). */
function stridedSum(x: ArrayLike<number>, offset: number, stride: number, paths: number): number {
  let sum = 0;
  for (let p = 0; p < paths; p++) sum += x[offset + p * stride];
  return sum;
}

/** Sum of (x[offset + p * stride] - mean)^2 over the paths p < paths, in path order (flaggedSquares with every path flagged). */
function stridedSquares(x: ArrayLike<number>, offset: number, stride: number, paths: number, mean: number): number {
  let squares = 0;
  for (let p = 0; p < paths; p++) {
    const deviation = x[offset + p * stride] - mean;
    squares += deviation * deviation;
  }
  return squares;
}

/** Sum of (x[offset + p * stride] - mean)^2 over the flagged paths, in path order. */
function flaggedSquares(x: ArrayLike<number>, offset: number, stride: number, flags: Uint8Array, flagOffset: number, paths: number, mean: number): number {
  let squares = 0;
  for (let p = 0; p < paths; p++) {
    if (!flags[flagOffset + p]) continue;
    const deviation = x[offset + p * stride] - mean;
    squares += deviation * deviation;
  }
  return squares;
}
