// policy-NAME.json: the conversion policy of each optimal (or policy) strategy of a run, as the
// engine applied it (runners/switchPolicyFile.ts reads it back for a `kind: policy` strategy).
// Lists of numbers are written on one line each, so the file reads as a table of coefficients.
import type { RunResult } from '../runners/run.js';
import type { OutputFile } from './resultsFolder.js';
import { policyFileName } from './switchSummary.js';

/** JSON with two-space indents, but every innermost list of numbers on one line. */
function policyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/\[\s+(-?[\d.e+-]+(?:,\s+-?[\d.e+-]+)*)\s+\]/g, (_all, list: string) => `[${list.split(/,\s+/).join(', ')}]`)}\n`;
}

export function switchPolicyFiles(run: RunResult): OutputFile[] {
  return run.scenario.strategies.flatMap((spec): OutputFile[] => {
    const policy = run.inputs.switchPolicies?.[spec.name];
    if (!policy || (spec.kind !== 'optimal' && spec.kind !== 'policy')) return [];
    return [{ name: policyFileName(spec.name), write: (write) => write(policyJson(policy)) }];
  });
}
