// Rules of an optimal strategy that zod cannot express field by field: its decision dates must cut
// the horizon evenly into at least two, and its regression basis must be small enough for the
// paths it is fitted on. Each strategy is parsed on its own (defaults filled in), so the rules run
// and report even when zod found problems elsewhere; a value zod rejects is left to zod.
import { basisSize } from '../engine/regressionBasis.js';
import { isRecord, valueAt } from './fields.js';
import { MIN_FIT_PATHS_PER_BASIS_FUNCTION, scenarioSchema, strategySchema } from './schema.js';
import type { ScenarioProblem } from './scenarioError.js';

/** The rules below in words, for SCHEMA.md. */
export const OPTIMAL_STRATEGY_RULES: readonly { path: string; rule: string }[] = [
  { path: 'strategies[].decisionEveryMonths', rule: '(optimal) divides horizonMonths, leaving at least two decision dates' },
  {
    path: 'strategies[].basis',
    rule: `(optimal) at most fitPaths / ${MIN_FIT_PATHS_PER_BASIS_FUNCTION} basis functions: a polynomial of degree d in n state variables has C(n + d, d), a Laguerre basis 1 + n (d + 1)`,
  },
];

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let k = 1; k <= n / 2; k++) if (n % k === 0) out.push(k);
  return out;
}

export function optimalStrategyProblems(raw: unknown): ScenarioProblem[] {
  const strategies = valueAt(raw, ['strategies']);
  const horizon = scenarioSchema.shape.horizonMonths.safeParse(isRecord(raw) ? raw.horizonMonths : undefined);
  if (!Array.isArray(strategies) || !horizon.success) return [];
  const horizonMonths = horizon.data;
  const problems: ScenarioProblem[] = [];
  strategies.forEach((raw, index) => {
    const parsed = strategySchema.safeParse(raw);
    if (!parsed.success || parsed.data.kind !== 'optimal') return;
    const spec = parsed.data;
    const every = spec.decisionEveryMonths;
    if (horizonMonths % every !== 0 || horizonMonths / every < 2) {
      const choices = divisors(horizonMonths);
      problems.push({
        path: `strategies[${index}].decisionEveryMonths`,
        message:
          horizonMonths % every !== 0
            ? `is ${every}, which does not divide horizonMonths ${horizonMonths}: the last decision interval would be cut short`
            : `is ${every}, which leaves ${horizonMonths / every} decision date in horizonMonths ${horizonMonths}: nothing to wait for`,
        allowed: choices.length > 0 ? `a divisor of ${horizonMonths} up to ${horizonMonths / 2}: ${choices.join(', ')}` : `a longer horizon (${horizonMonths} month has no room for two decision dates)`,
      });
    }
    const functions = basisSize(spec.basis, spec.state.length);
    if (functions * MIN_FIT_PATHS_PER_BASIS_FUNCTION > spec.fitPaths) {
      problems.push({
        path: `strategies[${index}].basis.degree`,
        message: `is ${spec.basis.degree}: a ${spec.basis.kind} basis of degree ${spec.basis.degree} in ${spec.state.length} state variables has ${functions} functions, more than fitPaths ${spec.fitPaths} supports (${MIN_FIT_PATHS_PER_BASIS_FUNCTION} paths per function)`,
        allowed: `a lower degree, fewer state variables, or fitPaths >= ${functions * MIN_FIT_PATHS_PER_BASIS_FUNCTION}`,
      });
    }
  });
  return problems;
}
