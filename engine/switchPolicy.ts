// The decision a board asks about, as an optimal-stopping problem: at each decision month the site
// keeps mining or converts (a share, leased or as a GPU cloud), once and for all. A policy fitted by
// least-squares Monte Carlo (switchFitting.ts) is a set of regressions per decision month; on a
// trial's market path it converts at the first decision month where the fitted value of some
// action beats the fitted value of waiting, with that action. This file holds the plan (what may
// be decided, when, on what), the policy as plain JSON (what policy-NAME.json holds, and what a
// `kind: policy` strategy applies to another scenario), and the decider that applies it per trial.
import type { StrategySpec } from '../scenarios/schema.js';
import { StoppingPolicyEvaluator, policyColumns, type StoppingPolicy } from './leastSquaresMonteCarlo.js';
import type { MarketPath } from './market.js';
import { basisSize, type BasisSpec } from './regressionBasis.js';
import { neverConvertingRule, type StrategyRule } from './strategy.js';
import { SwitchStateReader, type SwitchStateVariable } from './switchState.js';

export interface SwitchAction {
  share: number;
  operate: 'lease' | 'gpuCloud';
}

/** What an optimal strategy decides over. */
export interface SwitchPlan {
  /** Months at which the site may convert, ascending. */
  decisionMonths: number[];
  actions: SwitchAction[];
  state: SwitchStateVariable[];
  basis: BasisSpec;
  curtail: boolean;
}

export const SWITCH_POLICY_FORMAT = 'hashpivot-switch-policy';

/** A fitted conversion policy as plain JSON (policy-NAME.json). */
export interface SwitchPolicy extends SwitchPlan {
  format: typeof SWITCH_POLICY_FORMAT;
  /** Version of the engine that fitted it: a policy is applied only by the same engine. */
  engineVersion: string;
  /** The strategy and scenario it was fitted for. */
  strategy: string;
  scenario: string;
  fit: {
    seed: number;
    paths: number;
    /** Mean NPV of the policy on its own fitting paths (biased up) and that mean's standard error. */
    inSampleNpvUsd: number;
    inSampleStandardErrorUsd: number;
    /** Paths regressed at each decision month. */
    regressionPaths: number[];
  };
  /** Per decision month and state variable: the state enters the basis as (x - center) / scale (scale 0: constant, enters as 0). */
  center: number[][];
  scale: number[][];
  /** Per decision month: [continuation, action 0, action 1, ...], each one coefficient per basis function. */
  coefficients: number[][][];
}

type OptimalSpec = Extract<StrategySpec, { kind: 'optimal' }>;

/** The plan of an optimal strategy over a horizon (the scenario checks have made k divide it). */
export function switchPlan(spec: OptimalSpec, horizonMonths: number): SwitchPlan {
  const decisionMonths: number[] = [];
  for (let m = 0; m < horizonMonths; m += spec.decisionEveryMonths) decisionMonths.push(m);
  return {
    decisionMonths,
    actions: spec.actions.map((a) => ({ share: a.share, operate: a.operate })),
    state: [...spec.state],
    basis: { kind: spec.basis.kind, degree: spec.basis.degree },
    curtail: spec.curtail,
  };
}

/** The least-squares core's view of a switch policy (typed arrays, same numbers). */
export function toStoppingPolicy(policy: SwitchPolicy): StoppingPolicy {
  const dates = policy.decisionMonths.length;
  const stateSize = policy.state.length;
  return {
    basis: policy.basis,
    stateSize,
    dates,
    actions: policy.actions.length,
    exerciseKnownAtDate: false,
    inTheMoneyOnly: false,
    center: Float64Array.from(policy.center.flat()),
    scale: Float64Array.from(policy.scale.flat()),
    coefficients: Float64Array.from(policy.coefficients.flat(2)),
    regressionPaths: Int32Array.from(policy.fit.regressionPaths),
  };
}

/** The JSON form of a fitted StoppingPolicy (inverse of toStoppingPolicy). */
export function switchPolicyArrays(fitted: StoppingPolicy): Pick<SwitchPolicy, 'center' | 'scale' | 'coefficients'> {
  const { dates, stateSize, actions } = fitted;
  const k = basisSize(fitted.basis, stateSize);
  const columns = policyColumns(actions, false);
  const rows = (array: Float64Array, width: number) => Array.from({ length: dates }, (_, d) => Array.from(array.subarray(d * width, (d + 1) * width)));
  return {
    center: rows(fitted.center, stateSize),
    scale: rows(fitted.scale, stateSize),
    coefficients: Array.from({ length: dates }, (_, d) =>
      Array.from({ length: columns }, (_, c) => Array.from(fitted.coefficients.subarray((d * columns + c) * k, (d * columns + c + 1) * k))),
    ),
  };
}

const NO_FIXED_ACTION = -2;

/**
 * Applies a switch policy to one trial's market path at a time. Its `rule` is a strategy rule of
 * its own, rewritten for each path with the month and the action the policy picks; nothing is
 * allocated per path.
 */
export class SwitchDecider {
  readonly rule: StrategyRule;
  readonly evaluator: StoppingPolicyEvaluator;
  private readonly reader: SwitchStateReader;
  /** Float32, as the fit stores the state: the policy decides on a path as it decided on its fitting paths. */
  private readonly state: Float32Array;
  /**
   * Per decision month: the action the policy takes whatever the state, where every state variable
   * was constant at fitting (month 0: the as-of state) and so enters the basis as 0; NO_FIXED_ACTION
   * where it depends on the state.
   */
  private readonly fixedAction: Int8Array;

  constructor(readonly policy: SwitchPolicy, name: string) {
    this.evaluator = new StoppingPolicyEvaluator(toStoppingPolicy(policy));
    this.reader = new SwitchStateReader(policy.state);
    this.state = new Float32Array(policy.state.length);
    this.fixedAction = Int8Array.from(policy.decisionMonths, (_, d) =>
      policy.scale[d].every((s) => s === 0) ? this.evaluator.decide(d, this.state, 0, null) : NO_FIXED_ACTION,
    );
    this.rule = neverConvertingRule(name, policy.curtail);
  }

  /** Sets the rule to the policy's choice on this path: the first decision month where converting beats waiting. */
  decide(market: MarketPath): StrategyRule {
    const rule = this.rule;
    const months = this.policy.decisionMonths;
    rule.convertAtMonth = Infinity;
    rule.share = 0;
    rule.gpuCloud = false;
    for (let d = 0; d < months.length; d++) {
      let action = this.fixedAction[d];
      if (action === NO_FIXED_ACTION) {
        this.reader.read(market, months[d], this.state, 0);
        action = this.evaluator.decide(d, this.state, 0, null);
      }
      if (action < 0) continue;
      const chosen = this.policy.actions[action];
      rule.convertAtMonth = months[d];
      rule.share = chosen.share;
      rule.gpuCloud = chosen.operate === 'gpuCloud';
      break;
    }
    return rule;
  }
}
