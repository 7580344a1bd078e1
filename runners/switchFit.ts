// Fitting the conversion policy of each `optimal` strategy before the trials run: the fitting
// paths are spread over the run's lanes, as many as have MIN_PATHS_PER_LANE paths each
// (switchFitLane.ts; path simulation and one strategy evaluation per path, decision month and
// action), then the regressions: the decision months'
// preparation (what each month's regression needs that later decisions do not change: its Gram
// matrix and the actions' moments) and the backward induction (the continuation's regression,
// month after month), over as many lanes as have MIN_PATHS_PER_INDUCTION_LANE paths each. This
// thread only solves each month's small system again for the policy file. The result depends only
// on the scenario and the fit seed (the run's seed unless the strategy sets fitSeed), never on the
// number of workers: shards of a run each fit the same policy.
import type { ModelInputs } from '../engine/priceModel.js';
import { createSwitchFitArrays, createSwitchInduction, fitSwitchPolicy } from '../engine/switchFitting.js';
import { switchPlan, type SwitchPolicy } from '../engine/switchPolicy.js';
import { ENGINE_VERSION } from '../outputs/summary.js';
import type { Scenario } from '../scenarios/schema.js';
import type { LaneExecutor } from './pool.js';
import type { FitLaneTask } from './switchFitLane.js';
import { kernelKey } from './runIdentity.js';

/**
 * Paths a lane claims at a time (each costs a few trials' worth of work). A multiple of 16: a
 * path's values sit next to its neighbours' ([month][action][path] in Float32, 16 paths to a
 * 64-byte cache line), and with slices of 10 nearly every line was written by both lanes, each
 * write taking the line from the other core; whole lines per slice leave only the slice's ends.
 */
const SLICE_PATHS = 64;
const PROGRESS_POLL_MS = 100;
/**
 * Fitting paths each lane of the paths phase must have (so a second lane from 10,000 paths): every
 * lane's thread warms the paths' code up of its own (V8 runs it unoptimised meanwhile). Measured on
 * a quiet machine (the fit alone, 2 workers, 6 rounds, README, Performance, "The optimal strategy"):
 * at 10,000 paths a second lane took 0.075 s off the fit's 0.68 s of wall for 0.13 s of CPU, most
 * of which a run with trials pays anyway (its second worker warms the market and the evaluator up
 * for the trials: base-optimal at 100,000 trials cost the same CPU with one lane or two, and its
 * fit took 0.1 s less wall with two); at 4,000 paths it saved 0.02 s of wall for 0.055 s of CPU.
 */
export const MIN_PATHS_PER_LANE = 5_000;
/**
 * Fitting paths each lane of the regressions must have (so a second lane from 40,000 paths): a
 * second lane's thread compiles the regressions' code of its own and meets the first at every
 * phase of every month. Measured (the fit alone, 2 workers, one regression lane against two, 3-5
 * rounds; README, Performance, "The optimal strategy"): at 10,000 paths two lanes took ~0.04 s off
 * the fit's ~0.67 s of wall for ~0.07 s more CPU, at 20,000 ~0.07 s off ~1.04 s for ~0.15 s, at
 * 40,000 ~0.23 s off ~1.74 s for ~0.17 s, at 100,000 ~0.7 s off ~3.9 s for ~0.3 s.
 */
export const MIN_PATHS_PER_INDUCTION_LANE = 20_000;

export interface SwitchFitOptions {
  seed: number;
  signal?: AbortSignal;
  /** Fitting paths a lane of the paths phase must have (default MIN_PATHS_PER_LANE): fewer lanes than the executor's below lanes x this. */
  minPathsPerLane?: number;
  /** The same for the regressions (default MIN_PATHS_PER_INDUCTION_LANE). */
  minPathsPerInductionLane?: number;
  /** Fitting paths done of the total, per optimal strategy, as they go, and once more when its policy is fitted. */
  onProgress?: (pathsDone: number, paths: number, strategy: string) => void;
}

/** Whether the scenario has optimal strategies whose policy is not among the inputs yet. */
export function needsSwitchFit(scenario: Scenario, inputs: ModelInputs): boolean {
  return scenario.strategies.some((s) => s.kind === 'optimal' && !inputs.switchPolicies?.[s.name]);
}

/** The inputs with a fitted policy for every optimal strategy (policies already given are kept). */
export async function fitSwitchPolicies(scenario: Scenario, inputs: ModelInputs, executor: LaneExecutor, options: SwitchFitOptions): Promise<ModelInputs> {
  const policies: Record<string, SwitchPolicy> = { ...inputs.switchPolicies };
  const { switchPolicies: _given, ...fitInputs } = inputs;
  const fitKernelKey = kernelKey(scenario, fitInputs);
  for (const spec of scenario.strategies) {
    if (spec.kind !== 'optimal' || policies[spec.name]) continue;
    const plan = switchPlan(spec, scenario.horizonMonths);
    const fitSeed = spec.fitSeed ?? options.seed;
    const arrays = createSwitchFitArrays(plan, spec.fitPaths, true);
    const pathsDone = new Int32Array(new SharedArrayBuffer(4));
    const task: FitLaneTask = {
      scenario, inputs: fitInputs, kernelKey: fitKernelKey, plan, fitSeed,
      phase: 'paths', next: new Int32Array(new SharedArrayBuffer(4)), paths: spec.fitPaths, slicePaths: SLICE_PATHS, arrays, pathsDone,
    };
    const report = () => options.onProgress?.(Atomics.load(pathsDone, 0), spec.fitPaths, spec.name);
    const poll = options.onProgress ? setInterval(report, PROGRESS_POLL_MS) : null;
    poll?.unref();
    try {
      await runLanes(executor, task, lanesFor(executor, spec.fitPaths, options.minPathsPerLane ?? MIN_PATHS_PER_LANE), options.signal);
    } finally {
      if (poll) clearInterval(poll);
    }
    report();
    const induction = createSwitchInduction(plan, arrays, true);
    const inductionLanes = lanesFor(executor, spec.fitPaths, options.minPathsPerInductionLane ?? MIN_PATHS_PER_INDUCTION_LANE);
    await runLanes(executor, { ...task, phase: 'induction', induction }, inductionLanes, options.signal);
    policies[spec.name] = fitSwitchPolicy(plan, arrays, induction, { engineVersion: ENGINE_VERSION, strategy: spec.name, scenario: scenario.name, seed: fitSeed });
    report();
  }
  return { ...inputs, switchPolicies: policies };
}

/** As many lanes as have `minPaths` fitting paths each, at least 1, at most the executor's. */
function lanesFor(executor: LaneExecutor, paths: number, minPaths: number): number {
  return Math.max(1, Math.min(executor.lanes, Math.floor(paths / minPaths)));
}

async function runLanes(executor: LaneExecutor, task: FitLaneTask, lanes: number, signal?: AbortSignal): Promise<void> {
  const running: Promise<void>[] = [];
  for (let lane = 0; lane < lanes; lane++) running.push(executor.runFit(task, signal));
  await Promise.all(running);
}
