// What makes two pieces of work parts of the same run: the engine version, the scenario and what
// its model was compiled from (hashed), the seed, the trial count and how it was cut into shards.
// Shard folders and queued shard jobs carry it; a merge takes only parts whose identities agree.
import { createHash } from 'node:crypto';
import type { ModelInputs } from '../engine/priceModel.js';
import { resolvedScenarioJson, type JsonValue } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';
import { ENGINE_VERSION } from '../outputs/summary.js';

/** How a run keeps its per-trial outcomes: every trial's row, or only mergeable sketches (--outcomes sketch). */
export type OutcomesMode = 'trials' | 'sketch';

export interface RunIdentity {
  engineVersion: string;
  /** sha256 of the resolved scenario and the model inputs (scenarioHash). */
  scenarioHash: string;
  seed: number;
  /** Trials of the whole run. */
  trials: number;
  shardCount: number;
  outcomes: OutcomesMode;
}

/** Model inputs as JSON: typed arrays become { float64: [...] } (JSON numbers round-trip doubles exactly). */
export function modelInputsJson(inputs: ModelInputs): JsonValue {
  return JSON.parse(JSON.stringify(inputs, (_key, value: unknown) => (value instanceof Float64Array ? { float64: Array.from(value) } : value))) as JsonValue;
}

export function modelInputsFromJson(json: JsonValue): ModelInputs {
  return JSON.parse(JSON.stringify(json), (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      const array = (value as { float64?: unknown }).float64;
      if (keys.length === 1 && Array.isArray(array) && array.every((x) => typeof x === 'number')) return Float64Array.from(array as number[]);
    }
    return value;
  }) as ModelInputs;
}

/** sha256 of the resolved scenario and its model inputs: equal for runs that compute the same trials. */
export function scenarioHash(scenario: Scenario, inputs: ModelInputs): string {
  const text = JSON.stringify({ scenario: resolvedScenarioJson(scenario), inputs: modelInputsJson(inputs) });
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/**
 * scenarioHash less the conversion policies: the key a thread keeps its trial kernel under
 * (threadKernel.ts), which takes its policies apart (TrialKernel.setSwitchPolicies).
 */
export function kernelKey(scenario: Scenario, inputs: ModelInputs): string {
  const { switchPolicies: _policies, ...rest } = inputs;
  return scenarioHash(scenario, rest);
}

export function runIdentity(scenario: Scenario, inputs: ModelInputs, seed: number, trials: number, shardCount: number, outcomes: OutcomesMode): RunIdentity {
  return { engineVersion: ENGINE_VERSION, scenarioHash: scenarioHash(scenario, inputs), seed, trials, shardCount, outcomes };
}

const FIELD_NAMES: Record<keyof RunIdentity, string> = {
  engineVersion: 'engine version',
  scenarioHash: 'scenario (hash of the resolved scenario and its inputs)',
  seed: 'seed',
  trials: 'trial count',
  shardCount: 'shard count',
  outcomes: 'outcomes mode',
};

/** The first field in which b differs from a, named for a message, or null when they agree. */
export function identityDifference(a: RunIdentity, b: RunIdentity): { field: string; a: string; b: string } | null {
  for (const key of Object.keys(FIELD_NAMES) as (keyof RunIdentity)[]) {
    if (a[key] !== b[key]) return { field: FIELD_NAMES[key], a: String(a[key]), b: String(b[key]) };
  }
  return null;
}
