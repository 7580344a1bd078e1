// `hashpivot study`: each design against answers known without the study code (a point equals a
// plain run of the same scenario and seed; an input no strategy reads moves nothing; a lone input
// explains all the variance; a break-even sits where the decision flips), the store, resume after
// SIGKILL, two studies in one folder, and bad input.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../scenarios/load.js';
import { loadStudy, parseStudy, type Study } from '../scenarios/loadStudy.js';
import { summarizePoint } from '../outputs/pointSummary.js';
import { meanDifference, meanNpv, studySentence, type OneAtATimeAnalysis } from '../outputs/studyAnalysis.js';
import { poolExecutor, type LaneExecutor } from '../runners/pool.js';
import { runScenario } from '../runners/run.js';
import { runStudy } from '../runners/study.js';
import { planStudy } from '../runners/studyPlan.js';
import { CLI, cli, freshDir } from './cliHarness.js';
import { scenarioErrorOf } from './scenarioErrorOf.js';
import { readStore } from './studyStoreTables.js';

const TRIALS = 300;
const SEED = 5;
const LEASE = 'hosting.leaseUsdPerKwMonth';

function smokeStudy(fields: Record<string, unknown>, dir = freshDir()): Study {
  return parseStudy({ name: 'test', scenario: 'smoke', trials: TRIALS, seed: SEED, compare: { a: 'convert-now', b: 'stay' }, ...fields }, 'test-study.yaml', dir);
}

/** A plain run of smoke with these sets, summarised like a study point. */
async function plainPoint(sets: string[]) {
  const scenario = loadScenario('smoke', { set: sets });
  const run = await runScenario(scenario, { trials: TRIALS, seed: SEED, workers: 1, collectBands: false });
  return summarizePoint(run.outcomes, scenario.strategies.map((s) => s.name));
}

describe('oneAtATime', () => {
  it('runs the base and each input at its ends; a bar is the difference of two plain runs; an input stay does not read moves stay by exactly 0', async () => {
    const study = smokeStudy({
      design: 'oneAtATime',
      inputs: [
        { path: LEASE, label: 'Lease rate', low: 100, high: 160, values: [120, 140] },
        { path: 'discountRatePerYear', low: 0.08, high: 0.16 },
      ],
    });
    const result = await runStudy(study, { dir: freshDir(), workers: 1 });
    // base, lease 100, 160, 120, 140, discount 0.08, 0.16
    expect(result.points.map((p) => p.label)).toEqual(['base', 'Lease rate = 100', 'Lease rate = 160', 'Lease rate = 120', 'Lease rate = 140', 'discountRatePerYear = 0.08', 'discountRatePerYear = 0.16']);
    const low = await plainPoint([`${LEASE}=100`]);
    const high = await plainPoint([`${LEASE}=160`]);
    expect(result.points[1].summary).toEqual(low);
    expect(result.points[2].summary).toEqual(high);
    const decision = study.compare;
    const tornado = result.analysis.oneAtATime!.tornadoes;
    const lease = tornado[0].bars.find((b) => b.input === LEASE)!;
    expect(lease.swing).toBe(Math.abs(meanDifference(high, decision).value! - meanDifference(low, decision).value!));
    const stayLease = tornado.find((t) => t.metric === 'npv:stay')!.bars.find((b) => b.input === LEASE)!;
    expect(stayLease.swing).toBe(0);
    // More rent never lowers a converted site's NPV: the spider line of the difference rises.
    const line = result.analysis.oneAtATime!.spider.find((s) => s.input === LEASE)!.points.map((p) => p.estimate.value!);
    expect(line).toEqual([...line].sort((a, b) => a - b));
    expect(meanNpv(result.points[2].summary, 'convert-now').value!).toBeGreaterThan(meanNpv(result.points[1].summary, 'convert-now').value!);
    // The inputs that swing the difference most are named first, largest first.
    const [first, second] = result.analysis.oneAtATime!.tornadoes[0].bars.map((b) => b.label);
    expect(result.analysis.sentence.toLowerCase()).toMatch(new RegExp(`^${first.toLowerCase()}( and ${second.toLowerCase()})? decides? convert-now against stay`));
  });
});

describe('grid', () => {
  it('says where the decision flips for every input whose spider line crosses zero, not only the largest swing', () => {
    const estimate = (value: number) => ({ value, standardError: 1 });
    const bar = (input: string, label: string, low: number, high: number) => ({ input, label, lowValue: 0, highValue: 1, atLow: estimate(low), atHigh: estimate(high), swing: Math.abs(high - low) });
    const line = (input: string, label: string, unit: string, points: [number, number][]) => ({ input, label, unit, points: points.map(([value, y]) => ({ value, estimate: estimate(y) })) });
    const analysis: OneAtATimeAnalysis = {
      // Capex swings most but never flips the decision; the lease rate flips it between 60 and 70.
      tornadoes: [{ metric: 'difference', title: 'difference', atBase: estimate(50e6), bars: [bar('hosting.conversionUsdPerMwIt', 'Conversion capex', 90e6, 10e6), bar(LEASE, 'Lease rate', -20e6, 60e6)] }],
      spider: [
        line('hosting.conversionUsdPerMwIt', 'Conversion capex', 'USD/MW', [[7e6, 90e6], [11e6, 10e6]]),
        line(LEASE, 'Lease rate', 'USD/kW-month', [[60, -20e6], [70, 20e6], [80, 60e6]]),
      ],
    };
    expect(studySentence({ a: 'convert-now', b: 'stay' }, { oneAtATime: analysis })).toContain('convert-now stops beating stay below a lease rate of $65.0 per kW-month (read off the spider line)');
  });

  it('runs the full factorial, first input slowest, each cell equal to a plain run of its scenario', async () => {
    const study = smokeStudy({ design: 'grid', inputs: [{ path: LEASE, values: [100, 150] }, { path: 'discountRatePerYear', values: [0.08, 0.12, 0.16] }] });
    const result = await runStudy(study, { dir: freshDir(), workers: 1 });
    expect(result.points.map((p) => p.values)).toEqual([[100, 0.08], [100, 0.12], [100, 0.16], [150, 0.08], [150, 0.12], [150, 0.16]]);
    const cell = await plainPoint([`${LEASE}=150`, 'discountRatePerYear=0.08']);
    expect(result.analysis.grid!.cells[3].difference).toEqual(meanDifference(cell, study.compare));
  });
});

describe('sobol', () => {
  it('draws each value of a whole-number input equally often (rounding a uniform draw halves the ends)', () => {
    // hosting.tranches from 1 to 4: each value 1/4 of the A and B rows. Sobol' points are more even
    // than random ones, so the binomial SE is a loose bound: every count within 4 SE of n/4.
    const rows = 256;
    const study = smokeStudy({ design: 'sobol', sobol: { rows, resamples: 20 }, inputs: [{ path: 'hosting.tranches', low: 1, high: 4 }, { path: LEASE, low: 100, high: 160 }] });
    // Every point's value of the input: an A or a B row's (the mixed rows take theirs from one of them).
    const drawn = planStudy(study).points.map((p) => p.values[0]);
    expect(drawn.length).toBeGreaterThanOrEqual(2 * rows);
    const standardError = Math.sqrt(drawn.length * 0.25 * 0.75);
    for (const value of [1, 2, 3, 4]) expect(Math.abs(drawn.filter((x) => x === value).length - drawn.length / 4), `value ${value}`).toBeLessThan(4 * standardError);
  });

  it('gives an input no strategy reads indices of exactly 0, and a lone effective input all the variance (within 4 bootstrap SEs of 1)', async () => {
    const study = smokeStudy({
      design: 'sobol',
      trialFiles: false,
      sobol: { rows: 24, resamples: 200 },
      inputs: [
        { path: LEASE, low: 90, high: 170 },
        // Only strategies that run an own GPU cloud read it; smoke's lease theirs.
        { path: 'hosting.gpuCloud.capexUsdPerGpu', distribution: { logUniform: [20000, 50000] } },
      ],
    });
    expect(planStudy(study).points).toHaveLength(24 * 4);
    const result = await runStudy(study, { dir: freshDir(), workers: 1 });
    const difference = result.analysis.sobol!.find((s) => s.metric === 'difference')!;
    const [lease, gpu] = difference.inputs;
    expect([gpu.first.estimate, gpu.total.estimate]).toEqual([0, 0]);
    for (const index of [lease.first, lease.total]) expect(Math.abs(index.estimate - 1)).toBeLessThan(4 * index.standardError + 1e-9);
    // stay reads neither input: its mean NPV is the same at every point, so neither explains any of it.
    const stay = result.analysis.sobol!.find((s) => s.metric === 'npv:stay')!;
    expect(stay.inputs.flatMap((i) => [i.first.estimate, i.total.estimate])).toEqual([0, 0, 0, 0]);
  });
});

describe('breakEven', () => {
  it('finds the lease rate where the decision flips: a plain run just below it favours stay, just above it convert-now', async () => {
    const study = smokeStudy({ design: 'breakEven', breakEven: { maxPointsPerInput: 14 }, inputs: [{ path: LEASE, label: 'Lease rate', low: 40, high: 400, tolerance: 0.5 }] });
    const result = await runStudy(study, { dir: freshDir(), workers: 1 });
    const finding = result.analysis.breakEven![0].result;
    expect(finding.found).toBe(true);
    if (!finding.found) return;
    expect(finding.bracket[1].x - finding.bracket[0].x).toBeLessThanOrEqual(0.5);
    const margin = 3 * finding.standardError + 0.5;
    const below = meanDifference(await plainPoint([`${LEASE}=${finding.x - margin}`]), study.compare).value!;
    const above = meanDifference(await plainPoint([`${LEASE}=${finding.x + margin}`]), study.compare).value!;
    expect(below).toBeLessThan(0);
    expect(above).toBeGreaterThan(0);
    expect(result.analysis.sentence).toMatch(/^Convert-now stops beating stay below a lease rate of \$[\d.]+ ± [\d.]+ per kW-month/);
  });
});

describe('the worker pool', () => {
  it('runs every point on the pool it is given and leaves it open for the caller', async () => {
    const pool = poolExecutor(1);
    let tasks = 0;
    let closed = false;
    const counting: LaneExecutor = { lanes: pool.lanes, run: (task, signal) => (tasks++, pool.run(task, signal)), runFit: (task, signal) => pool.runFit(task, signal), close: async () => void (closed = true) };
    const study = smokeStudy({ design: 'grid', trialFiles: false, inputs: [{ path: LEASE, values: [100, 120, 140] }] });
    await runStudy(study, { dir: freshDir(), executor: counting });
    expect([tasks, closed]).toEqual([3, false]);
    const after = await runScenario(loadScenario('smoke'), { trials: 50, executor: pool });
    expect(after.trials).toBe(50);
    await pool.close();
  });
});

describe('presets', () => {
  it('base-tornado, base-sobol and base-lease-breakeven load and plan', () => {
    expect(planStudy(loadStudy('base-tornado')).points.length).toBeGreaterThan(20);
    expect(planStudy(loadStudy('base-sobol')).points).toHaveLength(512);
    expect(planStudy(loadStudy('base-lease-breakeven')).maxPoints).toBe(24);
  });
});

const RESUME_STUDY = `name: resume
scenario: smoke
trials: 1500
seed: 2
design: oneAtATime
inputs:
  - { path: ${LEASE}, low: 80, high: 180, values: [90, 100, 110, 120, 140, 150, 160, 170] }
  - { path: discountRatePerYear, low: 0.06, high: 0.18, values: [0.08, 0.1, 0.14, 0.16] }
  - { path: market.energy.meanUsdPerMwh, low: 30, high: 70 }
`;

function startStudy(file: string, out: string) {
  return spawn(process.execPath, [CLI, 'study', file, '--out', out, '--workers', '1', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
}

const trialFiles = (out: string) => (existsSync(join(out, 'points')) ? readdirSync(join(out, 'points')).filter((f) => f.endsWith('.parquet')) : []);

describe('resume and safety', () => {
  const dir = freshDir();
  const file = join(dir, 'resume.yaml');
  writeFileSync(file, RESUME_STUDY);

  it('a study killed with SIGKILL mid-way finishes the missing points when started again, to the store of an uninterrupted study', async () => {
    const killed = join(dir, 'killed');
    const child = startStudy(file, killed);
    // Kill once a few points are committed (a point's trial file is in place before its commit).
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (trialFiles(killed).length >= 4) {
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 5);
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`the study ended by itself (code ${code}) before it could be killed`))));
    });
    const before = (await readStore(killed)).points.length;
    expect(before).toBeGreaterThan(0);
    const total = planStudy(loadStudy(file)).points.length;
    expect(before).toBeLessThan(total);
    const resumed = cli(['study', file, '--out', killed, '--workers', '2']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`points from an earlier run`);
    const whole = join(dir, 'whole');
    expect(cli(['study', file, '--out', whole, '--workers', '1', '--quiet']).status).toBe(0);
    expect(await readStore(killed)).toEqual(await readStore(whole));
    expect(trialFiles(killed)).toEqual(trialFiles(whole));
    for (const name of trialFiles(whole)) expect(readFileSync(join(killed, 'points', name)).equals(readFileSync(join(whole, 'points', name))), name).toBe(true);
    expect(readFileSync(join(killed, 'study.json'), 'utf8')).toBe(readFileSync(join(whole, 'study.json'), 'utf8'));
    expect(readdirSync(join(killed, 'points')).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('refuses a second study writing into the folder while the first runs, and the first finishes intact', async () => {
    const out = join(dir, 'busy');
    const first = startStudy(file, out);
    const firstExit = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    // Caught at the first sign of its store: DuckDB has created study.duckdb but may not yet have
    // written its headers and taken its own lock (until stop 25 a second study then read "not (yet)
    // a DuckDB database"). Held still while the second one tries, so a loaded machine cannot let
    // it finish first.
    const store = join(out, 'study.duckdb');
    while (!existsSync(store)) await new Promise((resolve) => setTimeout(resolve, 2));
    first.kill('SIGSTOP');
    const second = cli(['study', file, '--out', out, '--workers', '1']);
    first.kill('SIGCONT');
    expect(second.status).toBe(1);
    // The study's own lock refuses it, or the folder's lock if it comes while the first commits a point.
    expect(second.stderr).toMatch(new RegExp(`is in use: another hashpivot study \\(process ${first.pid} on .*remove .*study\\.lock|is being written by another hashpivot study \\(process ${first.pid}`));
    expect(await firstExit).toBe(0);
    expect(await readStore(out)).toEqual(await readStore(join(dir, 'whole')));
  });

  it('a study lock left by a process that is gone is taken over; one from another host is refused, naming the file to remove', async () => {
    const gone = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((resolve) => gone.on('exit', () => resolve(gone.pid!)));
    const stale = join(dir, 'stale');
    mkdirSync(join(stale, '.hashpivot'), { recursive: true });
    const lock = join(stale, '.hashpivot', 'study.lock');
    writeFileSync(lock, JSON.stringify({ pid: deadPid, host: hostname(), command: 'study', since: '2026-01-01T00:00:00.000Z' }));
    expect(cli(['study', file, '--out', stale, '--workers', '1', '--quiet', '--trials', '60']).status).toBe(0);
    expect(existsSync(lock)).toBe(false);

    const remote = join(dir, 'remote');
    mkdirSync(join(remote, '.hashpivot'), { recursive: true });
    const remoteLock = join(remote, '.hashpivot', 'study.lock');
    writeFileSync(remoteLock, JSON.stringify({ pid: 1, host: 'another-host', command: 'study', since: '2026-01-01T00:00:00.000Z' }));
    const refused = cli(['study', file, '--out', remote, '--workers', '1']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`is in use: another hashpivot study (process 1 on another-host, since 2026-01-01T00:00:00.000Z) is writing it. Wait for it to finish or pass another --out; if no such process runs, remove ${remoteLock}`);
    expect(readdirSync(remote)).toEqual(['.hashpivot']);
  });

  it('refuses a folder holding another study\'s store, naming what differs, and leaves the store as it was', async () => {
    const out = join(dir, 'whole');
    const stored = await readStore(out);
    const other = cli(['study', file, '--out', out, '--trials', '100']);
    expect(other.status).toBe(1);
    expect(other.stderr).toContain('holds the store of another study ("resume", trials 1500 there, 100 here)');
    expect(await readStore(out)).toEqual(stored);
  });

  it('refuses a study.duckdb that is not a database, saying what to do, and leaves it as it was', () => {
    const out = join(dir, 'damaged');
    mkdirSync(out);
    writeFileSync(join(out, 'study.duckdb'), 'not a database');
    const result = cli(['study', file, '--out', out, '--workers', '1']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/study\.duckdb: it is not \(yet\) a DuckDB database\. If another study has just started writing into .*; otherwise the file is damaged: remove it, or pass another --out/);
    expect(readFileSync(join(out, 'study.duckdb'), 'utf8')).toBe('not a database');
  });
});

describe('bad input is refused before anything is written', () => {
  const problemsOf = (fields: Record<string, unknown>) => scenarioErrorOf(() => smokeStudy(fields)).problems;

  it('a study into a run\'s folder, and a run into a study\'s, are refused: each would replace the other\'s charts', () => {
    const dir = freshDir();
    const file = join(dir, 'tiny.yaml');
    writeFileSync(file, 'name: tiny\nscenario: smoke\ntrials: 20\ndesign: oneAtATime\ninputs:\n  - { path: hosting.leaseUsdPerKwMonth, low: 100, high: 120 }\n');
    const run = join(dir, 'run');
    expect(cli(['run', 'smoke', '--trials', '20', '--workers', '0', '--swing-trials', '0', '--quiet', '--out', run]).status).toBe(0);
    const charts = readdirSync(join(run, 'charts')).sort();
    const intoRun = cli(['study', file, '--out', run, '--workers', '0']);
    expect(intoRun.status).toBe(1);
    expect(intoRun.stderr).toContain(`${run} holds summary.json, the results of another kind of command: hashpivot study there would replace their charts; pass --out with a folder of its own`);
    expect(readdirSync(join(run, 'charts')).sort()).toEqual(charts);
    const study = join(dir, 'study'); // what marks a study's folder, without running one
    mkdirSync(study);
    writeFileSync(join(study, 'study.json'), '{}\n');
    const intoStudy = cli(['run', 'smoke', '--trials', '20', '--workers', '0', '--out', study]);
    expect(intoStudy.status).toBe(1);
    expect(intoStudy.stderr).toContain(`${study} holds study.json, the results of another kind of command: hashpivot run there would replace their charts`);
    expect(existsSync(join(study, 'summary.json'))).toBe(false);
  });

  it('an input path that does not exist, with a did-you-mean; a value out of the field\'s range, naming the range', () => {
    expect(problemsOf({ design: 'oneAtATime', inputs: [{ path: 'hosting.leaseUsdPerKwMont', low: 1, high: 2 }] })[0]).toMatchObject({
      path: 'inputs[0].path',
      message: expect.stringContaining('did you mean hosting.leaseUsdPerKwMonth?'),
    });
    expect(problemsOf({ design: 'oneAtATime', inputs: [{ path: 'site.uptime', low: 0.5, high: 1.2 }] })[0]).toEqual({
      path: 'inputs[0].high',
      message: '1.2 is outside what site.uptime allows',
      allowed: 'a number (share 0..1) from 0 to 1',
    });
    expect(problemsOf({ design: 'oneAtATime', inputs: [{ path: 'market.price.model', low: 1, high: 2 }] })[0].message).toContain('not a number');
    expect(problemsOf({ design: 'grid', inputs: [{ path: LEASE }] })[0].message).toBe('the grid design needs values (or low and high)');
    expect(problemsOf({ design: 'grid', inputs: [{ path: LEASE, values: [100, 120, 100] }] })[0]).toEqual({ path: 'inputs[0].values[2]', message: '100 is listed already (values[0])', allowed: 'each level of the grid once' });
    expect(problemsOf({ design: 'oneAtATime', compare: { a: 'convert-nw', b: 'stay' }, inputs: [{ path: LEASE, low: 1, high: 2 }] })[0].message).toContain('did you mean convert-now?');
    expect(problemsOf({ design: 'oneAtATime', inputs: [{ path: LEASE, low: 1, high: 2, colour: 'red' }] })[0].path).toBe('inputs[0].colour');
  });

  it('an empty study file is said to be one, with a study\'s fields as the hint (not a scenario\'s)', () => {
    const file = join(freshDir(), 'empty.yaml');
    writeFileSync(file, '# nothing yet\n');
    const r = cli(['study', file, '--out', join(freshDir(), 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the file is empty (or holds only comments) (allowed: a study: name, scenario, design and inputs; see scenarios/studies/ for examples)');
  });

  it('a study field of the wrong type, missing or out of range is explained as a scenario\'s is, not in zod\'s words', () => {
    expect(problemsOf({ design: 'grid', inputs: [{ path: LEASE, values: ['none', 120] }] })[0]).toEqual({
      path: 'inputs[0].values[0]',
      message: 'expected a number, got the text "none"',
      allowed: 'a number',
    });
    expect(problemsOf({ inputs: [{ path: LEASE, low: 1, high: 2 }] })[0]).toEqual({
      path: 'design',
      message: 'is required but missing',
      allowed: 'one of oneAtATime, grid, sobol, breakEven',
    });
    expect(problemsOf({ design: 'breakEven', inputs: [{ path: LEASE, low: 1, high: 2 }], breakEven: { maxPointsPerInput: 0 } })[0]).toMatchObject({
      path: 'breakEven.maxPointsPerInput',
      message: 'is 0, below the minimum 3',
    });
  });

  it('an override that makes a point\'s scenario invalid names the point and the field', async () => {
    const dir = join(freshDir(), 'out');
    const study = smokeStudy({ design: 'oneAtATime', inputs: [{ path: 'hosting.buildMonths.min', low: 6, high: 20 }] });
    const error = await runStudy(study, { dir, workers: 1 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/study test, point 2 \(hosting\.buildMonths\.min = 20\).*: hosting\.buildMonths: must satisfy min <= mode <= max, got min 20, mode 12, max 18/);
    expect(existsSync(dir)).toBe(false);
  });

  it('a design over the point limit needs --yes, and exits 1 having written nothing', () => {
    const dir = freshDir();
    const file = join(dir, 'big.yaml');
    writeFileSync(file, `name: big\nscenario: smoke\ndesign: grid\ninputs:\n  - { path: ${LEASE}, values: [${Array.from({ length: 40 }, (_, i) => 80 + i).join(', ')}] }\n  - { path: discountRatePerYear, values: [${Array.from({ length: 30 }, (_, i) => 0.05 + i / 200).join(', ')}] }\n`);
    const r = cli(['study', file, '--out', join(dir, 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the grid design needs 1,200 points, more than the limit of 1,000. Pass --yes to run them all');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
