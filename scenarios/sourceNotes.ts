// Source notes (asOf.sources) after overrides: a note describes the base's values, so a note whose
// field was overridden is marked as such, with the new value, instead of being left to describe a
// number the scenario no longer uses. A note the overriding fragment writes itself is its author's.
import { formatNumber, isRecord, scenarioFieldTree, valueAt, type PathKey } from './fields.js';
import { isPathPrefix } from './fieldPath.js';
import type { AppliedSet } from './overrides.js';
import type { JsonObject } from './resolvedJson.js';

const SOURCES: readonly PathKey[] = ['asOf', 'sources'];

/**
 * The field a note describes: its key read as a path ("market.price", "hosting"), or an asOf field
 * ("priceUsd"); undefined for a note about nothing in particular ("note").
 */
function describedField(noteKey: string): PathKey[] | undefined {
  const root = scenarioFieldTree();
  const keys = noteKey.split('.');
  if (root.properties && Object.hasOwn(root.properties, keys[0])) return keys;
  const asOf = root.properties?.asOf?.properties;
  if (asOf && Object.hasOwn(asOf, noteKey)) return ['asOf', noteKey];
  return undefined;
}

function shown(value: unknown): string {
  return typeof value === 'number' ? formatNumber(value) : JSON.stringify(value);
}

/**
 * Marks, in `data` (the scenario after the sets), each note of `base` whose field the sets changed.
 * Returns the scenario data with the marked notes.
 */
export function markOverriddenNotes(data: JsonObject, base: JsonObject, applied: readonly AppliedSet[]): JsonObject {
  const notes = valueAt(data, SOURCES);
  if (!isRecord(notes)) return data;
  const fieldSets = applied.filter((set) => !isPathPrefix(SOURCES, set.keys));
  const rewritten = new Set(applied.filter((set) => isPathPrefix(SOURCES, set.keys)).map((set) => (set.keys.length > 2 ? String(set.keys[2]) : '*')));
  const marked: Record<string, unknown> = {};
  let changed = false;
  for (const [key, note] of Object.entries(notes)) {
    const field = describedField(key);
    const touching = field === undefined || rewritten.has(key) || rewritten.has('*') ? [] : fieldSets.filter((set) => isPathPrefix(field, set.keys) || isPathPrefix(set.keys, field));
    if (touching.length === 0) {
      marked[key] = note;
      continue;
    }
    const changes = touching.map((set) => {
      const before = valueAt(base, set.keys);
      return `${set.path} = ${shown(set.value)}${before === undefined ? '' : ` (was ${shown(before)})`}`;
    });
    marked[key] = `OVERRIDDEN: ${changes.join('; ')}. The base's note, about its own values: ${String(note)}`;
    changed = true;
  }
  if (!changed) return data;
  const asOf = data.asOf as JsonObject;
  return { ...data, asOf: { ...asOf, sources: marked as JsonObject } };
}
