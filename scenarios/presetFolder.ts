// The shipped preset folders: scenarios/presets (scenarios) and scenarios/studies (studies), each a
// set of NAME.yaml files run by name.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord } from './fields.js';
import { packageRoot } from './packageRoot.js';
import { parseScenarioText } from './scenarioText.js';

export type PresetFolder = 'presets' | 'studies';

export const PRESET_EXTENSION = '.yaml';
/** What a preset name may look like (so a path is never mistaken for one). */
export const PRESET_NAME = /^[a-z0-9][a-z0-9-]*$/;

export function presetFolder(folder: PresetFolder): string {
  return join(packageRoot(), 'scenarios', folder);
}

export function presetFile(folder: PresetFolder, name: string): string {
  return join(presetFolder(folder), `${name}${PRESET_EXTENSION}`);
}

/** The presets of a folder, sorted by name. */
export function presetNames(folder: PresetFolder): string[] {
  return readdirSync(presetFolder(folder))
    .filter((file) => file.endsWith(PRESET_EXTENSION))
    .map((file) => file.slice(0, -PRESET_EXTENSION.length))
    .sort();
}

/** The presets of a folder with their one-line descriptions, sorted by name. */
export function describePresets(folder: PresetFolder): { name: string; description: string }[] {
  return presetNames(folder).map((name) => {
    const file = presetFile(folder, name);
    // Read the description without validating, so one broken preset does not hide the others;
    // loading it (and the test suite) validates each one.
    let description = '';
    try {
      const raw = parseScenarioText(readFileSync(file, 'utf8'), 'yaml', file);
      if (isRecord(raw) && typeof raw.description === 'string') description = raw.description;
    } catch (error) {
      description = `(unreadable: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
    }
    return { name, description };
  });
}
