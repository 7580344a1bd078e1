// `hashpivot validate`: check a scenario and list every problem.
import { parseArgs } from 'node:util';
import { loadScenario } from '../../scenarios/load.js';
import { UsageError } from '../cliArgs.js';

export function validateCommand(args: string[]): number {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError('validate takes one scenario file');
  const scenario = loadScenario(positionals[0]);
  process.stdout.write(`${positionals[0]}: valid (${scenario.name}, ${scenario.strategies.length} strategies)\n`);
  return 0;
}
