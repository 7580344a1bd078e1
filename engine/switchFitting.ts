// Fitting a conversion policy by least-squares Monte Carlo, in three parts, the first two of which
// can run apart (any worker, any order):
// - per fitting path: the market and site draws of path p of the "fit" family (streams no trial
//   uses), the state at each decision month, and the NPV of converting at each decision month with
//   each action, and of never converting: never converting and a leased conversion from per-path
//   sums where the site allows (conversionValue.ts: the same NPVs as the StrategyEvaluator's to
//   rounding, without walking the months); anything else through the evaluator, never converting
//   walked once per path and each conversion resumed at its month (the months before it are shared
//   with never converting);
// - per decision month, once the paths are in: what its regression needs that later decisions do
//   not change (leastSquaresMonteCarlo.ts's DatePreparer: standardising, the Gram matrix, each
//   action's fitted value on each path), most of the regressions' work;
// - once, over all months: the backward induction of engine/leastSquaresMonteCarlo.ts, where the
//   value of converting at a month is realised only in the months after it, so it is regressed on
//   the state like the value of waiting; it is left with the continuation's regression alone.
// Each path and each month is computed whole by whoever claims it and written at its own index, so
// the fit does not depend on who computed what.
import { ConversionValuer } from './conversionValue.js';
import { createInductionControl, createPreparationCounters, runInductionLane, type InductionData, type InductionPreparation } from './leastSquaresInduction.js';
import {
  createInductionArrays, createPreparedDates, DatePreparer, inductionResult, InductionStep,
  type InductionArrays, type PreparedDates, type StoppingFitOptions, type StoppingShape,
} from './leastSquaresMonteCarlo.js';
import { RunningMean } from './runningMean.js';
import { neverConvertingRule, type StrategyRule } from './strategy.js';
import { SwitchStateReader } from './switchState.js';
import { SWITCH_POLICY_FORMAT, switchPolicyArrays, type SwitchPlan, type SwitchPolicy } from './switchPolicy.js';
import type { TrialKernel } from './trial.js';

/** What the fitting paths leave for the regression: Float32 where 7 digits are far below the Monte Carlo error. */
export interface SwitchFitArrays {
  paths: number;
  /** [date][path][variable]. */
  state: Float32Array;
  /** NPV of converting at each date with each action: [date][action][path]. */
  exercise: Float32Array;
  /** NPV of never converting, per path. */
  hold: Float64Array;
  /** Each decision month's preparation for the regression, slot = month index (prepareSwitchFitDate). */
  prepared: PreparedDates;
}

function switchShape(plan: SwitchPlan, paths: number): StoppingShape {
  return { paths, dates: plan.decisionMonths.length, actions: plan.actions.length, stateSize: plan.state.length, exerciseKnownAtDate: false };
}

function switchFitOptions(plan: SwitchPlan): StoppingFitOptions {
  return { basis: plan.basis, standardize: true };
}

/** `shared`: in SharedArrayBuffers, so worker threads fill them in place. */
export function createSwitchFitArrays(plan: SwitchPlan, paths: number, shared: boolean): SwitchFitArrays {
  const dates = plan.decisionMonths.length;
  const float32 = (n: number) => (shared ? new Float32Array(new SharedArrayBuffer(4 * n)) : new Float32Array(n));
  return {
    paths,
    state: float32(dates * paths * plan.state.length),
    exercise: float32(dates * plan.actions.length * paths),
    hold: shared ? new Float64Array(new SharedArrayBuffer(8 * paths)) : new Float64Array(paths),
    prepared: createPreparedDates(switchShape(plan, paths), plan.basis, dates, shared),
  };
}

/** One valuer per kernel (its tables are the site's). */
const valuers = new WeakMap<TrialKernel, ConversionValuer>();

/** Fills the arrays for fitting paths from .. to - 1 (see the file comment). */
export function simulateSwitchFitPaths(kernel: TrialKernel, plan: SwitchPlan, fitSeed: number, from: number, to: number, arrays: SwitchFitArrays): void {
  let valuer = valuers.get(kernel);
  if (!valuer) valuers.set(kernel, (valuer = new ConversionValuer(kernel.model.site)));
  const simulator = new FitPathSimulator(kernel, valuer, plan, arrays);
  // A path at a time, each a call: V8 compiles the path's work once, instead of first in the
  // middle of this loop (on-stack replacement) and then again for the next call.
  for (let p = from; p < to; p++) simulator.simulate(fitSeed, p);
}

/** One fitting path's market, state at each decision month and NPVs (simulateSwitchFitPaths); buffers reused. */
class FitPathSimulator {
  private readonly reader: SwitchStateReader;
  private readonly rule: StrategyRule;
  /**
   * Per action, in typed arrays: a JS array built per call of simulateSwitchFitPaths changed its
   * map from one call to the next, and V8 dropped the compiled code at each change.
   */
  private readonly direct: Uint8Array;
  private readonly shares: Float64Array;
  /** Never converting valued from the valuer's sums (its site allows); else walked by the evaluator. */
  private readonly holdFromSums: boolean;
  /** Some action is walked by the evaluator, resumed from never converting's recorded months. */
  private readonly walksActions: boolean;

  constructor(private readonly kernel: TrialKernel, private readonly valuer: ConversionValuer, private readonly plan: SwitchPlan, private readonly arrays: SwitchFitArrays) {
    this.reader = new SwitchStateReader(plan.state);
    this.rule = neverConvertingRule('fit', plan.curtail);
    this.direct = Uint8Array.from(plan.actions, (action) => (valuer.covers(action.operate === 'gpuCloud') ? 1 : 0));
    this.shares = Float64Array.from(plan.actions, (action) => action.share);
    this.holdFromSums = valuer.coversHold();
    this.walksActions = this.direct.includes(0);
  }

  simulate(fitSeed: number, p: number): void {
    const { kernel, valuer, plan, arrays, reader, rule, direct, shares, holdFromSums, walksActions } = this;
    const n = arrays.paths;
    const stateSize = plan.state.length;
    const actions = plan.actions.length;
    const months = plan.decisionMonths;
    const { market, siteDraws, evaluator } = kernel;
    kernel.drawFitPath(fitSeed, p);
    let holdNpvUsd = NaN;
    if (walksActions || !holdFromSums) {
      rule.convertAtMonth = Infinity;
      rule.share = 0;
      // Converting at month d mines like never converting until d: those months are run once, here.
      holdNpvUsd = evaluator.evaluateNpvRecording(rule, market, siteDraws).npvUsd;
    }
    if (holdFromSums) {
      valuer.preparePath(market, siteDraws, plan.curtail);
      holdNpvUsd = valuer.neverConvertingNpvUsd;
    }
    arrays.hold[p] = holdNpvUsd;
    reader.readMonths(market, months, arrays.state, p * stateSize, n * stateSize);
    for (let d = 0; d < months.length; d++) {
      rule.convertAtMonth = months[d];
      for (let a = 0; a < actions; a++) {
        let npvUsd: number;
        if (direct[a]) {
          npvUsd = valuer.npvUsd(months[d], shares[a]);
        } else {
          rule.share = shares[a];
          rule.gpuCloud = plan.actions[a].operate === 'gpuCloud';
          npvUsd = evaluator.evaluateNpvFrom(rule, market, siteDraws, months[d]).npvUsd;
        }
        arrays.exercise[(d * actions + a) * n + p] = npvUsd;
      }
    }
  }
}

/** Prepares decision months' regressions (after their paths are simulated); buffers reused from one month to the next. */
class SwitchFitDatePreparer {
  private readonly preparer: DatePreparer;

  constructor(private readonly plan: SwitchPlan, private readonly arrays: SwitchFitArrays) {
    this.preparer = new DatePreparer(switchShape(plan, arrays.paths), switchFitOptions(plan));
  }

  /** Prepares decision month index d into the arrays' slot d (with `into`, its design where the induction reads it: DatePreparer.prepare). */
  prepare(d: number, into?: InductionArrays): void {
    const { arrays, plan } = this;
    const n = arrays.paths;
    this.preparer.prepare(arrays.state, d * n * plan.state.length, arrays.exercise, d * n * plan.actions.length, arrays.prepared, d, into && { arrays: into, date: d });
  }
}

/** The backward induction's shared state (leastSquaresInduction.ts): its arrays, the lanes' counters and the months' preparation counters. */
export interface SwitchInduction {
  arrays: InductionArrays;
  control: Int32Array;
  preparation: Pick<InductionPreparation, 'next' | 'ready'>;
}

/** The induction over arrays whose paths are all in (it starts from their values of never converting). */
export function createSwitchInduction(plan: SwitchPlan, arrays: SwitchFitArrays, shared: boolean): SwitchInduction {
  return {
    arrays: createInductionArrays(switchShape(plan, arrays.paths), plan.basis, arrays.hold, shared),
    control: createInductionControl(shared),
    preparation: createPreparationCounters(plan.decisionMonths.length, shared),
  };
}

/**
 * A thread's lane of the regressions once the paths are in (runInductionLane): it prepares months
 * and runs units of the induction as they come; buffers reused from one call to the next.
 */
export class SwitchInductionLane {
  private readonly step: InductionStep;
  private readonly data: InductionData;
  private readonly preparation: InductionPreparation;

  constructor(plan: SwitchPlan, arrays: SwitchFitArrays, private readonly induction: SwitchInduction) {
    const n = arrays.paths;
    this.step = new InductionStep(switchShape(plan, n), switchFitOptions(plan), induction.arrays);
    const preparer = new SwitchFitDatePreparer(plan, arrays);
    this.preparation = { ...induction.preparation, prepare: (d, inPlace) => preparer.prepare(d, inPlace ? induction.arrays : undefined) };
    this.data = {
      dates: plan.decisionMonths.length,
      paths: n,
      prepared: arrays.prepared,
      state: arrays.state,
      stateStride: n * plan.state.length,
      exercise: arrays.exercise,
      exerciseStride: n * plan.actions.length,
    };
  }

  /** Runs units until none is left (true) or maxUnits are done (false). */
  run(maxUnits?: number): boolean {
    return runInductionLane(this.step, this.induction.control, this.data, maxUnits, this.preparation);
  }
}

export interface SwitchFitMeta {
  engineVersion: string;
  strategy: string;
  scenario: string;
  seed: number;
}

/** The fitted policy, with its in-sample value, once the induction is done. */
export function fitSwitchPolicy(plan: SwitchPlan, arrays: SwitchFitArrays, induction: SwitchInduction, meta: SwitchFitMeta): SwitchPolicy {
  const n = arrays.paths;
  const fit = inductionResult(switchShape(plan, n), switchFitOptions(plan), arrays.prepared, induction.arrays);
  const inSample = new RunningMean();
  for (let p = 0; p < n; p++) inSample.add(fit.pathValues[p]);
  return {
    format: SWITCH_POLICY_FORMAT,
    engineVersion: meta.engineVersion,
    strategy: meta.strategy,
    scenario: meta.scenario,
    ...plan,
    fit: {
      seed: meta.seed,
      paths: n,
      inSampleNpvUsd: inSample.mean,
      inSampleStandardErrorUsd: inSample.standardError,
      regressionPaths: Array.from(fit.policy.regressionPaths),
    },
    ...switchPolicyArrays(fit.policy),
  };
}
