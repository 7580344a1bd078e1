// The exercise boundary of a fitted conversion policy, so a committee reads a rule ("convert when
// hashprice falls below $X/PH/day") instead of regression coefficients. For each decision month and
// one state variable, the policy is evaluated along that variable over its fitted range (the mean
// +- 3 standard deviations of the fitting paths at that month), the other variables held at their
// mean for the month, and the value where the decision changes nearest the typical state (the
// mean) is located, by linear interpolation of the fitted advantage between 241 grid points. A
// quadratic fit may turn again far out in the tails, where few paths go: such further changes are
// counted, not hidden. It says where the policy's regions lie; a trial's decision uses the whole state.
import { StoppingPolicyEvaluator } from './leastSquaresMonteCarlo.js';
import { stateValue, type SwitchStateVariable } from './switchState.js';
import { toStoppingPolicy, type SwitchPolicy } from './switchPolicy.js';

/**
 * Where converting is optimal along the variable, around the threshold nearest the mean: below or
 * above it, at every value of the range (`always`, e.g. a month where every path has the same
 * state), or at none (`never`).
 */
export type BoundaryRegion = 'below' | 'above' | 'always' | 'never';

export interface BoundaryPoint {
  month: number;
  region: BoundaryRegion;
  /** In the variable's own units (USD/PH/day, index, ...); null for always and never. */
  threshold: number | null;
  /** The action converting picks next to the threshold (index into the policy's actions), or for always the one at the mean. */
  action: number | null;
  /** Further places in the range where the decision changes (far from the mean; 0 for a clean boundary). */
  otherChanges: number;
  /** The range searched, in the variable's own units. */
  from: number;
  to: number;
}

const GRID = 241;
const SPAN_SD = 3;

/** The boundary along `variable` at every decision month; null when the policy does not look at it. */
export function exerciseBoundary(policy: SwitchPolicy, variable: SwitchStateVariable): BoundaryPoint[] | null {
  const v = policy.state.indexOf(variable);
  if (v < 0) return null;
  const evaluator = new StoppingPolicyEvaluator(toStoppingPolicy(policy));
  const state = new Float64Array(policy.state.length);
  const convert = new Int32Array(GRID);
  return policy.decisionMonths.map((month, d): BoundaryPoint => {
    const center = policy.center[d];
    const sd = policy.scale[d][v];
    state.set(center);
    const xAt = (i: number) => center[v] + sd * SPAN_SD * ((2 * i) / (GRID - 1) - 1);
    for (let i = 0; i < GRID; i++) {
      state[v] = xAt(i);
      convert[i] = evaluator.decide(d, state, 0, null);
    }
    const from = stateValue(variable, xAt(0));
    const to = stateValue(variable, xAt(GRID - 1));
    const changes: number[] = [];
    for (let i = 1; i < GRID; i++) if ((convert[i] >= 0) !== (convert[i - 1] >= 0)) changes.push(i);
    const mid = (GRID - 1) / 2;
    if (changes.length === 0) {
      const always = convert[0] >= 0;
      return { month, region: always ? 'always' : 'never', threshold: null, action: always ? convert[mid] : null, otherChanges: 0, from, to };
    }
    // The change nearest the mean; the crossing lies between grid points i - 1 and i.
    const i = changes.reduce((best, c) => (Math.abs(c - 0.5 - mid) < Math.abs(best - 0.5 - mid) ? c : best));
    const x = crossing(evaluator, d, state, v, xAt(i - 1), xAt(i));
    const below = convert[i - 1] >= 0;
    return { month, region: below ? 'below' : 'above', threshold: stateValue(variable, x), action: convert[below ? i - 1 : i], otherChanges: changes.length - 1, from, to };
  });
}

/** Linear interpolation of the advantage's zero between x0 and x1 (where the decision changes). */
function crossing(evaluator: StoppingPolicyEvaluator, date: number, state: Float64Array, v: number, x0: number, x1: number): number {
  state[v] = x0;
  const a0 = evaluator.advantage(date, state, 0);
  state[v] = x1;
  const a1 = evaluator.advantage(date, state, 0);
  return a0 === a1 ? 0.5 * (x0 + x1) : x0 + ((x1 - x0) * a0) / (a0 - a1);
}
