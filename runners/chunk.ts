// One chunk of trials, run where it is called: the unit of work of every runner. A chunk is
// identified by its trial range alone, so the same range gives the same numbers in any process.
import type { Scenario } from '../scenarios/schema.js';
import { compileModel } from '../engine/model.js';
import { createOutcomeBlock, type OutcomeBlock } from '../engine/outcomes.js';
import { TrialKernel } from '../engine/trial.js';

export interface ChunkTask {
  scenario: Scenario;
  /** Cache key of the scenario: chunks of one run share a compiled model. */
  scenarioKey: string;
  seed: number;
  firstTrial: number;
  trialCount: number;
  /** Test hook: makes the chunk containing this trial throw (for fault-handling tests). */
  failAtTrial?: number;
}

export interface ChunkResult {
  block: OutcomeBlock;
  bandCounts: Uint32Array;
}

let cachedKey = '';
let cachedKernel: TrialKernel | null = null;

function kernelFor(task: ChunkTask): TrialKernel {
  if (cachedKernel === null || cachedKey !== task.scenarioKey) {
    cachedKernel = new TrialKernel(compileModel(task.scenario));
    cachedKey = task.scenarioKey;
  }
  return cachedKernel;
}

export function runChunk(task: ChunkTask): ChunkResult {
  const { failAtTrial, firstTrial, trialCount } = task;
  if (failAtTrial !== undefined && failAtTrial >= firstTrial && failAtTrial < firstTrial + trialCount) {
    throw new Error(`injected fault at trial ${failAtTrial}`);
  }
  const kernel = kernelFor(task);
  const block = createOutcomeBlock(firstTrial, trialCount, kernel.model.strategies.length);
  const bands = kernel.createBandSketch();
  kernel.run(task.seed, block, bands);
  return { block, bandCounts: bands.counts };
}
