// The scenario field reference (scenarios/SCHEMA.md), generated from the schema so that the units,
// defaults and ranges it documents are exactly the ones validation enforces.
import { CROSS_FIELD_RULES } from './crossChecks.js';
import { NUMERIC_DOMAIN_RULES } from './numericDomain.js';
import { describeAllowed, formatNumber, isRecord, rangePhrase, scenarioFieldTree, type FieldNode } from './fields.js';

interface FieldRow {
  path: string;
  unit: string;
  defaultValue: string;
  allowed: string;
  description: string;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function code(text: string): string {
  return `\`${text}\``;
}

function defaultCell(node: FieldNode, required: boolean): string {
  if (node.default === undefined) return required ? '**required**' : 'optional';
  const value = node.default;
  if (typeof value === 'number') return code(formatNumber(value));
  return code(JSON.stringify(value));
}

/** The unit column already says the unit, so a number's cell is just its kind and range. */
function allowedCell(node: FieldNode): string {
  if (node.type === 'number' || node.type === 'integer') {
    const range = rangePhrase(node).replace(/^ from (\S+) to (\S+)$/, '$1 to $2').replace(/^, /, '');
    return `${node.type === 'integer' ? 'whole number' : 'number'}${range ? `, ${range}` : ''}`;
  }
  if (node.type === 'object' && !node.properties) {
    return isRecord(node.additionalProperties) && node.additionalProperties.type === 'string' ? 'map of text to text' : 'map of field paths to values';
  }
  // A regex outside a code span would render * and _ as emphasis.
  return node.pattern ? describeAllowed(node).replace(node.pattern, () => code(node.pattern as string)) : describeAllowed(node);
}

function isLeaf(node: FieldNode): boolean {
  if (node.type === 'object') return !node.properties;
  if (node.type === 'array') return !(node.items?.type === 'object' || node.items?.oneOf);
  return true;
}

function walk(node: FieldNode, path: string, required: boolean, rows: FieldRow[]): void {
  if (isLeaf(node)) {
    rows.push({
      path,
      unit: node.unit ?? '',
      defaultValue: defaultCell(node, required),
      allowed: allowedCell(node),
      description: node.description ?? '',
    });
    return;
  }
  if (node.type === 'array' && node.items?.oneOf) {
    // A list of strategies: one row for the list, then each kind's fields.
    rows.push({ path, unit: '', defaultValue: defaultCell(node, required), allowed: allowedCell(node), description: 'Strategies compared on the same market paths.' });
    for (const option of node.items.oneOf) {
      const kind = String(option.properties?.kind?.const);
      walkObject(option, `${path}[kind=${kind}]`, rows);
    }
    return;
  }
  if (node.type === 'array' && node.items?.type === 'object') {
    // A list of records (an optimal strategy's actions): one row for the list, then each field of an entry.
    rows.push({ path, unit: node.unit ?? 'list', defaultValue: defaultCell(node, required), allowed: allowedCell(node), description: node.description ?? '' });
    walkObject(node.items, `${path}[]`, rows);
    return;
  }
  walkObject(node, path, rows);
}

function walkObject(node: FieldNode, path: string, rows: FieldRow[]): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const childPath = path === '' ? key : `${path}.${key}`;
    const required = node.required?.includes(key) ?? false;
    if (key === 'kind' && child.const !== undefined) {
      rows.push({ path: childPath, unit: 'choice', defaultValue: '**required**', allowed: code(String(child.const)), description: 'Strategy kind.' });
      continue;
    }
    walk(child, childPath, required, rows);
  }
}

function table(rows: readonly FieldRow[]): string {
  const lines = ['| field | unit | default | allowed | description |', '|---|---|---|---|---|'];
  for (const row of rows) {
    const cells = [code(row.path), row.unit, row.defaultValue, row.allowed, row.description].map(escapeCell);
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Markdown reference of every scenario field: dotted path, unit, default, allowed range, description. */
export function schemaMarkdown(): string {
  const root = scenarioFieldTree();
  const sections: string[] = [];
  const topLevel: FieldRow[] = [];
  for (const [key, child] of Object.entries(root.properties ?? {})) {
    const required = root.required?.includes(key) ?? false;
    if (isLeaf(child)) {
      walk(child, key, required, topLevel);
      continue;
    }
    const rows: FieldRow[] = [];
    walk(child, key, required, rows);
    const heading = `## ${key}${required ? ' (required)' : ''}`;
    sections.push([heading, child.description ?? '', table(rows)].filter((part) => part !== '').join('\n\n'));
  }
  const rules = [
    ...[...CROSS_FIELD_RULES, ...NUMERIC_DOMAIN_RULES].map(({ path, rule }) => `- ${code(path)}: ${rule}.`),
    `- ${code('hosting.buildMonths')}: min <= mode <= max.`,
  ];
  return [
    '# Scenario fields',
    '',
    '<!-- Generated by scenarios/writeSchemaDoc.ts from scenarios/schema.ts: edit those, not this file. -->',
    '',
    'A scenario is a YAML (or JSON) file; `scenarios/presets/base.yaml` sets every field explicitly and',
    'cites its sources. Only `asOf` is required: every other field has the default below. Unknown',
    'fields are errors (a misspelt field never silently falls back to its default), and validation',
    'reports every problem in the file at once.',
    '',
    'Paths are dotted; `[kind=convert]` marks fields of one strategy kind in the `strategies` list.',
    '',
    '## Top level',
    '',
    table(topLevel),
    '',
    sections.join('\n\n'),
    '',
    '## Rules across fields',
    '',
    ...rules,
    '',
  ].join('\n');
}
