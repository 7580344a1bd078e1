// A shard's partial result (`hashpivot run --shard I/N`, or a queued shard in the store): what a
// merge needs to rebuild the whole run's outcomes exactly, and nothing that depends on the other
// shards.
//
//   shard.json       the run's identity (engine version, scenario hash, seed, trials, shard count,
//                    outcomes mode), this shard's number and trial range, the resolved scenario and
//                    the model inputs it was compiled from
//   trials.parquet   the shard's per-trial outcomes: the columns of trials.csv, `trial` the global
//                    trial index; unlike a run's, its doubles are REQUIRED with NaN for an absent
//                    value (no definition levels to decode: a merge reads it ~3x faster)
//   trials.bin       instead of trials.parquet, in a shard a `hashpivot worker` leaves in the store
//                    for its submitter: the same columns as raw doubles (trialsBin.ts), ~20x cheaper
//                    to write and read; shard.json's `rowsFile` says which of the two a folder holds
//   bands.parquet    the fan-chart band sketch as integer counts: `bin` (flat index into the
//                    sketch) and `count`, non-zero bins only
//   sketch.bin       instead of trials.parquet, in a run with --outcomes sketch: the shard's
//                    outcome sketch (counts, exact sums, min/max, quantile-sketch counts), as
//                    engine/outcomeSketch.ts encodes it
//
// Written all or nothing (AtomicWrite), so a process killed mid-write leaves no shard.json, and a
// reader takes a folder with a shard.json as complete.
import { join } from 'node:path';
import type { SparseCounts } from '../engine/bandSketch.js';
import { decodeSketchState, encodeSketchState, type OutcomeSketchState } from '../engine/outcomeSketch.js';
import { MARKET_METRICS, STRATEGY_METRICS, type OutcomeBlock } from '../engine/outcomes.js';
import type { RunResult } from '../runners/run.js';
import { modelInputsJson, type OutcomesMode, type RunIdentity } from '../runners/runIdentity.js';
import type { ShardSpec } from '../runners/shard.js';
import { BoundedFileError, readBoundedBytes, readBoundedText } from '../scenarios/boundedFile.js';
import { resolvedScenarioJson, type JsonObject, type JsonValue } from '../scenarios/load.js';
import { readParquet, trialsParquetColumns, writeParquet, writeTrialsParquet, type ParquetHeader } from './parquet.js';
import { AtomicWrite, type OutputFile } from './resultsFolder.js';
import { SKETCH_FILE } from './sketchReport.js';
import { readTrialsBin, TRIALS_BIN_FILE, writeTrialsBin } from './trialsBin.js';

export const SHARD_MANIFEST_FILE = 'shard.json';
const TRIALS_PARQUET_FILE = 'trials.parquet';
/** Where a shard keeps its rows: trials.parquet (`run --shard`: a format people open) or trials.bin (a queued shard: trialsBin.ts). */
export type ShardRowsFile = typeof TRIALS_PARQUET_FILE | typeof TRIALS_BIN_FILE;
/** A sketch.bin is tens of megabytes at most (its size does not grow with the trials). */
const MAX_SKETCH_BYTES = 1 << 30;
const SHARD_FORMAT = 'hashpivot-shard';
const SHARD_FORMAT_VERSION = 1;
/** shard.json holds a scenario and a few hundred numbers: anything far larger is not one of ours. */
const MAX_MANIFEST_BYTES = 16 << 20;

export interface ShardManifest {
  format: typeof SHARD_FORMAT;
  formatVersion: typeof SHARD_FORMAT_VERSION;
  run: RunIdentity;
  shard: ShardSpec;
  firstTrial: number;
  trialCount: number;
  scenario: JsonObject;
  inputs: JsonValue;
  /** The file holding the rows, when it is not trials.parquet (absent in a sketch shard too). */
  rowsFile?: typeof TRIALS_BIN_FILE;
}

export class ShardFolderError extends Error {}

/** The run and shard a shard's trials.parquet belongs to, in its key-value metadata. */
function shardTrialsMetadata(identity: RunIdentity, scenarioName: string, shard: ShardSpec): Record<string, string> {
  return {
    'hashpivot.version': identity.engineVersion,
    'hashpivot.scenario': scenarioName,
    'hashpivot.seed': String(identity.seed),
    'hashpivot.trials': String(identity.trials),
    'hashpivot.shard': `${shard.index}/${shard.count}`,
  };
}

export function shardManifest(run: RunResult, identity: RunIdentity, rowsFile: ShardRowsFile = TRIALS_PARQUET_FILE): ShardManifest {
  return {
    format: SHARD_FORMAT,
    formatVersion: SHARD_FORMAT_VERSION,
    run: identity,
    shard: run.shard,
    firstTrial: run.outcomes.firstTrial,
    trialCount: run.trials,
    scenario: resolvedScenarioJson(run.scenario),
    inputs: modelInputsJson(run.inputs),
    ...(rowsFile === TRIALS_BIN_FILE && !run.sketch ? { rowsFile } : {}),
  };
}

/** The files of a shard folder; shard.json last, so a reader that finds it finds the rest. Empties run.bands and run.sketch. */
export function shardFolderFiles(run: RunResult, identity: RunIdentity, rowsFile: ShardRowsFile = TRIALS_PARQUET_FILE): OutputFile[] {
  const manifest = shardManifest(run, identity, rowsFile);
  const names = run.scenario.strategies.map((s) => s.name);
  const bands = run.bands.takeNonZero();
  const metadata = shardTrialsMetadata(identity, run.scenario.name, run.shard);
  const sketch = run.sketch?.take();
  const rows: OutputFile =
    rowsFile === TRIALS_BIN_FILE
      ? { name: TRIALS_BIN_FILE, write: (write) => writeTrialsBin(run.outcomes, names, write) }
      : { name: TRIALS_PARQUET_FILE, write: (write) => writeTrialsParquet(run.outcomes, names, write, metadata, 'DOUBLE_NAN') };
  return [
    sketch ? { name: SKETCH_FILE, write: (write) => write(encodeSketchState(sketch)) } : rows,
    {
      name: 'bands.parquet',
      write: (write) =>
        writeParquet(
          [
            { name: 'bin', type: 'INT32', values: (k) => bands.indices[k] },
            { name: 'count', type: 'INT32', values: (k) => bands.counts[k] },
          ],
          bands.indices.length,
          write,
        ),
    },
    { name: SHARD_MANIFEST_FILE, write: (write) => write(`${JSON.stringify(manifest, null, 2)}\n`) },
  ];
}

/** What a shard write declares when it opens the folder, before the trials (see AtomicWrite). */
export function shardFolderWrite(outcomes: OutcomesMode, rowsFile: ShardRowsFile = TRIALS_PARQUET_FILE): { names: string[] } {
  return { names: [outcomes === 'sketch' ? SKETCH_FILE : rowsFile, 'bands.parquet', SHARD_MANIFEST_FILE] };
}

/**
 * Writes a shard folder through `batch` (opened with shardFolderWrite) and commits it, all or
 * nothing; on failure the caller aborts it. Empties run.bands and run.sketch (their counts are
 * moved into the files).
 */
export function writeShardFolder(batch: AtomicWrite, run: RunResult, identity: RunIdentity, rowsFile: ShardRowsFile = TRIALS_PARQUET_FILE): void {
  batch.write(shardFolderFiles(run, identity, rowsFile));
  batch.commit();
}

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** Reads and checks the shape of a shard folder's shard.json (not whether it fits with other shards). */
export function readShardManifest(dir: string): ShardManifest {
  const path = join(dir, SHARD_MANIFEST_FILE);
  let text: string;
  try {
    text = readBoundedText(path, { maxBytes: MAX_MANIFEST_BYTES, what: SHARD_MANIFEST_FILE });
  } catch (error) {
    if (!(error instanceof BoundedFileError)) throw error;
    const why = error.code === 'ENOENT' ? `has no ${SHARD_MANIFEST_FILE} (not a shard folder, or a shard that never finished)` : `${SHARD_MANIFEST_FILE} ${error.problem}`;
    throw new ShardFolderError(`${dir} ${why}`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new ShardFolderError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const m = manifest as Partial<ShardManifest> & Record<string, unknown>;
  if (!isObject(m) || m.format !== SHARD_FORMAT) throw new ShardFolderError(`${path} is not a hashpivot shard (no "format": "${SHARD_FORMAT}")`);
  if (m.formatVersion !== SHARD_FORMAT_VERSION) {
    throw new ShardFolderError(`${path} is shard format ${String(m.formatVersion)}; this hashpivot reads format ${SHARD_FORMAT_VERSION}`);
  }
  const run = m.run as Partial<RunIdentity> | undefined;
  const shard = m.shard as Partial<ShardSpec> | undefined;
  const ok =
    isObject(run) &&
    typeof run.engineVersion === 'string' &&
    typeof run.scenarioHash === 'string' &&
    isCount(run.seed) &&
    isCount(run.trials) &&
    isCount(run.shardCount) &&
    (run.outcomes === 'trials' || run.outcomes === 'sketch') &&
    isObject(shard) &&
    isCount(shard.index) &&
    shard.count === run.shardCount &&
    shard.index >= 1 &&
    shard.index <= shard.count &&
    isCount(m.firstTrial) &&
    isCount(m.trialCount) &&
    m.firstTrial + m.trialCount <= run.trials &&
    isObject(m.scenario) &&
    'inputs' in m &&
    (m.rowsFile === undefined || (m.rowsFile === TRIALS_BIN_FILE && run.outcomes === 'trials'));
  if (!ok) throw new ShardFolderError(`${path} is damaged: a field of run, shard, firstTrial, trialCount, scenario, inputs or rowsFile is missing or out of range`);
  return m as ShardManifest;
}

/**
 * Reads a shard's rows (trials.parquet, or trials.bin when shard.json says so) into `into` (the
 * whole run's outcome block) at the shard's trial indices, checking that they are exactly the
 * shard's trials and the columns of this run.
 */
export async function readShardTrials(dir: string, manifest: ShardManifest, strategyNames: readonly string[], into: OutcomeBlock): Promise<void> {
  if (manifest.rowsFile === TRIALS_BIN_FILE) {
    try {
      readTrialsBin(dir, manifest, strategyNames, into);
    } catch (error) {
      throw new ShardFolderError(error instanceof BoundedFileError ? error.message : `${join(dir, TRIALS_BIN_FILE)} ${(error as Error).message}`);
    }
    return;
  }
  const path = join(dir, TRIALS_PARQUET_FILE);
  // Trial indices alone would take the same shard of another seed's run, copied in by hand.
  const identity = shardTrialsMetadata(manifest.run, String(manifest.scenario.name), manifest.shard);
  const checkIdentity = ({ metadata }: ParquetHeader) => {
    for (const [key, value] of Object.entries(identity)) {
      if (metadata[key] !== value) {
        throw new ShardFolderError(`${path} belongs to another shard or run: its ${key} is ${JSON.stringify(metadata[key] ?? null)}, shard.json's is ${JSON.stringify(value)}`);
      }
    }
  };
  let table;
  try {
    table = await readParquet(path, undefined, undefined, checkIdentity);
  } catch (error) {
    if (error instanceof ShardFolderError) throw error;
    throw new ShardFolderError(`${path} cannot be read: ${(error as Error).message}`);
  }
  const expected = trialsParquetColumns(into, strategyNames).map((c) => c.name);
  if (table.columnNames.join('\n') !== expected.join('\n')) {
    throw new ShardFolderError(`${path} does not have the columns of this scenario's trials (expected ${expected.length} columns: ${expected.slice(0, 4).join(', ')}, ...)`);
  }
  const { firstTrial, trialCount } = manifest;
  if (table.rowCount !== trialCount) throw new ShardFolderError(`${path} holds ${table.rowCount} trials; shard.json says ${trialCount}`);
  const trial = table.columns.get('trial') as Float64Array;
  for (let t = 0; t < trialCount; t++) {
    if (trial[t] !== firstTrial + t) throw new ShardFolderError(`${path}: row ${t} is trial ${trial[t]}, expected ${firstTrial + t} (the shard holds trials ${firstTrial}..${firstTrial + trialCount - 1})`);
  }
  const n = into.trialCount;
  MARKET_METRICS.forEach((metric, c) => into.market.set(table.columns.get(metric) as Float64Array, c * n + firstTrial - into.firstTrial));
  strategyNames.forEach((name, s) => {
    STRATEGY_METRICS.forEach((metric, m) => {
      into.strategy.set(table.columns.get(`${name}.${metric}`) as Float64Array, (s * STRATEGY_METRICS.length + m) * n + firstTrial - into.firstTrial);
    });
  });
}

/** A shard's band counts, checked to be whole, positive and inside a sketch of `binCount` bins. */
export async function readShardBands(dir: string, binCount: number): Promise<SparseCounts> {
  const path = join(dir, 'bands.parquet');
  let table;
  try {
    table = await readParquet(path, ['bin', 'count']);
  } catch (error) {
    throw new ShardFolderError(`${path} cannot be read: ${(error as Error).message}`);
  }
  const bins = table.columns.get('bin') as Float64Array;
  const counts = table.columns.get('count') as Float64Array;
  const sparse: SparseCounts = { indices: new Uint32Array(table.rowCount), counts: new Uint32Array(table.rowCount) };
  for (let k = 0; k < table.rowCount; k++) {
    if (!(Number.isInteger(bins[k]) && bins[k] >= 0 && bins[k] < binCount && Number.isInteger(counts[k]) && counts[k] > 0)) {
      throw new ShardFolderError(`${path}: row ${k} (bin ${bins[k]}, count ${counts[k]}) is not a count of this scenario's band sketch`);
    }
    sparse.indices[k] = bins[k];
    sparse.counts[k] = counts[k];
  }
  return sparse;
}

/** A shard's outcome sketch (a run with --outcomes sketch), read bounded; its shape is checked when merged. */
export function readShardSketch(dir: string): OutcomeSketchState {
  const path = join(dir, SKETCH_FILE);
  let bytes: Buffer;
  try {
    bytes = readBoundedBytes(path, { maxBytes: MAX_SKETCH_BYTES, what: 'an outcome sketch (sketch.bin)' });
  } catch (error) {
    if (!(error instanceof BoundedFileError)) throw error;
    throw new ShardFolderError(error.code === 'ENOENT' ? `${dir} has no ${SKETCH_FILE}, but its shard.json says the run keeps an outcome sketch` : error.message);
  }
  try {
    return decodeSketchState(bytes);
  } catch (error) {
    throw new ShardFolderError(`${path} cannot be read: ${(error as Error).message}`);
  }
}
