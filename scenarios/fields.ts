// The scenario schema seen as a JSON Schema tree, in which every field carries its unit, default,
// range and description (zod 4 copies `.meta()` into it). Error messages and SCHEMA.md both read
// this one tree, so what they say cannot drift from what the zod schema enforces.
import { z } from 'zod';
import { scenarioSchema } from './schema.js';

/** The subset of JSON Schema (draft 2020-12) that z.toJSONSchema emits for our schema. */
export interface FieldNode {
  type?: string;
  description?: string;
  unit?: string;
  default?: unknown;
  properties?: Record<string, FieldNode>;
  required?: string[];
  additionalProperties?: boolean | FieldNode;
  items?: FieldNode;
  oneOf?: FieldNode[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

export type PathKey = string | number;

let tree: FieldNode | undefined;

/** The whole scenario schema as a FieldNode tree ('input' view: fields with defaults are optional). */
export function scenarioFieldTree(): FieldNode {
  tree ??= z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as FieldNode;
  return tree;
}

/** "market.price.volatilityPerYear", "strategies[1].share", "market.correlation[0][1]". */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The raw value at `path`, reading own properties only (a user's `__proto__` key is just a key). */
export function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (Array.isArray(value) && typeof key === 'number') value = value[key];
    else if (isRecord(value) && typeof key === 'string' && Object.hasOwn(value, key)) value = value[key];
    else return undefined;
  }
  return value;
}

/** A union of strategy kinds: the branch whose `kind` constant equals the value's kind. */
export function unionBranch(node: FieldNode, value: unknown): FieldNode | undefined {
  if (!node.oneOf || !isRecord(value)) return undefined;
  return node.oneOf.find((option) => option.properties?.kind?.const === value.kind);
}

/** The schema node of the field at `path`; `raw` picks the branch of a union (a strategy's kind). */
export function fieldAt(path: readonly PropertyKey[], raw: unknown): FieldNode | undefined {
  let node: FieldNode | undefined = scenarioFieldTree();
  for (let depth = 0; depth < path.length && node; depth++) {
    if (node.oneOf) node = unionBranch(node, valueAt(raw, path.slice(0, depth)));
    if (!node) return undefined;
    const key = path[depth];
    if (typeof key === 'number') node = node.items;
    else if (node.properties && Object.hasOwn(node.properties, key)) node = node.properties[key as string];
    else if (isRecord(node.additionalProperties)) node = node.additionalProperties;
    else return undefined;
  }
  if (node?.oneOf) node = unionBranch(node, valueAt(raw, path)) ?? node;
  return node;
}

/** Short numbers for messages and docs: 9e6 rather than 9000000, but 6929999 as written. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1e6) {
    const [mantissa, exponent] = value.toExponential().split('e');
    if (mantissa.length <= 4) return `${mantissa}e${Number(exponent)}`;
  }
  return String(value);
}

// Units that read as a dimension ("a number in MW") versus labels that do not ("a number (ratio)").
const LABEL_UNITS = new Set(['log', 'ratio', 'factor', 'x', 'exponent', 'share', 'share 0..1', 'index (1 = normal)']);
const NON_UNITS = new Set(['text', 'choice', 'flag']);

function unitPhrase(unit: string | undefined): string {
  if (!unit || NON_UNITS.has(unit)) return '';
  return LABEL_UNITS.has(unit) ? ` (${unit})` : ` in ${unit}`;
}

// zod's positive() without an upper bound emits Number.MAX_VALUE: not a limit worth printing.
const NO_LIMIT = 1e300;

/** "from 0 to 5", ", > 0 and <= 1e5", ", >= 0" or "" for a number node. */
export function rangePhrase(node: FieldNode): string {
  const low = node.exclusiveMinimum ?? node.minimum;
  const lowExclusive = node.exclusiveMinimum !== undefined;
  let high = node.exclusiveMaximum ?? node.maximum;
  const highExclusive = node.exclusiveMaximum !== undefined;
  if (high !== undefined && Math.abs(high) >= NO_LIMIT) high = undefined;
  if (low !== undefined && high !== undefined && !lowExclusive && !highExclusive) {
    return ` from ${formatNumber(low)} to ${formatNumber(high)}`;
  }
  const parts: string[] = [];
  if (low !== undefined) parts.push(`${lowExclusive ? '>' : '>='} ${formatNumber(low)}`);
  if (high !== undefined) parts.push(`${highExclusive ? '<' : '<='} ${formatNumber(high)}`);
  return parts.length > 0 ? `, ${parts.join(' and ')}` : '';
}

/** What kind of value the node takes, without the range: "a number in MW", "a whole number in months". */
export function valueNoun(node: FieldNode): string {
  if (node.enum) return `one of ${node.enum.map(String).join(', ')}`;
  if (node.const !== undefined) return JSON.stringify(node.const);
  switch (node.type) {
    case 'number':
      return `a number${unitPhrase(node.unit)}`;
    case 'integer':
      return `a whole number${unitPhrase(node.unit)}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      return node.unit && !NON_UNITS.has(node.unit) ? `text written ${node.unit}` : 'text';
    case 'array':
      return node.unit ? `a list (${node.unit})` : 'a list';
    case 'object':
      return 'an object';
    default:
      return node.oneOf ? 'an object' : 'a value';
  }
}

function countPhrase(min: number | undefined, max: number | undefined, noun: string): string {
  if (min !== undefined && min === max) return `exactly ${min} ${noun}`;
  if (min !== undefined && max !== undefined) return `${min} to ${max} ${noun}`;
  if (min !== undefined) return `at least ${min} ${noun}`;
  if (max !== undefined) return `at most ${max} ${noun}`;
  return `any number of ${noun}`;
}

/** A field list with units: "date (YYYY-MM), blockHeight (blocks), ...". */
export function fieldList(names: readonly string[], node: FieldNode): string {
  return names
    .map((name) => {
      const unit = node.properties?.[name]?.unit;
      return unit && !NON_UNITS.has(unit) ? `${name} (${unit})` : name;
    })
    .join(', ');
}

/** Everything a value of this node may be, as one phrase: the `allowed` part of a problem. */
export function describeAllowed(node: FieldNode): string {
  if (node.enum || node.const !== undefined) return valueNoun(node);
  if (node.oneOf) {
    const kinds = node.oneOf.map((option) => String(option.properties?.kind?.const));
    return `an object whose kind is one of ${kinds.join(', ')}`;
  }
  switch (node.type) {
    case 'number':
    case 'integer':
      return `${valueNoun(node)}${rangePhrase(node)}`;
    case 'string': {
      const parts = [valueNoun(node)];
      if (node.minLength !== undefined || node.maxLength !== undefined) {
        parts.push(countPhrase(node.minLength, node.maxLength, 'characters'));
      }
      if (node.pattern) parts.push(`matching ${node.pattern}`);
      return parts.join(', ');
    }
    case 'array': {
      const items = node.items;
      let what: string;
      if (items?.oneOf) what = countPhrase(node.minItems, node.maxItems, 'strategies');
      else if (items?.type === 'array') what = `${countPhrase(node.minItems, node.maxItems, 'rows')}, each ${describeAllowed(items)}`;
      else if (items?.type === 'number' || items?.type === 'integer') what = `${countPhrase(node.minItems, node.maxItems, 'numbers')}${rangePhrase(items)}`;
      else what = countPhrase(node.minItems, node.maxItems, 'entries');
      return node.unit ? `a ${node.unit}: ${what}` : `a list of ${what}`;
    }
    case 'object': {
      if (!node.properties) return 'an object of text entries';
      const names = Object.keys(node.properties);
      const required = names.filter((name) => node.required?.includes(name));
      const optional = names.filter((name) => !node.required?.includes(name));
      if (required.length === 0) return `an object with optional fields ${fieldList(optional, node)}`;
      const tail = optional.length > 0 ? `; optional: ${fieldList(optional, node)}` : '';
      return `an object with required fields ${fieldList(required, node)}${tail}`;
    }
    default:
      return valueNoun(node);
  }
}
