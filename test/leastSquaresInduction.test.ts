// The backward induction run in lanes (engine/leastSquaresInduction.ts) against the same fit run in
// one piece (fitStoppingPolicy): with the dates prepared first, or by the lanes as they go, and
// the induction's units spread over two lanes taking turns, the policy and every path's result
// must be the same to the bit.
// (Worker threads proper: test/optimalStrategy.test.ts fits base-optimal on 0 and 2 workers.)
import { describe, expect, it } from 'vitest';
import { createInductionControl, createPreparationCounters, runInductionLane } from '../engine/leastSquaresInduction.js';
import {
  createInductionArrays, createPreparedDates, DatePreparer, fitStoppingPolicy, inductionResult, InductionStep,
  type StoppingFitOptions, type StoppingProblem,
} from '../engine/leastSquaresMonteCarlo.js';
import { mulberry32 } from './mulberry32.js';

// 3,000 paths (three units of 1,024 paths a phase), 6 dates, 2 state variables, 2 actions whose
// values are realised later (regressed): a random walk, with action 0 worth more when x is high and
// action 1 when y is low, plus noise seen only later.
const paths = 3000;
const dates = 6;
const words = mulberry32(11);
const uniform = () => words() / 2 ** 32;
const state = new Float64Array(dates * paths * 2);
const exercise = new Float64Array(dates * 2 * paths);
for (let p = 0; p < paths; p++) {
  let x = 0;
  let y = 0;
  for (let d = 0; d < dates; d++) {
    x += uniform() - 0.5;
    y += uniform() - 0.5;
    state[(d * paths + p) * 2] = x;
    state[(d * paths + p) * 2 + 1] = y;
    exercise[(d * 2) * paths + p] = 1 + x + 0.3 * (uniform() - 0.5);
    exercise[(d * 2 + 1) * paths + p] = 0.8 - y + 0.3 * (uniform() - 0.5);
  }
}
const hold = Float64Array.from({ length: paths }, () => 1.1 + 0.3 * (uniform() - 0.5));
const problem: StoppingProblem = {
  paths,
  dates,
  actions: 2,
  stateSize: 2,
  exerciseKnownAtDate: false,
  stateAt: (d, out) => out.set(state.subarray(d * paths * 2, (d + 1) * paths * 2)),
  exerciseValuesAt: (d, out) => out.set(exercise.subarray(d * 2 * paths, (d + 1) * 2 * paths)),
  holdValues: (out) => out.set(hold),
};
const options: StoppingFitOptions = { basis: { kind: 'polynomial', degree: 2 }, standardize: true };

/** Every date prepared, in slot = date. */
function prepareAll() {
  const prepared = createPreparedDates(problem, options.basis, dates, false);
  const preparer = new DatePreparer(problem, options);
  for (let d = 0; d < dates; d++) preparer.prepare(state, d * paths * 2, exercise, d * 2 * paths, prepared, d);
  return prepared;
}

describe('runInductionLane', () => {
  it('two lanes taking turns, a unit at a time, fit what fitStoppingPolicy fits, to the bit', () => {
    const whole = fitStoppingPolicy(problem, options);

    const prepared = prepareAll();
    const arrays = createInductionArrays(problem, options.basis, hold, false);
    const control = createInductionControl(false);
    const data = { dates, paths, prepared, state, stateStride: paths * 2, exercise, exerciseStride: 2 * paths };
    const lanes = [new InductionStep(problem, options, arrays), new InductionStep(problem, options, arrays)];
    const unitsRun = [0, 0];
    for (let turn = 0; ; turn++) {
      const lane = turn % 2;
      const finished = runInductionLane(lanes[lane], control, data, 1);
      if (finished) break;
      unitsRun[lane]++;
    }
    const split = inductionResult(problem, options, prepared, arrays);

    expect(unitsRun[0]).toBeGreaterThan(10);
    expect(unitsRun[1]).toBeGreaterThan(10);
    expect(Array.from(split.policy.coefficients)).toEqual(Array.from(whole.policy.coefficients));
    expect(Array.from(split.policy.center)).toEqual(Array.from(whole.policy.center));
    expect(Array.from(split.policy.scale)).toEqual(Array.from(whole.policy.scale));
    expect(Array.from(split.pathValues)).toEqual(Array.from(whole.pathValues));
    expect(Array.from(split.exerciseDate)).toEqual(Array.from(whole.exerciseDate));
    expect(Array.from(split.exerciseAction)).toEqual(Array.from(whole.exerciseAction));
    // Not a degenerate fit: paths exercise both actions, at several dates, and some never.
    expect(new Set(whole.exerciseAction)).toEqual(new Set([-1, 0, 1]));
    expect(new Set(whole.exerciseDate).size).toBeGreaterThan(3);
  });

  it('two lanes taking turns that prepare the dates as they go fit the same, to the bit', () => {
    const whole = fitStoppingPolicy(problem, options);
    const prepared = createPreparedDates(problem, options.basis, dates, false);
    const counters = createPreparationCounters(dates, false);
    const arrays = createInductionArrays(problem, options.basis, hold, false);
    // Each date's design built where the induction reads it when the induction allows, else again by the induction.
    const lanes = [0, 1].map(() => {
      const preparer = new DatePreparer(problem, options);
      return {
        ...counters,
        prepare: (d: number, inPlace: boolean) => preparer.prepare(state, d * paths * 2, exercise, d * 2 * paths, prepared, d, inPlace ? { arrays, date: d } : undefined),
      };
    });
    const control = createInductionControl(false);
    const data = { dates, paths, prepared, state, stateStride: paths * 2, exercise, exerciseStride: 2 * paths };
    const steps = [new InductionStep(problem, options, arrays), new InductionStep(problem, options, arrays)];
    for (let turn = 0; !runInductionLane(steps[turn % 2], control, data, 1, lanes[turn % 2]); turn++);
    const split = inductionResult(problem, options, prepared, arrays);
    expect(Array.from(split.policy.coefficients)).toEqual(Array.from(whole.policy.coefficients));
    expect(Array.from(split.pathValues)).toEqual(Array.from(whole.pathValues));
    expect(Array.from(split.exerciseAction)).toEqual(Array.from(whole.exerciseAction));
    expect(Array.from(counters.ready)).toEqual(Array.from({ length: dates }, () => 1));
    expect(arrays.designBuilt.some((built) => built === 1)).toBe(true);
  });

  it('a lane that fails stops the others instead of leaving them waiting', () => {
    const prepared = prepareAll();
    const arrays = createInductionArrays(problem, options.basis, hold, false);
    const control = createInductionControl(false);
    const broken = { dates, paths, prepared, state: null as unknown as Float64Array, stateStride: paths * 2, exercise, exerciseStride: 2 * paths };
    const step = new InductionStep(problem, options, arrays);
    expect(() => runInductionLane(step, control, broken)).toThrow();
    expect(() => runInductionLane(step, control, { ...broken, state })).toThrow(/another lane of the backward induction failed/);
  });
});
