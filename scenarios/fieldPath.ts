// Field paths as users write them on the command line and in studies: "market.energy.meanUsdPerMwh",
// "strategies[1].share", "strategies[convert-now].share", "market.correlation[0][1]",
// "asOf.sources.market.price". Checked against the schema (with a "did you mean") and resolved
// against a scenario's data into the keys of exactly one field.
import { closestName } from './closestName.js';
import { formatPath, isRecord, scenarioFieldTree, unionBranch, valueAt, type FieldNode, type PathKey } from './fields.js';
import type { ScenarioProblem } from './scenarioError.js';

type Segment = { text: string; key: string } | { text: string; index: number } | { text: string; name: string };

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*/;

/** The segments of a path, or a message saying why it cannot be read. */
function parseSegments(text: string): Segment[] | string {
  const segments: Segment[] = [];
  let rest = text;
  while (rest !== '') {
    const key = KEY.exec(rest);
    if (!key) return `cannot read "${rest}" as a field name`;
    segments.push({ text: key[0], key: key[0] });
    rest = rest.slice(key[0].length);
    while (rest.startsWith('[')) {
      const end = rest.indexOf(']');
      if (end < 0) return 'a "[" without its "]"';
      const inner = rest.slice(1, end);
      if (inner === '') return 'an empty "[]": write an index ([0]) or a strategy name ([convert-now])';
      segments.push(/^\d+$/.test(inner) ? { text: `[${inner}]`, index: Number(inner) } : { text: `[${inner}]`, name: inner });
      rest = rest.slice(end + 1);
    }
    if (rest === '') break;
    if (!rest.startsWith('.') || rest.length === 1) return `unexpected "${rest}"`;
    rest = rest.slice(1);
  }
  return segments.length > 0 ? segments : 'an empty path';
}

let allPaths: string[] | undefined;
let freeMaps: string[] = [];

/**
 * Every dotted path of the schema outside the strategy list, for whole-path suggestions; and,
 * among them, those of free-text maps (asOf.sources) into freeMaps.
 */
function schemaPaths(): string[] {
  if (allPaths) return allPaths;
  const paths: string[] = [];
  const maps: string[] = [];
  const walk = (node: FieldNode, prefix: string) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      paths.push(path);
      if (isRecord(child.additionalProperties)) maps.push(path);
      if (child.properties) walk(child, path);
    }
  };
  walk(scenarioFieldTree(), '');
  freeMaps = maps;
  return (allPaths = paths);
}

/** The paths of the schema's free-text maps, whose keys are any text. */
function freeMapPaths(): string[] {
  schemaPaths();
  return freeMaps;
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** A "did you mean" for a path that failed at segment `at`: the closest sibling, else the closest whole path. */
function suggestion(segments: readonly Segment[], at: number, siblings: readonly string[]): string | undefined {
  const prefix = segments.slice(0, at).map((s) => s.text).join('.').replace(/\.\[/g, '[');
  const rest = segments.slice(at + 1).map((s) => s.text).join('.').replace(/\.\[/g, '[');
  const sibling = closestName(segments[at].text, siblings);
  if (sibling) return [prefix, sibling, rest].filter((part) => part !== '').join('.').replace(/\.\[/g, '[');
  // "meanUsdPerMwh" or "energy.meanUsdPerMwh": the field of that name wherever it lives, when there is just one.
  const written = segments.map((s) => s.text).join('.').replace(/\.\[/g, '[');
  const last = lastSegment(written).toLowerCase();
  const sameName = schemaPaths().filter((path) => lastSegment(path).toLowerCase() === last);
  if (sameName.length === 1) return sameName[0];
  return closestName(written, schemaPaths());
}

export interface ResolvedFieldPath {
  /** The keys of the field in the scenario's data; strategies by index. */
  keys: PathKey[];
  /** Canonical text of the path: strategies by index, e.g. "strategies[1].share". */
  path: string;
  /** The schema node of the field. */
  node: FieldNode;
}

function problem(path: string, message: string, allowed: string): ScenarioProblem {
  return { path, message, allowed };
}

const SCHEMA_REFERENCE = 'a field path as listed in scenarios/SCHEMA.md, e.g. market.energy.meanUsdPerMwh or strategies[1].share';

/**
 * Resolves a path against the schema and against `data` (a scenario's data: the field's parent need
 * not exist, but a list entry must). Fields of a free-text map (asOf.sources) take the rest of the
 * path, dots included, as their key.
 */
export function resolveFieldPath(text: string, data: unknown): ResolvedFieldPath | ScenarioProblem {
  // A free map's key is any text, spaces and brackets included ("BTC price (Nov 2025)"): it is
  // not read as path syntax.
  const freeMap = freeMapPaths().find((path) => text.startsWith(`${path}.`));
  if (freeMap !== undefined) {
    const map = resolveFieldPath(freeMap, data);
    if ('keys' in map && isRecord(map.node.additionalProperties)) {
      const keys = [...map.keys, text.slice(freeMap.length + 1)];
      return { keys, path: formatPath(keys), node: map.node.additionalProperties };
    }
  }
  const segments = parseSegments(text);
  if (typeof segments === 'string') return problem(text, `is not a field path: ${segments}`, SCHEMA_REFERENCE);
  let node: FieldNode | undefined = scenarioFieldTree();
  const keys: PathKey[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (node.oneOf) {
      const branch = unionBranch(node, valueAt(data, keys));
      if (!branch) return problem(formatPath(keys), 'has no strategy kind to read fields from', 'an existing strategy');
      node = branch;
    }
    const where = keys.length === 0 ? 'the scenario' : formatPath(keys);
    if ('key' in segment) {
      if (node.properties) {
        if (!Object.hasOwn(node.properties, segment.key)) {
          const guess = suggestion(segments, i, Object.keys(node.properties));
          return problem(text, `unknown field "${segment.key}" in ${where}${guess ? ` (did you mean ${guess}?)` : ''}`, `fields of ${where}: ${Object.keys(node.properties).join(', ')}`);
        }
        keys.push(segment.key);
        node = node.properties[segment.key];
        continue;
      }
      if (isRecord(node.additionalProperties)) {
        // A free map (asOf.sources): its keys may contain dots ("market.price").
        keys.push(segments.slice(i).map((s) => s.text).join('.').replace(/\.\[/g, '['));
        node = node.additionalProperties;
        break;
      }
      return problem(text, `${where} is a single value, not a block with field "${segment.key}"`, `the path ${where} itself`);
    }
    if (node.type !== 'array' || !node.items) {
      return problem(text, `${where} is not a list, so ${segment.text} selects nothing`, `the path ${where}${node.properties ? ' followed by .field' : ''}`);
    }
    const list = valueAt(data, keys);
    const entries = Array.isArray(list) ? list : [];
    let index: number;
    if ('index' in segment) {
      index = segment.index;
      if (index >= entries.length) {
        return problem(text, `${where} has ${entries.length} entries, so ${segment.text} does not exist`, `an index from 0 to ${Math.max(0, entries.length - 1)}${where === 'strategies' ? ', or a strategy name in brackets' : ''}`);
      }
    } else {
      const names = entries.map((entry) => (isRecord(entry) && typeof entry.name === 'string' ? entry.name : ''));
      index = names.indexOf(segment.name);
      if (index < 0) {
        const guess = closestName(segment.name, names);
        return problem(text, `no entry of ${where} is named "${segment.name}"${guess ? ` (did you mean ${guess}?)` : ''}`, `one of ${names.filter((n) => n !== '').join(', ') || '(no named entries)'}, or an index`);
      }
    }
    keys.push(index);
    node = node.items;
  }
  if (node.oneOf) node = unionBranch(node, valueAt(data, keys)) ?? node;
  return { keys, path: formatPath(keys), node };
}

/** Whether `prefix` is `keys` or an ancestor of it. */
export function isPathPrefix(prefix: readonly PathKey[], keys: readonly PathKey[]): boolean {
  return prefix.length <= keys.length && prefix.every((key, i) => key === keys[i]);
}

/**
 * A sort key putting paths in schema order (the order of the resolved scenario): at each level the
 * position of the field in its block, a list index, or a free map's key (after the schema's fields).
 */
export function schemaOrderKey(keys: readonly PathKey[], data: unknown): (number | string)[] {
  const order: (number | string)[] = [];
  let node: FieldNode | undefined = scenarioFieldTree();
  for (let depth = 0; depth < keys.length; depth++) {
    const key = keys[depth];
    if (node?.oneOf) node = unionBranch(node, valueAt(data, keys.slice(0, depth)));
    if (typeof key === 'number') {
      order.push(key);
      node = node?.items;
    } else if (node?.properties && Object.hasOwn(node.properties, key)) {
      order.push(Object.keys(node.properties).indexOf(key));
      node = node.properties[key];
    } else {
      order.push(key);
      node = isRecord(node?.additionalProperties) ? node.additionalProperties : undefined;
    }
  }
  return order;
}

/** Compares two schema order keys; an ancestor sorts before its fields. */
export function compareOrderKeys(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
