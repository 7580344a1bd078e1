// `hashpivot merge DIR... --out OUT`: put the shard folders of one run (`hashpivot run --shard I/N`,
// or a store's shards) back together and write the outputs a single run writes, byte for byte.
import { parseArgs } from 'node:util';
import { startChartThread } from '../../outputs/chartThread.js';
import { ensureWritableFolder } from '../../outputs/resultsFolder.js';
import { runReportText, writeRunOutputs } from '../../outputs/runOutputs.js';
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
  ensureWritableFolder(out);
  const chartThread = startChartThread();
  try {
    const run = await mergeShardFolders(positionals);
    const summary = await writeRunOutputs(run, out, chartThread);
    if (!values.quiet) process.stdout.write(`Merged ${positionals.length} shard${positionals.length === 1 ? '' : 's'}.\n${runReportText(run, summary, out)}`);
    return 0;
  } finally {
    await chartThread.close();
  }
}
