// `hashpivot presets`: the built-in scenarios with their one-line descriptions.
import { listPresets } from '../../scenarios/load.js';

export function presetsCommand(): number {
  const presets = listPresets();
  const width = Math.max(...presets.map((p) => p.name.length));
  for (const p of presets) process.stdout.write(`${p.name.padEnd(width)}  ${p.description}\n`);
  return 0;
}
