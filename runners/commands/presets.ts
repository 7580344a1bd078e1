// `hashpivot presets`: the built-in scenarios and studies with their one-line descriptions.
import { listPresets } from '../../scenarios/load.js';
import { listStudyPresets } from '../../scenarios/loadStudy.js';

export function presetsCommand(): number {
  const scenarios = listPresets();
  const studies = listStudyPresets();
  const width = Math.max(...[...scenarios, ...studies].map((p) => p.name.length));
  for (const p of scenarios) process.stdout.write(`${p.name.padEnd(width)}  ${p.description}\n`);
  process.stdout.write(`\nStudies (hashpivot study NAME):\n`);
  for (const p of studies) process.stdout.write(`${p.name.padEnd(width)}  ${p.description}\n`);
  return 0;
}
