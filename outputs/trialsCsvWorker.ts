// Entry point of the trials.csv thread (outputs/trialsCsvThread.ts): writes the file it is given
// and reports once, success or the error.
import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { TrialsCsvJob } from './trialsCsvThread.js';
import { writeTrialsCsv } from './trialsCsv.js';

const { block, strategyNames, path } = workerData as TrialsCsvJob;
try {
  const fd = openSync(path, 'w');
  try {
    writeTrialsCsv(block, strategyNames, (chunk) => writeSync(fd, chunk));
  } finally {
    closeSync(fd);
  }
  parentPort?.postMessage({});
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
