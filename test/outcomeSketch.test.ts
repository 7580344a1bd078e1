// --outcomes sketch: exact sums that do not depend on the order or the pieces, a sketch state that
// survives its byte form bit for bit, a summary within the stated error of the one computed from
// every trial's row, and the same bytes whatever the lanes and shards.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSums } from '../engine/exactSum.js';
import { BandSketch } from '../engine/bandSketch.js';
import { decodeSketchState, encodeSketchState, OUTCOME_SUB_BITS } from '../engine/outcomeSketch.js';
import { loadScenario } from '../scenarios/load.js';
import { runScenario } from '../runners/run.js';
import { buildSummary } from '../outputs/summary.js';
import { PERCENTILE_LEVELS, type MetricSummary } from '../outputs/statistics.js';
import { strategyColumn } from '../engine/outcomes.js';
import { readParquet } from '../outputs/parquet.js';
import { cli, freshDir } from './cliHarness.js';

/** A double as an exact multiple of 2^-1074. */
const exact = (x: number) => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const mantissa = (bits & ((1n << 52n) - 1n)) | (exponent === 0 ? 0n : 1n << 52n);
  const scaled = mantissa << BigInt(exponent === 0 ? 0 : exponent - 1);
  return bits >> 63n ? -scaled : scaled;
};

const anyDouble = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -1e9, max: 1e9, noNaN: true }),
  fc.constantFrom(5e-324, -5e-324, 1e300, -1e300, 0, -0, 2 ** 53, 1, -1),
);

describe('exact sums', () => {
  it('give the same bits in any order and any split into merged pieces, within one rounding of the exact sum', () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { minLength: 1, maxLength: 200 }), fc.nat(), (values, seed) => {
        const whole = new ExactSums(1);
        for (const x of values) whole.add(0, x);
        // Reversed, and split in two pieces merged together.
        const cut = seed % (values.length + 1);
        const left = new ExactSums(1);
        const right = new ExactSums(1);
        [...values].reverse().forEach((x, i) => (i < cut ? left : right).add(0, x));
        left.merge(right.limbs, right.infinities);
        expect(Object.is(left.value(0), whole.value(0))).toBe(true);
        // Against the exact rational sum: within half an ulp of it, or one rounding step.
        const sum = values.reduce((acc, x) => acc + exact(x), 0n);
        const got = whole.value(0);
        if (Number.isFinite(got)) {
          const error = exact(got) - sum;
          const ulp = exact(Math.max(Number.MIN_VALUE, Math.abs(got) * Number.EPSILON));
          expect(error < 0n ? -error : error).toBeLessThanOrEqual(ulp);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sums a total that cancels to nothing (1e300 - 1e300 + 1) exactly, where doubles lose the 1', () => {
    const sums = new ExactSums(1);
    for (const x of [1e300, 1, -1e300]) sums.add(0, x);
    expect(sums.value(0)).toBe(1);
    expect(1e300 + 1 - 1e300).toBe(0);
  });

  it('keeps infinities apart: +Inf and -Inf make NaN in any order; NaN is ignored', () => {
    const sums = new ExactSums(2);
    for (const x of [Infinity, 3, NaN]) sums.add(0, x);
    for (const x of [-Infinity, Infinity, 2]) sums.add(1, x);
    expect(sums.value(0)).toBe(Infinity);
    expect(sums.value(1)).toBeNaN();
  });

  it('stays exact past the additions a limb can take before carrying (2^19)', () => {
    const sums = new ExactSums(1);
    const n = (1 << 19) + 12_345;
    for (let i = 0; i < n; i++) sums.add(0, 4294967295.5);
    expect(sums.value(0)).toBe(n * 4294967295.5);
  });
});

describe('the outcome sketch state', () => {
  it('survives its byte form bit for bit, -0 and infinities included', async () => {
    const run = await runScenario(loadScenario('smoke'), { trials: 200, workers: 0, outcomes: 'sketch' });
    const state = run.sketch!.take();
    state.extremes[0] = -0;
    const back = decodeSketchState(encodeSketchState(state));
    for (const key of ['counts', 'extremes', 'limbs', 'infinities'] as const) expect(Buffer.from(back[key].buffer).equals(Buffer.from(state[key].buffer))).toBe(true);
    expect([...back.sketch.indices]).toEqual([...state.sketch.indices]);
    expect([...back.sketch.counts]).toEqual([...state.sketch.counts]);
    expect(() => decodeSketchState(encodeSketchState(state).subarray(0, 100))).toThrow(/truncated or damaged|HPSK/);
    // A sketch of format 1 (six metrics a strategy, before stop 32's terminal value) says who wrote it.
    const older = encodeSketchState(state);
    new DataView(older.buffer).setUint32(4, 1, true);
    expect(() => decodeSketchState(older)).toThrow('outcome sketch format 1, written by an older hashpivot; this one reads format 2');
  });

  it('keeps every percentile, VaR and interval bound between the exact min and max: a one-trial run reads its one value', async () => {
    const one = buildSummary(await runScenario(loadScenario('smoke'), { trials: 1, workers: 0, outcomes: 'sketch' }));
    for (const strategy of one.strategies) {
      for (const m of Object.values(strategy.metrics)) {
        if (!m || m.min === null) continue;
        for (const x of [...Object.values(m.percentiles), m.var5]) expect(x).toBe(m.min);
        expect(m.max).toBe(m.min);
      }
    }
  });

  it('reads the sum of the k smallest values as the sketch spreads them (evenly within each bin)', () => {
    const sketch = new BandSketch([{ name: 'x', unit: 1, signed: true }], 1, OUTCOME_SUB_BITS);
    const values = Array.from({ length: 1000 }, (_, i) => (i - 300) * 1234.5);
    for (const x of values) sketch.add(0, 0, x);
    const k = 57;
    let direct = 0;
    for (let r = 0; r < k; r++) direct += sketch.valueAtRank(0, 0, r);
    const { sum } = sketch.smallest(0, 0, k);
    expect(Math.abs(sum - direct)).toBeLessThan(1e-6 * Math.abs(direct));
    const truth = values.slice(0, k).reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - truth)).toBeLessThan((2 ** -OUTCOME_SUB_BITS) * (Math.abs(truth) + k));
  });
});

describe('a run with --outcomes sketch', async () => {
  const scenario = loadScenario('base');
  const options = { trials: 3000, seed: 9, workers: 2 };
  const rowRun = await runScenario(scenario, options);
  const rows = buildSummary(rowRun);
  const sketched = await runScenario(scenario, { ...options, outcomes: 'sketch' });
  const summary = buildSummary(sketched);
  const error = 2 ** -OUTCOME_SUB_BITS;

  it('keeps no per-trial rows', () => {
    expect(sketched.outcomes.trialCount).toBe(0);
    expect(sketched.trials).toBe(3000);
    expect(summary.outcomes?.mode).toBe('sketch');
    expect(rows.outcomes).toBeUndefined();
  });

  it('gives counts, probabilities, min and max exactly as the rows do', () => {
    for (const [s, strategy] of summary.strategies.entries()) {
      const exact = rows.strategies[s];
      expect(strategy.pNpvNegative).toEqual(exact.pNpvNegative);
      expect(strategy.pRuin).toEqual(exact.pRuin);
      expect(strategy.ruinByMonth).toEqual(exact.ruinByMonth);
      // Conversion months are whole: their counts, shares and median are the rows' exactly.
      expect(strategy.switching, strategy.name).toEqual(exact.switching);
      expect(strategy.funding.pExceedsOwnFunds).toEqual(exact.funding.pExceedsOwnFunds);
      expect([strategy.funding.peakUsd.definedCount, strategy.funding.peakUsd.max]).toEqual([exact.funding.peakUsd.definedCount, exact.funding.peakUsd.max]);
      for (const metric of Object.keys(strategy.metrics) as (keyof typeof strategy.metrics)[]) {
        const [a, b] = [strategy.metrics[metric]!, exact.metrics[metric]!];
        expect([a.count, a.definedCount, a.min, a.max]).toEqual([b.count, b.definedCount, b.min, b.max]);
      }
    }
    for (const [p, pair] of summary.pairs.entries()) {
      expect([pair.npvUsd.definedPairCount, pair.npvUsd.pABeatsB]).toEqual([rows.pairs[p].npvUsd.definedPairCount, rows.pairs[p].npvUsd.pABeatsB]);
    }
    expect(summary.halving.pWithinHorizon).toEqual(rows.halving.pWithinHorizon);
  });

  it('gives means, sds and paired differences from exact sums (to rounding), and the convergence points', () => {
    const close = (a: number | null, b: number | null) => expect(Math.abs(a! - b!)).toBeLessThanOrEqual(1e-9 * Math.abs(b!) + 1e-12);
    for (const [s, strategy] of summary.strategies.entries()) {
      const exact = rows.strategies[s];
      close(strategy.metrics.npvUsd.mean, exact.metrics.npvUsd.mean);
      close(strategy.metrics.npvUsd.sd, exact.metrics.npvUsd.sd);
      expect(strategy.convergence.map((c) => c.trials)).toEqual(exact.convergence.map((c) => c.trials));
      strategy.convergence.forEach((c, i) => close(c.mean, exact.convergence[i].mean));
    }
    summary.pairs.forEach((pair, p) => close(pair.npvUsd.meanDifference, rows.pairs[p].npvUsd.meanDifference));
  });

  it('reads every percentile and VaR within the stated error (|x| + unit) / 1024 of the rows\' own (type 7, linear between the order statistics either side of its rank); CVaR within 1%', () => {
    const units: Record<string, number> = { npvUsd: 1, irr: 1e-6, paybackMonth: 1e-3, minCashUsd: 1, btcMined: 1e-6, revenueUsdPerKwh: 1e-6, terminalPvUsd: 1 };
    for (const [s, strategy] of summary.strategies.entries()) {
      for (const [metric, unit] of Object.entries(units)) {
        const key = metric as keyof typeof strategy.metrics;
        const sorted = strategyColumn(rowRun.outcomes, s, key).filter((x) => x === x).sort();
        const a: MetricSummary = strategy.metrics[key]!;
        if (sorted.length === 0) {
          // A metric that never exists for this strategy (no IRR root, say): nothing to read, in both.
          expect([a.percentiles.p50, a.var5, a.cvar5]).toEqual([null, null, null]);
          continue;
        }
        const levels = { ...PERCENTILE_LEVELS, var5: PERCENTILE_LEVELS.p5 };
        for (const [name, q] of Object.entries(levels)) {
          const got = name === 'var5' ? a.var5! : a.percentiles[name as keyof typeof a.percentiles]!;
          const rank = q * (sorted.length - 1);
          const lo = sorted[Math.floor(rank)];
          const hi = sorted[Math.ceil(rank)];
          const exactValue = lo + (rank - Math.floor(rank)) * (hi - lo);
          // Each order statistic is read within the error; the interpolation between them keeps it.
          expect(Math.abs(got - exactValue), `${strategy.name} ${metric} ${name}: ${got} against ${exactValue}`).toBeLessThanOrEqual(error * (Math.max(Math.abs(lo), Math.abs(hi)) + unit) + 1e-12);
        }
        const exactCvar = rows.strategies[s].metrics[key]!.cvar5!;
        // CVaR also depends on which values count as the tail (to the sketch's resolution at VaR):
        // within 1% here (the worst seen, 0.35%, for a strategy's BTC mined, whose values crowd near VaR).
        expect(Math.abs(a.cvar5! - exactCvar), `${strategy.name} ${metric} cvar5`).toBeLessThanOrEqual(0.01 * Math.abs(exactCvar) + 2 * error * unit);
      }
    }
  });

  it('gives the same bytes on any number of lanes and shards (CLI: 1 lane, 2 workers, 3 shards merged); report and compare read the sketch', async () => {
    const dir = freshDir();
    const run = (out: string, extra: string[]) => {
      const r = cli(['run', 'smoke', '--trials', '900', '--seed', '4', '--outcomes', 'sketch', '--out', join(dir, out), '--quiet', ...extra]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    };
    run('one', ['--workers', '0']);
    run('two', ['--workers', '2', '--chunk-trials', '77']);
    for (const i of [1, 2, 3]) run(`s${i}`, ['--workers', '1', '--shard', `${i}/3`]);
    expect(cli(['merge', join(dir, 's3'), join(dir, 's1'), join(dir, 's2'), '--out', join(dir, 'merged'), '--quiet']).status).toBe(0);
    const bytes = (name: string, file: string) => readFileSync(join(dir, name, file));
    for (const file of ['summary.json', 'report.html', 'paths.csv']) {
      expect(bytes('two', file).equals(bytes('one', file)), `${file}, 2 workers`).toBe(true);
      expect(bytes('merged', file).equals(bytes('one', file)), `${file}, 3 shards`).toBe(true);
    }
    expect(() => readFileSync(join(dir, 'one', 'trials.csv'))).toThrow(/ENOENT/);
    // A shard whose sketch does not hold its trials, or holds a count that is no count, is refused by name.
    const sketchFile = join(dir, 's1', 'sketch.bin');
    const state = decodeSketchState(readFileSync(sketchFile));
    for (const [damage, message] of [[0, /holds 0 trials; shard 1\/3 has 300/], [0.5, /holds 0\.5 trials/]] as const) {
      const damaged = { ...state, counts: state.counts.slice() };
      damaged.counts.fill(damage, 0, damaged.counts.length);
      writeFileSync(sketchFile, encodeSketchState(damaged));
      const merge = cli(['merge', join(dir, 's1'), join(dir, 's2'), join(dir, 's3'), '--out', join(dir, 'bad')]);
      expect(merge.status).toBe(1);
      expect(merge.stderr).toMatch(message);
    }
    // report rebuilds from the folder's sketch.bin the report the run wrote, byte for byte.
    expect(cli(['report', join(dir, 'one'), '--out', join(dir, 're')]).status).toBe(0);
    for (const file of ['report.html', 'paths.csv']) expect(bytes('re', file).equals(bytes('one', file)), `report ${file}`).toBe(true);
    // compare reads a sketch folder: its NPV histogram off the sketch, its mean change against a run
    // of the same numbers unpaired (no rows to pair), and says so.
    const rows = join(dir, 'rows');
    expect(cli(['run', 'smoke', '--trials', '900', '--seed', '4', '--workers', '1', '--out', rows, '--quiet']).status).toBe(0);
    const compared = cli(['compare', rows, join(dir, 'one'), '--out', join(dir, 'cmp')]);
    expect(compared.stderr).toBe('');
    expect(compared.status).toBe(0);
    const page = readFileSync(join(dir, 'cmp', 'compare.html'), 'utf8');
    expect(page).toContain('B: the same random numbers as A, but B kept no per-trial rows (--outcomes sketch), so the change cannot be paired trial by trial');
    expect(page).toContain('outcome sketch (--outcomes sketch: percentiles and histogram from the sketch, no per-trial rows)');
    // The same bins for both: a trial lands in another bin off the sketch only if it lies within the
    // sketch's error, (|x| + $1) / 1024, of a bin edge.
    const chart = JSON.parse(readFileSync(join(dir, 'cmp', 'charts', 'compare-npv.vl.json'), 'utf8')) as { data: { values: { run: string; strategy: string; x: number; share: number }[] } };
    const npvRows = await readParquet(join(rows, 'trials.parquet'));
    for (const strategy of ['stay', 'convert-now', 'hybrid-50', 'trigger-30']) {
      const bins = chart.data.values.filter((v) => v.strategy === strategy);
      const a = bins.filter((v) => v.run === 'A: rows');
      const b = bins.filter((v) => v.run === 'B: one');
      expect(b).toHaveLength(a.length);
      const step = (a[1].x - a[0].x) * 1e6;
      const edges = [...a.map((v) => v.x * 1e6 - step / 2), a[a.length - 1].x * 1e6 + step / 2];
      const values = npvRows.columns.get(`${strategy}.npvUsd`) as Float64Array;
      const nearEdge = values.filter((x) => edges.some((e) => Math.abs(x - e) <= (Math.abs(x) + 1) / 1024 + 1e-6 * step)).length;
      const moved = a.reduce((sum, v, i) => sum + Math.abs(Math.round(v.share * 900) - Math.round(b[i].share * 900)), 0);
      expect(moved, strategy).toBeLessThanOrEqual(2 * nearEdge);
    }
    // A sketch.bin that is not the summary's is refused by name.
    writeFileSync(join(dir, 'one', 'sketch.bin'), readFileSync(join(dir, 's1', 'sketch.bin')));
    const damaged = cli(['report', join(dir, 'one'), '--out', join(dir, 're2')]);
    expect(damaged.status).toBe(1);
    expect(damaged.stderr).toMatch(/sketch\.bin (is not the outcome sketch of this summary\.json|was changed after hashpivot wrote it)/);
  });

  it('supersedes the rows an earlier run left in the folder, and rows a sketch', () => {
    const out = join(freshDir(), 'results');
    expect(cli(['run', 'smoke', '--trials', '200', '--out', out, '--quiet']).status).toBe(0);
    expect(existsSync(join(out, 'trials.csv'))).toBe(true);
    expect(cli(['run', 'smoke', '--trials', '200', '--outcomes', 'sketch', '--out', out, '--quiet']).status).toBe(0);
    expect(existsSync(join(out, 'trials.csv')) || existsSync(join(out, 'trials.parquet'))).toBe(false);
    expect(existsSync(join(out, 'sketch.bin'))).toBe(true);
    expect(cli(['run', 'smoke', '--trials', '200', '--out', out, '--quiet']).status).toBe(0);
    expect(existsSync(join(out, 'sketch.bin'))).toBe(false);
  });

  it('refuses --target-se and an unknown --outcomes, naming the flag', () => {
    expect(cli(['run', 'smoke', '--outcomes', 'sketch', '--target-se', '1000']).stderr).toMatch(/--target-se needs the per-trial rows/);
    const bad = cli(['run', 'smoke', '--outcomes', 'rows']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--outcomes must be trials .* or sketch/);
  });
});
