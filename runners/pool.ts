// Lane executors: in this thread, or one lane per worker thread of a pool (piscina; see the
// README's Dependencies section for why not worker-threads-pool).
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { packageRoot } from '../scenarios/packageRoot.js';
import { runLane, type LaneResult, type LaneTask } from './lane.js';
import { loadProcessModules } from './processModule.js';
import { runFitLane, type FitLaneTask } from './switchFitLane.js';

export interface LaneExecutor {
  /** Lanes that run at once: one per worker, or one in this thread. */
  readonly lanes: number;
  run(task: LaneTask, signal?: AbortSignal): Promise<LaneResult>;
  /** Runs a lane of the paths a conversion policy is fitted on (switchFitLane.ts). */
  runFit(task: FitLaneTask, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** In this thread a lane runs this many trials between yields, so signals are heard within ~0.1 s. */
const IN_PROCESS_TRIALS_BETWEEN_YIELDS = 1000;
/** A fitting path costs a strategy evaluation per decision date and action: ~100x a trial's share. */
const IN_PROCESS_FIT_PATHS_BETWEEN_YIELDS = 20;

/** Runs the lane in this thread, yielding every IN_PROCESS_TRIALS_BETWEEN_YIELDS trials. */
export function inProcessExecutor(): LaneExecutor {
  return {
    lanes: 1,
    async run(task, signal) {
      await loadProcessModules(task.inputs);
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        signal?.throwIfAborted();
        const result = runLane({ ...task, maxTrials: IN_PROCESS_TRIALS_BETWEEN_YIELDS });
        if (result.exhausted) return result;
      }
    },
    async runFit(task, signal) {
      await loadProcessModules(task.inputs);
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        signal?.throwIfAborted();
        if (runFitLane({ ...task, maxPaths: IN_PROCESS_FIT_PATHS_BETWEEN_YIELDS })) return;
      }
    },
    async close() {},
  };
}

/**
 * Workers run the compiled worker (dist/runners/worker.js) even when this module runs from its
 * TypeScript source: Node 20 workers do not inherit a TypeScript loader (LIBRARIES.md).
 */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.js') ? join(dirname(here), 'worker.js') : join(packageRoot(), 'dist', 'runners', 'worker.js');
}

export function defaultWorkerCount(): number {
  return availableParallelism();
}

/** Threads beyond the cores only add memory (200 threads took 2.4 GB on 2 cores): the cap is a few per core. */
export const WORKERS_PER_CORE = 4;

export function maxWorkerCount(): number {
  return WORKERS_PER_CORE * availableParallelism();
}

export function poolExecutor(workers: number): LaneExecutor {
  const pool = new Piscina({ filename: workerFile(), minThreads: workers, maxThreads: workers, idleTimeout: 1000 });
  return {
    lanes: workers,
    run: (task, signal) => pool.run(task, { signal }) as Promise<LaneResult>,
    runFit: (task, signal) => pool.run(task, { signal, name: 'fitLane' }) as Promise<void>,
    close: () => pool.destroy(),
  };
}
