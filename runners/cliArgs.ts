// Command-line argument checks shared by the hashpivot commands: a bad flag value is a
// UsageError naming the flag, what it accepts and what was given; and how a command reports the
// errors it expects.
import { ScenarioError } from '../scenarios/load.js';

export class UsageError extends Error {}

export function wholeNumber(value: string | undefined, flag: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} must be a whole number ${range}, got "${value}"`);
  }
  return Number(value);
}

export function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (!(x > 0) || !Number.isFinite(x)) throw new UsageError(`${flag} must be a positive number, got "${value}"`);
  return x;
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
  const say = (text: string) => process.stderr.write(`hashpivot ${command}: ${text}\n`);
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
