// The edge where a scenario enters: read a preset or a file, validate it once, and either return a
// Scenario with every default filled in or throw one ScenarioError listing every problem found.
// Past this point the engine trusts the types.
import { existsSync } from 'node:fs';
import { dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import { BoundedFileError, readBoundedStream, readBoundedText, type FileLimit } from './boundedFile.js';
import { crossFieldProblems } from './crossChecks.js';
import { withoutInheritedIrrelevantFields } from './dealChecks.js';
import { explainIssues } from './explainIssues.js';
import { isRecord } from './fields.js';
import { packageRoot } from './packageRoot.js';
import { numericDomainProblems } from './numericDomain.js';
import { withDataFilesFrom } from './dataFilePaths.js';
import { describePresets, presetFile, presetNames, PRESET_NAME } from './presetFolder.js';
import { FILE_PATH, ScenarioError, type ScenarioProblem } from './scenarioError.js';
import { applySets, fragmentSets, netOverrides, parseSetArgument, SET_ORIGIN, type FieldSet } from './overrides.js';
import { resolvedScenarioJson } from './resolvedJson.js';
import { parseScenarioText, type ScenarioFormat } from './scenarioText.js';
import { MAX_EXTENDS_DEPTH, scenarioSchema, type Scenario } from './schema.js';
import { markOverriddenNotes } from './sourceNotes.js';

export { ScenarioError, type ScenarioProblem } from './scenarioError.js';
export { resolvedScenarioJson, type JsonObject, type JsonValue } from './resolvedJson.js';
export type { FieldSet } from './overrides.js';

/**
 * Validate raw data (parsed YAML/JSON) as a scenario and fill in every default.
 * `origin` names the source in messages (a file path, "preset base", "stdin").
 * @throws ScenarioError listing every problem: schema, types, ranges, unknown fields, and the
 * cross-field rules (correlation matrix symmetric, unit diagonal, positive definite; unique names).
 */
export function parseScenario(raw: unknown, origin: string): Scenario {
  const result = scenarioSchema.safeParse(raw);
  const problems: ScenarioProblem[] = result.success
    ? []
    : explainIssues(result.error.issues, raw, (issue) =>
        // duplicateNameProblems names the duplicate itself; zod's refinement only names the list.
        issue.code === 'custom' && issue.path.length === 1 && issue.path[0] === 'strategies',
      );
  problems.push(...crossFieldProblems(raw));
  if (result.success) problems.push(...numericDomainProblems(result.data));
  if (!result.success || problems.length > 0) {
    if (problems.length === 0) {
      // Unreachable unless the schema grows a rule we skip above; never let a bad scenario through.
      problems.push(...explainIssues(result.error?.issues ?? [], raw));
    }
    throw new ScenarioError(origin, problems);
  }
  return result.data;
}

const FORMATS: Record<string, ScenarioFormat> = { '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json' };

export interface LoadOptions {
  /** `path=value` overrides (`--set`), applied over the scenario in order. */
  set?: readonly string[];
}

/** A scenario being loaded, with what names it in a derivation. */
interface Loaded {
  scenario: Scenario;
  reference: string;
}

/**
 * A scenario is a few KB (base.yaml, every field written out with its source, is ~10 KB); 1 MiB
 * leaves room for long source notes and stops a file that is not a scenario before it is parsed.
 */
export const SCENARIO_FILE_LIMIT: FileLimit = { maxBytes: 1 << 20, what: 'a scenario file' };

/** The text of a scenario file or of stdin (fd 0), read bounded (files: regular files only); problems as a ScenarioError. */
function readText(path: string | number, origin: string): string {
  try {
    return typeof path === 'number' ? readBoundedStream(path, origin, SCENARIO_FILE_LIMIT) : readBoundedText(path, SCENARIO_FILE_LIMIT);
  } catch (error) {
    if (!(error instanceof BoundedFileError)) throw error;
    throw new ScenarioError(origin, [{ path: FILE_PATH, message: error.problem, allowed: 'a readable .yaml, .yml or .json scenario file of at most 1 MiB' }]);
  }
}

function readStdin(): string {
  if (process.stdin.isTTY) {
    throw new ScenarioError(STDIN, [{ path: FILE_PATH, message: 'stdin is a terminal, not a scenario', allowed: 'a scenario piped in: hashpivot run - < my-site.yaml' }]);
  }
  return readText(0, STDIN);
}

const STDIN = 'stdin';

/**
 * The file or preset a reference names, resolved from `dir`; a preset name wins over a file of that
 * name. `field` is where the reference was written (extends, a study's scenario), absent on the command line.
 */
function locate(reference: string, dir: string, origin: string, field?: string): { file: string; origin: string } {
  const presets = presetNames('presets');
  if (PRESET_NAME.test(reference) && presets.includes(reference)) {
    const file = presetFile('presets', reference);
    return { file, origin: relative(packageRoot(), file) };
  }
  const file = resolve(dir, reference);
  if (existsSync(file)) return { file, origin: isAbsolute(reference) || dir === process.cwd() ? reference : relative(process.cwd(), file) };
  const looksLikePath = /[\\/]/.test(reference) || extname(reference) !== '';
  throw new ScenarioError(origin, [
    {
      path: field ?? FILE_PATH,
      message: looksLikePath ? `no such file${field === undefined ? '' : ` "${reference}" (relative to ${dir})`}` : `no preset or file named "${reference}"`,
      allowed: `a preset name (${presets.join(', ')}) or the path of a .yaml, .yml or .json scenario file`,
    },
  ]);
}

function loadFile(reference: string, dir: string, chain: readonly string[], origin: string, field?: string): Loaded {
  const found = locate(reference, dir, origin, field);
  if (chain.includes(found.file)) {
    throw new ScenarioError(origin, [{ path: 'extends', message: `"${reference}" extends itself through ${[...chain, found.file].map((f) => relative(process.cwd(), f)).join(' -> ')}`, allowed: 'a chain of extends without a cycle' }]);
  }
  if (chain.length > MAX_EXTENDS_DEPTH) {
    throw new ScenarioError(origin, [{ path: 'extends', message: `more than ${MAX_EXTENDS_DEPTH} scenarios deep`, allowed: `at most ${MAX_EXTENDS_DEPTH} levels of extends` }]);
  }
  const format = FORMATS[extname(found.file).toLowerCase()];
  if (format === undefined) {
    throw new ScenarioError(found.origin, [
      { path: FILE_PATH, message: `unsupported file type "${extname(found.file) || '(none)'}"`, allowed: 'a .yaml, .yml or .json file' },
    ]);
  }
  const raw = parseScenarioText(readText(found.file, found.origin), format, found.origin);
  return { scenario: fromData(raw, found.origin, dirname(found.file), [...chain, found.file]), reference };
}

/** Scenario data that may `extends:` another: the base loaded, then every field the data writes set over it. */
function fromData(raw: unknown, origin: string, dir: string, chain: readonly string[]): Scenario {
  if (!isRecord(raw)) return parseScenario(raw, origin);
  if (!Object.hasOwn(raw, 'extends')) return parseScenario(withDataFilesFrom(raw, dir), origin);
  const { extends: reference, ...written } = raw;
  const fragment = withDataFilesFrom(written, dir);
  if (typeof reference !== 'string' || reference === '') {
    throw new ScenarioError(origin, [{ path: 'extends', message: `expected a preset name or a file, got ${JSON.stringify(reference)}`, allowed: 'a preset name (e.g. base) or a .yaml/.json file relative to this one' }]);
  }
  if (Object.hasOwn(fragment, 'derivation')) {
    throw new ScenarioError(origin, [{ path: 'derivation', message: 'is written by hashpivot and cannot be combined with extends', allowed: 'extends and the fields that differ; summary.json records the derivation' }]);
  }
  return extend({ scenario: loadFile(reference, dir, chain, origin, 'extends').scenario, reference }, fragmentSets(fragment), origin);
}

/**
 * `sets` applied over a loaded scenario (named `reference` in the derivation), with the source notes
 * they touch marked and the derivation recorded.
 * @throws ScenarioError naming `origin` and the field, for a path that does not exist or a value it does not allow.
 */
export function overrideScenario(base: Scenario, reference: string, sets: readonly FieldSet[], origin: string): Scenario {
  return extend({ scenario: base, reference }, sets, origin);
}

/** Loads a scenario by preset name or by a file path relative to `dir`, named in `field` of `origin` (a study's scenario). */
export function loadScenarioFrom(reference: string, dir: string, origin: string, field: string): Scenario {
  return loadFile(reference, dir, [], origin, field).scenario;
}

function extend(base: Loaded, sets: readonly FieldSet[], origin: string): Scenario {
  const { derivation, ...baseData } = resolvedScenarioJson(base.scenario);
  const { data: setData, applied, problems } = applySets(baseData, sets);
  const data = withoutInheritedIrrelevantFields(setData, applied);
  const previous = isRecord(derivation) ? derivation : undefined;
  const marked = markOverriddenNotes(data, baseData, applied);
  const overrides = netOverrides(isRecord(previous?.overrides) ? previous.overrides : {}, applied, marked);
  const chain = Array.isArray(previous?.extends) ? previous.extends : [];
  const merged = { ...marked, derivation: { extends: [...chain, base.reference], overrides } };
  const over = `${origin} (over ${base.reference})`;
  if (problems.length === 0) return parseScenario(merged, over);
  // Fields that do not exist, and what is wrong with the values of those that do: every problem at once.
  try {
    parseScenario(merged, over);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    problems.push(...error.problems);
  }
  throw new ScenarioError(over, problems);
}

/**
 * Load a scenario by preset name ("base", see listPresets), by file path (.yaml, .yml, .json), or
 * from stdin ("-", YAML or JSON). A scenario may extend another (`extends: base`), and
 * `options.set` sets fields over it (`--set path=value`); summary.json then records the derivation.
 * A preset name wins over a file of the same name in the working directory.
 * @throws ScenarioError when the name is neither, or the file is unreadable, malformed or invalid,
 * or an override names no field (with a "did you mean") or makes the scenario invalid.
 */
export function loadScenario(nameOrPath: string, options: LoadOptions = {}): Scenario {
  const loaded: Loaded =
    nameOrPath === '-'
      ? { scenario: fromData(parseScenarioText(readStdin(), 'yaml', STDIN), STDIN, process.cwd(), []), reference: STDIN }
      : loadFile(nameOrPath, process.cwd(), [], nameOrPath);
  const sets = (options.set ?? []).map(parseSetArgument);
  return sets.length === 0 ? loaded.scenario : extend(loaded, sets, SET_ORIGIN);
}

/**
 * Scenario text (YAML or JSON) as if read from a file in `dir`: its extends and data files resolved
 * from there. What a command that writes a scenario (calibrate) checks before writing it.
 * @throws ScenarioError as loadScenario.
 */
export function scenarioFromText(text: string, format: ScenarioFormat, origin: string, dir: string): Scenario {
  return fromData(parseScenarioText(text, format, origin), origin, dir, []);
}

/** The shipped presets with their one-line descriptions, sorted by name. */
export function listPresets(): { name: string; description: string }[] {
  return describePresets('presets');
}
