// A fitting lane: one thread's share of fitting a conversion policy (engine/switchFitting.ts).
// Like a trial lane (lane.ts) it claims work from a shared counter until none is left: slices of
// fitting paths (phase 'paths'), then, once every path is in, the regressions (phase 'induction',
// engine/leastSquaresInduction.ts): decision months to prepare and the units of the backward
// induction, month after month. Each path, month and unit is computed whole by one lane and written
// at its own index of shared arrays, so the fit does not depend on the number of threads.
import type { ModelInputs } from '../engine/priceModel.js';
import { simulateSwitchFitPaths, SwitchInductionLane, type SwitchFitArrays, type SwitchInduction } from '../engine/switchFitting.js';
import type { SwitchPlan } from '../engine/switchPolicy.js';
import type { Scenario } from '../scenarios/schema.js';
import { threadKernel } from './threadKernel.js';

export interface FitLaneTask {
  scenario: Scenario;
  /** The scenario's inputs without any fitted policy (the fit does not need one). */
  inputs: ModelInputs;
  /** Cache key of the scenario and inputs (runIdentity.ts kernelKey): a thread's kernel serves the fit and the trials after it. */
  kernelKey: string;
  plan: SwitchPlan;
  fitSeed: number;
  /** 'paths': simulate the fitting paths; 'induction': prepare each decision month's regression from them and run the backward induction. */
  phase: 'paths' | 'induction';
  /** Shared: the next unclaimed path, at index 0. */
  next: Int32Array;
  paths: number;
  slicePaths: number;
  arrays: SwitchFitArrays;
  /** The induction's shared state (phase 'induction'). */
  induction?: SwitchInduction;
  /** Shared: paths done, for progress. */
  pathsDone: Int32Array;
  /** Return after about this many paths (or months and induction units; the in-process runner yields between). */
  maxPaths?: number;
}

// A fit's induction lane, kept while its arrays live: the in-process runner calls a lane again and again.
const inductionLanes = new WeakMap<SwitchInduction, SwitchInductionLane>();

/** Runs the task's phase until nothing is left to claim (true) or about maxPaths paths, months or units are done (false). */
export function runFitLane(task: FitLaneTask): boolean {
  switch (task.phase) {
    case 'paths': return simulatePaths(task);
    case 'induction': return runInduction(task);
  }
}

function simulatePaths(task: FitLaneTask): boolean {
  const kernel = threadKernel(task.scenario, task.inputs, task.kernelKey);
  let done = 0;
  for (;;) {
    if (task.maxPaths !== undefined && done >= task.maxPaths) return false;
    const start = Atomics.add(task.next, 0, task.slicePaths);
    if (start >= task.paths) return true;
    const end = Math.min(task.paths, start + task.slicePaths);
    simulateSwitchFitPaths(kernel, task.plan, task.fitSeed, start, end, task.arrays);
    Atomics.add(task.pathsDone, 0, end - start);
    done += end - start;
  }
}

function runInduction(task: FitLaneTask): boolean {
  const induction = task.induction!;
  let lane = inductionLanes.get(induction);
  if (!lane) inductionLanes.set(induction, (lane = new SwitchInductionLane(task.plan, task.arrays, induction)));
  return lane.run(task.maxPaths);
}
