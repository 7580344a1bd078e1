// `hashpivot merge DIR... --out OUT`: put the shard folders of one run (`hashpivot run --shard I/N`,
// or a store's shards) back together and write the outputs a single run writes, byte for byte.
import { parseArgs } from 'node:util';
import { startChartThread } from '../../outputs/chartThread.js';
import { AtomicWrite } from '../../outputs/resultsFolder.js';
import { RUN_OUTPUTS_WRITE, runReportText, writeRunOutputs } from '../../outputs/runOutputs.js';
import { mergeShardFolders } from '../merge.js';
import { UsageError, wholeNumber } from '../cliArgs.js';
import { defaultWorkerCount, poolExecutor } from '../pool.js';
import type { RunResult } from '../run.js';
import { computeSwings, DEFAULT_SWING_TRIALS, type Swings } from '../swings.js';
import { writeOut } from '../terminal.js';

async function swingsOnPool(run: RunResult, swingTrials: number): Promise<Swings> {
  const executor = poolExecutor(defaultWorkerCount());
  try {
    return await computeSwings(run.scenario, { seed: run.seed, trials: Math.min(swingTrials, run.trialsRequested), executor, processModule: run.inputs.priceProcessModule, switchPolicies: run.inputs.switchPolicies });
  } finally {
    await executor.close();
  }
}

export async function mergeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, quiet: { type: 'boolean' }, 'swing-trials': { type: 'string' } },
  });
  const swingTrials = wholeNumber(values['swing-trials'], '--swing-trials', DEFAULT_SWING_TRIALS, 0, 1_000_000);
  if (positionals.length === 0) throw new UsageError('merge takes the shard folders of one run: hashpivot merge DIR... --out OUT');
  const out = values.out ?? 'results';
  if (out.trim() === '') throw new UsageError('--out must name a folder, got an empty name');
  // Checked and locked before the shards are read (outputs/resultsFolder.ts).
  const batch = new AtomicWrite(out, { command: 'merge', ...RUN_OUTPUTS_WRITE });
  const chartThread = startChartThread();
  try {
    const run = await mergeShardFolders(positionals);
    // The swings are a function of the scenario and seed alone: recomputed here, they equal a single run's.
    const swings = swingTrials === 0 ? undefined : await swingsOnPool(run, swingTrials);
    const summary = await writeRunOutputs(run, batch, chartThread, undefined, swings);
    if (!values.quiet) writeOut(`Merged ${positionals.length} shard${positionals.length === 1 ? '' : 's'}.\n${runReportText(run, summary, out)}`);
    return 0;
  } catch (error) {
    batch.abort();
    throw error;
  } finally {
    await chartThread.close();
  }
}
