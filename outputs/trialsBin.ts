// trials.bin: a queued shard's per-trial outcomes as the run's own arrays, for the submitter that
// merges it a moment later on the same cores. A shard's trials.parquet cost a worker ~4 us a
// trial to encode and the submitter ~2 us to decode (hyparquet, Snappy, in JavaScript); these
// bytes are the outcome block's columns as they lie in memory, written and read back as copies.
// A `run --shard` folder keeps trials.parquet, the format people open; a merge reads either.
//
// Layout: a header of 8 little-endian uint32 ("HPTR", format, first trial, trial count, column
// count, the byte length of the column names as JSON, two zeros), the names (UTF-8, padded to a
// multiple of 8 bytes), the float64 1.0 (the doubles' byte order: a file from a machine of the other
// order is refused, not misread), then each column's doubles in trials.parquet's column order
// without `trial` (the header's range gives it), an absent value stored as NaN.
import { join } from 'node:path';
import { MARKET_METRICS, STRATEGY_METRICS, type OutcomeBlock } from '../engine/outcomes.js';
import { readBoundedBytes } from '../scenarios/boundedFile.js';

export const TRIALS_BIN_FILE = 'trials.bin';
const MAGIC = 0x52545048; // "HPTR" read little-endian
const FORMAT = 1;
const HEADER_BYTES = 32;
const pad8 = (bytes: number) => Math.ceil(bytes / 8) * 8;

/** The columns of a block, in trials.parquet's order (without `trial`). */
export function trialsBinColumns(strategyNames: readonly string[]): string[] {
  return [...MARKET_METRICS, ...strategyNames.flatMap((name) => STRATEGY_METRICS.map((metric) => `${name}.${metric}`))];
}

const bytesOf = (a: Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Writes a block (a shard's rows) as trials.bin: the header, then its two arrays as they are. */
export function writeTrialsBin(block: OutcomeBlock, strategyNames: readonly string[], write: (chunk: Uint8Array) => void): void {
  const columns = trialsBinColumns(strategyNames);
  const names = Buffer.from(JSON.stringify(columns), 'utf8');
  const head = new Uint8Array(HEADER_BYTES + pad8(names.byteLength) + 8);
  const view = new DataView(head.buffer);
  [MAGIC, FORMAT, block.firstTrial, block.trialCount, columns.length, names.byteLength].forEach((x, i) => view.setUint32(4 * i, x, true));
  head.set(names, HEADER_BYTES);
  new Float64Array(head.buffer, head.byteLength - 8, 1)[0] = 1;
  write(head);
  // The block's layout is the file's: market columns, then strategy s's metrics, s in order.
  write(bytesOf(block.market));
  write(bytesOf(block.strategy));
}

/**
 * Reads a shard's trials.bin into `into` (the whole run's outcome block) at trials
 * firstTrial .. firstTrial + trialCount - 1, checking that it holds exactly those trials and the
 * columns of this run. Throws an Error saying what is wrong (the caller names the file).
 */
export function readTrialsBin(dir: string, expected: { firstTrial: number; trialCount: number }, strategyNames: readonly string[], into: OutcomeBlock): void {
  const columns = trialsBinColumns(strategyNames);
  const names = Buffer.from(JSON.stringify(columns), 'utf8');
  const dataAt = HEADER_BYTES + pad8(names.byteLength) + 8;
  const size = dataAt + 8 * columns.length * expected.trialCount;
  const bytes = readBoundedBytes(join(dir, TRIALS_BIN_FILE), { maxBytes: size, what: `trials.bin of ${expected.trialCount} trials` });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HEADER_BYTES || view.getUint32(0, true) !== MAGIC) throw new Error('is not a trials.bin (no HPTR header)');
  if (view.getUint32(4, true) !== FORMAT) throw new Error(`is trials.bin format ${view.getUint32(4, true)}; this hashpivot reads format ${FORMAT}`);
  const [firstTrial, trialCount, columnCount, namesBytes] = [8, 12, 16, 20].map((at) => view.getUint32(at, true));
  if (firstTrial !== expected.firstTrial || trialCount !== expected.trialCount) {
    throw new Error(`holds trials ${firstTrial}..${firstTrial + trialCount - 1}; the shard holds ${expected.firstTrial}..${expected.firstTrial + expected.trialCount - 1}`);
  }
  if (columnCount !== columns.length || namesBytes !== names.byteLength || !names.equals(bytes.subarray(HEADER_BYTES, HEADER_BYTES + namesBytes))) {
    throw new Error(`does not have the columns of this scenario's trials (expected ${columns.length} columns: ${columns.slice(0, 4).join(', ')}, ...)`);
  }
  if (bytes.byteLength !== size) throw new Error(`is ${bytes.byteLength} bytes; ${trialCount} trials of ${columns.length} columns take ${size}: truncated or damaged`);
  const one = new Float64Array(1);
  bytesOf(one).set(bytes.subarray(dataAt - 8, dataAt));
  if (one[0] !== 1) throw new Error('was written on a machine whose doubles have the other byte order: merge its shards there, or recompute them with run --shard (Parquet)');
  // Column c of the file goes to column c of the run's block at the shard's offset (byte copies: the file's doubles need not be aligned in memory).
  const n = into.trialCount;
  const offset = firstTrial - into.firstTrial;
  const target = (c: number) => (c < MARKET_METRICS.length ? { array: into.market, at: c * n + offset } : { array: into.strategy, at: (c - MARKET_METRICS.length) * n + offset });
  for (let c = 0; c < columns.length; c++) {
    const { array, at } = target(c);
    const from = dataAt + 8 * c * trialCount;
    new Uint8Array(array.buffer, array.byteOffset + 8 * at, 8 * trialCount).set(bytes.subarray(from, from + 8 * trialCount));
  }
}
