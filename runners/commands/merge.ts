// `hashpivot merge DIR... --out OUT`: put the shard folders of one run (`hashpivot run --shard I/N`,
// or a store's shards) back together and write the outputs a single run writes, byte for byte; or
// those of one study (`hashpivot study STUDY --shard I/N`) and write the study's files.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { STUDY_SHARD_FILE } from '../../outputs/studyShardFolder.js';
import { startChartThread } from '../../outputs/chartThread.js';
import { AtomicWrite, sameFolder } from '../../outputs/resultsFolder.js';
import { RUN_OUTPUTS_WRITE, runReportText, writeRunOutputs } from '../../outputs/runOutputs.js';
import { assembleShardSet, MergeError, readShardSet, type ShardSet } from '../merge.js';
import { createProgress } from '../progress.js';
import { parseCommandLine, UsageError, wholeNumber } from '../cliArgs.js';
import { defaultWorkerCount, poolExecutor } from '../pool.js';
import { computeSwings, DEFAULT_SWING_TRIALS, type Swings } from '../swings.js';
import { writeOut } from '../terminal.js';

async function swingsOnPool(set: ShardSet, swingTrials: number, signal: AbortSignal): Promise<Swings> {
  const executor = poolExecutor(defaultWorkerCount());
  try {
    return await computeSwings(set.scenario, { seed: set.identity.seed, trials: Math.min(swingTrials, set.identity.trials), executor, signal, processModule: set.inputs.priceProcessModule, switchPolicies: set.inputs.switchPolicies });
  } finally {
    await executor.close();
  }
}

export async function mergeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, quiet: { type: 'boolean' }, 'swing-trials': { type: 'string' } },
  });
  const swingTrials = wholeNumber(values['swing-trials'], '--swing-trials', DEFAULT_SWING_TRIALS, 0, 1_000_000);
  if (positionals.length === 0) throw new UsageError('merge takes the shard folders of one run: hashpivot merge DIR... --out OUT');
  if (values.out?.trim() === '') throw new UsageError('--out must name a folder, got an empty name');
  if (values.out !== undefined) refuseMergingInto(values.out, positionals);
  if (existsSync(join(positionals[0], STUDY_SHARD_FILE))) return mergeStudy(positionals, values.out, values.quiet === true);
  const out = values.out ?? 'results';
  // Checked and locked before the shards are read (outputs/resultsFolder.ts).
  const batch = new AtomicWrite(out, { command: 'merge', ...RUN_OUTPUTS_WRITE });
  const chartThread = startChartThread();
  const stopSwings = new AbortController();
  try {
    const set = readShardSet(positionals);
    // The swings are a function of the scenario and seed alone: recomputed here, they equal a single
    // run's; on the pool's threads while this one reads the shards' trials.
    const swings = swingTrials === 0 ? undefined : swingsOnPool(set, swingTrials, stopSwings.signal);
    swings?.catch(() => {}); // awaited below; a failure must not surface as unhandled meanwhile
    const run = await assembleShardSet(set);
    const summary = await writeRunOutputs(run, batch, chartThread, undefined, await swings);
    if (!values.quiet) writeOut(`Merged ${positionals.length} shard${positionals.length === 1 ? '' : 's'}.\n${runReportText(run, summary, out)}`);
    return 0;
  } catch (error) {
    stopSwings.abort();
    batch.abort();
    throw error;
  } finally {
    await chartThread.close();
  }
}

/** The merged files must not go into a folder being merged: they would replace that shard's own files. */
function refuseMergingInto(out: string, dirs: readonly string[]): void {
  const input = dirs.find((dir) => sameFolder(dir, out));
  if (input !== undefined) throw new UsageError(`--out ${out} is the folder of ${input}, one of the folders being merged: the merged files would replace its own; pass --out with another folder`);
}

/** The shards of a study: the study's files (store, trial files, study.json, study.html), as the unsharded study writes them. */
async function mergeStudy(dirs: string[], out: string | undefined, quiet: boolean): Promise<number> {
  // Loaded on use, as by the study command: DuckDB and the study code would slow every other merge's start.
  const [{ mergeStudyShards }, { studyResultText }, { StudyStoreError }] = await Promise.all([import('../studyMerge.js'), import('./study.js'), import('../../outputs/studyStore.js')]);
  const progress = createProgress(quiet ? 'quiet' : process.stderr.isTTY ? 'bar' : 'lines', process.stderr, 'points');
  try {
    const merged = await mergeStudyShards(dirs, {
      dir: (name) => out ?? `study-${name.replace(/[^A-Za-z0-9._-]+/g, '-')}`,
      onProgress: (p) => progress.update(p.pointsDone, p.pointsPlanned),
    });
    progress.finish();
    if (!quiet) writeOut(`Merged ${dirs.length} study shard${dirs.length === 1 ? '' : 's'}.\n${await studyResultText(merged.result, merged.dir)}`);
    return 0;
  } catch (error) {
    progress.finish();
    if (error instanceof StudyStoreError) throw new MergeError(error.message);
    throw error;
  }
}
