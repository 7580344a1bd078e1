// Entry point of a trials file thread (outputs/trialsFileThread.ts): writes the file it is given
// and reports once, success or the error.
import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { TrialsFileJob } from './trialsFileThread.js';
import { writeTrialsCsv } from './trialsCsv.js';
import { writeTrialsParquet } from './parquet.js';

const { block, strategyNames, path, format } = workerData as TrialsFileJob;
try {
  const fd = openSync(path, 'w');
  try {
    if (format.kind === 'csv') writeTrialsCsv(block, strategyNames, (chunk) => writeSync(fd, chunk));
    else writeTrialsParquet(block, strategyNames, (chunk) => writeSync(fd, chunk), format.metadata);
  } finally {
    closeSync(fd);
  }
  parentPort?.postMessage({});
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
