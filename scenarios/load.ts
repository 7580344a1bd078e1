// The edge where a scenario enters: read a preset or a file, validate it once, and either return a
// Scenario with every default filled in or throw one ScenarioError listing every problem found.
// Past this point the engine trusts the types.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { crossFieldProblems } from './crossChecks.js';
import { explainIssues } from './explainIssues.js';
import { isRecord } from './fields.js';
import { packageRoot } from './packageRoot.js';
import { FILE_PATH, ScenarioError, type ScenarioProblem } from './scenarioError.js';
import { parseScenarioText, type ScenarioFormat } from './scenarioText.js';
import { scenarioSchema, type Scenario } from './schema.js';

export { ScenarioError, type ScenarioProblem } from './scenarioError.js';
export { resolvedScenarioJson, type JsonObject, type JsonValue } from './resolvedJson.js';

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
  if (!result.success || problems.length > 0) {
    if (problems.length === 0) {
      // Unreachable unless the schema grows a rule we skip above; never let a bad scenario through.
      problems.push(...explainIssues(result.error?.issues ?? [], raw));
    }
    throw new ScenarioError(origin, problems);
  }
  return result.data;
}

const PRESET_EXTENSION = '.yaml';
const PRESET_NAME = /^[a-z0-9][a-z0-9-]*$/;
const FORMATS: Record<string, ScenarioFormat> = { '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json' };

function presetsDir(): string {
  return join(packageRoot(), 'scenarios', 'presets');
}

function presetNames(): string[] {
  return readdirSync(presetsDir())
    .filter((file) => file.endsWith(PRESET_EXTENSION))
    .map((file) => file.slice(0, -PRESET_EXTENSION.length))
    .sort();
}

function readScenarioFile(path: string, origin: string): Scenario {
  const format = FORMATS[extname(path).toLowerCase()];
  if (format === undefined) {
    throw new ScenarioError(origin, [
      { path: FILE_PATH, message: `unsupported file type "${extname(path) || '(none)'}"`, allowed: 'a .yaml, .yml or .json file' },
    ]);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'EISDIR' ? 'is a directory, not a scenario file' : `cannot be read (${code ?? String(error)})`;
    throw new ScenarioError(origin, [{ path: FILE_PATH, message, allowed: 'a readable .yaml, .yml or .json scenario file' }]);
  }
  return parseScenario(parseScenarioText(text, format, origin), origin);
}

/**
 * Load a scenario by preset name ("base", see listPresets) or by file path (.yaml, .yml, .json).
 * A preset name wins over a file of the same name in the working directory.
 * @throws ScenarioError when the name is neither, or the file is unreadable, malformed or invalid.
 */
export function loadScenario(nameOrPath: string): Scenario {
  const presets = presetNames();
  if (PRESET_NAME.test(nameOrPath) && presets.includes(nameOrPath)) {
    const file = join(presetsDir(), `${nameOrPath}${PRESET_EXTENSION}`);
    return readScenarioFile(file, relative(packageRoot(), file));
  }
  if (existsSync(nameOrPath)) return readScenarioFile(nameOrPath, nameOrPath);
  const looksLikePath = /[\\/]/.test(nameOrPath) || extname(nameOrPath) !== '';
  throw new ScenarioError(nameOrPath, [
    {
      path: FILE_PATH,
      message: looksLikePath ? 'no such file' : `no preset or file named "${nameOrPath}"`,
      allowed: `a preset name (${presets.join(', ')}) or the path of a .yaml, .yml or .json scenario file`,
    },
  ]);
}

/** The shipped presets with their one-line descriptions, sorted by name. */
export function listPresets(): { name: string; description: string }[] {
  return presetNames().map((name) => {
    const file = join(presetsDir(), `${name}${PRESET_EXTENSION}`);
    // Read the description without validating, so one broken preset does not hide the others;
    // loadScenario (and the test suite) validates each one.
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
