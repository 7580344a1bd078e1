// Chunk executors: in this thread, or spread over a pool of worker threads (piscina; see the
// README's Dependencies section for why not worker-threads-pool).
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { packageRoot } from '../scenarios/packageRoot.js';
import { runChunk, type ChunkResult, type ChunkTask } from './chunk.js';

export interface ChunkExecutor {
  readonly workers: number;
  run(task: ChunkTask, signal?: AbortSignal): Promise<ChunkResult>;
  close(): Promise<void>;
}

/** Runs chunks one after another in this thread, yielding between them so signals are heard. */
export function inProcessExecutor(): ChunkExecutor {
  return {
    workers: 0,
    async run(task, signal) {
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      return runChunk(task);
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

export function poolExecutor(workers: number): ChunkExecutor {
  const pool = new Piscina({ filename: workerFile(), minThreads: workers, maxThreads: workers, idleTimeout: 1000 });
  return {
    workers,
    run: (task, signal) => pool.run(task, { signal }) as Promise<ChunkResult>,
    close: () => pool.destroy(),
  };
}
