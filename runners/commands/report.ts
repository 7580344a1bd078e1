// `hashpivot report`: rebuild report.html, charts/ and paths.* from a results folder, no trials run.
import { parseArgs } from 'node:util';
import { rebuildReport } from '../../outputs/report.js';
import { UsageError } from '../cliArgs.js';

export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('report takes one results folder');
  const out = values.out ?? positionals[0];
  const build = await rebuildReport(positionals[0], out);
  process.stdout.write(`Wrote ${out}/report.html and ${build.rendered.length} charts from summary.json and ${build.source}\n`);
  return 0;
}
