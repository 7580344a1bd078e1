// Turns zod's issues into problems a scenario author can act on: the field path, the offending value
// and what is allowed, with the unit and range read from the schema's own meta.
import type { z } from 'zod';
import { closestName } from './closestName.js';
import {
  describeAllowed,
  fieldAt,
  formatNumber,
  formatPath,
  isRecord,
  valueAt,
  valueNoun,
  type FieldNode,
} from './fields.js';
import { TOP_LEVEL_PATH, type ScenarioProblem } from './scenarioError.js';

type Issue = z.core.$ZodIssue;

/** How a value reads in a message: `the string "100 MW"`, `the number 5`, `a list`, `an empty value`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return `the text ${quotedText(value)}`;
  if (typeof value === 'number') return `the number ${formatNumber(value)}`;
  if (typeof value === 'boolean') return `${value}`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${entries(value.length)}`;
  if (isRecord(value)) return 'an object';
  return typeof value;
}

/** Longest text quoted whole in a message; a longer one (a whole file that is not a scenario) is cut. */
const QUOTED_CHARACTERS = 80;

function quotedText(text: string): string {
  if (text.length <= QUOTED_CHARACTERS) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, QUOTED_CHARACTERS)).slice(0, -1)}..." (${text.length.toLocaleString('en-US')} characters)`;
}

function entries(count: number): string {
  return count === 1 ? '1 entry' : `${count} entries`;
}

function shown(value: unknown): string {
  return typeof value === 'number' ? formatNumber(value) : JSON.stringify(value);
}

/** A description made to follow "is required but missing: ..." (lower-cased unless it starts with an acronym like BTC). */
function lowerFirst(text: string): string {
  const body = text.replace(/\.$/, '');
  return /^[A-Z][a-z]/.test(body) ? body.charAt(0).toLowerCase() + body.slice(1) : body;
}

/** What the issues are about: a scenario (the default) or a study (scenarios/loadStudy.ts). */
export interface IssueSubject {
  /** The schema node of a path in the raw input. */
  nodeAt: (path: readonly PropertyKey[], raw: unknown) => FieldNode | undefined;
  /** The input as a whole, in "fields of ...". */
  top: string;
  /** Where its fields are documented. */
  reference: string;
}

const SCENARIO: IssueSubject = { nodeAt: fieldAt, top: 'the scenario', reference: 'scenarios/SCHEMA.md' };

function unknownKeys(issue: Extract<Issue, { code: 'unrecognized_keys' }>, raw: unknown, subject: IssueSubject): ScenarioProblem[] {
  const parent = subject.nodeAt(issue.path, raw);
  const known = parent?.properties ? Object.keys(parent.properties) : [];
  const where = issue.path.length === 0 ? subject.top : formatPath(issue.path);
  return issue.keys.map((key) => {
    const guess = closestName(key, known);
    return {
      path: formatPath([...issue.path, key]),
      message: `unknown field "${key}"${guess ? ` (did you mean ${guess}?)` : ''}`,
      allowed: known.length > 0 ? `fields of ${where}: ${known.join(', ')}` : `the fields listed in ${subject.reference}`,
    };
  });
}

function wrongType(issue: Extract<Issue, { code: 'invalid_type' }>, raw: unknown, node: FieldNode | undefined): ScenarioProblem {
  const path = issue.path.length === 0 ? TOP_LEVEL_PATH : formatPath(issue.path);
  const value = valueAt(raw, issue.path);
  const allowed = node ? describeAllowed(node) : `a value of type ${issue.expected}`;
  if (issue.path.length === 0) {
    return { path, message: `a scenario must be an object (a YAML mapping) of fields, got ${describeValue(value)}`, allowed };
  }
  if (value === undefined) {
    const what = node?.description ? `: ${lowerFirst(node.description)}` : '';
    return { path, message: `is required but missing${what}`, allowed };
  }
  if (issue.expected === 'int' && typeof value === 'number' && Number.isFinite(value)) {
    return { path, message: `${formatNumber(value)} is not a whole number`, allowed };
  }
  const expected = node ? valueNoun(node) : issue.expected;
  // "100 MW": the user wrote the unit into the value; say which number we would have read.
  const leadingNumber = typeof value === 'string' ? /^\s*(-?\d+(\.\d+)?([eE][-+]?\d+)?)\s*\S/.exec(value) : null;
  const fix = leadingNumber && (node?.type === 'number' || node?.type === 'integer')
    ? ` (write ${leadingNumber[1]}, without quotes or unit)`
    : '';
  return { path, message: `expected ${expected}, got ${describeValue(value)}`, allowed: `${allowed}${fix}` };
}

function outOfRange(
  issue: Extract<Issue, { code: 'too_small' | 'too_big' }>,
  raw: unknown,
  node: FieldNode | undefined,
): ScenarioProblem {
  const path = formatPath(issue.path);
  const value = valueAt(raw, issue.path);
  const allowed = node ? describeAllowed(node) : issue.message;
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === 'array' && Array.isArray(value)) {
    const need = issue.exact ? 'exactly' : small ? 'at least' : 'at most';
    return { path, message: `has ${entries(value.length)}, needs ${need} ${limit}`, allowed };
  }
  if (issue.origin === 'string' && typeof value === 'string') {
    const message = value.length === 0 ? 'is empty' : `is ${value.length} characters long, ${small ? 'shorter' : 'longer'} than ${limit}`;
    return { path, message, allowed };
  }
  const inclusive = issue.inclusive !== false;
  const relation = small
    ? inclusive ? `below the minimum ${formatNumber(limit)}` : `but must be greater than ${formatNumber(limit)}`
    : inclusive ? `above the maximum ${formatNumber(limit)}` : `but must be less than ${formatNumber(limit)}`;
  return { path, message: `is ${shown(value)}, ${relation}`, allowed };
}

function badKind(issue: Extract<Issue, { code: 'invalid_union' }>, raw: unknown): ScenarioProblem {
  const path = formatPath(issue.path);
  const value = valueAt(raw, issue.path);
  const options = 'options' in issue && issue.options ? issue.options.map(String) : [];
  const allowed = options.length > 0 ? `one of ${options.join(', ')}` : issue.message;
  const discriminator = issue.discriminator ?? 'kind';
  // Only strategies are a discriminated union today; name them so the message reads naturally.
  const what = issue.path.includes('strategies') ? `strategy ${discriminator}` : discriminator;
  if (value === undefined) return { path, message: `${what} is required but missing`, allowed };
  const guess = typeof value === 'string' ? closestName(value, options) : undefined;
  return { path, message: `unknown ${what} ${shown(value)}${guess ? ` (did you mean ${guess}?)` : ''}`, allowed };
}

/** A refinement over a whole object (buildMonths): show the values it compared, defaults included. */
function objectRule(issue: Extract<Issue, { code: 'custom' }>, raw: unknown, node: FieldNode | undefined): ScenarioProblem {
  const path = issue.path.length === 0 ? TOP_LEVEL_PATH : formatPath(issue.path);
  const value = valueAt(raw, issue.path);
  const rule = issue.message.replace(/^must (satisfy )?/, '');
  if (node?.properties && isRecord(value)) {
    const values = Object.entries(node.properties).map(([key, field]) => {
      const given = Object.hasOwn(value, key) ? value[key] : undefined;
      return `${key} ${shown(given ?? field.default)}${given === undefined ? ' (default)' : ''}`;
    });
    const unit = Object.values(node.properties)[0]?.unit;
    return { path, message: `${issue.message}, got ${values.join(', ')}`, allowed: `values with ${rule}${unit ? `, in ${unit}` : ''}` };
  }
  return { path, message: issue.message, allowed: rule };
}

function explainIssue(issue: Issue, raw: unknown, subject: IssueSubject): ScenarioProblem[] {
  const node = subject.nodeAt(issue.path, raw);
  const path = issue.path.length === 0 ? TOP_LEVEL_PATH : formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return unknownKeys(issue, raw, subject);
    case 'invalid_type':
      return [wrongType(issue, raw, node)];
    case 'too_small':
    case 'too_big':
      return [outOfRange(issue, raw, node)];
    case 'invalid_union':
      if (issue.discriminator !== undefined) return [badKind(issue, raw)];
      break;
    case 'invalid_format': {
      const value = valueAt(raw, issue.path);
      return [{ path, message: `is ${shown(value)}: ${issue.message}`, allowed: node ? describeAllowed(node) : issue.message }];
    }
    case 'invalid_value': {
      const value = valueAt(raw, issue.path);
      const options = issue.values.map(String);
      const guess = typeof value === 'string' ? closestName(value, options) : undefined;
      if (value === undefined) return [{ path, message: 'is required but missing', allowed: `one of ${options.join(', ')}` }];
      return [{ path, message: `is ${shown(value)}${guess ? ` (did you mean ${guess}?)` : ''}`, allowed: `one of ${options.join(', ')}` }];
    }
    case 'custom':
      return [objectRule(issue, raw, node)];
    default:
      break;
  }
  return [{ path, message: issue.message, allowed: node ? describeAllowed(node) : `see ${subject.reference}` }];
}

/**
 * Every zod issue as a problem. `skip` drops issues that a cross-field check reports better
 * (zod's "strategy names must be unique" names the list; ours names the duplicate).
 */
export function explainIssues(issues: readonly Issue[], raw: unknown, skip: (issue: Issue) => boolean = () => false, subject = SCENARIO): ScenarioProblem[] {
  return issues.filter((issue) => !skip(issue)).flatMap((issue) => explainIssue(issue, raw, subject));
}
