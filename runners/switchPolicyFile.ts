// Reading a policy file (policy-NAME.json, written by a run with an optimal strategy) for a
// `kind: policy` strategy, which applies it as a fixed rule to another scenario or seed. The file
// is data: checked field by field before anything runs, and refused, naming the field, when it
// comes from another engine version, looks at state the engine does not compute, or does not fit
// the scenario (a decision month beyond its horizon).
import { BASIS_KINDS, basisSize } from '../engine/regressionBasis.js';
import { exerciseBoundary } from '../engine/switchBoundary.js';
import { SWITCH_STATE_VARIABLES } from '../engine/switchState.js';
import { SWITCH_POLICY_FORMAT, type SwitchPolicy } from '../engine/switchPolicy.js';
import { ENGINE_VERSION } from '../outputs/summary.js';
import { findDuplicateJsonKey } from '../scenarios/jsonDuplicateKeys.js';
import { BoundedFileError, readBoundedText } from '../scenarios/boundedFile.js';
import type { Scenario } from '../scenarios/schema.js';

/** A policy file is a few hundred kB at most (coefficients per decision month); anything far larger is not one. */
const MAX_POLICY_FILE_BYTES = 64 * 1024 * 1024;

export class PolicyFileError extends Error {
  override name = 'PolicyFileError';
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** An array of `rows` arrays of `width` finite numbers. */
function isMatrix(x: unknown, rows: number, width: number): x is number[][] {
  return Array.isArray(x) && x.length === rows && x.every((row) => Array.isArray(row) && row.length === width && row.every(isFiniteNumber));
}

/** Where in nested arrays a number is not finite (JSON's 1e999 parses to Infinity), e.g. "[2][0][1]", else null. */
function nonFiniteAt(x: unknown, at = ''): string | null {
  if (typeof x === 'number') return Number.isFinite(x) ? null : at;
  if (!Array.isArray(x)) return null;
  for (let i = 0; i < x.length; i++) {
    const found = nonFiniteAt(x[i], `${at}[${i}]`);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Checks parsed JSON as a policy for `scenario`; `where` names the strategy and file in messages.
 * @throws PolicyFileError naming the first field that is wrong and what it should be.
 */
export function checkSwitchPolicy(json: unknown, scenario: Scenario, where: string): SwitchPolicy {
  const fail = (field: string, message: string): never => {
    throw new PolicyFileError(`${where}: ${field} ${message}`);
  };
  // A number beyond a double's range is not a shape problem: name it where it is.
  const failMatrix = (field: 'center' | 'scale' | 'coefficients', message: string): never => {
    const at = nonFiniteAt((json as Record<string, unknown>)[field]);
    return at === null ? fail(field, message) : fail(`${field}${at}`, 'is not a finite number (JSON numbers beyond about 1.8e308 read as infinite); every number of a policy is finite');
  };
  if (!isRecord(json) || json.format !== SWITCH_POLICY_FORMAT) fail('format', `is not "${SWITCH_POLICY_FORMAT}": not a hashpivot policy file (a run with an optimal strategy writes one as policy-NAME.json)`);
  const p = json as Record<string, unknown>;
  if (p.engineVersion !== ENGINE_VERSION) {
    fail('engineVersion', `is ${JSON.stringify(p.engineVersion)}, this engine is ${ENGINE_VERSION}: a policy is applied only by the engine that fitted it; fit it again with this version`);
  }
  const state = p.state;
  if (!Array.isArray(state) || state.length === 0 || new Set(state).size !== state.length) fail('state', 'must be a non-empty list of distinct state variables');
  const unknown = (state as unknown[]).filter((v) => !(SWITCH_STATE_VARIABLES as readonly unknown[]).includes(v));
  if (unknown.length > 0) fail('state', `has ${unknown.map((v) => JSON.stringify(v)).join(', ')}, which this engine does not compute (it computes ${SWITCH_STATE_VARIABLES.join(', ')})`);
  const actions = p.actions;
  const validAction = (a: unknown) => isRecord(a) && isFiniteNumber(a.share) && a.share > 0 && a.share <= 1 && (a.operate === 'lease' || a.operate === 'gpuCloud');
  if (!Array.isArray(actions) || actions.length === 0 || !actions.every(validAction)) fail('actions', 'must be a non-empty list of {share: 0 < share <= 1, operate: lease | gpuCloud}');
  const months = p.decisionMonths;
  if (!Array.isArray(months) || months.length === 0 || !months.every((m, i) => Number.isInteger(m) && m >= 0 && (i === 0 || m > months[i - 1]))) {
    fail('decisionMonths', 'must be a non-empty ascending list of whole months >= 0');
  }
  const last = (months as number[])[(months as number[]).length - 1];
  if (last >= scenario.horizonMonths) {
    fail('decisionMonths', `reach month ${last}, beyond this scenario's horizon (horizonMonths ${scenario.horizonMonths}): apply the policy to a horizon of at least ${last + 1} months`);
  }
  const basis = p.basis;
  if (!isRecord(basis) || !(BASIS_KINDS as readonly unknown[]).includes(basis.kind) || !Number.isInteger(basis.degree) || (basis.degree as number) < 0 || (basis.degree as number) > 4) {
    fail('basis', `must be {kind: ${BASIS_KINDS.join(' | ')}, degree: 0..4}`);
  }
  if (typeof p.curtail !== 'boolean') fail('curtail', 'must be true or false');
  const fit = p.fit;
  if (!isRecord(fit) || !isFiniteNumber(fit.inSampleNpvUsd) || !isFiniteNumber(fit.inSampleStandardErrorUsd) || !Number.isInteger(fit.seed) || !Number.isInteger(fit.paths)) {
    fail('fit', 'must hold seed, paths, inSampleNpvUsd and inSampleStandardErrorUsd');
  }
  const dates = (months as number[]).length;
  const stateSize = (state as unknown[]).length;
  const k = basisSize(basis as unknown as SwitchPolicy['basis'], stateSize);
  if (!Array.isArray((fit as Record<string, unknown>).regressionPaths) || ((fit as Record<string, unknown>).regressionPaths as unknown[]).length !== dates) {
    fail('fit.regressionPaths', `must have one count per decision month (${dates})`);
  }
  if (!isMatrix(p.center, dates, stateSize)) failMatrix('center', `must be ${dates} rows (decision months) of ${stateSize} numbers (state variables)`);
  // A scale is a spread (0: the variable is constant that month); a negative one, which no fit
  // writes, would mirror the state and silently turn the policy around.
  if (!isMatrix(p.scale, dates, stateSize) || !(p.scale as number[][]).every((row) => row.every((x) => x >= 0))) {
    failMatrix('scale', `must be ${dates} rows (decision months) of ${stateSize} numbers (state variables), none negative`);
  }
  const columns = 1 + (actions as unknown[]).length;
  const coefficients = p.coefficients;
  if (!Array.isArray(coefficients) || coefficients.length !== dates || !coefficients.every((c) => isMatrix(c, columns, k))) {
    failMatrix('coefficients', `must be ${dates} decision months x ${columns} regressions (waiting, then each action) x ${k} numbers (the basis functions)`);
  }
  const policy = json as unknown as SwitchPolicy;
  // What summary.json reports of a policy, its exercise boundary, must come out as numbers: a center or
  // scale so large that the range searched overflows (or coefficients that do) is no fit's, and the
  // run would fail only after its trials.
  for (const variable of policy.state) {
    const point = exerciseBoundary(policy, variable)?.find((b) => !Number.isFinite(b.from) || !Number.isFinite(b.to) || (b.threshold !== null && !Number.isFinite(b.threshold)));
    if (point) fail('center, scale and coefficients', `put the exercise boundary along ${variable} at month ${point.month} beyond any number (range ${point.from} .. ${point.to}, threshold ${point.threshold}): not what a fit writes; fit the policy again`);
  }
  return policy;
}

/** Reads and checks the policy file of `kind: policy` strategy `index` of the scenario. */
export function readSwitchPolicyFile(path: string, scenario: Scenario, index: number): SwitchPolicy {
  const where = `strategies[${index}].file ${path}`;
  let text: string;
  try {
    text = readBoundedText(path, { maxBytes: MAX_POLICY_FILE_BYTES, what: 'a policy file (a few hundred kB at most)' });
  } catch (error) {
    if (!(error instanceof BoundedFileError)) throw error;
    throw new PolicyFileError(`${where}: ${error.problem}; give the path of a policy-NAME.json a run wrote`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PolicyFileError(`${where}: is not valid JSON (${(error as Error).message})`);
  }
  // JSON.parse keeps a repeated key's last value, other readers its first: refused, as in a scenario.
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate) throw new PolicyFileError(`${where}: line ${duplicate.line}, column ${duplicate.column}: the key "${duplicate.key}" appears twice in one object; keep one`);
  return checkSwitchPolicy(json, scenario, where);
}
