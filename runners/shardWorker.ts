// `hashpivot worker`: takes shard jobs from the BullMQ queue one at a time and computes each on
// this machine's worker-thread pool, kept warm from one shard to the next. A worker of another
// engine version puts the shard back untouched, says so where the submitter sees it, and stops:
// its numbers could differ from the run's.
import { hostname } from 'node:os';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { parseScenario } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';
import type { ModelInputs } from '../engine/priceModel.js';
import { readShardManifest, shardFolderWrite, writeShardFolder } from '../outputs/shardFolder.js';
import { AtomicWrite } from '../outputs/resultsFolder.js';
import { TRIALS_BIN_FILE } from '../outputs/trialsBin.js';
import { encodeSketchState } from '../engine/outcomeSketch.js';
import { ENGINE_VERSION } from '../outputs/summary.js';
import { inProcessExecutor, poolExecutor, type LaneExecutor } from './pool.js';
import { queueConnection, redisClient, redisGoodbye, type RedisTarget } from './redisConnection.js';
import { runScenario } from './run.js';
import { identityDifference, modelInputsFromJson, scenarioHash } from './runIdentity.js';
import { shardLabel } from './shard.js';
import {
  encodeShardState,
  finishedShardFolders,
  MAX_STALLED,
  QUEUE_NAME,
  QUEUE_PREFIX,
  RUN_KEY_SECONDS,
  runCancelledKey,
  runRefusalsKey,
  runSpecKey,
  jobRunFolder,
  shardFolderPath,
  STALLED_CHECK_MS,
  workerKey,
  type RunSpec,
  type ShardJobData,
  type ShardJobResult,
  type WorkerInfo,
} from './shardQueue.js';

export interface ShardWorkerOptions {
  target: RedisTarget;
  /** Worker threads for a shard's trials; 0 runs them in this thread. */
  threads: number;
  /** Where this machine mounts the store, when not at the submitter's path. */
  store?: string;
  lockMs: number;
  log: (line: string) => void;
}

export interface ShardWorker {
  id: string;
  /** Settles with the exit code once the worker has stopped. */
  stopped: Promise<number>;
  stop(exitCode: number): Promise<void>;
}

const HEARTBEAT_MS = 5000;
const PROGRESS_EVERY_MS = 500;
const CANCEL_CHECK_MS = 1000;
const SPECS_KEPT = 8;

class RunCancelled extends Error {}

export function startShardWorker(options: ShardWorkerOptions): ShardWorker {
  const id = `${hostname()}:${process.pid}`;
  const client = redisClient(options.target);
  const executor: LaneExecutor = options.threads > 0 ? poolExecutor(options.threads) : inProcessExecutor();
  const specs = new Map<string, { scenario: Scenario; inputs: ModelInputs }>();
  const info: WorkerInfo = { id, version: ENGINE_VERSION, threads: options.threads };
  const heartbeat = () => client.set(workerKey(id), JSON.stringify(info), 'EX', Math.ceil((3 * HEARTBEAT_MS) / 1000)).catch(() => {});
  void heartbeat();
  const beat = setInterval(heartbeat, HEARTBEAT_MS);

  let resolveStopped: (code: number) => void = () => {};
  const stopped = new Promise<number>((resolve) => (resolveStopped = resolve));
  let stopping = false;

  async function specOf(data: ShardJobData): Promise<{ scenario: Scenario; inputs: ModelInputs }> {
    const cached = specs.get(data.runId);
    if (cached) return cached;
    const text = await client.get(runSpecKey(data.runId));
    if (text === null) throw new Error(`the scenario of run ${data.runId} is not in Redis (the submitter has ended, or Redis lost it)`);
    const spec = JSON.parse(text) as RunSpec;
    const scenario = parseScenario(spec.scenario, `run ${data.runId}`);
    const inputs = modelInputsFromJson(spec.inputs);
    // A module path in the queue would make a Redis entry decide what code this machine imports.
    if (inputs.priceProcessModule !== undefined) throw new UnrecoverableError(`run ${data.runId} names a process module: workers load no code from the queue`);
    if (scenarioHash(scenario, inputs) !== data.run.scenarioHash) throw new UnrecoverableError(`run ${data.runId}: the scenario in Redis does not match the run's scenario hash`);
    specs.set(data.runId, { scenario, inputs });
    // A study queues a run per point: keep the specs of the last few runs, not of every run seen.
    if (specs.size > SPECS_KEPT) specs.delete(specs.keys().next().value as string);
    return specs.get(data.runId)!;
  }

  /** A copy of the shard some worker already finished (before a Redis restart, say): reused, not recomputed. */
  function finishedCopy(runFolder: string, data: ShardJobData): string | undefined {
    return finishedShardFolders(runFolder, data.shard).find((folder) => {
      try {
        const manifest = readShardManifest(folder);
        return identityDifference(manifest.run, data.run) === null && manifest.shard.index === data.shard.index;
      } catch {
        return false;
      }
    });
  }

  async function refuse(job: Job<ShardJobData, ShardJobResult>, token: string | undefined): Promise<never> {
    const { data } = job;
    const line = `worker ${id} runs hashpivot ${ENGINE_VERSION} and refused shard ${shardLabel(data.shard)} of run ${data.runId}, which needs hashpivot ${data.run.engineVersion}`;
    await client.rpush(runRefusalsKey(data.runId), line);
    await client.expire(runRefusalsKey(data.runId), RUN_KEY_SECONDS);
    options.log(`${line}; this worker stops.`);
    // Back on the queue for a worker of the right version, without spending one of its attempts.
    await job.moveToDelayed(Date.now() + 100, token);
    setImmediate(() => void stop(1));
    throw new DelayedError();
  }

  async function process_(job: Job<ShardJobData, ShardJobResult>, token?: string): Promise<ShardJobResult> {
    const { data } = job;
    if (data.run.engineVersion !== ENGINE_VERSION) return refuse(job, token);
    const label = `shard ${shardLabel(data.shard)} of run ${data.runId}`;
    const cancelled = async () => (await client.exists(runCancelledKey(data.runId))) === 1;
    if (await cancelled()) throw new UnrecoverableError('the run was cancelled');
    const { scenario, inputs } = await specOf(data);
    let runFolder: string | null;
    try {
      runFolder = jobRunFolder(data, options.store);
    } catch (error) {
      throw new UnrecoverableError(`${label}: ${(error as Error).message}`);
    }
    if (runFolder === null && data.run.outcomes !== 'sketch') throw new UnrecoverableError(`${label} keeps per-trial rows and has no store to write them to`);
    const copy = runFolder === null ? undefined : finishedCopy(runFolder, data);
    if (copy) {
      options.log(`${label}: already computed in ${copy}`);
      return { worker: id, folder: copy };
    }
    const started = performance.now();
    options.log(`${label}: started`);
    // The shard's folder is checked and locked before its trials (outputs/resultsFolder.ts); a
    // folder of its own per worker, so a retried shard never meets its first worker's lock.
    const folder = runFolder === null ? null : shardFolderPath(runFolder, data.shard, id);
    const batch = folder === null ? null : new AtomicWrite(folder, { command: 'worker', ...shardFolderWrite(data.run.outcomes, TRIALS_BIN_FILE) });
    const abort = new AbortController();
    const watch = setInterval(() => {
      cancelled().then((yes) => yes && abort.abort(new RunCancelled('the run was cancelled')), () => {});
    }, CANCEL_CHECK_MS);
    let lastProgress = 0;
    try {
      const run = await runScenario(scenario, {
        trials: data.run.trials,
        seed: data.run.seed,
        shard: data.shard,
        inputs,
        chunkTrials: data.chunkTrials,
        executor,
        outcomes: data.run.outcomes,
        signal: abort.signal,
        onProgress: (done) => {
          const now = performance.now();
          if (now - lastProgress < PROGRESS_EVERY_MS) return;
          lastProgress = now;
          job.updateProgress(done).catch(() => {});
        },
      });
      const done = () => options.log(`${label}: ${run.trials.toLocaleString('en-US')} trials in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      if (batch === null) {
        // Sketch mode without a store: the result is small enough to travel as the job's return value.
        const state = encodeShardState(run.bands.takeNonZero(), encodeSketchState(run.sketch!.take()));
        done();
        return { worker: id, folder: null, state };
      }
      // Raw columns rather than Parquet: the submitter reads them back a moment later (trialsBin.ts).
      writeShardFolder(batch, run, data.run, TRIALS_BIN_FILE);
      done();
      return { worker: id, folder };
    } catch (error) {
      batch?.abort();
      if (abort.signal.aborted) {
        options.log(`${label}: abandoned, the run was cancelled`);
        throw new UnrecoverableError('the run was cancelled');
      }
      throw error;
    } finally {
      clearInterval(watch);
    }
  }

  const worker = new Worker<ShardJobData, ShardJobResult, 'shard'>(QUEUE_NAME, process_, {
    connection: queueConnection(options.target),
    prefix: QUEUE_PREFIX,
    // One shard at a time: the shard itself runs on every thread of the pool.
    concurrency: 1,
    lockDuration: options.lockMs,
    stalledInterval: Math.min(STALLED_CHECK_MS, options.lockMs),
    maxStalledCount: MAX_STALLED,
    // Long polls end at least this often, so a stop is heard within a second or two.
    drainDelay: 1,
  });
  worker.on('error', (error) => options.log(`worker ${id}: ${error.message}`));

  async function stop(exitCode: number): Promise<void> {
    if (stopping) return;
    stopping = true;
    clearInterval(beat);
    // Not waiting for a shard in progress: its lock expires and another worker takes it over.
    await redisGoodbye(
      (async () => {
        await worker.close(true).catch(() => {});
        await client.del(workerKey(id));
      })(),
    );
    await executor.close().catch(() => {});
    client.disconnect();
    // Still connected if Redis did not answer the close: let go.
    await redisGoodbye(worker.disconnect());
    resolveStopped(exitCode);
  }

  return { id, stopped, stop };
}
