// The edge where a study enters: read a study preset (scenarios/studies/) or file, validate it,
// load its scenario, and check every input against that scenario before anything runs: the field
// exists (with a "did you mean"), is a number, and every value the design may give it is in the
// field's range. Throws one ScenarioError listing every problem.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, relative } from 'node:path';
import { z } from 'zod';
import { closestName } from './closestName.js';
import { explainIssues, type IssueSubject } from './explainIssues.js';
import { describeAllowed, formatNumber, isRecord, valueAt, type FieldNode, type PathKey } from './fields.js';
import { resolveFieldPath } from './fieldPath.js';
import { loadScenarioFrom } from './load.js';
import { packageRoot } from './packageRoot.js';
import { describePresets, presetFile, presetNames, PRESET_NAME } from './presetFolder.js';
import { resolvedScenarioJson } from './resolvedJson.js';
import { FILE_PATH, ScenarioError, TOP_LEVEL_PATH, type ScenarioProblem } from './scenarioError.js';
import { EmptyScenarioText, parseScenarioText } from './scenarioText.js';
import type { Scenario } from './schema.js';
import { studySchema, type InputDistribution, type StudyInputSpec, type StudySpec } from './studySchema.js';

export interface StudyInput {
  /** Canonical field path (strategies by index). */
  path: string;
  keys: PathKey[];
  label: string;
  /** The field's unit (from the schema), for sentences: "USD/kW-month". */
  unit: string;
  /** The field's value in the study's scenario. */
  baseValue: number;
  /** Whole numbers only (the field is an integer): sampled values are rounded. */
  integer: boolean;
  low?: number;
  high?: number;
  values?: number[];
  distribution?: InputDistribution;
  tolerance?: number;
}

export interface Study {
  spec: StudySpec;
  /** Where the study came from, for messages: a preset's file or the path given. */
  origin: string;
  scenario: Scenario;
  inputs: StudyInput[];
  /** The decision: strategy a against strategy b. */
  compare: { a: string; b: string };
}

export interface StudyOverrides {
  trials?: number;
  seed?: number;
}

/** The shipped study presets with their one-line descriptions, sorted by name. */
export function listStudyPresets(): { name: string; description: string }[] {
  return describePresets('studies');
}

let tree: FieldNode | undefined;

function studyFieldTree(): FieldNode {
  tree ??= z.toJSONSchema(studySchema, { io: 'input', unrepresentable: 'any' }) as FieldNode;
  return tree;
}

function studyNodeAt(path: readonly PropertyKey[]): FieldNode | undefined {
  let node: FieldNode | undefined = studyFieldTree();
  for (const key of path) {
    if (!node) return undefined;
    node = typeof key === 'number' ? node.items : node.properties?.[String(key)];
  }
  return node;
}

/** The study's fields for the scenario's explanations of a zod issue (scenarios/explainIssues.ts). */
const STUDY: IssueSubject = { nodeAt: (path) => studyNodeAt(path), top: 'the study', reference: "the README's Studies section" };

/** Every value an input may take under the study's design, for the range check. */
function valuesTaken(input: StudyInputSpec, design: StudySpec['design']): { where: string; value: number }[] {
  const taken: { where: string; value: number }[] = [];
  if (input.low !== undefined) taken.push({ where: 'low', value: input.low });
  if (input.high !== undefined) taken.push({ where: 'high', value: input.high });
  input.values?.forEach((value, i) => taken.push({ where: `values[${i}]`, value }));
  if (design === 'sobol' && input.distribution) {
    const bounds = Object.values(input.distribution)[0] as number[];
    taken.push({ where: 'distribution', value: Math.min(...bounds) }, { where: 'distribution', value: Math.max(...bounds) });
  }
  return taken;
}

function numberAllows(node: FieldNode, value: number): boolean {
  if (node.minimum !== undefined && value < node.minimum) return false;
  if (node.maximum !== undefined && value > node.maximum) return false;
  if (node.exclusiveMinimum !== undefined && value <= node.exclusiveMinimum) return false;
  if (node.exclusiveMaximum !== undefined && value >= node.exclusiveMaximum) return false;
  return node.type !== 'integer' || Number.isInteger(value);
}

function designProblems(input: StudyInputSpec, design: StudySpec['design'], at: string): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const hasRange = input.low !== undefined && input.high !== undefined;
  const need = (what: string, allowed: string) => problems.push({ path: at, message: `the ${design} design needs ${what}`, allowed });
  if ((design === 'oneAtATime' || design === 'breakEven') && !hasRange) need('low and high', 'low: VALUE and high: VALUE, the ends of the range to try');
  if (design === 'grid' && !input.values && !hasRange) need('values (or low and high)', 'values: [a, b, ...], the levels of the grid');
  if (design === 'sobol' && !input.distribution && !hasRange) need('a distribution (or low and high)', 'distribution: {uniform: [low, high]}, {logUniform: [low, high]} or {triangular: [min, mode, max]}');
  // A grid runs each listed value as a level: a value twice would run and count the same points twice.
  const repeated = design === 'grid' ? input.values?.findIndex((v, i) => input.values!.indexOf(v) < i) ?? -1 : -1;
  if (repeated >= 0) problems.push({ path: `${at}.values[${repeated}]`, message: `${formatNumber(input.values![repeated])} is listed already (values[${input.values!.indexOf(input.values![repeated])}])`, allowed: 'each level of the grid once' });
  if (hasRange && !((input.low as number) < (input.high as number))) problems.push({ path: `${at}.low`, message: `low ${input.low} is not below high ${input.high}`, allowed: 'low < high' });
  const d = input.distribution;
  if (d && 'uniform' in d && !(d.uniform[0] < d.uniform[1])) problems.push({ path: `${at}.distribution.uniform`, message: 'low is not below high', allowed: '[low, high] with low < high' });
  if (d && 'logUniform' in d && !(d.logUniform[0] > 0 && d.logUniform[0] < d.logUniform[1])) problems.push({ path: `${at}.distribution.logUniform`, message: 'needs 0 < low < high', allowed: '[low, high] with 0 < low < high' });
  if (d && 'triangular' in d && !(d.triangular[0] <= d.triangular[1] && d.triangular[1] <= d.triangular[2] && d.triangular[0] < d.triangular[2])) {
    problems.push({ path: `${at}.distribution.triangular`, message: 'needs min <= mode <= max and min < max', allowed: '[min, mode, max]' });
  }
  return problems;
}

/** Resolves and checks one input against the scenario. */
function checkInput(input: StudyInputSpec, index: number, spec: StudySpec, data: unknown, problems: ScenarioProblem[]): StudyInput | undefined {
  const at = `inputs[${index}]`;
  const resolved = resolveFieldPath(input.path, data);
  if ('message' in resolved) {
    problems.push({ path: `${at}.path`, message: `${resolved.path}: ${resolved.message}`, allowed: resolved.allowed });
    return undefined;
  }
  const { node } = resolved;
  if (node.type !== 'number' && node.type !== 'integer') {
    problems.push({ path: `${at}.path`, message: `${resolved.path} is ${describeAllowed(node)}, not a number`, allowed: 'a number field: only numbers can be varied in a study' });
    return undefined;
  }
  const base = valueAt(data, resolved.keys);
  if (typeof base !== 'number') {
    problems.push({ path: `${at}.path`, message: `${resolved.path} has no value in the scenario`, allowed: 'a field the scenario sets or defaults' });
    return undefined;
  }
  const before = problems.length;
  problems.push(...designProblems(input, spec.design, at));
  for (const { where, value } of valuesTaken(input, spec.design)) {
    if (!numberAllows(node, value)) {
      problems.push({ path: `${at}.${where}`, message: `${formatNumber(value)} is outside what ${resolved.path} allows`, allowed: describeAllowed(node) });
    }
  }
  if (problems.length > before) return undefined;
  return {
    path: resolved.path,
    keys: resolved.keys,
    label: input.label ?? resolved.path,
    unit: node.unit ?? '',
    baseValue: base,
    integer: node.type === 'integer',
    low: input.low,
    high: input.high,
    values: input.values,
    distribution: input.distribution,
    tolerance: input.tolerance,
  };
}

function chooseCompare(spec: StudySpec, scenario: Scenario, problems: ScenarioProblem[]): { a: string; b: string } {
  const names = scenario.strategies.map((s) => s.name);
  if (spec.compare) {
    for (const side of ['a', 'b'] as const) {
      const name = spec.compare[side];
      if (!names.includes(name)) {
        const guess = closestName(name, names);
        problems.push({ path: `compare.${side}`, message: `the scenario has no strategy "${name}"${guess ? ` (did you mean ${guess}?)` : ''}`, allowed: `one of ${names.join(', ')}` });
      }
    }
    if (spec.compare.a === spec.compare.b) problems.push({ path: 'compare', message: 'compares a strategy with itself', allowed: 'two different strategies' });
    return spec.compare;
  }
  const stay = scenario.strategies.find((s) => s.kind === 'stay') ?? scenario.strategies[0];
  const other = scenario.strategies.find((s) => s.name !== stay.name);
  if (!other) {
    problems.push({ path: 'scenario', message: 'has one strategy, so there is no decision to study', allowed: 'a scenario with at least two strategies' });
    return { a: stay.name, b: stay.name };
  }
  return { a: other.name, b: stay.name };
}

/** Validates study data; `origin` names it in messages, `dir` is where its scenario path is relative to. */
export function parseStudy(raw: unknown, origin: string, dir: string, overrides: StudyOverrides = {}): Study {
  const spec = parseStudySpec(raw, origin, overrides);
  return resolveStudy(spec, origin, loadScenarioFrom(spec.scenario, dir, origin, 'scenario'));
}

/** The study file's fields, validated, with `overrides` applied. */
export function parseStudySpec(raw: unknown, origin: string, overrides: StudyOverrides = {}): StudySpec {
  const result = studySchema.safeParse(raw);
  if (!result.success) throw new ScenarioError(origin, explainIssues(result.error.issues, raw, undefined, STUDY));
  return { ...result.data, ...(overrides.trials === undefined ? {} : { trials: overrides.trials }), ...(overrides.seed === undefined ? {} : { seed: overrides.seed }) };
}

/**
 * A validated spec over its scenario, already loaded: the inputs checked against it, the decision
 * chosen. A study shard carries both, so a merge rebuilds the study without its files.
 */
export function resolveStudy(spec: StudySpec, origin: string, scenario: Scenario): Study {
  const data = resolvedScenarioJson(scenario);
  const problems: ScenarioProblem[] = [];
  const inputs = spec.inputs.map((input, i) => checkInput(input, i, spec, data, problems));
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => {
    if (!input) return;
    const first = seen.get(input.path);
    if (first !== undefined) problems.push({ path: `inputs[${i}].path`, message: `${input.path} is varied twice (also inputs[${first}])`, allowed: 'each field once' });
    else seen.set(input.path, i);
  });
  const compare = chooseCompare(spec, scenario, problems);
  if (problems.length > 0) throw new ScenarioError(origin, problems);
  return { spec, origin, scenario, inputs: inputs as StudyInput[], compare };
}

/**
 * Loads a study by preset name (scenarios/studies/NAME.yaml) or file path; `overrides` replace its
 * trials and seed (the command line's --trials and --seed).
 * @throws ScenarioError listing every problem of the study, its scenario or its inputs.
 */
export function loadStudy(nameOrPath: string, overrides: StudyOverrides = {}): Study {
  const presets = presetNames('studies');
  let file: string;
  let origin: string;
  if (PRESET_NAME.test(nameOrPath) && presets.includes(nameOrPath)) {
    file = presetFile('studies', nameOrPath);
    origin = relative(packageRoot(), file);
  } else if (existsSync(nameOrPath)) {
    file = nameOrPath;
    origin = nameOrPath;
  } else {
    throw new ScenarioError(nameOrPath, [{ path: FILE_PATH, message: 'no study preset or file of that name', allowed: `a study preset (${presets.join(', ')}) or a .yaml/.json study file` }]);
  }
  const format = extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(origin, [{ path: FILE_PATH, message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, allowed: 'a readable study file' }]);
  }
  let raw;
  try {
    raw = parseScenarioText(text, format, origin);
  } catch (error) {
    // The text parser's hint for an empty file is a scenario's.
    if (error instanceof EmptyScenarioText) throw new ScenarioError(origin, [{ ...error.problems[0], allowed: 'a study: name, scenario, design and inputs; see scenarios/studies/ for examples' }]);
    throw error;
  }
  if (!isRecord(raw)) throw new ScenarioError(origin, [{ path: TOP_LEVEL_PATH, message: 'a study must be a mapping of fields', allowed: 'name, scenario, design, inputs, ...' }]);
  return parseStudy(raw, origin, dirname(file), overrides);
}
