// `hashpivot merge DIR... --out OUT`: put the shard folders of one run (`hashpivot run --shard I/N`,
// or a store's shards) back together and write the outputs a single run writes, byte for byte.
import { parseArgs } from 'node:util';
import { startChartThread } from '../../outputs/chartThread.js';
import { AtomicWrite } from '../../outputs/resultsFolder.js';
import { RUN_OUTPUTS_WRITE, runReportText, writeRunOutputs } from '../../outputs/runOutputs.js';
import { mergeShardFolders } from '../merge.js';
import { UsageError } from '../cliArgs.js';

export async function mergeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, quiet: { type: 'boolean' } },
  });
  if (positionals.length === 0) throw new UsageError('merge takes the shard folders of one run: hashpivot merge DIR... --out OUT');
  const out = values.out ?? 'results';
  if (out.trim() === '') throw new UsageError('--out must name a folder, got an empty name');
  // Checked and locked before the shards are read (outputs/resultsFolder.ts).
  const batch = new AtomicWrite(out, { command: 'merge', ...RUN_OUTPUTS_WRITE });
  const chartThread = startChartThread();
  try {
    const run = await mergeShardFolders(positionals);
    const summary = await writeRunOutputs(run, batch, chartThread);
    if (!values.quiet) process.stdout.write(`Merged ${positionals.length} shard${positionals.length === 1 ? '' : 's'}.\n${runReportText(run, summary, out)}`);
    return 0;
  } catch (error) {
    batch.abort();
    throw error;
  } finally {
    await chartThread.close();
  }
}
