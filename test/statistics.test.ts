import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cvar5StandardError,
  logSpacedCounts,
  meanAndStandardError,
  pairedDifference,
  quantileInterval95,
  runningMeanConvergence,
  shareBelow,
  shareWhere,
  summarizeMetric,
  type MetricSummary,
} from '../outputs/statistics.js';
import { lnGamma, regularizedIncompleteBeta } from '../outputs/incompleteBeta.js';
import { buildSummary } from '../outputs/summary.js';
import { summarizePoint } from '../outputs/pointSummary.js';
import { runScenario } from '../runners/run.js';
import { loadScenario } from '../scenarios/load.js';
import { mulberry32 as mulberry32Words } from './mulberry32.js';
import { cli, freshDir } from './cliHarness.js';
import { formatUsdMillions, strategyTable, type StrategyTableRow } from '../outputs/table.js';
import { fundingSummary } from '../outputs/summary.js';
import { formatShare, fundingText, irrText, paybackText, ruinWithFundingText } from '../outputs/reportText.js';

/** Uniforms on [0, 1) from mulberry32's words (Box-Muller below turns them into normals). */
function mulberry32(seed: number): () => number {
  const next = mulberry32Words(seed);
  return () => next() / 4294967296;
}


function normals(n: number, seed: number, meanValue = 0, sd = 1): Float64Array {
  const uniform = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - uniform())); // 1 - u in (0, 1]: no log(0)
    const angle = 2 * Math.PI * uniform();
    out[i] = meanValue + sd * radius * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = meanValue + sd * radius * Math.sin(angle);
  }
  return out;
}

const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
/** Φ⁻¹(0.05) (scipy.stats.norm.ppf(0.05)). */
const Z05 = -1.6448536269514729;
/** Φ⁻¹(0.975). */
const Z_975 = 1.959963984540054;
/** Asymptotic SE of the type-7 quantile at level p of N(0,1): sqrt(p(1-p)/n) / φ(z_p). */
const quantileSe = (p: number, z: number, n: number) => Math.sqrt((p * (1 - p)) / n) / phi(z);

function expectWithin(actual: number | null, expected: number, standardErrors: number, se: number) {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(standardErrors * se);
}

describe('summarizeMetric on a large N(0,1) sample', () => {
  const n = 1_000_000;
  const values = normals(n, 20240501);
  const summary = summarizeMetric(values);

  it('counts every value as defined', () => {
    expect(summary.count).toBe(n);
    expect(summary.definedCount).toBe(n);
  });

  it('has mean within 4 SE of 0, SE = sd/sqrt(n), sd within 4 SE of 1', () => {
    expectWithin(summary.mean, 0, 4, 1 / Math.sqrt(n));
    expect(summary.standardError).toBeCloseTo((summary.sd as number) / Math.sqrt(n), 15);
    // SE of the sample sd of a normal ≈ σ / sqrt(2n).
    expectWithin(summary.sd, 1, 4, 1 / Math.sqrt(2 * n));
  });

  it('has p50, p5, p95 within 4 SE of the exact quantiles', () => {
    expectWithin(summary.percentiles.p50, 0, 4, quantileSe(0.5, 0, n));
    expectWithin(summary.percentiles.p5, Z05, 4, quantileSe(0.05, Z05, n));
    expectWithin(summary.percentiles.p95, -Z05, 4, quantileSe(0.95, -Z05, n));
    expect(summary.var5).toBe(summary.percentiles.p5);
  });

  it('has cvar5 within 4 SE of the closed form -φ(1.645)/0.05 = -2.0627', () => {
    const exact = -phi(Z05) / 0.05;
    expect(exact).toBeCloseTo(-2.0627128075074253, 12);
    // Asymptotic variance of the expected-shortfall estimator at level α:
    // [Var(X | X ≤ q) + (1 - α)(ES - q)²] / (α n); for the normal tail below q,
    // E[X² | X ≤ q] = 1 + q·ES.
    const alpha = 0.05;
    const tailVariance = 1 + Z05 * exact - exact * exact;
    const se = Math.sqrt((tailVariance + (1 - alpha) * (exact - Z05) ** 2) / (alpha * n));
    expectWithin(summary.cvar5, exact, 4, se);
  });

  it('orders its percentiles and bounds them by min and max', () => {
    const p = summary.percentiles;
    const ordered = [summary.min, p.p1, p.p5, p.p10, p.p25, p.p50, p.p75, p.p90, p.p95, p.p99, summary.max];
    for (let i = 1; i < ordered.length; i++) expect(ordered[i] as number).toBeGreaterThanOrEqual(ordered[i - 1] as number);
  });

  it('leaves its input untouched (sorts a copy)', () => {
    expect(values.slice(0, 1000)).toEqual(normals(1000, 20240501));
  });
});

describe('summarizeMetric on small arrays (type-7 quantiles computed by hand, as NumPy does)', () => {
  it('[1, 2, 3, 4]', () => {
    const s = summarizeMetric(new Float64Array([4, 1, 3, 2]));
    // idx = (n - 1)·p, linear interpolation between order statistics.
    expect(s.percentiles.p1).toBeCloseTo(1.03, 12);
    expect(s.percentiles.p5).toBeCloseTo(1.15, 12);
    expect(s.percentiles.p10).toBeCloseTo(1.3, 12);
    expect(s.percentiles.p25).toBe(1.75);
    expect(s.percentiles.p50).toBe(2.5);
    expect(s.percentiles.p75).toBe(3.25);
    expect(s.percentiles.p90).toBeCloseTo(3.7, 12);
    expect(s.percentiles.p95).toBeCloseTo(3.85, 12);
    expect(s.percentiles.p99).toBeCloseTo(3.97, 12);
    expect(s.mean).toBe(2.5);
    // sample sd = sqrt(((1.5² + 0.5²)·2) / 3) = sqrt(5/3)
    expect(s.sd).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(s.standardError).toBeCloseTo(Math.sqrt(5 / 3) / 2, 14);
    expect(s.min).toBe(1);
    expect(s.max).toBe(4);
    // var5 = 1.15: only the value 1 is at or below it.
    expect(s.cvar5).toBe(1);
  });

  it('[3, -1, 7, 2, 10]: var5 and cvar5', () => {
    const s = summarizeMetric(new Float64Array([3, -1, 7, 2, 10]));
    // sorted [-1, 2, 3, 7, 10]; p5 idx 0.2 -> -1 + 0.2·3 = -0.4
    expect(s.var5).toBeCloseTo(-0.4, 14);
    expect(s.cvar5).toBe(-1);
    expect(s.percentiles.p25).toBe(2);
    expect(s.percentiles.p99).toBeCloseTo(9.88, 12);
  });

  it('1..100: cvar5 is the mean of the values at or below var5', () => {
    const s = summarizeMetric(Float64Array.from({ length: 100 }, (_, i) => 100 - i));
    // idx 99·0.05 = 4.95 -> 5.95; values 1..5 -> mean 3
    expect(s.var5).toBeCloseTo(5.95, 12);
    expect(s.cvar5).toBe(3);
  });

  it('counts ties at var5 in the tail', () => {
    const s = summarizeMetric(new Float64Array([0, 0, 0, 5, 5]));
    expect(s.var5).toBe(0);
    expect(s.cvar5).toBe(0);
  });

  it('a single value: every quantile is that value, sd and SE are null', () => {
    const s = summarizeMetric(new Float64Array([7]));
    expect(s.definedCount).toBe(1);
    expect(Object.values(s.percentiles)).toEqual(Array(9).fill(7));
    expect(s.mean).toBe(7);
    expect(s.sd).toBeNull();
    expect(s.standardError).toBeNull();
    expect(s.cvar5).toBe(7);
  });
});

describe('summarizeMetric with absent values (NaN)', () => {
  it('excludes NaN from every statistic and counts it in count only', () => {
    const s = summarizeMetric(new Float64Array([NaN, 4, 1, NaN, 3, 2, NaN]));
    const reference = summarizeMetric(new Float64Array([1, 2, 3, 4]));
    expect(s.count).toBe(7);
    expect(s.definedCount).toBe(4);
    expect({ ...s, count: 4 }).toEqual(reference);
  });

  it('is all null (never NaN) when nothing is defined, and survives JSON', () => {
    for (const values of [new Float64Array([NaN, NaN]), new Float64Array(0)]) {
      const s = summarizeMetric(values);
      expect(s.count).toBe(values.length);
      expect(s.definedCount).toBe(0);
      for (const key of ['mean', 'standardError', 'sd', 'min', 'max', 'var5', 'cvar5'] as const) expect(s[key]).toBeNull();
      expect(Object.values(s.percentiles).every((v) => v === null)).toBe(true);
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    }
  });

  it('never emits NaN in JSON for a sample with NaN', () => {
    const values = normals(1001, 7);
    for (let i = 0; i < values.length; i += 3) values[i] = NaN;
    const json = JSON.stringify(summarizeMetric(values));
    expect(json).not.toContain('NaN');
    expect(json).not.toContain('null');
  });
});

describe('meanAndStandardError: null where there is no mean or no standard error, never Infinity or NaN', () => {
  it('agrees with summarizeMetric, null and all', () => {
    for (const values of [[], [NaN], [5], [NaN, 5], [1, 3], [1, NaN, 3, 8]]) {
      const a = meanAndStandardError(Float64Array.from(values));
      const b = summarizeMetric(Float64Array.from(values));
      expect(a.definedCount).toBe(b.definedCount);
      expect(a.mean).toBe(b.mean);
      if (a.standardError === null || b.standardError === null) expect(a.standardError).toBe(b.standardError);
      else expect(a.standardError).toBeCloseTo(b.standardError, 12);
    }
    expect(meanAndStandardError(Float64Array.from([5]))).toEqual({ mean: 5, standardError: null, definedCount: 1 });
    // sd of (1, 3) is sqrt(2), over sqrt(2): 1.
    expect(meanAndStandardError(Float64Array.from([1, 3])).standardError).toBeCloseTo(1, 15);
  });

  it('one trial: a run (with a target SE too) and a study point hold null standard errors, and their files are written', async () => {
    const one = await runScenario(loadScenario('smoke'), { trials: 1, seed: 3, workers: 0, targetSeUsd: 1e6 });
    expect(one.maxNpvStandardErrorUsd).toBeNull();
    expect(buildSummary(one).maxNpvStandardErrorUsd).toBeNull();
    const point = summarizePoint(one.outcomes, one.scenario.strategies.map((s) => s.name));
    expect(point.strategies.every((s) => s.npvSeUsd === null && Number.isFinite(s.btcMinedMean))).toBe(true);

    const dir = freshDir();
    const run = cli(['run', 'smoke', '--trials', '1', '--swing-trials', '0', '--out', join(dir, 'run'), '--quiet']);
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'run', 'summary.json'), 'utf8'));
    expect(summary.maxNpvStandardErrorUsd).toBeNull();
    expect(summary.strategies[0].metrics.npvUsd.standardError).toBeNull();
    const study = cli(['study', 'base-tornado', '--trials', '1', '--out', join(dir, 'study'), '--yes']);
    expect(study.status, study.stderr).toBe(0);
    expect(readFileSync(join(dir, 'study', 'study.json'), 'utf8')).toContain('"trials": 1');
    // What it says it wrote is what the README's table lists.
    expect(study.stdout).toMatch(/\nWrote .*study\/study\.html, study\.duckdb, study\.json, points\/\*\.parquet and charts\/\n$/);
  });
});

describe('shareBelow and shareWhere', () => {
  it('counts NaN as not below, over ALL trials, with the binomial SE', () => {
    const r = shareBelow(new Float64Array([1, 2, NaN, -1]), 0);
    expect(r.p).toBe(0.25);
    expect(r.standardError).toBeCloseTo(Math.sqrt((0.25 * 0.75) / 4), 15);
    // strictly below
    expect(shareBelow(new Float64Array([0, 0, 1]), 0).p).toBe(0);
  });

  it('P(X < -1) of N(0,1) is within 4 SE of Φ(-1)', () => {
    const n = 200_000;
    const r = shareBelow(normals(n, 99), -1);
    const exact = 0.15865525393145707;
    expect(r.standardError).toBeCloseTo(Math.sqrt((exact * (1 - exact)) / n), 5);
    expectWithin(r.p, exact, 4, r.standardError as number);
  });

  it('shareWhere is the mean of 0/1 flags, NaN counting as 0', () => {
    const r = shareWhere(new Float64Array([0, 1, 1, 0, NaN]));
    expect(r.p).toBe(0.4);
    expect(r.standardError).toBeCloseTo(Math.sqrt((0.4 * 0.6) / 5), 15);
    expect(shareWhere(new Float64Array([0, 0])).standardError).toBe(0);
  });

  it('shareWhere rejects a value that is not a flag, naming trial and value', () => {
    expect(() => shareWhere(new Float64Array([0, 1, 0.5]))).toThrow(/trial 2 has 0.5/);
  });

  it('is null on no trials', () => {
    expect(shareBelow(new Float64Array(0), 0)).toEqual({ p: null, standardError: null });
    expect(shareWhere(new Float64Array(0))).toEqual({ p: null, standardError: null });
  });
});

describe('pairedDifference', () => {
  it('identical arrays: every pair ties, p = 0.5 exactly, difference 0 with SE 0', () => {
    const a = normals(1000, 3);
    const r = pairedDifference(a, a.slice());
    expect(r).toEqual({
      definedPairCount: 1000,
      pABeatsB: 0.5,
      pABeatsBStandardError: 0,
      meanDifference: 0,
      standardError: 0,
      ci95: [0, 0],
    });
  });

  it('a = b + 1: a always wins, mean difference 1', () => {
    const b = normals(1000, 4);
    const a = b.map((x) => x + 1);
    const r = pairedDifference(a, b);
    expect(r.pABeatsB).toBe(1);
    expect(r.pABeatsBStandardError).toBe(0);
    expect(r.meanDifference).toBeCloseTo(1, 12);
    expect(r.standardError).toBeLessThan(1e-12);
    expect(pairedDifference(b, a).pABeatsB).toBe(0);
  });

  it('hand-computed: wins, ties and losses, an absent pair left out', () => {
    const r = pairedDifference(new Float64Array([1, 2, 3, 4]), new Float64Array([2, 2, 1, NaN]));
    // pairs (1,2) (2,2) (3,1): scores 0, ½, 1; differences -1, 0, 2
    expect(r.definedPairCount).toBe(3);
    expect(r.pABeatsB).toBe(0.5);
    // Var(score) = E[s²] - p² = (0 + ¼ + 1)/3 - ¼ = 1/6
    expect(r.pABeatsBStandardError).toBeCloseTo(Math.sqrt(1 / 6 / 3), 15);
    expect(r.meanDifference).toBeCloseTo(1 / 3, 15);
    // sample var of (-1, 0, 2) = (16 + 1 + 25)/9 / 2 = 7/3; SE = sqrt(7/3 / 3)
    expect(r.standardError).toBeCloseTo(Math.sqrt(7 / 9), 15);
    const [lo, hi] = r.ci95 as [number, number];
    expect(lo).toBeCloseTo(1 / 3 - 1.959963984540054 * Math.sqrt(7 / 9), 14);
    expect(hi).toBeCloseTo(1 / 3 + 1.959963984540054 * Math.sqrt(7 / 9), 14);
  });

  it('independent N(√2, 1) vs N(0, 1): P(a > b) = Φ(1), difference √2, both within 4 SE', () => {
    const n = 200_000;
    const a = normals(n, 11, Math.SQRT2);
    const b = normals(n, 12);
    const r = pairedDifference(a, b);
    expectWithin(r.pABeatsB, 0.8413447460685429, 4, r.pABeatsBStandardError as number);
    expectWithin(r.meanDifference, Math.SQRT2, 4, r.standardError as number);
    // Var(a - b) = 2
    expect(r.standardError).toBeCloseTo(Math.sqrt(2 / n), 4);
    const [lo, hi] = r.ci95 as [number, number];
    expect(hi - lo).toBeCloseTo(2 * 1.959963984540054 * (r.standardError as number), 12);
  });

  it('rejects arrays of different lengths', () => {
    expect(() => pairedDifference(new Float64Array(3), new Float64Array(4))).toThrow(/3 trials, b has 4/);
  });

  it('is null, not NaN, with no defined pair', () => {
    const r = pairedDifference(new Float64Array([NaN]), new Float64Array([1]));
    expect(r.definedPairCount).toBe(0);
    expect(r.pABeatsB).toBeNull();
    expect(r.ci95).toBeNull();
    expect(JSON.stringify(r)).not.toContain('NaN');
  });
});

// The terminal table renders these summaries; its checks live here with them.
describe('strategyTable', () => {
  const summary = (values: number[]): MetricSummary => summarizeMetric(Float64Array.from(values));
  const row = (name: string, npvUsd: number[]): StrategyTableRow => ({
    name,
    npv: summary(npvUsd),
    irr: summary([0.1, 0.2, NaN, NaN]),
    payback: summary([NaN, NaN, NaN, NaN]),
    btcMined: summary([10, 20, 30, 40]),
    revenuePerKwh: summary([0.05, 0.06, 0.07, 0.08]),
    pNegative: 0.25,
    pRuin: 0.5,
    funding: fundingSummary(Float64Array.from([0, 10e6, 60e6, 80e6]), Float64Array.from([NaN, 3, 12, 14]), 50e6),
  });

  it('formats millions and absence', () => {
    expect(formatUsdMillions(12_345_678)).toBe('12.35');
    expect(formatUsdMillions(-1)).toBe('0.00');
    expect(formatUsdMillions(null)).toBe('n/a');
  });

  it('aligns one row per strategy with the stated columns', () => {
    const text = strategyTable([row('keep mining', [-2e6, 1e6, 3e6, 6e6]), row('AI hosting', [1e6, 2e6, 3e6, 4e6])]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^strategy\s+mean NPV ± SE \(\$M\)\s+p5 NPV/);
    expect(lines[0]).toContain('revenue $/kWh p50');
    expect(lines[1]).toMatch(/^-+( +-+)+$/);
    expect(lines[2]).toMatch(/^keep mining +2\.00 ± 1\.68 /);
    // IRR defined in half the trials: its median with the share; payback never: n/a with its share.
    expect(lines[2]).toContain('15.0% (in 50%)');
    expect(lines[2]).toContain('n/a (exists in 0%)');
    expect(lines[2]).toContain('0.0650');
    // Probabilities as the report writes them; P(ruin) with the funding need beside it (p50 / p95).
    expect(lines[2]).toMatch(/ 25%  +50%  +35\.0 \/ 77\.0 /);
    expect(lines[3]).toMatch(/^AI hosting /);
    expect(lines[4]).toMatch(/^P\(ruin\): runs out of cash without new funding .* against own funds \(cash and credit line\) of \$50\.0M\.$/);
    expect(lines[5]).toMatch(/^IRR \/ payback: the p50 over the trials where they exist/);
    // every column ends at the same place in header and rows
    expect(lines[2].length).toBe(lines[1].length);
    expect(lines[3].length).toBe(lines[1].length);
  });
});

// ---------------------------------------------------------------------------------------------
// Monte Carlo error of the summaries: interval coverage on a closed-form case, the special
// function behind the quantile intervals against independent computations, convergence data.

describe('regularizedIncompleteBeta (the order-statistic distribution behind the quantile intervals)', () => {
  /** P(Binomial(n, p) >= k), summed term by term: an independent computation of I_p(k, n - k + 1). */
  function binomialUpperTail(n: number, p: number, k: number): number {
    let sum = 0;
    for (let j = k; j <= n; j++) sum += Math.exp(lnGamma(n + 1) - lnGamma(j + 1) - lnGamma(n - j + 1) + j * Math.log(p) + (n - j) * Math.log1p(-p));
    return sum;
  }

  it.each([
    [20, 0.3, 5],
    [1000, 0.05, 40],
    [1000, 0.5, 480],
    [5000, 0.01, 60],
    [100_000, 0.95, 95_100],
  ])('I_p(k, n - k + 1) = P(Binomial(n = %i, p = %f) >= %i) to 1e-9', (n, p, k) => {
    expect(regularizedIncompleteBeta(p, k, n - k + 1)).toBeCloseTo(binomialUpperTail(n, p, k), 9);
  });

  it('has the closed forms I_x(1, b) = 1 - (1 - x)^b, I_x(a, 1) = x^a, I_1/2(a, a) = 1/2', () => {
    expect(regularizedIncompleteBeta(0.3, 1, 7.5)).toBeCloseTo(1 - 0.7 ** 7.5, 12);
    expect(regularizedIncompleteBeta(0.3, 2.5, 1)).toBeCloseTo(0.3 ** 2.5, 12);
    // At a = 5e5 the ln Γ terms (~6e6 each) cancel to ~1e-9 of rounding: 8 digits, not 10.
    for (const a of [0.5, 3.7, 250, 500_000]) expect(regularizedIncompleteBeta(0.5, a, a)).toBeCloseTo(0.5, 8);
  });

  it('lnGamma matches ln((n-1)!) and ln sqrt(pi)', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 13);
    expect(lnGamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 11);
    // ln(10^6 - 1)! from Stirling's series to 1e-6 (mpmath.loggamma(1e6) = 12815504.569147611).
    expect(lnGamma(1e6)).toBeCloseTo(12815504.569147611, 6);
  });
});

describe('Monte Carlo error of percentiles, VaR and CVaR', () => {
  // Closed-form case: N(0, 1), where the 5th percentile, the median and the 5% CVaR are known.
  // 400 replications of n = 1000: each interval should contain the truth in ~95% of them. The
  // number of replications covered is Binomial(400, 0.95) if the intervals are right, so the
  // tolerance is 4 of its standard errors: |coverage - 0.95| < 4 sqrt(0.95 · 0.05 / 400) = 0.0436.
  const replications = 400;
  const n = 1000;
  const tolerance = 4 * Math.sqrt((0.95 * 0.05) / replications);
  const exactCvar5 = -phi(Z05) / 0.05;
  let p5Covered = 0;
  let p50Covered = 0;
  let var5Covered = 0;
  let cvarCovered = 0;
  for (let r = 0; r < replications; r++) {
    const s = summarizeMetric(normals(n, 7_000 + r));
    const [p5lo, p5hi] = s.percentileCi95.p5 as [number, number];
    const [p50lo, p50hi] = s.percentileCi95.p50 as [number, number];
    const [vlo, vhi] = s.var5Ci95 as [number, number];
    if (p5lo <= Z05 && Z05 <= p5hi) p5Covered++;
    if (p50lo <= 0 && 0 <= p50hi) p50Covered++;
    if (vlo <= Z05 && Z05 <= vhi) var5Covered++;
    if (Math.abs((s.cvar5 as number) - exactCvar5) <= Z_975 * (s.cvar5StandardError as number)) cvarCovered++;
  }

  it(`the p5 and p50 intervals cover the true quantile at 95% ± ${tolerance.toFixed(4)} (400 samples of 1000 normals)`, () => {
    expect(Math.abs(p5Covered / replications - 0.95), `p5 covered ${p5Covered}/${replications}`).toBeLessThan(tolerance);
    expect(Math.abs(p50Covered / replications - 0.95), `p50 covered ${p50Covered}/${replications}`).toBeLessThan(tolerance);
    expect(var5Covered).toBe(p5Covered);
  });

  it(`cvar5 ± 1.96 SE (influence function) covers -phi(z_0.05)/0.05 at 95% ± ${tolerance.toFixed(4)}`, () => {
    expect(Math.abs(cvarCovered / replications - 0.95), `cvar5 covered ${cvarCovered}/${replications}`).toBeLessThan(tolerance);
  });

  it('the CVaR standard error equals the closed-form asymptotic one on 10^6 normals to 2%', () => {
    const s = summarizeMetric(normals(1_000_000, 20240501));
    const alpha = 0.05;
    const tailVariance = 1 + Z05 * exactCvar5 - exactCvar5 * exactCvar5;
    const exactSe = Math.sqrt((tailVariance + (1 - alpha) * (exactCvar5 - Z05) ** 2) / (alpha * 1_000_000));
    expect((s.cvar5StandardError as number) / exactSe).toBeGreaterThan(0.98);
    expect((s.cvar5StandardError as number) / exactSe).toBeLessThan(1.02);
    // A percentile interval's half-width is about 1.96 asymptotic SEs of the quantile.
    const [lo, hi] = s.percentileCi95.p50 as [number, number];
    expect((hi - lo) / 2 / (Z_975 * quantileSe(0.5, 0, 1_000_000))).toBeCloseTo(1, 1);
  });

  it('whole-rank case: the interval ends are the order statistics the binomial picks', () => {
    // n = 19, p = 0.5: I_0.5(u, 20 - u) = 0.975 at u = 5.5 or so: between X_(5) and X_(6).
    const sorted = Float64Array.from({ length: 19 }, (_, i) => i + 1);
    const [lo, hi] = quantileInterval95(sorted, 0.5) as [number, number];
    expect(lo).toBeGreaterThan(5);
    expect(lo).toBeLessThan(6.5);
    expect(hi).toBeCloseTo(20 - lo, 9); // symmetric for p = 0.5
    expect(regularizedIncompleteBeta(0.5, lo, 20 - lo)).toBeCloseTo(0.975, 7);
  });

  it('is null (never NaN) where the sample is too small for a 95% interval at that level', () => {
    const s = summarizeMetric(normals(50, 1));
    expect(s.percentileCi95.p1).toBeNull();
    expect(s.percentileCi95.p99).toBeNull();
    expect(s.percentileCi95.p50).not.toBeNull();
    expect(summarizeMetric(new Float64Array([7])).percentileCi95.p50).toBeNull();
    expect(summarizeMetric(new Float64Array([7])).cvar5StandardError).toBeNull();
    expect(quantileInterval95(new Float64Array(0), 0.5)).toBeNull();
    expect(cvar5StandardError(Float64Array.from([1, 2, 3]), 1.1, 1)).toBeNull();
    const json = JSON.stringify(summarizeMetric(normals(300, 2)));
    expect(json).not.toContain('NaN');
  });
});

describe('runningMeanConvergence', () => {
  it('takes ~30 log-spaced trial counts from 10 to n, strictly increasing, n last', () => {
    const counts = logSpacedCounts(10_000, 30);
    expect(counts).toHaveLength(30);
    expect(counts[0]).toBe(10);
    expect(counts[29]).toBe(10_000);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThan(counts[i - 1]);
    // Even in log: each step a factor 1000^(1/29) ~ 1.27 (rounding aside).
    expect(counts[15] / counts[14]).toBeCloseTo(1000 ** (1 / 29), 1);
    expect(logSpacedCounts(40, 30).at(-1)).toBe(40);
    expect(logSpacedCounts(5, 30)).toEqual([5]);
    expect(logSpacedCounts(0, 30)).toEqual([]);
  });

  it('ends at the sample mean with the band mean ± 1.96 SE; narrows as 1/sqrt(trials); skips NaN', () => {
    const values = normals(20_000, 5, 3, 2);
    const points = runningMeanConvergence(values);
    const last = points.at(-1)!;
    const s = summarizeMetric(values);
    expect(last.trials).toBe(20_000);
    expect(last.mean).toBeCloseTo(s.mean as number, 10);
    const [lo, hi] = last.ci95!;
    expect((hi - lo) / 2).toBeCloseTo(Z_975 * (s.standardError as number), 10);
    const first = points[0];
    const widthRatio = (first.ci95![1] - first.ci95![0]) / (hi - lo);
    expect(widthRatio).toBeGreaterThan(0.3 * Math.sqrt(20_000 / first.trials));
    expect(widthRatio).toBeLessThan(3 * Math.sqrt(20_000 / first.trials));
    values[0] = NaN;
    const withAbsent = runningMeanConvergence(values.subarray(0, 10));
    expect(withAbsent[0].mean).toBeCloseTo(summarizeMetric(values.subarray(1, 10)).mean as number, 12);
  });

  it('is in summary.json per strategy, over trials in index order, with no NaN', async () => {
    const run = await runScenario(loadScenario('smoke'), { trials: 400, seed: 3, workers: 0, chunkTrials: 150 });
    const summary = buildSummary(run);
    for (const strategy of summary.strategies) {
      expect(strategy.convergence.length).toBeGreaterThan(20);
      expect(strategy.convergence.at(-1)!.trials).toBe(400);
      expect(strategy.convergence.at(-1)!.mean).toBeCloseTo(strategy.metrics.npvUsd.mean as number, 0);
      expect(strategy.metrics.npvUsd.percentileCi95.p5).not.toBeNull();
      expect(strategy.metrics.npvUsd.cvar5StandardError).toBeGreaterThan(0);
    }
    expect(JSON.stringify(summary)).not.toMatch(/NaN|Infinity/);
  });
});

describe('outcome text: what could mislead, written one way everywhere', () => {
  const of = (values: number[]) => summarizeMetric(Float64Array.from(values));

  it('probabilities: whole percent, one decimal near 0 and 1, never 0.0% or 100.0% unless exact', () => {
    expect([0, 0.0004, 0.004, 0.25, 0.994, 0.9996, 1].map(formatShare)).toEqual(['0%', '<0.1%', '0.4%', '25%', '99.4%', '>99.9%', '100%']);
  });

  it('an IRR or payback median only where it exists in at least half of the trials; payback 0 is no outlay', () => {
    expect(irrText(of([0.1, 0.2, 0.3, NaN]))).toBe('20.0% (in 75%)');
    expect(irrText(of([0.1, NaN, NaN, NaN, NaN, NaN, NaN, NaN]))).toBe('n/a (exists in 13%)');
    // 1,999 of 2,000 is not all of them.
    expect(formatShare(1999 / 2000)).toBe('>99.9%');
    expect(paybackText(of([0, 0, 0, 30]))).toBe('no outlay');
    expect(paybackText(of([12, 30, 40, 50]))).toBe('35 mo');
  });

  it('running out of cash comes with the funding need and the new money it takes', () => {
    const funding = fundingSummary(Float64Array.from([60e6, 70e6, 80e6, 90e6]), Float64Array.from([14, 15, 15, 16]), 50e6);
    expect(ruinWithFundingText(1, funding, 120)).toBe(
      'runs out of cash without new funding in 100% of futures; peak funding need $75.0M in the median future (p95 $88.5M), around month 15, against $50.0M of own funds (cash and credit line): $25.0M of new money needed in the median future (p95 $38.5M)',
    );
    expect(fundingText(fundingSummary(new Float64Array(4), Float64Array.from([NaN, NaN, NaN, NaN]), 50e6))).toBe('needs no cash beyond what it earns in any future');
    // One future in 40 needs cash: the p95 is still 0, so the share is a bound, not a count.
    const once = Float64Array.from({ length: 40 }, (_, i) => (i === 0 ? 10e6 : 0));
    expect(fundingText(fundingSummary(once, Float64Array.from(once, (x) => (x > 0 ? 3 : NaN)), 50e6))).toBe('needs no cash beyond what it earns in at least 95% of futures');
    // One future in 40 needs more than the site's own funds: covered in the other 39, said as such.
    const beyond = Float64Array.from({ length: 40 }, (_, i) => (i === 0 ? 60e6 : 10e6));
    expect(fundingText(fundingSummary(beyond, new Float64Array(40).fill(15), 50e6))).toMatch(/against \$50\.0M of own funds \(cash and credit line\): covered in 98% of futures$/);
    expect(fundingText(undefined)).toBe('funding need not recorded in this summary.json');
    // A low point in the last month is the horizon's cut, and said so.
    const growing = fundingSummary(Float64Array.from([60e6, 70e6, 80e6, 90e6]), Float64Array.from([23, 23, 23, 22]), 50e6);
    expect(fundingText(growing, 24)).toContain("(p95 $88.5M), in the horizon's last month (month 23): still growing when the horizon ends, against $50.0M");
  });
});
