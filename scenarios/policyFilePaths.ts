// A `kind: policy` strategy's `file` is a path relative to the scenario file that writes it, as an
// `extends:` is: a scenario and the policy file beside it run from any working folder. The loader
// rewrites it, as it reads that file, to the path from the working folder (where the runner then
// reads it, and which summary.json records); an absolute path is kept. A scenario from stdin or a
// `--set` writes paths relative to the working folder already. Only the data a file writes itself is
// rewritten, so a path inherited through `extends:` stays relative to the file that wrote it.
import { isAbsolute, relative, resolve } from 'node:path';
import { isRecord } from './fields.js';

/** `data` (a scenario file's or fragment's own fields) with its policy files' paths taken from `dir` to the working folder. */
export function withPolicyFilesFrom(data: Record<string, unknown>, dir: string): Record<string, unknown> {
  const cwd = process.cwd();
  if (resolve(dir) === cwd || !Array.isArray(data.strategies)) return data;
  const strategies = data.strategies.map((spec: unknown) =>
    isRecord(spec) && spec.kind === 'policy' && typeof spec.file === 'string' && spec.file !== '' && !isAbsolute(spec.file) ? { ...spec, file: relative(cwd, resolve(dir, spec.file)) } : spec,
  );
  return { ...data, strategies };
}
