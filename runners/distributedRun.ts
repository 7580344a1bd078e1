// `hashpivot run ... --redis URL --store DIR`: the submitter. Cuts the run into shards, queues one
// BullMQ job per shard, and merges each shard as soon as a worker has finished it (RunAssembler),
// while showing the trials done across all workers. It holds the only copy of what it has merged
// and the store holds every finished shard, so a Redis restart loses at most the queue: the
// submitter puts back the jobs of shards neither has, and merges the rest from the store.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Job, Queue, QueueEvents, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { resolvedScenarioJson } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';
import { AtomicWrite } from '../outputs/resultsFolder.js';
import { readShardManifest } from '../outputs/shardFolder.js';
import { ENGINE_VERSION } from '../outputs/summary.js';
import { RunAssembler } from './merge.js';
import { resolveModelInputs } from './modelInputs.js';
import type { ModelInputs } from '../engine/priceModel.js';
import { queueConnection, redisClient, redisGoodbye, untilAborted, type RedisTarget } from './redisConnection.js';
import type { LaneExecutor } from './pool.js';
import { checkSketchable, RunFailure, type RunResult } from './run.js';
import { fitSwitchPolicies, needsSwitchFit } from './switchFit.js';
import { identityDifference, modelInputsJson, runIdentity, type OutcomesMode } from './runIdentity.js';
import { decodeSketchState } from '../engine/outcomeSketch.js';
import { ShardSpecError, shardTrialRange } from './shard.js';
import {
  decodeShardState,
  finishedShardFolders,
  QUEUE_NAME,
  QUEUE_PREFIX,
  RUN_KEY_SECONDS,
  runCancelledKey,
  runRefusalsKey,
  runSpecKey,
  SHARD_ATTEMPTS,
  newRunId,
  shardJobId,
  WORKER_KEY_PATTERN,
  type RunSpec,
  type ShardJobData,
  type ShardJobResult,
  type WorkerInfo,
} from './shardQueue.js';

export interface QueuedRunOptions {
  target: RedisTarget;
  /**
   * The shared folder shard results go through; this run uses STORE/RUN_ID, removed at the end.
   * Without one (sketch mode only) results travel through Redis as the jobs' return values.
   */
  store: string | null;
  outcomes: OutcomesMode;
  trials: number;
  seed: number;
  /** Shards to cut the run into; default: about 50,000 trials each, at least two per live worker. */
  shards?: number;
  chunkTrials?: number;
  signal?: AbortSignal;
  /**
   * Lanes on this machine that fit an optimal strategy's conversion policy before the shards are
   * queued: fitted once here, it travels with the inputs, so every worker applies the same one.
   */
  executor?: LaneExecutor;
  onFitProgress?: (pathsDone: number, paths: number, strategy: string) => void;
  onProgress?: (trialsDone: number, trialsPlanned: number) => void;
  /**
   * Called once, when every shard not yet merged is being computed by a worker: from then on the
   * workers that have finished idle until the last shard ends, and the caller can start work that
   * needs no trial (a run's swings) on this machine's cores. Gets the inputs the shards run on
   * (an optimal strategy's fitted policy included).
   */
  onShardsTaken?: (inputs: ModelInputs) => void;
  /** Lines for the user: the workers seen, refusals, waits. */
  log: (line: string) => void;
  /** Say what was queued, and on which workers (default true; a study queues a run per point and says it once). */
  announce?: boolean;
}

const POLL_MS = 250;
const TRIALS_PER_SHARD = 50_000;
/** Without any worker taking a shard for this long, say how to start one. */
const NO_WORKER_HINT_MS = 10_000;
/** Redis unreachable for this long in a row ends the run. */
const REDIS_GIVE_UP_MS = 120_000;

async function liveWorkers(client: Redis): Promise<WorkerInfo[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', WORKER_KEY_PATTERN, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await client.mget(keys);
  return values.flatMap((v) => (v === null ? [] : [JSON.parse(v) as WorkerInfo]));
}

function defaultShardCount(trials: number, workers: number): number {
  return Math.max(1, Math.min(trials, Math.max(Math.ceil(trials / TRIALS_PER_SHARD), 2 * workers)));
}

export async function runOnQueue(scenario: Scenario, options: QueuedRunOptions): Promise<RunResult> {
  if (scenario.market.price.model === 'custom') {
    throw new RunFailure('market.price.model custom needs a process module, and workers load no code from the queue: run it on this machine or as --shard I/N where the module is');
  }
  if (options.outcomes === 'sketch') checkSketchable(scenario);
  // Read here, once: the workers get the inputs through Redis and read no files.
  let resolved;
  try {
    resolved = await resolveModelInputs(scenario);
  } catch (error) {
    throw new RunFailure(error instanceof Error ? error.message : String(error));
  }
  let { inputs } = resolved;
  for (const note of resolved.notes) options.log(note);
  if (needsSwitchFit(scenario, inputs)) {
    if (!options.executor) throw new RunFailure('an optimal strategy needs its conversion policy fitted before the shards are queued: pass an executor');
    inputs = await fitSwitchPolicies(scenario, inputs, options.executor, { seed: options.seed, signal: options.signal, onProgress: options.onFitProgress }).catch((error: unknown) => {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new RunFailure(`fitting the conversion policy failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    options.onProgress?.(0, options.trials); // as runScenario: the trials' rate counts from here
  }
  const runId = newRunId(new Date(), randomBytes(4).toString('hex'));
  const runFolder = options.store === null ? null : join(resolve(options.store), runId);
  if (runFolder === null && options.outcomes !== 'sketch') throw new RunFailure('a run that keeps per-trial rows needs a store (--store DIR) for them');
  // The run's folder in the store, made, checked and locked before any shard is queued
  // (outputs/resultsFolder.ts); workers write their shard folders inside it, each through a write
  // of its own. It is this run's alone (a fresh name) and removed when the run ends.
  const store = runFolder === null ? null : new AtomicWrite(runFolder, { command: 'run --redis' });
  const client = redisClient(options.target);
  const queue = new Queue<ShardJobData, ShardJobResult, 'shard'>(QUEUE_NAME, { connection: queueConnection(options.target), prefix: QUEUE_PREFIX });
  queue.on('error', () => {}); // each call below reports its own failure
  // A shard finished or failed wakes the loop below at once rather than at its next poll (which
  // stays: it shows progress and finds jobs a Redis restart lost).
  const events = new QueueEvents(QUEUE_NAME, { connection: queueConnection(options.target), prefix: QUEUE_PREFIX });
  events.on('error', () => {});
  let shardEnded = false;
  let wake = () => {};
  const onShardEnded = ({ jobId }: { jobId: string }) => {
    if (!jobId.startsWith(`${runId}-`)) return;
    shardEnded = true;
    wake();
  };
  events.on('completed', onShardEnded);
  events.on('failed', onShardEnded);
  let finished = false;
  /** The last look at the queue, which an abort leaves running: the cancel waits for it. */
  let polling: Promise<void> | null = null;
  try {
    // Every call to Redis is raced against the abort: a Redis that went away just after the
    // connection check makes them wait for it, and a Ctrl-C must not.
    const workers = await untilAborted(liveWorkers(client), options.signal);
    const shardCount = options.shards ?? defaultShardCount(options.trials, workers.filter((w) => w.version === ENGINE_VERSION).length);
    try {
      shardTrialRange(options.trials, { index: 1, count: shardCount }); // refuses more shards than trials
    } catch (error) {
      throw error instanceof ShardSpecError ? new RunFailure(error.message) : error;
    }
    const identity = runIdentity(scenario, inputs, options.seed, options.trials, shardCount, options.outcomes);
    const spec: RunSpec = { scenario: resolvedScenarioJson(scenario), inputs: modelInputsJson(inputs) };
    const specText = JSON.stringify(spec);
    const jobOptions = (index: number): JobsOptions => ({
      jobId: shardJobId(runId, index),
      attempts: SHARD_ATTEMPTS,
      backoff: { type: 'fixed', delay: 1000 },
      removeOnComplete: { age: RUN_KEY_SECONDS },
      removeOnFail: { age: RUN_KEY_SECONDS },
    });
    const jobData = (index: number): ShardJobData => ({ runId, run: identity, shard: { index, count: shardCount }, chunkTrials: options.chunkTrials, store: runFolder });
    const enqueue = async (indices: number[]) => {
      await client.set(runSpecKey(runId), specText, 'EX', RUN_KEY_SECONDS);
      await queue.addBulk(indices.map((index) => ({ name: 'shard', data: jobData(index), opts: jobOptions(index) })));
    };
    await untilAborted(enqueue(Array.from({ length: shardCount }, (_, k) => k + 1)), options.signal);
    // Made once the workers have their shards: with rows it reserves the whole run's outcomes.
    const assembler = new RunAssembler(identity, scenario, inputs);
    const same = workers.filter((w) => w.version === identity.engineVersion);
    const other = workers.filter((w) => w.version !== identity.engineVersion);
    if (options.announce !== false) options.log(
      `run ${runId}: ${shardCount} shard${shardCount === 1 ? '' : 's'} of ~${Math.round(options.trials / shardCount).toLocaleString('en-US')} trials queued on ${options.target.label}; ` +
        (same.length ? `workers: ${same.map((w) => `${w.id} (${w.threads} thread${w.threads === 1 ? '' : 's'})`).join(', ')}` : 'no worker connected yet (start some: hashpivot worker --redis URL)'),
    );
    for (const w of other) options.log(`worker ${w.id} runs hashpivot ${w.version}, not ${identity.engineVersion}: it will refuse this run's shards`);

    const started = Date.now();
    let anyTaken = false;
    let hinted = false;
    let refusalsSeen = 0;
    let unreachableSince: number | null = null;
    const progress = new Map<number, number>();

    /** Merges a finished copy of the shard from the store, when there is one. */
    const mergeFromStore = async (index: number, folders: string[]): Promise<boolean> => {
      for (const folder of folders) {
        const manifest = readShardManifest(folder);
        const difference = identityDifference(identity, manifest.run);
        if (difference || manifest.shard.index !== index) {
          throw new RunFailure(`${folder} is not shard ${index}/${shardCount} of this run (${difference ? `its ${difference.field} is ${difference.b}` : `it is shard ${manifest.shard.index}`})`);
        }
        await assembler.addFolder(folder, manifest);
        return true;
      }
      return false;
    };

    let allTaken = false;
    /**
     * One look at the queue: merges the finished shards, queues again those Redis lost, reports
     * refusals. Once the run is aborted it stops at its next call, and never queues: the shards it
     * would find gone are the ones the cancel took off.
     */
    const pollShards = async (): Promise<void> => {
      const lost: number[] = [];
      let waiting = false;
      for (const index of assembler.missing()) {
        const job = await Job.fromId<ShardJobData, ShardJobResult>(queue, shardJobId(runId, index));
        options.signal?.throwIfAborted();
        if (job === undefined) {
          lost.push(index);
          continue;
        }
        if (!job.processedOn) waiting = true;
        if (job.finishedOn && job.returnvalue?.state) {
          const source = `shard ${index}/${shardCount} from ${job.returnvalue.worker}`;
          let decoded;
          try {
            decoded = decodeShardState(job.returnvalue.state);
            assembler.addState(index, decoded.bands, decodeSketchState(decoded.sketch), source);
          } catch (error) {
            throw new RunFailure(`${source}: ${(error as Error).message}`);
          }
          progress.delete(index);
          await job.remove().catch(() => {});
        } else if (job.finishedOn && job.returnvalue?.folder) {
          if (!(await mergeFromStore(index, [job.returnvalue.folder]))) throw new RunFailure(`shard ${index}/${shardCount}: ${job.returnvalue.folder} is not in the store`);
          progress.delete(index);
          await job.remove().catch(() => {});
        } else if (job.finishedOn) {
          throw new RunFailure(`shard ${index}/${shardCount} failed after ${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'}: ${job.failedReason}`);
        } else if (typeof job.progress === 'number' && job.progress > 0) {
          progress.set(index, job.progress);
          anyTaken = true;
        }
      }
      // Jobs Redis no longer has (it restarted without persistence): merge what the store has, queue the rest again.
      const requeue: number[] = [];
      for (const index of lost) {
        if (runFolder === null || !(await mergeFromStore(index, finishedShardFolders(runFolder, { index, count: shardCount })))) requeue.push(index);
      }
      options.signal?.throwIfAborted();
      if (requeue.length > 0) {
        options.log(`Redis no longer has shard${requeue.length === 1 ? '' : 's'} ${requeue.map((i) => `${i}/${shardCount}`).join(', ')} (restarted?): queued again`);
        await enqueue(requeue);
      }
      if (!waiting && lost.length === 0 && !allTaken && !assembler.complete) {
        allTaken = true;
        options.onShardsTaken?.(inputs);
      }
      const refusals = await client.lrange(runRefusalsKey(runId), refusalsSeen, -1);
      refusalsSeen += refusals.length;
      for (const line of refusals) options.log(line);
    };
    while (!assembler.complete) {
      options.signal?.throwIfAborted();
      try {
        polling = pollShards();
        await untilAborted(polling, options.signal);
        unreachableSince = null;
      } catch (error) {
        if (error instanceof RunFailure || options.signal?.aborted) throw error;
        const now = Date.now();
        unreachableSince ??= now;
        if (now - unreachableSince > REDIS_GIVE_UP_MS) throw new RunFailure(`lost Redis at ${options.target.label} for ${REDIS_GIVE_UP_MS / 1000} s: ${(error as Error).message}`);
      }
      const merged = assembler.identity.trials - assembler.missing().reduce((sum, index) => sum + shardTrialRange(options.trials, { index, count: shardCount }).trialCount, 0);
      let inFlight = 0;
      for (const done of progress.values()) inFlight += done;
      options.onProgress?.(merged + inFlight, options.trials);
      if (merged > 0) anyTaken = true;
      if (!anyTaken && !hinted && Date.now() - started > NO_WORKER_HINT_MS) {
        hinted = true;
        options.log(`no worker has taken a shard in ${NO_WORKER_HINT_MS / 1000} s: start workers with hashpivot worker --redis ${options.target.label}`);
      }
      if (!assembler.complete && !shardEnded) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = () => {};
      }
      shardEnded = false;
    }
    finished = true;
    return assembler.result();
  } finally {
    await redisGoodbye(
      (async () => {
        await polling?.catch(() => {});
        if (!finished) await cancelRun(queue, client, runId).catch(() => {});
        await client.del(runSpecKey(runId), runRefusalsKey(runId)).catch(() => {});
      })(),
    );
    store?.abort();
    if (runFolder) rmSync(runFolder, { recursive: true, force: true });
    await redisGoodbye(Promise.all([queue.close(), events.close()].map((closing) => closing.catch(() => {}))));
    client.disconnect();
    // Still connected if Redis did not answer the closes: let go.
    await redisGoodbye(Promise.all([queue.disconnect(), events.disconnect()].map((closing) => closing.catch(() => {}))));
  }
}

/** Tells workers to abandon the run's shards and takes its waiting shards off the queue. */
async function cancelRun(queue: Queue<ShardJobData, ShardJobResult, 'shard'>, client: Redis, runId: string): Promise<void> {
  await client.set(runCancelledKey(runId), '1', 'EX', RUN_KEY_SECONDS);
  for (const state of ['waiting', 'delayed', 'prioritized'] as const) {
    const jobs = await queue.getJobs([state]);
    for (const job of jobs) if (job?.data.runId === runId) await job.remove().catch(() => {});
  }
}
