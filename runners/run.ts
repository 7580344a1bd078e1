// A Monte Carlo run: one lane per worker (lane.ts) claims slices of the trials, each trial's
// outcomes land at its own index in shared memory, and the band counts are integer sums, so the
// same scenario and seed give the same numbers for any worker count or slice size.
import { setMaxListeners } from 'node:events';
import { BandSketch } from '../engine/bandSketch.js';
import { compileModel, type Model } from '../engine/model.js';
import type { SwitchPolicy } from '../engine/switchPolicy.js';
import type { ModelInputs } from '../engine/priceModel.js';
import { createOutcomeBlock, firstTrialsOf, MARKET_METRICS, STRATEGY_METRICS, strategyColumn, type OutcomeBlock } from '../engine/outcomes.js';
import { OutcomeSketch, type OutcomeSketchShape } from '../engine/outcomeSketch.js';
import type { OutcomesMode } from './runIdentity.js';
import type { Scenario } from '../scenarios/schema.js';
import { meanAndStandardError } from '../outputs/statistics.js';
import { sketchShape, sketchStandardError } from '../outputs/sketchStatistics.js';
import type { LaneTask } from './lane.js';
import { resolveModelInputs } from './modelInputs.js';
import { loadedProcesses, prepareProcessModule } from './processModule.js';
import { defaultWorkerCount, inProcessExecutor, maxWorkerCount, poolExecutor, WORKERS_PER_CORE, type LaneExecutor } from './pool.js';
import { kernelKey, scenarioHash } from './runIdentity.js';
import { fitSwitchPolicies, needsSwitchFit } from './switchFit.js';
import { shardLabel, ShardSpecError, shardTrialRange, WHOLE_RUN, type ShardSpec } from './shard.js';

export interface RunOptions {
  /**
   * The module of the scenario's price process of one's own (market.price.model: custom), a path
   * relative to the working directory: checked here, then loaded by every worker. A scenario alone
   * never names code.
   */
  processModule?: string;
  /**
   * Conversion policies to apply to `optimal` strategies of these names instead of fitting them
   * (the swings of a run reuse the run's policies: a fit per swing point would cost more than the run).
   */
  switchPolicies?: Record<string, SwitchPolicy>;
  /** Trials to run; with targetSeUsd, the cap. Default 10,000. */
  trials?: number;
  seed?: number;
  /** Worker threads; 0 runs in this thread. Default: the number of cores. Ignored with `executor`. */
  workers?: number;
  /**
   * Lanes to run on, started by the caller and left open for its next run (a study runs every
   * point on one pool, and a `hashpivot worker` every shard it takes, with no start-up each).
   * Default: a pool of `workers` threads, started and closed by this run.
   */
  executor?: LaneExecutor;
  /** Trials a worker claims at a time (default 500). Results do not depend on it. */
  chunkTrials?: number;
  /** Stop once every strategy's mean NPV has a standard error at or below this (USD). */
  targetSeUsd?: number;
  /**
   * Compute only this shard's trials of the `trials` (runners/shard.ts); `hashpivot merge` puts the
   * shards together. Default: the whole run.
   */
  shard?: ShardSpec;
  /**
   * Sketch the per-month percentile bands of the market series and of cash (the fan charts).
   * Default true; a library user who needs only per-trial outcomes saves about a fifth of the time.
   */
  collectBands?: boolean;
  /** Trials done of those planned; after an optimal strategy's fit, first (0, planned) as the trials start. */
  onProgress?: (trialsDone: number, trialsPlanned: number) => void;
  /** Progress of fitting an optimal strategy's policy (before the trials): paths done of its fitting paths. */
  onFitProgress?: (pathsDone: number, paths: number, strategy: string) => void;
  signal?: AbortSignal;
  /**
   * What the model is compiled from besides the scenario (a bootstrap's returns). Default: read
   * here (modelInputsFor); a worker uses the submitter's, so every machine computes the same trials.
   */
  inputs?: ModelInputs;
  /**
   * 'sketch': keep no per-trial rows, only an outcome sketch (engine/outcomeSketch.ts) whose
   * memory does not grow with the trial count; summary.json is then read off it. Default 'trials'.
   */
  outcomes?: OutcomesMode;
  /** Test hook: a fault injected into the slice holding this trial. */
  failAtTrial?: number;
}

export interface RunResult {
  scenario: Scenario;
  /** What the model was compiled from besides the scenario (a bootstrap's returns): part of the run's identity. */
  inputs: ModelInputs;
  model: Model;
  seed: number;
  /** Trials of the whole run (all shards together); with targetSeUsd, the cap. */
  trialsRequested: number;
  /** The shard these trials are (1/1: the whole run); its first trial is outcomes.firstTrial. */
  shard: ShardSpec;
  /** Trials computed here. */
  trials: number;
  targetSeUsd: number | null;
  /** Largest standard error of a strategy's mean NPV; null when one has none (fewer than two trials). */
  maxNpvStandardErrorUsd: number | null;
  outcomes: OutcomeBlock;
  /** Empty when the run was made with collectBands: false. */
  bands: BandSketch;
  /** With outcomes: 'sketch', the run's outcome sketch; `outcomes` then holds no trials. */
  sketch: OutcomeSketch | null;
  /** What was read beyond the scenario (a bootstrap file: rows skipped, gaps), for the user. */
  inputNotes: string[];
}

export class RunFailure extends Error {}

const DEFAULT_TRIALS = 10_000;
/**
 * Trials a lane claims at a time (lane.ts): small enough that lanes finish within ~30 ms of each
 * other, large enough that claiming costs nothing.
 */
const DEFAULT_SLICE_TRIALS = 500;
/**
 * Lanes claim trials with 32-bit atomic adds, and each overshoots the batch end once by a slice:
 * these bounds keep the counter below 2^31 for up to 1,000 workers.
 */
const MAX_TRIALS = 2 ** 30;
const MAX_SLICE_TRIALS = 1_000_000;
/** How often the progress display reads the trials done (lanes count them as they go). */
const PROGRESS_POLL_MS = 100;
const MIN_BATCH = 1000;
const FIRST_TARGET_BATCH = 2000;

/** The largest of the strategies' standard errors; null when one has none (it is then not known). */
function largestStandardError(strategyCount: number, standardErrorOf: (strategy: number) => number | null): number | null {
  let worst = 0;
  for (let s = 0; s < strategyCount; s++) {
    const se = standardErrorOf(s);
    if (se === null) return null;
    worst = Math.max(worst, se);
  }
  return worst;
}

/** Largest standard error of a strategy's mean NPV over the first `trials` trials. */
export function maxNpvStandardError(outcomes: OutcomeBlock, trials = outcomes.trialCount): number | null {
  return largestStandardError(outcomes.strategyCount, (s) => meanAndStandardError(strategyColumn(outcomes, s, 'npvUsd').subarray(0, trials)).standardError);
}

/** The outcome sketch of a run of `trials` trials (the whole run's: its shards share it). */
export function outcomeSketchShape(model: Model, trials: number): OutcomeSketchShape {
  const site = model.scenario.site;
  return sketchShape(model.strategies.length, model.market.months, trials, site.cashUsd + site.creditLineUsd);
}


/** Largest standard error of a strategy's mean NPV, from an outcome sketch's exact sums. */
export function sketchMaxNpvStandardError(sketch: OutcomeSketch): number | null {
  return largestStandardError(sketch.shape.strategyCount, (s) => sketchStandardError(sketch, sketch.variableOf(s, 'npvUsd')));
}

/** A run with --outcomes sketch keeps no rows: refused, naming why, for what needs them. */
export function checkSketchable(scenario: Scenario, targetSeUsd?: number): void {
  if (targetSeUsd !== undefined) {
    throw new RunFailure('a target standard error needs the per-trial rows (it checks them after every batch): run it without --outcomes sketch');
  }
  const policyStrategy = scenario.strategies.find((s) => s.kind === 'optimal' || s.kind === 'policy');
  if (policyStrategy) {
    throw new RunFailure(`strategy ${policyStrategy.name} (kind: ${policyStrategy.kind}) is summarised from the per-trial rows (its value out of sample, the value of flexibility): run it without --outcomes sketch`);
  }
}

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunResult> {
  const trialsRequested = options.trials ?? DEFAULT_TRIALS;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(trialsRequested) || trialsRequested < 1 || trialsRequested > MAX_TRIALS) {
    throw new RunFailure(`trials must be a whole number from 1 to ${MAX_TRIALS.toLocaleString('en-US')}, got ${trialsRequested}`);
  }
  if (!Number.isInteger(seed) || seed < 0) throw new RunFailure(`seed must be a whole number >= 0, got ${seed}`);
  const shard = options.shard ?? WHOLE_RUN;
  if (shard.count > 1 && options.targetSeUsd !== undefined) {
    // A shard cannot know when the whole run's error is small enough: the stopping point needs every trial before it.
    throw new RunFailure(`a target standard error cannot be split into shards (shard ${shardLabel(shard)}): run the whole target on one machine, or give a fixed trial count`);
  }
  const sketchMode = options.outcomes === 'sketch';
  if (sketchMode) checkSketchable(scenario, options.targetSeUsd);
  let range;
  try {
    range = shardTrialRange(trialsRequested, shard);
  } catch (error) {
    if (error instanceof ShardSpecError) throw new RunFailure(error.message);
    throw error;
  }
  const workers = options.workers ?? defaultWorkerCount();
  if (!Number.isInteger(workers) || workers < 0 || workers > maxWorkerCount()) {
    throw new RunFailure(`workers must be a whole number from 0 to ${maxWorkerCount()} (${WORKERS_PER_CORE} per core of this machine's ${defaultWorkerCount()}), got ${workers}`);
  }
  // Every lane listens to the signal, and a machine may have more cores than the default limit of 10.
  if (options.signal) setMaxListeners(0, options.signal);
  // Read here, once: the lane tasks carry them to the workers, which read no files.
  let inputs: ModelInputs;
  let inputNotes: string[];
  try {
    if (options.inputs) {
      inputs = options.inputs;
      inputNotes = []; // the submitter's run notes what it read
    } else {
      ({ inputs, notes: inputNotes } = await resolveModelInputs(scenario));
      inputs = { ...inputs, ...(await prepareProcessModule(scenario, options.processModule)) };
    }
    if (options.switchPolicies) inputs = { ...inputs, switchPolicies: { ...options.switchPolicies, ...inputs.switchPolicies } };
  } catch (error) {
    throw new RunFailure(error instanceof Error ? error.message : String(error));
  }
  const model = compileModel(scenario, inputs, loadedProcesses(inputs));
  const sliceTrials = options.chunkTrials ?? DEFAULT_SLICE_TRIALS;
  if (!Number.isInteger(sliceTrials) || sliceTrials < 1 || sliceTrials > MAX_SLICE_TRIALS) {
    throw new RunFailure(`chunkTrials (trials a worker claims at a time) must be a whole number from 1 to ${MAX_SLICE_TRIALS.toLocaleString('en-US')}, got ${sliceTrials}`);
  }
  // The key a worker caches its lane's workspace under: the scenario and its inputs (fitted
  // policies differ between seeds of one scenario); set once the policies are fitted.
  let scenarioKey = '';
  const target = options.targetSeUsd ?? null;
  // Sized for the bands only when they are sketched: a sketch is megabytes of counts.
  const bands = new BandSketch(options.collectBands === false ? [] : model.bands, model.market.months);
  const sketch = sketchMode ? new OutcomeSketch(outcomeSketchShape(model, trialsRequested)) : null;
  // Room for every trial the run may make; pages a shorter run never writes are never mapped.
  let allOutcomes: OutcomeBlock;
  try {
    allOutcomes = createOutcomeBlock(range.firstTrial, sketch ? 0 : range.trialCount, model.strategies.length, true);
  } catch (error) {
    const bytesPerTrial = (model.strategies.length * STRATEGY_METRICS.length + MARKET_METRICS.length) * 8;
    throw new RunFailure(
      `cannot reserve memory for the outcomes of ${range.trialCount.toLocaleString('en-US')} trials (${bytesPerTrial} bytes each, ${((range.trialCount * bytesPerTrial) / 1e9).toFixed(1)} GB): ${(error as Error).message}. Run fewer trials, or split them into shards (--shard).`,
    );
  }
  const runToken = Math.random();
  const nextTrial = new Int32Array(new SharedArrayBuffer(4));
  const trialsDone = new Int32Array(new SharedArrayBuffer(4));

  let done = 0;
  // With a target, the batch sizes depend only on the SEs reached, never on workers or slice
  // size, so the trial count a target stops at is reproducible too.
  const trialsHere = range.trialCount;
  let planned = target === null ? trialsHere : Math.min(trialsHere, FIRST_TARGET_BATCH);
  let maxSe: number | null = null;
  let reported = 0;
  const report = () => {
    const now = Atomics.load(trialsDone, 0);
    if (now !== reported) options.onProgress?.((reported = now), planned);
  };
  const poll = options.onProgress ? setInterval(report, PROGRESS_POLL_MS) : null;
  poll?.unref();
  // Started last: nothing that can fail before the try below may leave its threads running.
  const executor: LaneExecutor = options.executor ?? (workers > 0 ? poolExecutor(workers) : inProcessExecutor());
  try {
    if (needsSwitchFit(scenario, inputs)) {
      inputs = await fitSwitchPolicies(scenario, inputs, executor, { seed, signal: options.signal, onProgress: options.onFitProgress }).catch((error: unknown) => {
        if (options.signal?.aborted) throw options.signal.reason;
        throw new RunFailure(`fitting the conversion policy failed: ${error instanceof Error ? error.message : String(error)}`);
      });
      // The trials start now: a progress display times their rate from here, not from the fit.
      options.onProgress?.(0, planned);
    }
    scenarioKey = scenarioHash(scenario, inputs);
    const threadKernelKey = kernelKey(scenario, inputs);
    while (done < trialsHere) {
      const batchEnd = planned;
      Atomics.store(nextTrial, 0, done);
      const task: LaneTask = {
        scenario, inputs, scenarioKey, kernelKey: threadKernelKey, seed, nextTrial, batchEnd, sliceTrials, outcomes: allOutcomes,
        sketch: sketch?.shape ?? null, runToken, collectBands: options.collectBands ?? true, trialsDone, failAtTrial: options.failAtTrial,
      };
      const lanes: Promise<void>[] = [];
      for (let lane = 0; lane < executor.lanes; lane++) {
        lanes.push(
          executor.run(task, options.signal).then(
            // Integer counts and exact sums: the merge order cannot change them.
            (result) => {
              bands.mergeSparse(result.bands);
              if (result.sketch) sketch!.merge(result.sketch);
            },
            (error: unknown) => {
              if (options.signal?.aborted) throw options.signal.reason;
              throw new RunFailure(error instanceof Error ? error.message : String(error));
            },
          ),
        );
      }
      await Promise.all(lanes);
      report();
      done = batchEnd;
      maxSe = sketch ? sketchMaxNpvStandardError(sketch) : maxNpvStandardError(allOutcomes, done);
      if (target === null || (maxSe !== null && maxSe <= target)) break;
      // QuantLib's value(tolerance): the SE falls as 1/sqrt(n), so size the next batch from it.
      const needed = maxSe === null ? 0 : Math.ceil(done * (maxSe / target) ** 2 * 1.05);
      planned = Math.min(trialsHere, Math.max(done + MIN_BATCH, needed));
    }
  } finally {
    if (poll) clearInterval(poll);
    if (!options.executor) await executor.close();
  }
  const outcomes = sketch || done === trialsHere ? allOutcomes : firstTrialsOf(allOutcomes, done);
  return {
    scenario,
    inputs,
    model,
    seed,
    trialsRequested,
    shard,
    trials: sketch ? trialsHere : outcomes.trialCount,
    targetSeUsd: target,
    maxNpvStandardErrorUsd: maxSe,
    outcomes,
    bands,
    sketch,
    inputNotes,
  };
}
