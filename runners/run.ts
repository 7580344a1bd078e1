// A Monte Carlo run: plans chunks of trials, runs them on an executor, and merges the results in
// trial order, so the same scenario and seed give the same numbers for any worker count or chunk size.
import { setMaxListeners } from 'node:events';
import { BandSketch } from '../engine/bandSketch.js';
import { compileModel, type Model } from '../engine/model.js';
import type { ModelInputs } from '../engine/priceModel.js';
import { concatOutcomeBlocks, strategyColumn, type OutcomeBlock } from '../engine/outcomes.js';
import type { Scenario } from '../scenarios/schema.js';
import { resolvedScenarioJson } from '../scenarios/load.js';
import { meanAndStandardError } from '../outputs/statistics.js';
import type { ChunkResult } from './chunk.js';
import { modelInputsFor } from './modelInputs.js';
import { defaultWorkerCount, inProcessExecutor, poolExecutor, type ChunkExecutor } from './pool.js';

export interface RunOptions {
  /** Trials to run; with targetSeUsd, the cap. Default 10,000. */
  trials?: number;
  seed?: number;
  /** Worker threads; 0 runs in this thread. Default: the number of cores. */
  workers?: number;
  /** Trials per chunk handed to a worker. Results do not depend on it. */
  chunkTrials?: number;
  /** Stop once every strategy's mean NPV has a standard error at or below this (USD). */
  targetSeUsd?: number;
  /**
   * Sketch the per-month percentile bands of the market series and of cash (the fan charts).
   * Default true; a library user who needs only per-trial outcomes saves about a fifth of the time.
   */
  collectBands?: boolean;
  onProgress?: (trialsDone: number, trialsPlanned: number) => void;
  signal?: AbortSignal;
  /** Test hook: a fault injected into the chunk holding this trial. */
  failAtTrial?: number;
}

export interface RunResult {
  scenario: Scenario;
  model: Model;
  seed: number;
  trialsRequested: number;
  trials: number;
  targetSeUsd: number | null;
  /** Largest standard error of a strategy's mean NPV. */
  maxNpvStandardErrorUsd: number;
  outcomes: OutcomeBlock;
  /** Empty when the run was made with collectBands: false. */
  bands: BandSketch;
}

export class RunFailure extends Error {}

const DEFAULT_TRIALS = 10_000;
/**
 * Default chunking: as few chunks as keep every worker busy, in a multiple of the worker count,
 * at most this many trials each (25 MB of outcomes). Each chunk costs a task message, a band
 * hand-over and a merge on this thread: with 625-trial chunks those took a fifth of a 10^4 run,
 * and 10^5 trials on 2 workers ran 8-10% faster in 2 chunks than in 6 (interleaved A/B), though
 * with one chunk each a worker may idle while the other finishes.
 */
const MAX_CHUNK_TRIALS = 100_000;
/** In this thread a chunk runs unbroken: small enough that a signal is heard within ~0.1 s. */
const IN_PROCESS_CHUNK_TRIALS = 2000;
/** How often the progress display reads the trials done (workers count them as they go). */
const PROGRESS_POLL_MS = 100;
const MIN_BATCH = 1000;
const FIRST_TARGET_BATCH = 2000;

export function defaultChunkTrials(trials: number, workers: number): number {
  if (workers === 0) return Math.min(trials, IN_PROCESS_CHUNK_TRIALS);
  const chunks = workers * Math.ceil(trials / (workers * MAX_CHUNK_TRIALS));
  return Math.ceil(trials / chunks);
}

function maxNpvStandardError(outcomes: OutcomeBlock): number {
  let worst = 0;
  for (let s = 0; s < outcomes.strategyCount; s++) {
    worst = Math.max(worst, meanAndStandardError(strategyColumn(outcomes, s, 'npvUsd')).standardError);
  }
  return worst;
}

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const trialsRequested = options.trials ?? DEFAULT_TRIALS;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(trialsRequested) || trialsRequested < 1) throw new RunFailure(`trials must be a whole number >= 1, got ${trialsRequested}`);
  if (!Number.isInteger(seed) || seed < 0) throw new RunFailure(`seed must be a whole number >= 0, got ${seed}`);
  const workers = options.workers ?? defaultWorkerCount();
  // Every queued chunk listens to the signal; there can be hundreds.
  if (options.signal) setMaxListeners(0, options.signal);
  // Read here, once: the chunk tasks carry them to the workers, which read no files.
  let inputs: ModelInputs;
  try {
    inputs = modelInputsFor(scenario);
  } catch (error) {
    throw new RunFailure(error instanceof Error ? error.message : String(error));
  }
  const model = compileModel(scenario, inputs);
  const executor: ChunkExecutor = workers > 0 ? poolExecutor(workers) : inProcessExecutor();
  const scenarioKey = JSON.stringify(resolvedScenarioJson(scenario));
  const target = options.targetSeUsd ?? null;
  // With a target, the first batch sets the chunk size.
  const chunkTrials = options.chunkTrials ?? defaultChunkTrials(target === null ? trialsRequested : Math.min(trialsRequested, FIRST_TARGET_BATCH), workers);
  if (!Number.isInteger(chunkTrials) || chunkTrials < 1) {
    throw new RunFailure(`chunk size must be a whole number >= 1, got ${chunkTrials}`);
  }
  const bands = new BandSketch(model.bands, model.market.months);
  const blocks: OutcomeBlock[] = [];
  const trialsDone = new Int32Array(new SharedArrayBuffer(4));

  let done = 0;
  // With a target, the batch sizes depend only on the SEs reached, never on workers or chunk
  // size, so the trial count a target stops at is reproducible too.
  let planned = target === null ? trialsRequested : Math.min(trialsRequested, FIRST_TARGET_BATCH);
  let maxSe = Infinity;
  let reported = 0;
  const report = () => {
    const now = Atomics.load(trialsDone, 0);
    if (now !== reported) options.onProgress?.((reported = now), planned);
  };
  const poll = options.onProgress ? setInterval(report, PROGRESS_POLL_MS) : null;
  poll?.unref();
  try {
    while (done < trialsRequested) {
      const batchEnd = planned;
      const tasks: Promise<ChunkResult>[] = [];
      for (let first = done; first < batchEnd; first += chunkTrials) {
        const trialCount = Math.min(chunkTrials, batchEnd - first);
        const task = { scenario, inputs, scenarioKey, seed, firstTrial: first, trialCount, collectBands: options.collectBands ?? true, failAtTrial: options.failAtTrial, trialsDone };
        tasks.push(
          executor.run(task, options.signal).then(
            (result) => {
              // Integer counts: the merge order cannot change the sum.
              bands.mergeSparse(result.bands);
              blocks.push(result.block);
              report();
              return result;
            },
            (error: unknown) => {
              if (options.signal?.aborted) throw options.signal.reason;
              const message = error instanceof Error ? error.message : String(error);
              throw new RunFailure(`trials ${first}..${first + trialCount - 1} failed: ${message}`);
            },
          ),
        );
      }
      await Promise.all(tasks);
      done = batchEnd;
      const outcomes = concatOutcomeBlocks(blocks);
      blocks.length = 0;
      blocks.push(outcomes);
      maxSe = maxNpvStandardError(outcomes);
      if (target === null || maxSe <= target) break;
      // QuantLib's value(tolerance): the SE falls as 1/sqrt(n), so size the next batch from it.
      const needed = Math.ceil(done * (maxSe / target) ** 2 * 1.05);
      planned = Math.min(trialsRequested, Math.max(done + MIN_BATCH, needed));
    }
  } finally {
    if (poll) clearInterval(poll);
    await executor.close();
  }
  const outcomes = blocks[0];
  return {
    scenario,
    model,
    seed,
    trialsRequested,
    trials: outcomes.trialCount,
    targetSeUsd: target,
    maxNpvStandardErrorUsd: maxSe,
    outcomes,
    bands,
  };
}
