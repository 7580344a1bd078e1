// The trial kernel of this thread: built once per scenario and inputs, and shared by every lane the
// thread runs on them, a conversion policy's fitting paths (switchFitLane.ts) and then the trials
// (lane.ts), which set the fitted policies on it. V8 compiles the hot path against the objects it
// has met: a second model of the same scenario (its parameters are object literals, and a second
// instance of a literal makes their fields mutable), or a second market path or strategy
// evaluator, made it drop its compiled market, strategy and conversion-value code at the first
// trial after a fit and compile it again (~0.2 s of CPU on base-optimal at 100,000 trials on 2
// workers: README, Performance, "The optimal strategy").
import { compileModel } from '../engine/model.js';
import type { ModelInputs } from '../engine/priceModel.js';
import { TrialKernel } from '../engine/trial.js';
import type { Scenario } from '../scenarios/schema.js';
import { loadedProcesses } from './processModule.js';

let cachedKey = '';
let cached: TrialKernel | null = null;

/** This thread's kernel for the scenario and inputs whose kernelKey (runIdentity.ts) is `key` (built on first use); its policies are whatever a lane last set. */
export function threadKernel(scenario: Scenario, inputs: ModelInputs, key: string): TrialKernel {
  if (cached === null || cachedKey !== key) {
    cached = new TrialKernel(compileModel(scenario, inputs, loadedProcesses(inputs)));
    cachedKey = key;
  }
  return cached;
}
