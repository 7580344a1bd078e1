// trials.csv and trials.parquet, each written on a thread of its own. At 10^6 trials formatting 35
// million numbers as shortest round-trip decimals took longer than everything else a run writes
// (~8 s of ~16 s), and encoding the Parquet file came second, while the other cores sat idle; now
// they run beside the summary and the report. The outcome arrays live in shared memory (the worker
// threads write them there), so a thread reads them without a copy.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { OutcomeBlock } from '../engine/outcomes.js';
import { packageRoot } from '../scenarios/packageRoot.js';

export interface TrialsFileJob {
  block: OutcomeBlock;
  strategyNames: readonly string[];
  path: string;
  /** trials.csv, or trials.parquet with its key-value metadata. */
  format: { kind: 'csv' } | { kind: 'parquet'; metadata: Record<string, string> };
}

export interface TrialsFileThread {
  /** Settles when the file is complete (rejects with the thread's error). */
  done: Promise<void>;
  /** Stops the thread (after a failure elsewhere); the caller removes the file. */
  stop(): Promise<void>;
}

export function writeTrialsFileOnThread(job: TrialsFileJob): TrialsFileThread {
  const file = job.format.kind === 'csv' ? 'trials.csv' : 'trials.parquet';
  // Like the trial workers, the thread runs the compiled module (Node 20 workers take no TS loader).
  const worker = new Worker(join(packageRoot(), 'dist', 'outputs', 'trialsFileWorker.js'), { workerData: job });
  const done = new Promise<void>((resolve, reject) => {
    worker.once('message', (message: { error?: string }) => {
      if (message.error === undefined) resolve();
      else reject(new Error(`writing ${file} failed: ${message.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the ${file} thread stopped (exit code ${code}) before finishing`)));
  });
  done.catch(() => {}); // awaited by the caller; a failure must not surface as unhandled meanwhile
  return {
    done,
    async stop() {
      await worker.terminate();
    },
  };
}
