// Reading a results folder back (`report`, `compare`, `merge`): nothing in it is trusted until it
// checks out. summary.json must be a hashpivot summary (summarySchema.ts) whose scenario passes the
// scenario validation, without repeated keys; the trials file must be the one made with it (same
// columns and trial count; trials.parquet also the same seed, version and scenario: reportTrials.ts);
// and when the folder has a manifest (resultsFolder.ts), both files must be the ones it lists,
// from one write. A write interrupted in the folder is completed first, one in progress waited for.
// Every problem is a ResultsInputError: one line naming the file and the field, never a stack trace.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BoundedFileError, readBoundedBytes } from '../scenarios/boundedFile.js';
import { formatPath } from '../scenarios/fields.js';
import { findDuplicateJsonKey } from '../scenarios/jsonDuplicateKeys.js';
import { parseScenario, ScenarioError } from '../scenarios/load.js';
import { readTrialColumns, type TrialTable } from './reportTrials.js';
import { OutputFolderError, readManifest, settleFolder, type Manifest } from './resultsFolder.js';
import type { Summary } from './summary.js';
import { summarySchema } from './summarySchema.js';
import { decodeSketchState, OutcomeSketch, SketchFormatError } from '../engine/outcomeSketch.js';
import { sketchShape } from './sketchStatistics.js';
import { SKETCH_FILE } from './sketchReport.js';
import { SHARD_MANIFEST_FILE } from './shardFolder.js';

export class ResultsInputError extends Error {}

/** summary.json is a few MB even for 32 strategies over 600 months; far more is not one of ours. */
export const SUMMARY_LIMIT = { maxBytes: 64 << 20, what: 'summary.json' };

function oneLine(text: string): string {
  return text.split('\n')[0];
}

/** Parses and checks summary.json's text; `path` names it in errors. */
export function parseSummary(withMark: string, path: string): Summary {
  // A summary.json saved again by an editor that writes a byte-order mark reads as a scenario file does.
  const text = withMark.replace(/^\uFEFF/, '');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ResultsInputError(`${path} is not valid JSON: ${oneLine(error instanceof Error ? error.message : String(error))}`);
  }
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate) throw new ResultsInputError(`${path} line ${duplicate.line}, column ${duplicate.column}: the key "${duplicate.key}" appears twice in one object`);
  const result = summarySchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : '';
    const where = issue.path.length > 0 ? formatPath(issue.path) : '(top level)';
    throw new ResultsInputError(`${path}: ${where}: ${oneLine(issue.message)}${more}; it is not a hashpivot summary (re-run to make one)`);
  }
  const summary = raw as Summary;
  let scenario;
  try {
    scenario = parseScenario(summary.scenario, `${path} scenario`);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    const p = error.problems[0];
    const more = error.problems.length > 1 ? ` (and ${error.problems.length - 1} more problems)` : '';
    throw new ResultsInputError(`${path}: scenario.${p.path}: ${oneLine(p.message)}${more}`);
  }
  const names = scenario.strategies.map((s) => s.name);
  if (summary.strategies.map((s) => s.name).join('\u0000') !== names.join('\u0000')) {
    throw new ResultsInputError(`${path}: strategies: the names differ from the scenario's strategies (${names.join(', ')})`);
  }
  if (summary.bands.months.length !== scenario.horizonMonths || summary.bands.months[0] !== scenario.asOf.date) {
    throw new ResultsInputError(`${path}: bands.months: ${summary.bands.months.length} months from ${summary.bands.months[0]}, the scenario has ${scenario.horizonMonths} from ${scenario.asOf.date}`);
  }
  return summary;
}

function readFileBytes(path: string, limit: { maxBytes: number; what: string }): Buffer {
  try {
    return readBoundedBytes(path, limit);
  } catch (error) {
    if (error instanceof BoundedFileError) throw new ResultsInputError(error.message);
    throw error;
  }
}

/** The manifest's entry for `name` must describe these bytes (or this size). */
function checkListed(manifest: Manifest, dir: string, name: string, bytes: number, sha256?: string): string {
  const entry = manifest.files[name];
  if (!entry) throw new ResultsInputError(`${join(dir, name)} is not among the files hashpivot wrote in ${dir} (.hashpivot/manifest.json): it was put there by something else`);
  if (entry.bytes !== bytes || (sha256 !== undefined && entry.sha256 !== sha256)) {
    throw new ResultsInputError(`${join(dir, name)} was changed after hashpivot wrote it (its size or checksum differs from .hashpivot/manifest.json): re-run to make the results again`);
  }
  return entry.write;
}

/** A results folder as `report` and `compare` read it: its rows, or (--outcomes sketch) its outcome sketch; `source` the file read. */
export type ReportFolder = { summary: Summary; source: string } & ({ trials: TrialTable; sketch: null } | { trials: null; sketch: OutcomeSketch });

/** sketch.bin holds counts of a fixed shape, tens of MB whatever the trials; far more is not one of ours. */
const SKETCH_LIMIT = { maxBytes: 1 << 30, what: 'an outcome sketch (sketch.bin)' };

/** The folder's sketch.bin, checked against summary.json: the shape its run had, the trials it counts. */
function readSketch(dir: string, summary: Summary): { sketch: OutcomeSketch; bytes: number } {
  const path = join(dir, SKETCH_FILE);
  const bytes = readFileBytes(path, SKETCH_LIMIT);
  const site = summary.scenario.site as { cashUsd: number; creditLineUsd: number };
  const sketch = new OutcomeSketch(sketchShape(summary.strategies.length, summary.bands.months.length, summary.trials, site.cashUsd + site.creditLineUsd));
  try {
    const state = decodeSketchState(bytes);
    if (sketch.trialsInState(state) !== summary.trials) throw new RangeError(`it counts ${sketch.trialsInState(state)} trials, summary.json ${summary.trials}`);
    sketch.merge(state);
  } catch (error) {
    if (error instanceof SketchFormatError) throw new ResultsInputError(`${path}: ${error.message}. Run the scenario again with this version (summary.json holds it: its seed and trials reproduce the run), or report the folder with the version that wrote it.`);
    throw new ResultsInputError(`${path} is not the outcome sketch of this summary.json: ${oneLine(error instanceof Error ? error.message : String(error))}`);
  }
  return { sketch, bytes: bytes.length };
}

async function readOnce(
  dir: string,
  columns: (summary: Summary) => readonly string[],
  optional: (summary: Summary) => readonly string[],
): Promise<ReportFolder & { manifest: Manifest | null }> {
  const manifest = readManifest(dir);
  const summaryPath = join(dir, 'summary.json');
  if (!existsSync(summaryPath)) {
    // Two folders people mistake for a run's: a shard's (run --shard) and a study's.
    const hint = existsSync(join(dir, SHARD_MANIFEST_FILE))
      ? ` (it is one shard of a run: put the shards together with hashpivot merge first)`
      : existsSync(join(dir, 'study.json'))
        ? ` (it is a study's folder: its report is study.html)`
        : '';
    throw new ResultsInputError(`${dir} is not a results folder: it has no summary.json${hint}`);
  }
  const bytes = readFileBytes(summaryPath, SUMMARY_LIMIT);
  const summary = parseSummary(bytes.toString('utf8'), summaryPath);
  const summaryWrite = manifest ? checkListed(manifest, dir, 'summary.json', bytes.length, createHash('sha256').update(bytes).digest('hex')) : null;
  const sameWrite = (file: string, size: number) => {
    if (manifest && checkListed(manifest, dir, file, size) !== summaryWrite) throw new ResultsInputError(`${dir}: summary.json and ${file} were written by different runs (.hashpivot/manifest.json): re-run`);
  };
  if (summary.outcomes?.mode === 'sketch') {
    const { sketch, bytes: sketchBytes } = readSketch(dir, summary);
    sameWrite(SKETCH_FILE, sketchBytes);
    return { summary, trials: null, sketch, source: SKETCH_FILE, manifest };
  }
  let trials;
  try {
    trials = await readTrialColumns(dir, columns(summary), summary, optional(summary));
  } catch (error) {
    if (error instanceof BoundedFileError) throw new ResultsInputError(error.message);
    throw new ResultsInputError(`cannot read the trials of ${dir}: ${oneLine(error instanceof Error ? error.message : String(error))}`);
  }
  sameWrite(trials.file, statSync(join(dir, trials.file)).size);
  return { summary, trials: trials.table, sketch: null, source: trials.file, manifest };
}

/**
 * Loads summary.json and the trial columns `columns(summary)` names from a results folder (and the
 * `optional(summary)` ones it has: a folder an older hashpivot wrote may lack them), checked as
 * this file's header says; a folder made with --outcomes sketch gives its outcome sketch instead of rows.
 */
export async function readReportFolder(
  dir: string,
  columns: (summary: Summary) => readonly string[],
  optional: (summary: Summary) => readonly string[] = () => [],
): Promise<ReportFolder> {
  let stat;
  try {
    stat = lstatSync(dir);
  } catch {
    throw new ResultsInputError(`${dir} is not a results folder: no such folder`);
  }
  if (!stat.isDirectory() && !(stat.isSymbolicLink() && existsSync(dir) && statSync(dir).isDirectory())) {
    throw new ResultsInputError(`${dir} is not a results folder: it is not a folder`);
  }
  try {
    // A run that commits while this reads would leave a mix: read again if the manifest moved.
    for (let attempt = 0; ; attempt++) {
      await settleFolder(dir);
      const { manifest, ...read } = await readOnce(dir, columns, optional);
      const after = readManifest(dir);
      if (JSON.stringify(after) === JSON.stringify(manifest)) return read;
      if (attempt === 2) throw new ResultsInputError(`${dir} keeps changing while it is read (another hashpivot command is writing it); try again`);
    }
  } catch (error) {
    if (error instanceof OutputFolderError) throw new ResultsInputError(error.message);
    throw error;
  }
}
