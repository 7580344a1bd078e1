// Command-line argument checks shared by the hashpivot commands: a bad flag value is a
// UsageError naming the flag, what it accepts and what was given; and how a command reports the
// errors it expects.
import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ScenarioError } from '../scenarios/load.js';
import { requireChromium, type PaperFormat } from '../outputs/pdf.js';
import { defaultWorkerCount, maxWorkerCount, WORKERS_PER_CORE } from './pool.js';
import { writeErr } from './terminal.js';

export class UsageError extends Error {}

/**
 * parseArgs with two refusals it lacks: an option that takes one value given twice (parseArgs kept
 * the last: `--out a --out b` wrote only b), and a value that starts with "-", which parseArgs
 * reads as an option of its own ("argument is ambiguous").
 */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  let parsed;
  try {
    parsed = parseArgs({ ...config, tokens: true });
  } catch (error) {
    const flag = /Option '(-[-\w]+)[^']*' argument is ambiguous/.exec((error as Error).message)?.[1];
    if (flag) throw new UsageError(`${flag} is followed by a value that starts with "-": no value of ${flag} does (a negative number is out of its range)`);
    // parseArgs's own words suggest passing the option as a positional argument, which no command takes.
    const unknown = /Unknown option '(-[-\w]*)'/.exec((error as Error).message)?.[1];
    if (unknown) throw new UsageError(`unknown option ${unknown}: this command's options are in its usage below`);
    throw error;
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option' || config.options?.[token.name]?.multiple) continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given twice: give it once`);
    seen.add(token.name);
  }
  return parsed as ReturnType<typeof parseArgs<T>>;
}

/** `why`: a note on the maximum, when it is not obvious (`--workers`). */
export function wholeNumber(value: string | undefined, flag: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER, why = ''): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}${why}, got "${value.slice(0, 40)}"`);
  }
  return Number(value);
}

/** `--workers`: worker threads, 0 to run in this thread, at most maxWorkerCount(). */
export function workerCountArgument(value: string | undefined): number {
  const max = maxWorkerCount();
  return wholeNumber(value, '--workers', defaultWorkerCount(), 0, max, ` (${WORKERS_PER_CORE} per core of this machine's ${defaultWorkerCount()}: more threads than cores only take memory)`);
}

export function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (!(x > 0) || !Number.isFinite(x)) throw new UsageError(`${flag} must be a positive number, got "${value}"`);
  return x;
}

/** The options of the commands that can print a PDF (run, report, compare), for parseArgs. */
export const PDF_OPTIONS = { pdf: { type: 'boolean' }, paper: { type: 'string' } } as const;

/**
 * The paper of --pdf (A4 unless --paper letter), or undefined without --pdf. Checks that a
 * browser is there to print with, so a run fails before its trials rather than after.
 */
export function pdfPaper(values: { pdf?: boolean; paper?: string }): PaperFormat | undefined {
  const { pdf, paper } = values;
  if (paper !== undefined && !pdf) throw new UsageError('--paper goes with --pdf');
  if (!pdf) return undefined;
  const format = paper === undefined || paper.toLowerCase() === 'a4' ? 'A4' : paper.toLowerCase() === 'letter' ? 'Letter' : null;
  if (!format) throw new UsageError(`--paper must be a4 or letter, got "${paper}"`);
  requireChromium();
  return format;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function yearMonth(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!MONTH.test(value)) throw new UsageError(`${flag} must be a month written YYYY-MM (e.g. 2019-05), got "${value}"`);
  return value;
}

/**
 * How a subcommand reports an error it expects: a usage error exits 2 with the usage, a bad
 * --scenario or an input in `inputErrors` exits 1 with its message. Anything else is a bug:
 * undefined, and the caller rethrows it.
 */
export function reportCommandError(command: string, usage: string, error: unknown, inputErrors: readonly (abstract new (...args: never[]) => Error)[]): number | undefined {
  const say = (text: string) => writeErr(`hashpivot ${command}: ${text}\n`);
  if (error instanceof UsageError) {
    say(`${error.message}\n\n${usage}`.trimEnd());
    return 2;
  }
  if (error instanceof ScenarioError) {
    say(`--scenario: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}:\n${error.message}`);
    return 1;
  }
  if (inputErrors.some((kind) => error instanceof kind)) {
    say((error as Error).message);
    return 1;
  }
  return undefined;
}

/** Series a user can bring with `--series NAME=FILE[:COLUMN]` (calibrate fits them; backtest starts from them). */
export const SERIES_NAMES = ['fees', 'energy'] as const;
export type SeriesName = (typeof SERIES_NAMES)[number];

/** `name=FILE[:COLUMN]`; a FILE that exists as written keeps any ':' in it (Windows paths). */
export function parseSeriesFlag(value: string): { process: SeriesName; path: string; column?: string } {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new UsageError(`--series must be NAME=FILE[:COLUMN] with NAME one of ${SERIES_NAMES.join(', ')}, got "${value}"`);
  const name = value.slice(0, equals);
  if (!(SERIES_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`--series: unknown process "${name}"; use ${SERIES_NAMES.map((p) => `${p}=FILE`).join(' or ')} (fees in BTC per block, energy in USD/MWh)`);
  }
  const rest = value.slice(equals + 1);
  if (rest === '') throw new UsageError(`--series ${name}= needs a file: ${name}=FILE[:COLUMN]`);
  const colon = rest.lastIndexOf(':');
  if (colon > 0 && !existsSync(rest)) return { process: name as SeriesName, path: rest.slice(0, colon), column: rest.slice(colon + 1) || undefined };
  return { process: name as SeriesName, path: rest };
}

/** The --series flags, each process at most once. */
export function parseSeriesFlags(values: readonly string[] | undefined): ReturnType<typeof parseSeriesFlag>[] {
  const series = (values ?? []).map(parseSeriesFlag);
  const seen = new Set<string>();
  for (const s of series) {
    if (seen.has(s.process)) throw new UsageError(`--series ${s.process} is given twice; give each process once`);
    seen.add(s.process);
  }
  return series;
}

/** A --X-column flag means nothing without its --X FILE. */
export function columnNeedsFile(file: string | undefined, column: string | undefined, flag: string): void {
  if (file === undefined && column !== undefined) throw new UsageError(`--${flag}-column needs --${flag} FILE (the shipped history has its own columns)`);
}
