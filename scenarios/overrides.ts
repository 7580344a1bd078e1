// Overrides: fields set over a base scenario, by an `extends:` file (every field it writes) or by
// `--set path=value` on the command line. Both become the same list of (path, value) sets applied
// to the base's resolved data, so `run base --set X` and a file `extends: base` writing X give the
// same scenario, byte for byte.
import { formatPath, isRecord, scenarioFieldTree, type FieldNode, type PathKey } from './fields.js';
import { compareOrderKeys, isPathPrefix, resolveFieldPath, schemaOrderKey } from './fieldPath.js';
import type { JsonObject, JsonValue } from './resolvedJson.js';
import { ScenarioError, type ScenarioProblem } from './scenarioError.js';
import { EmptyScenarioText, parseScenarioText, PROTO_ALLOWED } from './scenarioText.js';

/** A field to set, its path as written. */
export interface FieldSet {
  path: string;
  value: unknown;
}

/** A set once applied: the field's keys in the data, and its canonical path. */
export interface AppliedSet {
  path: string;
  keys: PathKey[];
  value: unknown;
}

export const SET_ORIGIN = '--set';
const SET_ALLOWED = 'PATH=VALUE, e.g. market.energy.meanUsdPerMwh=60 or strategies[convert-now].atMonth=6 (VALUE is read as YAML: 60, true, lease, [1, 2])';

/** Reads `path=value`; the value as YAML 1.2 (so 60 is a number, lease a text, [1, 2] a list). */
export function parseSetArgument(text: string): FieldSet {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new ScenarioError(SET_ORIGIN, [{ path: text, message: equals === 0 ? 'has no field path before "="' : 'has no "="', allowed: SET_ALLOWED }]);
  const path = text.slice(0, equals).trim();
  if (path.split(/[.[\]]/).includes('__proto__')) throw new ScenarioError(SET_ORIGIN, [{ path, message: 'names a key "__proto__"', allowed: PROTO_ALLOWED }]);
  const valueText = text.slice(equals + 1);
  if (valueText.trim() === '') throw new ScenarioError(SET_ORIGIN, [{ path, message: 'has no value after "="', allowed: SET_ALLOWED }]);
  try {
    return { path, value: parseScenarioText(valueText, 'yaml', `${SET_ORIGIN} ${path}`) };
  } catch (error) {
    if (!(error instanceof EmptyScenarioText)) throw error;
    // `x=null`, `x=~` or `x=# ...`: not "the file is empty", which would point at the scenario file.
    throw new ScenarioError(SET_ORIGIN, [{ path, message: `has no value after "=" (${JSON.stringify(valueText.trim())} reads as nothing); a field cannot be unset: leave its --set out for its default`, allowed: SET_ALLOWED }]);
  }
}

/**
 * The fields a fragment writes, as sets: blocks are entered field by field (so the base keeps the
 * fields the fragment leaves out), and so is asOf.sources (a note per key); lists and single values
 * are set whole.
 */
export function fragmentSets(fragment: Record<string, unknown>): FieldSet[] {
  const sets: FieldSet[] = [];
  const walk = (block: Record<string, unknown>, keys: PathKey[], node: FieldNode) => {
    for (const [key, value] of Object.entries(block)) {
      const childKeys = [...keys, key];
      const child = node.properties?.[key];
      if (child?.properties && isRecord(value)) walk(value, childKeys, child);
      else if (child && isRecord(child.additionalProperties) && isRecord(value)) {
        for (const [entry, text] of Object.entries(value)) sets.push({ path: formatPath([...childKeys, entry]), value: text });
      } else {
        // An unknown field too: resolveFieldPath reports it with a suggestion.
        sets.push({ path: formatPath(childKeys), value });
      }
    }
  };
  walk(fragment, [], scenarioFieldTree());
  return sets;
}

/** A copy of `data` with `value` at `keys`, creating missing blocks; only the objects on the path are copied. */
function setAt(data: unknown, keys: readonly PathKey[], value: unknown): unknown {
  if (keys.length === 0) return structuredClone(value);
  const [key, ...rest] = keys;
  if (typeof key === 'number') {
    const list = Array.isArray(data) ? [...data] : [];
    list[key] = setAt(list[key], rest, value);
    return list;
  }
  const object: Record<string, unknown> = isRecord(data) ? { ...data } : {};
  object[key] = setAt(Object.hasOwn(object, key) ? object[key] : undefined, rest, value);
  return object;
}

/**
 * Applies the sets in order to a copy of `data` (a resolved scenario). Every path is checked
 * against the schema and the data as it stands after the sets before it; a bad path (with a "did
 * you mean") is returned among `problems` and its set left out, so that the caller can report it
 * with what is wrong in the values of the others, every problem at once.
 */
export function applySets(data: JsonObject, sets: readonly FieldSet[]): { data: JsonObject; applied: AppliedSet[]; problems: ScenarioProblem[] } {
  let current: unknown = data;
  const applied: AppliedSet[] = [];
  const problems: ScenarioProblem[] = [];
  for (const set of sets) {
    const resolved = resolveFieldPath(set.path, current);
    if ('message' in resolved) {
      problems.push(resolved);
      continue;
    }
    if (resolved.keys[0] === 'extends' || resolved.keys[0] === 'derivation') {
      problems.push({ path: resolved.path, message: 'cannot be set', allowed: 'a field of the scenario; extends belongs in a scenario file, derivation is written by hashpivot' });
      continue;
    }
    current = setAt(current, resolved.keys, set.value);
    applied.push({ path: resolved.path, keys: resolved.keys, value: set.value });
  }
  return { data: current as JsonObject, applied, problems };
}

/**
 * The overrides a derivation records: the base's own, then these sets; a set replaces earlier ones
 * at or below its path. In schema order, so the order the fields were written in does not matter.
 */
export function netOverrides(previous: Record<string, unknown>, applied: readonly AppliedSet[], data: JsonObject): Record<string, JsonValue> {
  const entries: AppliedSet[] = [];
  for (const [path, value] of Object.entries(previous)) {
    const resolved = resolveFieldPath(path, data);
    if (!('message' in resolved)) entries.push({ path: resolved.path, keys: resolved.keys, value });
  }
  for (const set of applied) {
    for (let i = entries.length - 1; i >= 0; i--) if (isPathPrefix(set.keys, entries[i].keys)) entries.splice(i, 1);
    entries.push(set);
  }
  const keyed = entries.map((entry) => ({ entry, order: schemaOrderKey(entry.keys, data) }));
  keyed.sort((a, b) => compareOrderKeys(a.order, b.order));
  return Object.fromEntries(keyed.map(({ entry }) => [entry.path, entry.value as JsonValue]));
}
