// Scenario text (YAML or JSON) to plain data. A scenario is data: nothing a user writes is ever run
// as code or turned into an object with behaviour, and an ambiguous file is refused, not guessed at.
import { parseDocument, type ParseOptions, type DocumentOptions, type SchemaOptions, type ToJSOptions } from 'yaml';
import { FILE_PATH, ScenarioError, type ScenarioProblem } from './scenarioError.js';
import { findDuplicateJsonKey } from './jsonDuplicateKeys.js';

export type ScenarioFormat = 'yaml' | 'json';

const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  // YAML 1.2 core schema: plain scalars are only strings, numbers, booleans and null. 2025-11 stays
  // the text "2025-11" (the 1.1 schema would read dates and sexagesimals like 1:30 as numbers).
  version: '1.2',
  schema: 'core',
  customTags: [],
  // Without this, yaml still resolves explicit 1.1 tags such as !!binary, !!set and !!timestamp.
  resolveKnownTags: false,
  // A repeated key is a mistake (which value did the author mean?), never "last one wins".
  uniqueKeys: true,
  // `<<` stays an ordinary key, which the schema then rejects as unknown.
  merge: false,
  strict: true,
  prettyErrors: true,
};

// Aliases are legitimate for repeated blocks, but bound them so a crafted file cannot expand
// exponentially ("billion laughs").
const TO_JS_OPTIONS = { maxAliasCount: 100 } satisfies ToJSOptions;

/**
 * How deep lists and mappings may nest. A scenario needs about 6 levels; the loaders below (extends,
 * --set, validation) recurse, so a file nested thousands deep would overflow the stack with a trace
 * instead of an error.
 */
export const MAX_NESTING = 64;
const NESTING_ALLOWED = `lists and mappings at most ${MAX_NESTING} levels deep (a scenario needs about 6)`;

function tooDeep(origin: string, path: string, message: string): ScenarioError {
  return new ScenarioError(origin, [{ path, message, allowed: NESTING_ALLOWED }]);
}

/** Refuses data nested deeper than MAX_NESTING; iterative, so the check itself cannot overflow. */
const PROTO_KEY = '__proto__';
export const PROTO_ALLOWED = 'keys that name fields or notes; "__proto__" is reserved in JavaScript (it would set an object\'s prototype)';

function checkNesting(data: unknown, origin: string): void {
  const pending: { value: unknown; depth: number }[] = [{ value: data, depth: 0 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_NESTING) throw tooDeep(origin, FILE_PATH, `lists and mappings nest more than ${MAX_NESTING} levels deep`);
    // No field is named so, and in a free-form block (asOf.sources) the key would vanish on the way
    // to summary.json: assigning it sets an object's prototype. Refused, not lost.
    if (Object.hasOwn(value, PROTO_KEY)) throw new ScenarioError(origin, [{ path: FILE_PATH, message: `a key is named "${PROTO_KEY}"`, allowed: PROTO_ALLOWED }]);
    for (const child of Object.values(value)) pending.push({ value: child, depth: depth + 1 });
  }
}

const DUPLICATE_KEY_ALLOWED = 'each key at most once in a mapping (a repeated key is ambiguous, so it is refused rather than the last one winning)';

const EMPTY_ALLOWED = 'a scenario with at least an asOf block; see scenarios/presets/base.yaml for a complete example';

/** Text that holds no value: empty, only comments, or null (`~`, `null`). */
export class EmptyScenarioText extends ScenarioError {}

function emptyFile(origin: string): ScenarioError {
  return new EmptyScenarioText(origin, [{ path: FILE_PATH, message: 'the file is empty (or holds only comments)', allowed: EMPTY_ALLOWED }]);
}

const YAML_ALLOWED = 'valid YAML 1.2 (one document)';
/** YAML syntax errors listed one by one; the rest are counted. */
const MAX_SYNTAX_PROBLEMS = 20;
const MAX_MESSAGE_CHARACTERS = 200;

function yamlToData(text: string, origin: string): unknown {
  const document = parseDocument(text, YAML_OPTIONS);
  // yaml reports an unknown tag (!!js/function, !custom) as a warning and reads the tagged node as
  // plain text; refuse it instead, so the author learns the tag does nothing.
  const problems: ScenarioProblem[] = [...document.errors, ...document.warnings].map((error) => {
    const position = error.linePos?.[0];
    const path = position ? `line ${position.line}, column ${position.col}` : FILE_PATH;
    if (error.code === 'TAG_RESOLVE_FAILED') {
      // yaml names the tag in full (tag:yaml.org,2002:js/function); show it as written (!!js/function).
      const tag = /Unresolved tag: (\S+?)(?: at line|$)/.exec(error.message)?.[1]?.replace('tag:yaml.org,2002:', '!!') ?? 'a tag';
      return {
        path,
        message: `the tag ${tag} is refused`,
        allowed: 'plain YAML values (numbers, text, true/false, lists, mappings) without ! or !! tags; a scenario is data, never code',
      };
    }
    if (error.code === 'DUPLICATE_KEY') {
      // yaml does not say which key; read it from the source at the error's offset.
      const key = /^\s*["']?([^"':\n]+?)["']?\s*:/.exec(text.slice(error.pos[0]))?.[1];
      return {
        path,
        message: key ? `duplicate key "${key}"` : 'duplicate key',
        allowed: DUPLICATE_KEY_ALLOWED,
      };
    }
    if (/Maximum call stack/.test(error.message)) return { path, message: 'lists and mappings nest too deeply to parse', allowed: NESTING_ALLOWED };
    const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    // yaml quotes the offending token whole: a binary file's was 60,000 characters on one line.
    const shown = message.length <= MAX_MESSAGE_CHARACTERS ? message : `${message.slice(0, MAX_MESSAGE_CHARACTERS)}... (${message.length.toLocaleString('en-US')} characters)`;
    return { path, message: shown, allowed: YAML_ALLOWED };
  });
  // Past the depth yaml gives up at, an unclosed '[' x 100,000 left ~800 copies of one parse error behind it.
  const tooDeepToParse = problems.find((p) => p.allowed === NESTING_ALLOWED);
  if (tooDeepToParse) throw new ScenarioError(origin, [tooDeepToParse]);
  // Syntax errors after the first few are mostly their consequences (20,000 unclosed lists printed 3 MB).
  const syntax = problems.filter((p) => p.allowed === YAML_ALLOWED);
  if (syntax.length > MAX_SYNTAX_PROBLEMS) {
    const omitted = new Set(syntax.slice(MAX_SYNTAX_PROBLEMS));
    const more = { path: FILE_PATH, message: `${omitted.size.toLocaleString('en-US')} more YAML syntax errors, not listed (most follow from the ones above)`, allowed: YAML_ALLOWED };
    throw new ScenarioError(origin, [...problems.filter((p) => !omitted.has(p)), more]);
  }
  if (problems.length > 0) throw new ScenarioError(origin, problems);
  let data: unknown;
  try {
    data = document.toJS(TO_JS_OPTIONS);
  } catch (error) {
    if (error instanceof RangeError && /Maximum call stack/.test(error.message)) throw tooDeep(origin, FILE_PATH, 'lists and mappings nest too deeply to read');
    // yaml's guard against alias bombs (a few lines that expand to gigabytes) throws a ReferenceError.
    if (!(error instanceof ReferenceError) || !/alias/i.test(error.message)) throw error;
    if (/Unresolved alias/.test(error.message)) {
      const name = /: (\S+)$/.exec(error.message)?.[1];
      throw new ScenarioError(origin, [
        { path: FILE_PATH, message: `the alias *${name ?? '?'} refers to no anchor &${name ?? '?'} before it`, allowed: 'an alias only after its anchor (&name) in the same file; or write the value out' },
      ]);
    }
    throw new ScenarioError(origin, [
      {
        path: FILE_PATH,
        message: `its aliases (*name) expand too far: ${error.message}`,
        allowed: `at most ${TO_JS_OPTIONS.maxAliasCount} alias expansions; write the repeated values out, or use extends: for a shared base`,
      },
    ]);
  }
  if (data === null || data === undefined) throw emptyFile(origin);
  return data;
}

/** Line and column of a character offset, for JSON.parse errors that only give "position N". */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

function jsonToData(text: string, origin: string): unknown {
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    throw new ScenarioError(origin, [
      {
        path: position ? lineAndColumn(text, Number(position[1])) : FILE_PATH,
        message: `not valid JSON: ${message}`,
        allowed: 'valid JSON (double-quoted keys and strings, no trailing commas, no comments)',
      },
    ]);
  }
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate !== null) {
    throw new ScenarioError(origin, [
      {
        path: `line ${duplicate.line}, column ${duplicate.column}`,
        message: `duplicate key "${duplicate.key}"`,
        allowed: DUPLICATE_KEY_ALLOWED,
      },
    ]);
  }
  return data;
}

/** Parse scenario text. Throws ScenarioError for empty text, syntax errors, tags and duplicate keys. */
export function parseScenarioText(text: string, format: ScenarioFormat, origin: string): unknown {
  // A byte-order mark from Windows editors is not content.
  const content = text.replace(/^\uFEFF/, '');
  if (content.trim() === '') throw emptyFile(origin);
  const data = format === 'json' ? jsonToData(content, origin) : yamlToData(content, origin);
  checkNesting(data, origin);
  return data;
}
