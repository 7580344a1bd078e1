// The values a conversion policy is fitted on (engine/switchFitting.ts), path by path, against the
// strategy evaluator run over the whole horizon: never converting, and converting at each decision
// month with each action. The fit reaches them three ways, by what the site and the actions allow:
// every action leased on an untaxed site, from the valuer's per-path sums alone; a GPU cloud beside
// a lease, walked by the evaluator from never converting's recorded months; a taxed site, every
// value walked. Never converting is kept in Float64 (to rounding: 1e-9 of the value), the
// conversions in Float32 (~6e-8 of the value).
import { describe, expect, it } from 'vitest';
import { compileModel } from '../engine/model.js';
import { neverConvertingRule } from '../engine/strategy.js';
import { createSwitchFitArrays, simulateSwitchFitPaths } from '../engine/switchFitting.js';
import { switchPlan } from '../engine/switchPolicy.js';
import { TrialKernel } from '../engine/trial.js';
import { presetWith } from '../runners/realOptionChecks.js';
import { loadScenario } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';

const PATHS = 3;
const FIT_SEED = 5;
const HOLD_TOLERANCE = 1e-9;
const FLOAT32_TOLERANCE = 1e-6;

const cases: [string, Scenario][] = [
  ['base-optimal: leases, from the sums alone', loadScenario('base-optimal')],
  [
    'gpu-cloud with an optimal strategy leasing all or running half as a GPU cloud: the cloud walked',
    presetWith('gpu-cloud', (raw) => {
      raw.strategies.push({
        kind: 'optimal', name: 'optimal', actions: [{ share: 1, operate: 'lease' }, { share: 0.5, operate: 'gpuCloud' }],
        decisionEveryMonths: 6, state: ['hashprice', 'aiDemand'], basis: { kind: 'polynomial', degree: 1 }, fitPaths: 100,
      });
    }),
  ],
  ['base-optimal on a taxed site: every value walked', presetWith('base-optimal', (raw) => (raw.site.taxRate = 0.21))],
];

describe('the values a policy is fitted on', () => {
  for (const [name, scenario] of cases) {
    it(`${name}: the evaluator's NPV of never converting, and of each action at each decision month`, () => {
      const spec = scenario.strategies.find((s) => s.kind === 'optimal');
      if (spec?.kind !== 'optimal') throw new Error('no optimal strategy');
      const plan = switchPlan(spec, scenario.horizonMonths);
      const kernel = new TrialKernel(compileModel(scenario));
      const arrays = createSwitchFitArrays(plan, PATHS, false);
      simulateSwitchFitPaths(kernel, plan, FIT_SEED, 0, PATHS, arrays);
      const { evaluator, market, siteDraws } = kernel;
      const actions = plan.actions.length;
      let worstHold = 0;
      let worstExercise = 0;
      for (let p = 0; p < PATHS; p++) {
        kernel.drawFitPath(FIT_SEED, p);
        const rule = neverConvertingRule('check', plan.curtail);
        const holdUsd = evaluator.evaluate(rule, market, siteDraws).npvUsd;
        worstHold = Math.max(worstHold, Math.abs(arrays.hold[p] - holdUsd) / Math.max(1e6, Math.abs(holdUsd)));
        plan.decisionMonths.forEach((month, d) => {
          plan.actions.forEach((action, a) => {
            Object.assign(rule, { convertAtMonth: month, share: action.share, gpuCloud: action.operate === 'gpuCloud' });
            const walkedUsd = evaluator.evaluate(rule, market, siteDraws).npvUsd;
            const fittedUsd = arrays.exercise[(d * actions + a) * PATHS + p];
            worstExercise = Math.max(worstExercise, Math.abs(fittedUsd - walkedUsd) / Math.max(1e6, Math.abs(walkedUsd)));
          });
        });
      }
      expect(worstHold).toBeLessThan(HOLD_TOLERANCE);
      expect(worstExercise).toBeLessThan(FLOAT32_TOLERANCE);
    });
  }
});
