// `hashpivot compare`: results folders side by side in OUT/compare.html.
import { parseArgs } from 'node:util';
import { compareRuns } from '../../outputs/compare.js';
import { UsageError } from '../cliArgs.js';

export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length !== 2) throw new UsageError('compare takes two results folders');
  const out = values.out ?? 'comparison';
  await compareRuns(positionals[0], positionals[1], out);
  process.stdout.write(`Wrote ${out}/compare.html\n`);
  return 0;
}
