// A fitting lane: one thread's share of the paths a conversion policy is fitted on. Like a trial
// lane (lane.ts) it claims slices of paths from a shared counter until none are left and writes
// each path's state and values at the path's own index of shared arrays
// (engine/switchFitting.ts), so the fit does not depend on the number of threads.
import { compileModel } from '../engine/model.js';
import { loadedProcesses } from './processModule.js';
import type { ModelInputs } from '../engine/priceModel.js';
import { simulateSwitchFitPaths, type SwitchFitArrays } from '../engine/switchFitting.js';
import type { SwitchPlan } from '../engine/switchPolicy.js';
import { TrialKernel } from '../engine/trial.js';
import type { Scenario } from '../scenarios/schema.js';

export interface FitLaneTask {
  scenario: Scenario;
  /** The scenario's inputs without any fitted policy (the fit does not need one). */
  inputs: ModelInputs;
  /** Cache key of the scenario and inputs: the lanes of one fit share a compiled kernel. */
  scenarioKey: string;
  plan: SwitchPlan;
  fitSeed: number;
  /** Shared: the next unclaimed path, at index 0. */
  nextPath: Int32Array;
  paths: number;
  slicePaths: number;
  arrays: SwitchFitArrays;
  /** Shared: paths done, for progress. */
  pathsDone: Int32Array;
  /** Return after about this many paths (the in-process runner yields between). */
  maxPaths?: number;
}

let cachedKey = '';
let cachedKernel: TrialKernel | null = null;

/** Runs slices of fitting paths until none are left (true) or maxPaths are done (false). */
export function runFitLane(task: FitLaneTask): boolean {
  if (cachedKernel === null || cachedKey !== task.scenarioKey) {
    cachedKernel = new TrialKernel(compileModel(task.scenario, task.inputs, loadedProcesses(task.inputs)));
    cachedKey = task.scenarioKey;
  }
  let done = 0;
  for (;;) {
    if (task.maxPaths !== undefined && done >= task.maxPaths) return false;
    const start = Atomics.add(task.nextPath, 0, task.slicePaths);
    if (start >= task.paths) return true;
    const end = Math.min(task.paths, start + task.slicePaths);
    simulateSwitchFitPaths(cachedKernel, task.plan, task.fitSeed, start, end, task.arrays);
    Atomics.add(task.pathsDone, 0, end - start);
    done += end - start;
  }
}
