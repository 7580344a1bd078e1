// The resolved scenario (every default filled in) as plain JSON for summary.json: what a run actually
// used, in schema order whatever order the author wrote the fields in, so two runs of the same
// scenario produce byte-identical summaries and diffs between scenarios line up.
import { isRecord, scenarioFieldTree, unionBranch, type FieldNode } from './fields.js';
import type { Scenario } from './schema.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

function toJson(value: unknown, node: FieldNode | undefined): JsonValue {
  if (node?.oneOf) node = unionBranch(node, value);
  if (Array.isArray(value)) return value.map((item) => toJson(item, node?.items));
  if (isRecord(value)) {
    const out: JsonObject = {};
    // Schema fields first, in schema order; then free-form entries (asOf.sources) in author order,
    // which is the order the author chose to document them in.
    const ordered = node?.properties ? Object.keys(node.properties) : [];
    const rest = Object.keys(value).filter((key) => !ordered.includes(key));
    for (const key of [...ordered, ...rest]) {
      if (!Object.hasOwn(value, key) || value[key] === undefined) continue;
      const child = node?.properties?.[key] ?? (isRecord(node?.additionalProperties) ? node.additionalProperties : undefined);
      out[key] = toJson(value[key], child);
    }
    return out;
  }
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  // Validation admits no other values; failing loudly beats writing a summary that cannot be read back.
  throw new TypeError(`resolvedScenarioJson: value ${String(value)} is not representable in JSON`);
}

/** The scenario as a JSON-able object: every default filled in, keys in schema order. */
export function resolvedScenarioJson(scenario: Scenario): JsonObject {
  return toJson(scenario, scenarioFieldTree()) as JsonObject;
}
