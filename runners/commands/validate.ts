// `hashpivot validate`: check a scenario and list every problem.
import { parseArgs } from 'node:util';
import { loadScenario } from '../../scenarios/load.js';
import { UsageError } from '../cliArgs.js';

export function validateCommand(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { set: { type: 'string', multiple: true } } });
  if (positionals.length !== 1) throw new UsageError('validate takes one scenario file (or - for stdin)');
  const scenario = loadScenario(positionals[0], { set: values.set });
  process.stdout.write(`${positionals[0]}: valid (${scenario.name}, ${scenario.strategies.length} strategies)\n`);
  return 0;
}
