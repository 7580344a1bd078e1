// The optimal conversion policy (kind: optimal) and its fixed-rule replay (kind: policy): on a site
// with no uncertainty it converts exactly when a brute-force search over conversion months says;
// out of sample it is never worse than the best fixed strategy by more than 3 SE (it can always
// choose that strategy's action path); its fit does not depend on the worker count; a policy file
// replays it decision for decision; and bad input is refused, naming the field.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../engine/model.js';
import { createOutcomeBlock, strategyColumn } from '../engine/outcomes.js';
import { TrialKernel } from '../engine/trial.js';
import { buildSummary } from '../outputs/summary.js';
import { switchPolicyFiles } from '../outputs/switchPolicyFile.js';
import { bruteForceConversion, certainSite, presetWith } from '../runners/realOptionChecks.js';
import { poolExecutor } from '../runners/pool.js';
import { runScenario } from '../runners/run.js';
import { kernelKey } from '../runners/runIdentity.js';
import { fitSwitchPolicies } from '../runners/switchFit.js';
import type { FitLaneTask } from '../runners/switchFitLane.js';
import { threadKernel } from '../runners/threadKernel.js';
import { cli, freshDir } from './cliHarness.js';
import { scenarioErrorOf } from './scenarioErrorOf.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;

describe('kind: optimal on a site with no uncertainty', () => {
  it('converts in exactly the month a brute-force search over conversion months finds best, in every trial', async () => {
    const scenario = certainSite([
      { kind: 'stay', name: 'stay' },
      { kind: 'optimal', name: 'optimal', actions: [{ share: 1 }], state: ['hashprice'], basis: { degree: 1 }, fitPaths: 100 },
    ]);
    // Brute force: the NPV of converting in each month, and of never converting, on one path.
    const { month: bestMonth, npvUsd: bestNpv } = bruteForceConversion(scenario, 5);
    expect(bestMonth).toBeGreaterThan(12); // an interior optimum, not "convert now" or "never"
    expect(bestMonth).toBeLessThan(60);

    const progress: string[] = [];
    const run = await runScenario(scenario, {
      trials: 20, seed: 5, workers: 0,
      onFitProgress: (done, total, strategy) => progress.push(`fit ${strategy} ${done}/${total}`),
      onProgress: (done, total) => progress.push(`trials ${done}/${total}`),
    });
    // The fit reports its paths, then the trials announce their start (a display times their rate
    // from there), then their count.
    const firstTrials = progress.indexOf('trials 0/20');
    expect(progress.slice(0, firstTrials).every((line) => line.startsWith('fit optimal '))).toBe(true);
    expect(progress[firstTrials - 1]).toBe('fit optimal 100/100');
    expect(progress.at(-1)).toBe('trials 20/20');
    const months = strategyColumn(run.outcomes, 1, 'switchMonth');
    const npvs = strategyColumn(run.outcomes, 1, 'npvUsd');
    for (let t = 0; t < run.trials; t++) {
      expect(months[t]).toBe(bestMonth);
      expect(npvs[t]).toBeCloseTo(bestNpv, 0);
    }
  });
});

describe('kind: optimal out of sample', () => {
  // base over 5 years with a decision every quarter, small enough for a test, and leases at $70
  // instead of $130/kW-month, so converting is not worth doing at once whatever happens: the policy
  // waits in some futures and converts in others.
  const shortBase = (edit: (raw: Raw) => void) =>
    presetWith('base', (raw) => {
      raw.horizonMonths = 60;
      raw.hosting.leaseUsdPerKwMonth = 70;
      edit(raw);
    });
  const scenario = shortBase((raw) => {
    raw.strategies.push({ kind: 'optimal', name: 'optimal', fitPaths: 600, decisionEveryMonths: 3, basis: { degree: 1 } });
  });
  const runs = Promise.all([runScenario(scenario, { trials: 600, seed: 11, workers: 0 }), runScenario(scenario, { trials: 600, seed: 11, workers: 2 })]);

  it('is never below the best fixed strategy by more than 3 SE of the paired difference', async () => {
    const [run] = await runs;
    const summary = buildSummary(run);
    const [optimal] = summary.optimal;
    const flexibility = optimal.valueOfFlexibility!;
    expect(flexibility.versus).not.toBe('optimal');
    expect(flexibility.meanDifference!).toBeGreaterThanOrEqual(-3 * flexibility.standardError!);
    // The fitting paths are not the trials: the in-sample figure is another estimate.
    expect(optimal.fit.inSampleNpvUsd).not.toBe(optimal.outOfSampleNpvUsd);
    expect(optimal.inSampleGapUsd).toBeCloseTo(optimal.fit.inSampleNpvUsd - optimal.outOfSampleNpvUsd!, 6);
    // Switch months are decision months, shares are the actions'.
    const switching = summary.strategies.find((s) => s.name === 'optimal')!.switching;
    expect(switching.shares.every((s) => s.share === 1 || s.share === 0.5)).toBe(true);
    expect(switching.pNever.p).toBeGreaterThan(0.05);
    expect(switching.pNever.p).toBeLessThan(0.95);
    expect(switching.convertedByMonth[scenario.horizonMonths - 1]).toBeCloseTo(1 - switching.pNever.p!, 12);
  });

  it('fits the same policy, to the last bit, in this thread and on two workers', async () => {
    const [inProcess, pooled] = await runs;
    expect(JSON.stringify(pooled.inputs.switchPolicies)).toBe(JSON.stringify(inProcess.inputs.switchPolicies));
    // Every outcome of every strategy, bit for bit.
    expect(Buffer.from(pooled.outcomes.strategy.buffer).equals(Buffer.from(inProcess.outcomes.strategy.buffer))).toBe(true);
  });

  it('fits the same policy with its paths and its regressions in two lanes each (below MIN_PATHS_PER_LANE and MIN_PATHS_PER_INDUCTION_LANE a run fits them in one)', async () => {
    const [inProcess] = await runs;
    const executor = poolExecutor(2);
    const lanes: string[] = [];
    const counted = { ...executor, lanes: executor.lanes, runFit: (task: FitLaneTask, signal?: AbortSignal) => (lanes.push(task.phase), executor.runFit(task, signal)) };
    try {
      const inputs = await fitSwitchPolicies(scenario, {}, counted, { seed: 11, minPathsPerLane: 300, minPathsPerInductionLane: 300 });
      expect(lanes).toEqual(['paths', 'paths', 'induction', 'induction']);
      expect(JSON.stringify(inputs.switchPolicies)).toBe(JSON.stringify(inProcess.inputs.switchPolicies));
    } finally {
      await executor.close();
    }
  });

  it('applies the fitted policy with the kernel the fit used, as a kernel built with the policy does', async () => {
    const [inProcess] = await runs;
    // The in-process run fitted on this thread's kernel and set the policy on it for its trials.
    const key = kernelKey(scenario, inProcess.inputs);
    const kept = threadKernel(scenario, inProcess.inputs, key);
    expect(threadKernel(scenario, inProcess.inputs, key)).toBe(kept);
    const fresh = new TrialKernel(compileModel(scenario), inProcess.inputs.switchPolicies);
    const block = createOutcomeBlock(0, 600, scenario.strategies.length, false);
    fresh.run(11, block, null);
    expect(Buffer.from(block.strategy.buffer).equals(Buffer.from(inProcess.outcomes.strategy.buffer))).toBe(true);
    // Set apart after the kernel is built, and replaced: the same trials as with the policy from the start.
    const later = new TrialKernel(compileModel(scenario));
    later.setSwitchPolicies({});
    later.setSwitchPolicies(inProcess.inputs.switchPolicies!);
    const again = createOutcomeBlock(0, 600, scenario.strategies.length, false);
    later.run(11, again, null);
    expect(Buffer.from(again.strategy.buffer).equals(Buffer.from(block.strategy.buffer))).toBe(true);
  });

  it('records the fixed strategies\' switches too: month and share of convert and hybrid, none for stay', async () => {
    const [run] = await runs;
    const month = (s: number) => strategyColumn(run.outcomes, s, 'switchMonth');
    const share = (s: number) => strategyColumn(run.outcomes, s, 'switchShare');
    expect(month(0).every((m) => Number.isNaN(m))).toBe(true);
    expect(share(0).every((x) => x === 0)).toBe(true);
    expect(month(2).every((m) => m === 12) && share(2).every((x) => x === 1)).toBe(true);
    expect(month(3).every((m) => m === 0) && share(3).every((x) => x === 0.5)).toBe(true);
    // The policy converts only at decision months.
    expect(month(4).every((m) => Number.isNaN(m) || m % 3 === 0)).toBe(true);
  });

  it('a policy file written by the run replays the policy decision for decision as kind: policy', async () => {
    const [run] = await runs;
    const dir = mkdtempSync(join(tmpdir(), 'hashpivot-policy-'));
    const [file] = switchPolicyFiles(run);
    let text = '';
    file.write((chunk) => void (text += String(chunk)));
    const path = join(dir, file.name);
    writeFileSync(path, text);
    const replay = shortBase((raw) => {
      raw.strategies = [{ kind: 'policy', name: 'replay', file: path }];
    });
    const again = await runScenario(replay, { trials: 600, seed: 11, workers: 0 });
    expect(Array.from(strategyColumn(again.outcomes, 0, 'npvUsd'))).toEqual(Array.from(strategyColumn(run.outcomes, 4, 'npvUsd')));
    expect(buildSummary(again).optimal[0].inSampleGapUsd).toBeNull();

    // Refused, naming the field: another engine version, state the engine does not compute, a horizon too short.
    const policy = JSON.parse(readFileSync(path, 'utf8'));
    const failing = async (edit: (p: Raw) => void, horizonMonths = 60) => {
      const bad = structuredClone(policy);
      edit(bad);
      // "1e999" in the text: JSON.parse reads it as Infinity, which JSON.stringify cannot write.
      writeFileSync(path, JSON.stringify(bad).replace('"1e999"', '1e999'));
      const scenario = presetWith('base', (raw) => {
        raw.horizonMonths = horizonMonths;
        raw.strategies = [{ kind: 'policy', name: 'replay', file: path }];
      });
      return runScenario(scenario, { trials: 10, seed: 1, workers: 0 }).then(() => 'ran', (error: Error) => error.message);
    };
    expect(await failing((p) => (p.engineVersion = '0.0.1'))).toMatch(/strategies\[0\]\.file .*: engineVersion is "0\.0\.1", this engine is .*fit it again/);
    expect(await failing((p) => (p.state = ['hashprice', 'moonPhase']))).toMatch(/strategies\[0\]\.file .*: state has "moonPhase", which this engine does not compute/);
    expect(await failing(() => {}, 48)).toMatch(/decisionMonths reach month 57, beyond this scenario's horizon \(horizonMonths 48\)/);
    expect(await failing((p) => p.coefficients.pop())).toMatch(/coefficients must be 20 decision months x 3 regressions/);
    expect(await failing((p) => (p.coefficients[2][1][0] = '1e999'))).toMatch(/strategies\[0\]\.file .*: coefficients\[2\]\[1\]\[0\] is not a finite number/);
    expect(await failing((p) => (p.scale[1][0] = -1))).toMatch(/strategies\[0\]\.file .*: scale must be 20 rows \(decision months\) of 4 numbers \(state variables\), none negative/);
    // A spread so large that the boundary summary.json reports overflows: refused before any trial, not after all of them.
    expect(await failing((p) => (p.scale[1][p.state.indexOf('hashprice')] = 1e308))).toMatch(
      /strategies\[0\]\.file .*: center, scale and coefficients put the exercise boundary along hashprice at month \d+ beyond any number .*fit the policy again/,
    );
  });
});

describe('bad optimal strategies are refused, naming the field', () => {
  const problems = (optimal: Raw) =>
    scenarioErrorOf(() => presetWith('smoke', (raw) => raw.strategies.push({ kind: 'optimal', name: 'optimal', ...optimal }))).problems.map((p) => `${p.path}: ${p.message}`);

  it('no actions', () => {
    expect(problems({ actions: [] })).toEqual([expect.stringMatching(/^strategies\[4\]\.actions: .*at least 1/)]);
  });

  it('a decision interval that does not cut the horizon evenly into two or more dates', () => {
    expect(problems({ decisionEveryMonths: 7 })).toEqual([expect.stringMatching(/^strategies\[4\]\.decisionEveryMonths: is 7, which does not divide horizonMonths 24/)]);
    expect(problems({ decisionEveryMonths: 24 })).toEqual([expect.stringMatching(/^strategies\[4\]\.decisionEveryMonths: is 24, which leaves 1 decision date/)]);
  });

  it('a basis with more functions than the fitting paths support', () => {
    expect(problems({ basis: { degree: 3 }, fitPaths: 300 })).toEqual([
      expect.stringMatching(/^strategies\[4\]\.basis\.degree: is 3: a polynomial basis of degree 3 in 4 state variables has 35 functions, more than fitPaths 300 supports/),
    ]);
  });
});

describe('hashpivot run base-optimal', () => {
  // base-optimal with a small fit, so the test stays quick: the same code paths as the preset.
  const out = join(freshDir(), 'results');
  const result = cli([
    'run', 'base-optimal', '--trials', '300', '--seed', '3', '--workers', '0', '--out', out,
    '--set', 'strategies[optimal].fitPaths=400', '--set', 'strategies[optimal].basis.degree=1',
  ]);

  it('prints the optimal policy beside the fixed strategies with its value of flexibility and SE, and writes its policy file', () => {
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/paths fitting the policy of optimal/);
    expect(result.stdout).toMatch(/^optimal +-?[\d.]+ ± [\d.]+ /m);
    expect(result.stdout).toMatch(/^optimal: value of flexibility [+-]?\$[\d.]+[MB] ± \$[\d.]+[MB] vs (stay|convert-now|convert-12m|hybrid-50) \(95% CI .*\); out of sample .*; policy in .*policy-optimal\.json$/m);
    const policy = JSON.parse(readFileSync(join(out, 'policy-optimal.json'), 'utf8'));
    expect(policy.format).toBe('hashpivot-switch-policy');
    expect(policy.decisionMonths).toHaveLength(120);
  });

  it('the report shows when to convert: the value of flexibility, the switch months and the exercise boundary as chart and table', async () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<section id="optimal">');
    expect(html).toMatch(/id="optimal-flexibility-optimal"/);
    expect(html).toContain('id="switching-table"');
    expect(html).toContain('id="boundary-table-optimal"');
    expect(html).toMatch(/convert (below|above) \$[\d.]+\/PH\/day/);
    // The section's charts compile in Vega-Lite and parse in Vega without a warning.
    const vegaLite = await import('vega-lite');
    const vega = await import('vega');
    for (const name of ['switch-month', 'optimal-boundary']) {
      const spec = JSON.parse(readFileSync(join(out, 'charts', `${name}.vl.json`), 'utf8'));
      const warnings: string[] = [];
      const logger = vega.logger(vega.Warn, 'warn', (_m, level, args) => warnings.push(`${level} ${args.join(' ')}`));
      new vega.View(vega.parse(vegaLite.compile(spec, { logger }).spec), { renderer: 'none', logger });
      expect(warnings, name).toEqual([]);
    }
  });
});

describe('hashpivot run base-optimal with one trial', () => {
  // One trial has a mean but no standard error (it needs two): summary.json holds null there and
  // the console says n/a; the run used to stop at the value of flexibility's interval.
  const out = join(freshDir(), 'results');
  const result = cli([
    'run', 'base-optimal', '--trials', '1', '--workers', '0', '--out', out,
    '--set', 'strategies[optimal].fitPaths=400', '--set', 'strategies[optimal].basis.degree=1',
  ]);

  it('writes its files, with no standard error where one trial gives none', () => {
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    const [optimal] = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).optimal;
    expect(Number.isFinite(optimal.outOfSampleNpvUsd)).toBe(true);
    expect(optimal.outOfSampleStandardErrorUsd).toBeNull();
    expect(optimal.valueOfFlexibility.ci95).toBeNull();
    expect(result.stdout).toMatch(/^optimal: value of flexibility [+-]?\$[\d.]+[MB] ± n\/a vs \S+ \(95% CI n\/a\); out of sample \$[\d.]+[MB] ± n\/a/m);
  });
});
