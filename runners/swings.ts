// "What drives the result" for a single run: the scenario's main inputs moved one at a time to a
// low and a high value, each a small run on the same futures (the run's seed and its first trial
// indices: common random numbers), so the swings are paired and cheap. At a reduced trial count
// they rank the inputs; they are not a study (hashpivot study gives precise numbers). The base
// case is run the same way, so the swings are a pure function of the scenario, the seed and the
// trial count: a merge of shards recomputes them to the same numbers without the trials.
import type { SwitchPolicy } from '../engine/switchPolicy.js';
import { overrideScenario, resolvedScenarioJson, ScenarioError, type JsonObject } from '../scenarios/load.js';
import { valueAt, type FieldNode } from '../scenarios/fields.js';
import { resolveFieldPath } from '../scenarios/fieldPath.js';
import type { Scenario } from '../scenarios/schema.js';
import { summarizePoint, type PointSummary } from '../outputs/pointSummary.js';
import { meanDifference, meanNpv, probabilityBeats } from '../outputs/studyAnalysis.js';
import type { LaneExecutor } from './pool.js';
import { runScenario } from './run.js';

/** Trials per swing point by default: enough to rank the inputs on common random numbers. */
export const DEFAULT_SWING_TRIALS = 400;

interface SwingInput {
  path: string;
  label: string;
  /** low = base x (1 - relative), high = base x (1 + relative); or base -/+ absolute. */
  relative?: number;
  absolute?: number;
  /** Only for these price models (a field the others ignore). */
  priceModels?: readonly string[];
}

/** The inputs swung, in the order of the studies' base-tornado: the deal, the money, the markets. */
export const SWING_INPUTS: readonly SwingInput[] = [
  { path: 'hosting.leaseUsdPerKwMonth', label: 'Lease rate', relative: 0.2 },
  { path: 'hosting.conversionUsdPerMwIt', label: 'Conversion capex', relative: 0.2 },
  { path: 'discountRatePerYear', label: 'Discount rate', absolute: 0.03 },
  { path: 'hosting.signingProbabilityPerMonth', label: 'Tenant signing probability', relative: 0.5 },
  { path: 'market.energy.meanUsdPerMwh', label: 'Power price', relative: 0.2 },
  { path: 'asOf.priceUsd', label: 'BTC price today', relative: 0.2 },
  { path: 'market.price.driftPerYear', label: 'BTC expected return', absolute: 0.1 },
  { path: 'market.price.volatilityPerYear', label: 'BTC volatility', relative: 0.2, priceModels: ['merton', 'gbm'] },
];

/** One end of a swing: per strategy its mean NPV, and per other strategy the paired difference to the baseline. */
export interface SwingEnd {
  value: number;
  npvMeanUsd: Record<string, number | null>;
  /** Mean NPV(strategy) - NPV(baseline), paired, per strategy other than the baseline. */
  differenceUsd: Record<string, number | null>;
  differenceSeUsd: Record<string, number | null>;
  pBeatsBaseline: Record<string, number | null>;
}

export interface SwingResult {
  path: string;
  label: string;
  unit: string;
  baseValue: number;
  low: SwingEnd;
  high: SwingEnd;
  /** Largest |high - low| of a strategy's difference to the baseline: the ranking key. */
  swingUsd: number;
}

export interface Swings {
  /** Trials per point (the first trial indices of the run's seed: its futures). */
  trials: number;
  seed: number;
  baseline: string;
  base: Omit<SwingEnd, 'value'>;
  /** Largest swing first. */
  inputs: SwingResult[];
  /** Inputs left out, with the reason (a field this scenario's model ignores, a base of 0 for a relative swing). */
  skipped: { path: string; reason: string }[];
}

function end(summary: PointSummary, strategies: readonly string[], baseline: string): Omit<SwingEnd, 'value'> {
  const others = strategies.filter((s) => s !== baseline);
  const record = <T>(names: readonly string[], of: (name: string) => T) => Object.fromEntries(names.map((name) => [name, of(name)]));
  return {
    npvMeanUsd: record(strategies, (s) => meanNpv(summary, s).value),
    differenceUsd: record(others, (s) => meanDifference(summary, { a: s, b: baseline }).value),
    differenceSeUsd: record(others, (s) => meanDifference(summary, { a: s, b: baseline }).standardError),
    pBeatsBaseline: record(others, (s) => probabilityBeats(summary, { a: s, b: baseline }).value),
  };
}

/** The ends of an input's swing, clamped into the field's range (rounded for a whole-number field). */
function swingValues(input: SwingInput, base: number, node: FieldNode): [number, number] | string {
  if (input.relative !== undefined && base === 0) return 'its base value is 0, so a relative swing moves nothing';
  const delta = input.relative !== undefined ? Math.abs(base) * input.relative : (input.absolute as number);
  const min = node.minimum ?? node.exclusiveMinimum ?? -Infinity;
  const max = node.maximum ?? node.exclusiveMaximum ?? Infinity;
  const clamp = (x: number) => {
    const inside = Math.min(max, Math.max(min, x));
    return node.type === 'integer' ? Math.round(inside) : inside;
  };
  // To 12 significant digits: 0.1 x 1.5 is 0.15000000000000002 in binary, and the swing's value is shown and set as written.
  const end = (x: number) => clamp(Number(x.toPrecision(12)));
  // An exclusive bound (a field > 0) is not a value: stay halfway inside it.
  const low = end(base - delta) === node.exclusiveMinimum ? (base + min) / 2 : end(base - delta);
  const high = end(base + delta) === node.exclusiveMaximum ? (base + max) / 2 : end(base + delta);
  return low === high ? 'its range leaves no room to move it' : [low, high];
}

export interface SwingOptions {
  seed: number;
  /** Trials per point (DEFAULT_SWING_TRIALS). */
  trials: number;
  executor: LaneExecutor;
  /** The run's --process-module, for a scenario with a price process of its own. */
  processModule?: string;
  /** The run's fitted policies: every swing point applies them rather than fitting its own. */
  switchPolicies?: Record<string, SwitchPolicy>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** The swings of a run's scenario; the baseline is the first stay strategy (the report's). */
export async function computeSwings(scenario: Scenario, options: SwingOptions): Promise<Swings> {
  const { trials } = options;
  const strategies = scenario.strategies.map((s) => s.name);
  const baseline = (scenario.strategies.find((s) => s.kind === 'stay') ?? scenario.strategies[0]).name;
  const data = resolvedScenarioJson(scenario) as JsonObject;
  const model = String((data.market as JsonObject | undefined)?.price && ((data.market as JsonObject).price as JsonObject).model);
  const pointOf = async (variant: Scenario) => {
    const run = await runScenario(variant, { trials, seed: options.seed, executor: options.executor, collectBands: false, signal: options.signal, processModule: options.processModule, switchPolicies: options.switchPolicies });
    return summarizePoint(run.outcomes, strategies);
  };
  const skipped: { path: string; reason: string }[] = [];
  const planned: { input: SwingInput; baseValue: number; values: [number, number]; unit: string }[] = [];
  for (const input of SWING_INPUTS) {
    if (input.priceModels && !input.priceModels.includes(model)) {
      skipped.push({ path: input.path, reason: `the ${model} price model does not use it` });
      continue;
    }
    const resolved = resolveFieldPath(input.path, data);
    const baseValue = 'keys' in resolved ? valueAt(data, resolved.keys) : undefined;
    if (!('keys' in resolved) || typeof baseValue !== 'number') {
      skipped.push({ path: input.path, reason: 'the scenario has no such number' });
      continue;
    }
    const values = swingValues(input, baseValue, resolved.node);
    if (typeof values === 'string') {
      skipped.push({ path: input.path, reason: values });
      continue;
    }
    planned.push({ input, baseValue, values, unit: resolved.node.unit ?? '' });
  }
  const total = planned.length * 2 + 1;
  const base = end(await pointOf(scenario), strategies, baseline);
  let done = 1;
  options.onProgress?.(done, total);
  const results: SwingResult[] = [];
  for (const { input, baseValue, values, unit } of planned) {
    const ends: SwingEnd[] = [];
    for (const value of values) {
      let variant: Scenario;
      try {
        variant = overrideScenario(scenario, 'the run', [{ path: input.path, value }], `what drives the result: ${input.path} = ${value}`);
      } catch (error) {
        // A swing the scenario's other fields forbid (a cross-field rule) is left out, not fatal.
        if (!(error instanceof ScenarioError)) throw error;
        ends.length = 0;
        skipped.push({ path: input.path, reason: error.problems[0]?.message ?? 'the swung scenario is invalid' });
        break;
      }
      ends.push({ value, ...end(await pointOf(variant), strategies, baseline) });
      options.onProgress?.(++done, total);
    }
    if (ends.length < 2) continue;
    const [low, high] = ends;
    let swingUsd = 0;
    for (const s of strategies) {
      if (s === baseline) continue;
      const a = low.differenceUsd[s];
      const b = high.differenceUsd[s];
      if (a !== null && b !== null) swingUsd = Math.max(swingUsd, Math.abs(b - a));
    }
    results.push({ path: input.path, label: input.label, unit, baseValue, low, high, swingUsd });
  }
  results.sort((x, y) => y.swingUsd - x.swingUsd);
  return { trials, seed: options.seed, baseline, base, inputs: results, skipped };
}
