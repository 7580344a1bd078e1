// Non-regression of the frozen model: the `bench` preset (base as it stood before issue #11's deal
// mechanics, every field written out) must keep producing the outcomes it produced then, because
// the benchmark and the Python peers (../shared/peers/) implement exactly that model. The snapshot
// in fixtures/bench-golden.json was made by this file (HASHPIVOT_WRITE_GOLDEN=1) at commit 3a62b65,
// BEFORE the deal mechanics existed: it is a record of the old model's output, not a reference for
// correctness (the model's correctness is tested against closed forms and hand-computed cases
// elsewhere). It covers bench's four strategies plus an own GPU cloud (full and by trigger) and a
// fleet refresh, so every code path of the old model is pinned.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../engine/model.js';
import { createOutcomeBlock, marketColumn, MARKET_METRICS, strategyColumn, type StrategyMetric } from '../engine/outcomes.js';
import { TrialKernel } from '../engine/trial.js';
import { loadScenario, parseScenario, resolvedScenarioJson } from '../scenarios/load.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'bench-golden.json');
const SEED = 20_251_101;
const TRIALS = 48;
/** Per-trial values kept verbatim for the first few trials; the rest enter through sums. */
const KEPT_TRIALS = 4;
/** The metrics of the frozen model (later metrics are new and not pinned). */
const FROZEN_METRICS: StrategyMetric[] = ['npvUsd', 'irr', 'paybackMonth', 'minCashUsd', 'ruined', 'ruinMonth', 'btcMined', 'revenueUsdPerKwh'];

interface SeriesSnapshot {
  definedCount: number;
  sum: number;
  sumOfSquares: number;
  first: (number | null)[];
}

interface Golden {
  note: string;
  seed: number;
  trials: number;
  strategies: Record<string, Record<string, SeriesSnapshot>>;
  market: Record<string, SeriesSnapshot>;
}

function snapshot(values: Float64Array): SeriesSnapshot {
  let definedCount = 0;
  let sum = 0;
  let sumOfSquares = 0;
  for (const v of values) {
    if (v !== v) continue;
    definedCount++;
    sum += v;
    sumOfSquares += v * v;
  }
  return { definedCount, sum, sumOfSquares, first: Array.from(values.subarray(0, KEPT_TRIALS), (v) => (v === v ? v : null)) };
}

/** bench plus strategies that reach the GPU-cloud, trigger and refresh paths of the old model. */
function frozenScenario() {
  const bench = resolvedScenarioJson(loadScenario('bench')) as Record<string, unknown>;
  const extra = [
    { kind: 'convert', name: 'gpu-cloud-now', atMonth: 0, share: 1, operate: 'gpuCloud' },
    { kind: 'trigger', name: 'trigger-gpu', hashpriceBelowUsdPerPhDay: 45, forMonths: 2, share: 0.6, operate: 'gpuCloud' },
    { kind: 'trigger', name: 'trigger-lease', hashpriceBelowUsdPerPhDay: 40, forMonths: 3, share: 1 },
    { kind: 'stay', name: 'stay-refresh', refreshEveryMonths: 24, curtail: false },
  ];
  return parseScenario({ ...bench, strategies: [...(bench.strategies as unknown[]), ...extra] }, 'bench + extra strategies');
}

function run(): Golden {
  const scenario = frozenScenario();
  const kernel = new TrialKernel(compileModel(scenario));
  const block = createOutcomeBlock(0, TRIALS, scenario.strategies.length);
  kernel.run(SEED, block, null);
  const strategies: Golden['strategies'] = {};
  scenario.strategies.forEach((s, i) => {
    strategies[s.name] = Object.fromEntries(FROZEN_METRICS.map((metric) => [metric, snapshot(strategyColumn(block, i, metric))]));
  });
  const market = Object.fromEntries(MARKET_METRICS.map((metric) => [metric, snapshot(marketColumn(block, metric))]));
  return {
    note:
      'Non-regression snapshot of the FROZEN pre-#11 model (bench preset plus four strategies), made by test/benchRegression.test.ts ' +
      'at commit 3a62b65 before the deal mechanics were added. A record of that model\'s output, not a reference for correctness.',
    seed: SEED,
    trials: TRIALS,
    strategies,
    market,
  };
}

/** Equal up to rounding: the speed work may reorder floating-point sums, nothing more. */
function close(actual: number | null, expected: number | null): boolean {
  if (actual === null || expected === null) return actual === expected;
  return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
}

function compare(actual: SeriesSnapshot, expected: SeriesSnapshot): string[] {
  const problems: string[] = [];
  if (actual.definedCount !== expected.definedCount) problems.push(`defined in ${actual.definedCount} trials, was ${expected.definedCount}`);
  if (!close(actual.sum, expected.sum)) problems.push(`sum ${actual.sum}, was ${expected.sum}`);
  if (!close(actual.sumOfSquares, expected.sumOfSquares)) problems.push(`sum of squares ${actual.sumOfSquares}, was ${expected.sumOfSquares}`);
  actual.first.forEach((v, t) => {
    if (!close(v, expected.first[t])) problems.push(`trial ${t}: ${v}, was ${expected.first[t]}`);
  });
  return problems;
}

describe('the bench preset (frozen pre-#11 model)', () => {
  if (process.env.HASHPIVOT_WRITE_GOLDEN === '1') {
    it('writes the snapshot', () => {
      writeFileSync(GOLDEN, `${JSON.stringify(run(), null, 1)}\n`);
    });
    return;
  }

  it('reproduces the frozen outcomes of every strategy and the market, to rounding', () => {
    expect(existsSync(GOLDEN)).toBe(true);
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Golden;
    const now = run();
    const problems: string[] = [];
    for (const [name, metrics] of Object.entries(golden.strategies)) {
      for (const [metric, expected] of Object.entries(metrics)) {
        const actual = now.strategies[name]?.[metric];
        if (!actual) problems.push(`${name}.${metric}: missing`);
        else problems.push(...compare(actual, expected).map((p) => `${name}.${metric}: ${p}`));
      }
    }
    for (const [metric, expected] of Object.entries(golden.market)) problems.push(...compare(now.market[metric], expected).map((p) => `market ${metric}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('exercises every path: leases sign, tenants default, GPU fleets run, triggers fire, refreshes buy', () => {
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Golden;
    const s = golden.strategies;
    expect(s['convert-now'].revenueUsdPerKwh.sum).toBeGreaterThan(0);
    expect(s['gpu-cloud-now'].revenueUsdPerKwh.sum / s['gpu-cloud-now'].revenueUsdPerKwh.definedCount).toBeGreaterThan(0.5);
    expect(s['trigger-gpu'].btcMined.sum).toBeLessThan(s['stay'].btcMined.sum);
    expect(s['trigger-lease'].btcMined.sum).toBeLessThan(s['stay'].btcMined.sum);
    expect(s['stay-refresh'].npvUsd.sum).not.toBe(s['stay'].npvUsd.sum);
    expect(s['convert-now'].ruined.sum).toBeGreaterThan(0);
  });
});
