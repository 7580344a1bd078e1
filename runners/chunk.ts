// One chunk of trials, run where it is called: the unit of work of every runner. A chunk is
// identified by its trial range alone, so the same range gives the same numbers in any process.
import type { Scenario } from '../scenarios/schema.js';
import type { BandCollector } from '../engine/bandCollector.js';
import type { SparseCounts } from '../engine/bandSketch.js';
import { compileModel } from '../engine/model.js';
import type { ModelInputs } from '../engine/priceModel.js';
import { createOutcomeBlock, type OutcomeBlock } from '../engine/outcomes.js';
import { TrialKernel } from '../engine/trial.js';

export interface ChunkTask {
  scenario: Scenario;
  /**
   * Data the scenario needs beyond itself (a bootstrap's historical returns), read once by the
   * runner: workers read no files. It follows from the scenario, so scenarioKey covers it.
   */
  inputs: ModelInputs;
  /** Cache key of the scenario: chunks of one run share a compiled model. */
  scenarioKey: string;
  seed: number;
  firstTrial: number;
  trialCount: number;
  /** Whether to sketch the monthly bands (the fan charts); off, a chunk returns no band counts. */
  collectBands: boolean;
  /** Test hook: makes the chunk containing this trial throw (for fault-handling tests). */
  failAtTrial?: number;
  /** Shared with the runner: trials done, counted up as the chunk goes, for the progress display. */
  trialsDone?: Int32Array;
}

/** Trials between two progress counts: a few milliseconds of work. */
const PROGRESS_STEP_TRIALS = 200;

export interface ChunkResult {
  block: OutcomeBlock;
  bands: SparseCounts;
}

let cachedKey = '';
let cached: { kernel: TrialKernel; bands: BandCollector } | null = null;

/** The kernel and band collector of this thread, built once per scenario and reused by every chunk. */
function workspaceFor(task: ChunkTask) {
  if (cached === null || cachedKey !== task.scenarioKey) {
    const kernel = new TrialKernel(compileModel(task.scenario, task.inputs));
    cached = { kernel, bands: kernel.createBandCollector() };
    cachedKey = task.scenarioKey;
  }
  return cached;
}

export function runChunk(task: ChunkTask): ChunkResult {
  const { failAtTrial, firstTrial, trialCount } = task;
  if (failAtTrial !== undefined && failAtTrial >= firstTrial && failAtTrial < firstTrial + trialCount) {
    throw new Error(`injected fault at trial ${failAtTrial}`);
  }
  const { kernel, bands } = workspaceFor(task);
  const block = createOutcomeBlock(firstTrial, trialCount, kernel.model.strategies.length);
  try {
    for (let from = 0; from < trialCount; from += PROGRESS_STEP_TRIALS) {
      const to = Math.min(trialCount, from + PROGRESS_STEP_TRIALS);
      kernel.run(task.seed, block, task.collectBands ? bands : null, from, to);
      if (task.trialsDone) Atomics.add(task.trialsDone, 0, to - from);
    }
  } catch (error) {
    cached = null; // the collector holds part of a failed chunk: never let it reach the next one
    throw error;
  }
  return { block, bands: task.collectBands ? bands.takeNonZero() : { indices: new Uint32Array(0), counts: new Uint32Array(0) } };
}
