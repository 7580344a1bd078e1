// `hashpivot presets`: the built-in scenarios and studies with their one-line descriptions.
import { listPresets } from '../../scenarios/load.js';
import { listStudyPresets } from '../../scenarios/loadStudy.js';
import { UsageError } from '../cliArgs.js';
import { writeOut } from '../terminal.js';

export function presetsCommand(args: string[]): number {
  if (args.length > 0) throw new UsageError(`presets takes no arguments, got ${args.join(' ')} (to check one: hashpivot validate NAME)`);
  const scenarios = listPresets();
  const studies = listStudyPresets();
  const width = Math.max(...[...scenarios, ...studies].map((p) => p.name.length));
  for (const p of scenarios) writeOut(`${p.name.padEnd(width)}  ${p.description}\n`);
  writeOut(`\nStudies (hashpivot study NAME):\n`);
  for (const p of studies) writeOut(`${p.name.padEnd(width)}  ${p.description}\n`);
  return 0;
}
