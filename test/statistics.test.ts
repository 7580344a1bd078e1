import { describe, expect, it } from 'vitest';
import {
  pairedDifference,
  shareBelow,
  shareWhere,
  summarizeMetric,
  type MetricSummary,
} from '../outputs/statistics.js';
import { formatPercent, formatUsdMillions, strategyTable, type StrategyTableRow } from '../outputs/table.js';

// A tiny seeded generator so that the statistical checks are reproducible: mulberry32 (public
// domain, Tommy Ettinger) for uniforms, Box-Muller for normals.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
    pRuin: 0,
  });

  it('formats millions, percentages and absence', () => {
    expect(formatUsdMillions(12_345_678)).toBe('12.35');
    expect(formatUsdMillions(-1)).toBe('0.00');
    expect(formatUsdMillions(null)).toBe('n/a');
    expect(formatPercent(0.1234)).toBe('12.3%');
    expect(formatPercent(null)).toBe('n/a');
  });

  it('aligns one row per strategy with the stated columns', () => {
    const text = strategyTable([row('keep mining', [-2e6, 1e6, 3e6, 6e6]), row('AI hosting', [1e6, 2e6, 3e6, 4e6])]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^strategy\s+mean NPV ± SE \(\$M\)\s+p5 NPV/);
    expect(lines[0]).toContain('revenue $/kWh p50');
    expect(lines[1]).toMatch(/^-+( +-+)+$/);
    expect(lines[2]).toMatch(/^keep mining +2\.00 ± 1\.68 /);
    // IRR defined in half the trials: its share is shown; payback never: n/a.
    expect(lines[2]).toContain('15.0% (50%)');
    expect(lines[2]).toContain('n/a');
    expect(lines[2]).toContain('0.0650');
    expect(lines[3]).toMatch(/^AI hosting /);
    expect(lines[4]).toMatch(/share of trials where IRR/);
    // every column ends at the same place in header and rows
    expect(lines[2].length).toBe(lines[1].length);
    expect(lines[3].length).toBe(lines[1].length);
  });
});
