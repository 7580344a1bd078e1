// The worker-thread runner as a user meets it: faults, cancellation, and running to a target error.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../scenarios/load.js';
import { runScenario, type RunResult } from '../runners/run.js';
import { runLane, type LaneTask } from '../runners/lane.js';
import { BAND_TRIALS, BandSketch } from '../engine/bandSketch.js';
import { compileModel } from '../engine/model.js';
import { createOutcomeBlock } from '../engine/outcomes.js';
import { TrialKernel } from '../engine/trial.js';
import { buildSummary } from '../outputs/summary.js';
import { CLI, ROOT, cli, freshDir } from './cliHarness.js';

describe('a worker that throws', () => {
  it('fails the run with a message naming the trial range, and writes nothing', () => {
    const out = join(freshDir(), 'results');
    const r = cli(['run', 'smoke', '--trials', '400', '--chunk-trials', '100', '--workers', '2', '--fail-at-trial', '250', '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/trials 200\.\.299 failed: injected fault at trial 250/);
    expect(existsSync(out)).toBe(false);
  });

  it('fails the same way in-process', async () => {
    await expect(runScenario(loadScenario('smoke'), { trials: 300, chunkTrials: 50, workers: 0, failAtTrial: 0 })).rejects.toThrow(/trials 0\.\.49 failed/);
  });
});

function interruptRun(signal: NodeJS.Signals, workers = 2): Promise<{ code: number | null; out: string; stderr: string }> {
  const out = join(freshDir(), 'results');
  const child = spawn(process.execPath, [CLI, 'run', 'base', '--trials', '2000000', '--workers', String(workers), '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  return new Promise((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // The run takes the folder's lock once its signal handlers are in place (a loaded machine can
    // take seconds to get there); 2e6 trials take far longer than the wait after it, so the signal
    // arrives while the workers are busy.
    const lock = join(out, '.hashpivot', 'lock');
    const poll = setInterval(() => {
      if (!existsSync(lock)) return;
      clearInterval(poll);
      setTimeout(() => child.kill(signal), 500);
    }, 20);
    child.on('exit', (code) => resolve({ code, out, stderr }));
  });
}

describe('cancellation', () => {
  it('SIGINT stops the workers, leaves no output and exits 130', async () => {
    const r = await interruptRun('SIGINT');
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGINT: stopping; no output written/);
    expect(existsSync(r.out) ? readdirSync(r.out) : []).toEqual([]);
  });

  it('SIGTERM exits 143 with no output', async () => {
    const r = await interruptRun('SIGTERM');
    expect(r.code).toBe(143);
    expect(existsSync(r.out) ? readdirSync(r.out) : []).toEqual([]);
  });

  it('SIGTERM stops a run in this thread too (--workers 0: the trials yield between slices, and no loop of a trial is unbounded)', async () => {
    const r = await interruptRun('SIGTERM', 0);
    expect(r.code).toBe(143);
    expect(existsSync(r.out) ? readdirSync(r.out) : []).toEqual([]);
  });
});

describe('an in-process run abandoned mid-lane', () => {
  it('leaves none of its band counts to the next run of the same scenario', async () => {
    const scenario = loadScenario('smoke');
    const options = { trials: 3000, seed: 5, workers: 0 };
    const abort = new AbortController();
    // Aborted once the lane has counted some trials (the in-process lane yields every 1,000).
    await expect(
      runScenario(scenario, { ...options, signal: abort.signal, onProgress: (done) => done > 0 && abort.abort(new Error('stop')) }),
    ).rejects.toThrow(/stop/);
    expect(abort.signal.aborted).toBe(true);
    const after = buildSummary(await runScenario(scenario, options)).bands;
    const clean = buildSummary(await runScenario(scenario, options)).bands;
    expect(after).toEqual(clean);
  });
});

describe('the bands of a run larger than BAND_TRIALS', () => {
  it('come from its first BAND_TRIALS trials: the counts of a run of exactly that many, whatever the slices, workers, shards or outcome mode', async () => {
    const scenario = loadScenario('smoke');
    const first = await runScenario(scenario, { trials: BAND_TRIALS, seed: 3, workers: 0 });
    const runs = [
      // 1,000-trial slices: the one holding trial BAND_TRIALS is split there.
      await runScenario(scenario, { trials: BAND_TRIALS + 1500, seed: 3, workers: 0, chunkTrials: 1000 }),
      await runScenario(scenario, { trials: BAND_TRIALS + 1500, seed: 3, workers: 2, chunkTrials: 700 }),
      await runScenario(scenario, { trials: BAND_TRIALS + 1500, seed: 3, workers: 0, outcomes: 'sketch' }),
    ];
    expect(first.bands.countOf(0, 0)).toBe(BAND_TRIALS);
    for (const run of runs) {
      expect(run.trials).toBe(BAND_TRIALS + 1500);
      expect(Buffer.from(run.bands.counts.buffer).equals(Buffer.from(first.bands.counts.buffer))).toBe(true);
    }
    // Shards: the second starts below BAND_TRIALS and ends above it; their counts add up to the same.
    const shards: RunResult[] = [];
    for (const index of [1, 2]) shards.push(await runScenario(scenario, { trials: BAND_TRIALS + 1500, seed: 3, workers: 0, shard: { index, count: 2 } }));
    const added = shards[0].bands.counts.map((c, i) => c + shards[1].bands.counts[i]);
    expect(Buffer.from(added.buffer).equals(Buffer.from(first.bands.counts.buffer))).toBe(true);
    const summary = buildSummary(runs[0]);
    expect(summary.bands.trials).toBe(BAND_TRIALS);
    expect(buildSummary(first).bands.series).toEqual(summary.bands.series);
  });
});

describe('an interrupted write', () => {
  it('leaves a stale lock and staging folder, which the next run into the folder removes', () => {
    const out = join(freshDir(), 'results');
    mkdirSync(join(out, '.hashpivot', 'staging-x'), { recursive: true });
    // What a signal during the writes leaves: the lock and half-written files of a process that is gone.
    writeFileSync(join(out, '.hashpivot', 'lock'), JSON.stringify({ pid: 999999999, host: hostname(), command: 'run', since: 'then' }));
    writeFileSync(join(out, '.hashpivot', 'staging-x', 'summary.json'), 'half a file');
    writeFileSync(join(out, 'notes.txt'), 'a file of the user\'s');
    const r = cli(['run', 'smoke', '--trials', '50', '--workers', '0', '--quiet', '--out', out]);
    expect(r.status).toBe(0);
    expect(readdirSync(join(out, '.hashpivot'))).toEqual(['manifest.json']);
    const files = readdirSync(out);
    expect(files).toContain('notes.txt');
    expect(files).toContain('summary.json');
  });
});

describe('--target-se', () => {
  it('runs until every strategy\'s mean NPV has a standard error at or below the target, under the cap', () => {
    const out = join(freshDir(), 'results');
    const target = 4_000_000;
    const r = cli(['run', 'smoke', '--trials', '100000', '--target-se', String(target), '--workers', '2', '--out', out, '--quiet']);
    expect(r.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.targetSeUsd).toBe(target);
    expect(summary.trials).toBeLessThan(100_000);
    for (const s of summary.strategies) expect(s.metrics.npvUsd.standardError).toBeLessThanOrEqual(target);
    expect(summary.maxNpvStandardErrorUsd).toBeLessThanOrEqual(target);
  });

  it('stops at the trial cap when the target is out of reach, and says so', async () => {
    const run = await runScenario(loadScenario('smoke'), { trials: 1500, targetSeUsd: 1, workers: 0 });
    expect(run.trials).toBe(1500);
    expect(buildSummary(run).maxNpvStandardErrorUsd).toBeGreaterThan(1);
  });

  it('gives the same result for any worker count (batches are whole trial ranges)', async () => {
    const a = await runScenario(loadScenario('smoke'), { trials: 20_000, targetSeUsd: 5_000_000, workers: 0, seed: 5 });
    const b = await runScenario(loadScenario('smoke'), { trials: 20_000, targetSeUsd: 5_000_000, workers: 2, chunkTrials: 333, seed: 5 });
    expect(b.trials).toBe(a.trials);
    expect(JSON.stringify(buildSummary(b))).toBe(JSON.stringify(buildSummary(a)));
  });
});

describe('lanes (one per worker, claiming slices from a shared counter)', () => {
  it('split a batch between them however their turns interleave, each trial written at its own index', () => {
    const scenario = loadScenario('smoke');
    const strategies = scenario.strategies.length;
    const laneTask = (outcomes: ReturnType<typeof createOutcomeBlock>, nextTrial: Int32Array, sliceTrials: number, maxTrials?: number): LaneTask => ({
      scenario, inputs: {}, scenarioKey: 'lanes-test', kernelKey: 'lanes-test', seed: 7, nextTrial, batchEnd: 300, sliceTrials, outcomes, sketch: null, runToken: 0,
      collectBands: true, trialsDone: new Int32Array(new SharedArrayBuffer(4)), maxTrials,
    });
    const alone = createOutcomeBlock(0, 300, strategies, true);
    const aloneResult = runLane(laneTask(alone, new Int32Array(new SharedArrayBuffer(4)), 300));
    expect(aloneResult.exhausted).toBe(true);

    // Two lanes taking turns, 40 trials at a time in slices of 17: neither sees the whole batch.
    const shared = createOutcomeBlock(0, 300, strategies, true);
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const sketch = new BandSketch(new TrialKernel(compileModel(scenario)).model.bands, scenario.horizonMonths);
    const whole = new BandSketch(sketch.series, sketch.months);
    whole.mergeSparse(aloneResult.bands);
    let finished = 0;
    while (finished < 2) {
      const result = runLane(laneTask(shared, counter, 17, 40));
      if (result.exhausted) {
        finished++;
        sketch.mergeSparse(result.bands);
      }
    }
    expect(shared.strategy).toEqual(alone.strategy);
    expect(shared.market).toEqual(alone.market);
    expect(sketch.counts).toEqual(whole.counts);
  });
});

describe('a worker thread', () => {
  it('never detaches a buffer: V8 would drop its optimised code and slow every later lane', async () => {
    // Two runs on one pool, the second with an outcome sketch: every array a lane hands back.
    const script = `
      const { loadScenario, runScenario } = await import(${JSON.stringify(join(ROOT, 'dist', 'index.js'))});
      const { poolExecutor } = await import(${JSON.stringify(join(ROOT, 'dist', 'runners', 'pool.js'))});
      const executor = poolExecutor(2);
      const scenario = loadScenario('smoke');
      await runScenario(scenario, { trials: 400, seed: 1, executor });
      await runScenario(scenario, { trials: 400, seed: 2, executor, outcomes: 'sketch' });
      await executor.close();
      process.stdout.write('done');`;
    const child = spawn(process.execPath, ['--trace-protector-invalidation', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr.slice(0, 2000)).toBe(0);
    expect(stdout).toBe('done');
    expect(stdout + stderr).not.toMatch(/Invalidating protector cell ArrayBufferDetaching/);
  });
});
