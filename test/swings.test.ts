// "What drives the result": each swing end is a plain run of the scenario with that one input set
// (the same seed and first trial indices), inputs a strategy does not read move it by exactly 0,
// fields the price model ignores are left out, and the run's summary.json and report carry them,
// labelled as the quick ranking they are.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../scenarios/load.js';
import { summarizePoint } from '../outputs/pointSummary.js';
import { meanDifference } from '../outputs/studyAnalysis.js';
import { poolExecutor } from '../runners/pool.js';
import { runScenario } from '../runners/run.js';
import { computeSwings, SWING_INPUTS } from '../runners/swings.js';
import { cli, freshDir } from './cliHarness.js';

const TRIALS = 200;
const SEED = 4;

describe('computeSwings', () => {
  it('swings each input to base x (1 -/+ 20%) or base -/+ a step, each end a plain run with that input set, largest swing first', async () => {
    const scenario = loadScenario('smoke');
    const executor = poolExecutor(1);
    try {
      const swings = await computeSwings(scenario, { seed: SEED, trials: TRIALS, executor });
      expect(swings.baseline).toBe('stay');
      expect(swings.inputs.map((i) => i.path).sort()).toEqual(SWING_INPUTS.map((i) => i.path).sort());
      const lease = swings.inputs.find((i) => i.path === 'hosting.leaseUsdPerKwMonth')!;
      expect([lease.baseValue, lease.low.value, lease.high.value]).toEqual([130, 104, 156]);
      const discount = swings.inputs.find((i) => i.path === 'discountRatePerYear')!;
      expect([discount.low.value, discount.high.value]).toEqual([0.12 - 0.03, 0.12 + 0.03]);
      // Written as a person would: 0.1 x 1.5, not its binary 0.15000000000000002.
      const signing = swings.inputs.find((i) => i.path === 'hosting.signingProbabilityPerMonth')!;
      expect([signing.baseValue, signing.low.value, signing.high.value]).toEqual([0.1, 0.05, 0.15]);
      const plain = await runScenario(loadScenario('smoke', { set: ['hosting.leaseUsdPerKwMonth=156'] }), { trials: TRIALS, seed: SEED, workers: 1, collectBands: false });
      const summary = summarizePoint(plain.outcomes, scenario.strategies.map((s) => s.name));
      expect(lease.high.differenceUsd['convert-now']).toBe(meanDifference(summary, { a: 'convert-now', b: 'stay' }).value);
      // stay leases nothing: the lease rate moves its NPV by exactly 0 on common random numbers.
      expect(lease.low.npvMeanUsd.stay).toBe(swings.base.npvMeanUsd.stay);
      expect(lease.high.npvMeanUsd.stay).toBe(swings.base.npvMeanUsd.stay);
      const order = swings.inputs.map((i) => i.swingUsd);
      expect(order).toEqual([...order].sort((a, b) => b - a));
    } finally {
      await executor.close();
    }
  });

  it('leaves out what the scenario\'s price model ignores, saying why', async () => {
    const scenario = loadScenario('smoke', { set: ['market.price.model=regimes'] });
    const executor = poolExecutor(1);
    try {
      const swings = await computeSwings(scenario, { seed: SEED, trials: 50, executor });
      expect(swings.skipped).toEqual([{ path: 'market.price.volatilityPerYear', reason: 'the regimes price model does not use it' }]);
      expect(swings.inputs.map((i) => i.path)).not.toContain('market.price.volatilityPerYear');
    } finally {
      await executor.close();
    }
  });
});

describe('a run\'s summary.json and report', () => {
  it('say plainly when the first two of the ranking tie on the swings\' trials (two strategies alike), not that the swings have no NPVs', () => {
    const out = join(freshDir(), 'r');
    const set = ['--set', 'strategies=[{kind: stay, name: stay}, {kind: stay, name: stay-again}]'];
    expect(cli(['run', 'smoke', ...set, '--trials', '100', '--swing-trials', '20', '--out', out, '--quiet']).status).toBe(0);
    const flipLine = readFileSync(join(out, 'report.html'), 'utf8').match(/<p id="decision-flip">(.*?)<\/p>/)![1];
    expect(flipLine).toMatch(/^<b>What would flip it:<\/b> (stay and stay-again|stay-again and stay) have the same mean NPV on the swings&#39; trials: no order to flip\.$/);
  });


  it.each([
    ['smoke', []],
    // Only stay can be funded and it leads: the leader is the baseline, and the runner-up must still be named.
    ['smoke with a lease at $30/kW-month and $10M of cash', ['--set', 'hosting.leaseUsdPerKwMonth=30', '--set', 'site.cashUsd=10000000']],
  ])('hold the swings at --swing-trials trials each, in a section labelled as quick swings (%s); --swing-trials 0 makes none', (_label, set) => {
    const out = join(freshDir(), 'r');
    expect(cli(['run', 'smoke', ...set, '--trials', '500', '--seed', String(SEED), '--swing-trials', '100', '--out', out, '--quiet']).status).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.swings).toMatchObject({ trials: 100, seed: SEED, baseline: 'stay' });
    expect(summary.swings.inputs).toHaveLength(SWING_INPUTS.length);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>What drives the result</h2>');
    expect(html).toContain('Quick swings, not a study:</b> each input moved alone to a low and a high value, the others as in this scenario, 100 trials per point');
    // "What would flip it" names exactly the swing ends at which the first two of the ranking trade places.
    const ranked = [...html.matchAll(/<tr data-rank="(\d+)"><td>\d+<\/td><td class="text"><b>([^<]+)<\/b>/g)].map((m) => m[2]);
    const [ahead, behind] = ranked;
    const gap = (npv: Record<string, number>) => npv[ahead] - npv[behind];
    const baseGap = gap(summary.swings.base.npvMeanUsd);
    const flipping = summary.swings.inputs.flatMap((input: { label: string; low: { npvMeanUsd: Record<string, number> }; high: { npvMeanUsd: Record<string, number> } }) =>
      [input.low, input.high].filter((end) => Math.sign(gap(end.npvMeanUsd)) !== Math.sign(baseGap)).map(() => input.label),
    );
    const flipLine = html.match(/<p id="decision-flip">(.*?)<\/p>/)![1];
    expect(behind).toBeDefined();
    expect(flipLine).not.toContain('one strategy only');
    type End = { npvMeanUsd: Record<string, number> };
    const widest = [...summary.swings.inputs].sort((x: { low: End; high: End }, y: { low: End; high: End }) =>
      Math.abs(gap(y.high.npvMeanUsd) - gap(y.low.npvMeanUsd)) - Math.abs(gap(x.high.npvMeanUsd) - gap(x.low.npvMeanUsd)))[0];
    if (flipping.length === 0) expect(flipLine).toContain(`no single input at its low or high value puts ${behind} ahead of ${ahead}; the largest swing, ${widest.label.toLowerCase()}`);
    else for (const label of flipping) expect(flipLine.toLowerCase()).toContain(label.toLowerCase());
    // The tornado is about the same two strategies, the widest swing of their difference first.
    const tornado = JSON.parse(readFileSync(join(out, 'charts', 'input-swings.vl.json'), 'utf8'));
    expect(tornado.title.text).toBe(`What drives ${ahead} - ${behind}`);
    expect(tornado.data.values[0]).toMatchObject({ input: widest.label, base: baseGap / 1e6 });
    const none = join(freshDir(), 'r');
    expect(cli(['run', 'smoke', '--trials', '200', '--swing-trials', '0', '--out', none, '--quiet']).status).toBe(0);
    expect(JSON.parse(readFileSync(join(none, 'summary.json'), 'utf8')).swings).toBeUndefined();
    expect(readFileSync(join(none, 'report.html'), 'utf8')).not.toContain('What drives the result');
  });
});
