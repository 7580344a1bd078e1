// Per-trial outcomes as CSV (trials.csv): one row per trial, in trial order, so any statistic in
// summary.json can be recomputed outside hashpivot from exactly the numbers it was computed from.

import { MARKET_METRICS, STRATEGY_METRICS, type OutcomeBlock } from '../engine/outcomes.js';
import { csvNumber, csvText } from './csvCell.js';
import { trialsColumnNames } from './reportTrials.js';

/** Characters per chunk handed to `write`: 10^6 trials x 30 columns is ~0.5 GB of text in one string. */
const DEFAULT_CHUNK_CHARS = 1 << 20;


export function trialsCsvHeader(strategyNames: readonly string[]): string {
  return trialsColumnNames(strategyNames).map(csvText).join(',') + '\n';
}

/**
 * Streams the CSV of a block to `write` in chunks of about `chunkChars` characters, each ending at a
 * row boundary. Concatenating the chunks gives exactly `trialsCsv(block, strategyNames)`.
 */
export function writeTrialsCsv(
  block: OutcomeBlock,
  strategyNames: readonly string[],
  write: (chunk: string) => void,
  chunkChars: number = DEFAULT_CHUNK_CHARS,
): void {
  if (strategyNames.length !== block.strategyCount) {
    throw new RangeError(
      `writeTrialsCsv: ${strategyNames.length} strategy names for a block of ${block.strategyCount} strategies`,
    );
  }
  const n = block.trialCount;
  const strategyRows = block.strategyCount * STRATEGY_METRICS.length;
  let chunk = trialsCsvHeader(strategyNames);
  for (let t = 0; t < n; t++) {
    // Both arrays are laid out [column][trial]: column c of trial t is at c * n + t.
    let row = String(block.firstTrial + t);
    for (let c = 0; c < MARKET_METRICS.length; c++) row += ',' + csvNumber(block.market[c * n + t]);
    for (let c = 0; c < strategyRows; c++) row += ',' + csvNumber(block.strategy[c * n + t]);
    chunk += row + '\n';
    if (chunk.length >= chunkChars) {
      write(chunk);
      chunk = '';
    }
  }
  if (chunk.length > 0) write(chunk);
}

/** The whole CSV as one string: for small blocks and tests; use writeTrialsCsv for large runs. */
export function trialsCsv(block: OutcomeBlock, strategyNames: readonly string[]): string {
  const chunks: string[] = [];
  writeTrialsCsv(block, strategyNames, (chunk) => chunks.push(chunk));
  return chunks.join('');
}
