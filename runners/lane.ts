// A lane: one thread's share of a batch of trials. Lanes claim slices of trials from a shared
// counter until none are left, so a faster thread simply takes more slices (with fixed chunks
// one worker could sit idle for a fifth of a run while the other finished). Each trial's outcomes
// go straight into the run's shared outcome block at the trial's own index, and a lane's band
// counts are integer sums: the results depend on neither the number of lanes nor who ran what.
// With an outcome sketch (--outcomes sketch) a lane keeps no rows: each slice goes into a scratch
// block of its own and is folded into the lane's sketch, whose counts and exact sums merge alike.
import type { Scenario } from '../scenarios/schema.js';
import type { BandCollector } from '../engine/bandCollector.js';
import { BAND_TRIALS, type SparseCounts } from '../engine/bandSketch.js';
import type { ModelInputs } from '../engine/priceModel.js';
import { createOutcomeBlock, type OutcomeBlock } from '../engine/outcomes.js';
import { OutcomeSketch, sameSketchShape, type OutcomeSketchShape, type OutcomeSketchState } from '../engine/outcomeSketch.js';
import type { TrialKernel } from '../engine/trial.js';
import { threadKernel } from './threadKernel.js';

export interface LaneTask {
  scenario: Scenario;
  /**
   * Data the scenario needs beyond itself (a bootstrap's historical returns, conversion policies),
   * read or fitted once by the runner: workers read no files.
   */
  inputs: ModelInputs;
  /** Cache key of the scenario and its inputs (runIdentity.ts scenarioHash): the lanes of one run share a workspace. */
  scenarioKey: string;
  /** The same without the conversion policies (runIdentity.ts kernelKey): a thread's kernel outlives a policy's fit. */
  kernelKey: string;
  seed: number;
  /** Shared: the next unclaimed trial of the batch, at index 0. */
  nextTrial: Int32Array;
  /** End of the batch: trials up to batchEnd - 1 are claimed. */
  batchEnd: number;
  /** Trials claimed at a time. Results do not depend on it. */
  sliceTrials: number;
  /** The run's outcomes in shared memory: trial t's values at column offset t. Unused with a sketch. */
  outcomes: OutcomeBlock;
  /** Keep no rows: fold every trial into an outcome sketch of this shape instead. */
  sketch: OutcomeSketchShape | null;
  /** Different for every run: a thread's sketch of an abandoned run is never carried into the next. */
  runToken: number;
  /** Whether to sketch the monthly bands (the fan charts). */
  collectBands: boolean;
  /** Shared with the runner: trials done, counted as slices finish, for the progress display. */
  trialsDone: Int32Array;
  /** Return after about this many trials, slices left or not (the in-process runner yields between). */
  maxTrials?: number;
  /** Test hook: makes the slice holding this trial throw (for fault-handling tests). */
  failAtTrial?: number;
}

export interface LaneResult {
  /** Whether the batch has no slices left; the lane's band counts come with the last call. */
  exhausted: boolean;
  bands: SparseCounts;
  /** The lane's outcome sketch, with the last call of a sketch run. */
  sketch: OutcomeSketchState | null;
}

/** Fresh each time: a worker hands its arrays' buffers over, which detaches them. */
const noCounts = (): SparseCounts => ({ indices: new Uint32Array(0), counts: new Uint32Array(0) });

let cachedKey = '';
/**
 * `bandsRun`: the run whose counts the collector holds (null when empty). A run abandoned mid-lane
 * (Ctrl-C on the in-process executor, a cancelled shard on a worker) leaves its counts there; the
 * next run with the same scenario must not add them to its own.
 */
let cached: { kernel: TrialKernel; bands: BandCollector | null; bandsRun: number | null } | null = null;
/**
 * This thread's outcome sketch and scratch rows, for the run whose token it carries; `empty` once
 * its sketch has been taken (an abandoned run's is not).
 */
let sketchSpace: { runToken: number; sketch: OutcomeSketch; scratch: OutcomeBlock; empty: boolean } | null = null;

function sketchSpaceFor(task: LaneTask, shape: OutcomeSketchShape) {
  if (sketchSpace === null || sketchSpace.runToken !== task.runToken) {
    // The next shard of a run (a `hashpivot worker` takes one after another) takes over the last
    // one's emptied sketch rather than allocating and zeroing its 16 MB again.
    const reusable = sketchSpace !== null && sketchSpace.empty && sameSketchShape(sketchSpace.sketch.shape, shape) && sketchSpace.scratch.trialCount === task.sliceTrials;
    sketchSpace = reusable
      ? { ...sketchSpace!, runToken: task.runToken }
      : { runToken: task.runToken, sketch: new OutcomeSketch(shape), scratch: createOutcomeBlock(0, task.sliceTrials, shape.strategyCount), empty: true };
  }
  return sketchSpace;
}

/** This thread's kernel (threadKernel.ts) with the run's conversion policies set, and its band collector: reused by every lane of the run. */
function workspaceFor(task: LaneTask) {
  if (cached === null || cachedKey !== task.scenarioKey) {
    const kernel = threadKernel(task.scenario, task.inputs, task.kernelKey);
    kernel.setSwitchPolicies(task.inputs.switchPolicies ?? {});
    // The collector (megabytes of counts) is made only for runs that sketch the bands: a study's
    // points do not, and each point is a new scenario.
    cached = { kernel, bands: null, bandsRun: null };
    cachedKey = task.scenarioKey;
  }
  return cached;
}

/** Runs trials [from, to) of a block; only those with a run trial index below BAND_TRIALS feed the bands. */
function runTrials(kernel: TrialKernel, seed: number, block: OutcomeBlock, collector: BandCollector | null, from: number, to: number): void {
  const split = collector === null ? from : Math.min(to, Math.max(from, BAND_TRIALS - block.firstTrial));
  if (split > from) kernel.run(seed, block, collector, from, split);
  if (to > split) kernel.run(seed, block, null, split, to);
}

export function runLane(task: LaneTask): LaneResult {
  const workspace = workspaceFor(task);
  const { kernel } = workspace;
  const collector = task.collectBands ? (workspace.bands ??= kernel.createBandCollector()) : null;
  if (collector) {
    if (workspace.bandsRun !== null && workspace.bandsRun !== task.runToken) collector.takeNonZero(); // an abandoned run's counts: dropped
    workspace.bandsRun = task.runToken;
  }
  const space = task.sketch ? sketchSpaceFor(task, task.sketch) : null;
  let trials = 0;
  for (;;) {
    if (task.maxTrials !== undefined && trials >= task.maxTrials) return { exhausted: false, bands: noCounts(), sketch: null };
    const start = Atomics.add(task.nextTrial, 0, task.sliceTrials);
    if (start >= task.batchEnd) break;
    const end = Math.min(task.batchEnd, start + task.sliceTrials);
    try {
      if (task.failAtTrial !== undefined && task.failAtTrial >= start && task.failAtTrial < end) {
        throw new Error(`injected fault at trial ${task.failAtTrial}`);
      }
      if (space) {
        // Claims count from the run's (or shard's) first trial, which the empty block still carries.
        space.scratch.firstTrial = task.outcomes.firstTrial + start;
        runTrials(kernel, task.seed, space.scratch, collector, 0, end - start);
        space.empty = false;
        space.sketch.fold(space.scratch, end - start);
      } else {
        runTrials(kernel, task.seed, task.outcomes, collector, start, end);
      }
    } catch (error) {
      cached = null; // the collector holds part of a failed slice: never let it reach another run
      sketchSpace = null;
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`trials ${start}..${end - 1} failed: ${message}`);
    }
    Atomics.add(task.trialsDone, 0, end - start);
    trials += end - start;
  }
  workspace.bandsRun = null;
  const sketch = space ? space.sketch.take() : null;
  if (space) space.empty = true;
  return { exhausted: true, bands: collector ? collector.takeNonZero() : noCounts(), sketch };
}
