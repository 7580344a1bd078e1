// The study designs' mathematics against closed forms: Sobol' indices of a linear function and of
// the Ishigami function (both known exactly), and bisection for a break-even on functions with a
// known root. Tolerances are stated in the estimator's own (bootstrap) standard errors.
import { describe, expect, it } from 'vitest';
import { breakEvenStep, type BreakEvenProbe, type BreakEvenResult, type BreakEvenSearch } from '../outputs/breakEven.js';
import { pointsPerRow, saltelliDesign, sobolIndices, type SaltelliDesign } from '../outputs/saltelli.js';

function outputs(design: SaltelliDesign, f: (x: Float64Array) => number): Float64Array {
  return Float64Array.from(design.points, f);
}

describe('Saltelli design', () => {
  it('has A, B and one AB_i per input in each row, AB_i equal to A but for column i from B', () => {
    const design = saltelliDesign(3, 5, 7);
    expect(design.points).toHaveLength(5 * pointsPerRow(3));
    for (let j = 0; j < 5; j++) {
      const [a, b, ...ab] = design.points.slice(j * 5, j * 5 + 5);
      ab.forEach((point, i) => {
        for (let c = 0; c < 3; c++) expect(point[c]).toBe(c === i ? b[c] : a[c]);
      });
      for (const x of [...a, ...b]) expect(x >= 0 && x < 1).toBe(true);
    }
  });

  it('is the same for the same seed, and a smaller design is a prefix of a larger one', () => {
    expect(saltelliDesign(4, 10, 3).points).toEqual(saltelliDesign(4, 10, 3).points);
    expect(saltelliDesign(4, 10, 3).points).toEqual(saltelliDesign(4, 20, 3).points.slice(0, 60));
    expect(saltelliDesign(4, 10, 4).points).not.toEqual(saltelliDesign(4, 10, 3).points);
  });
});

describe('Sobol indices', () => {
  // Within this many bootstrap standard errors of the exact value.
  const SES = 4;
  const near = (index: { estimate: number; standardError: number }, exact: number) => {
    expect(Math.abs(index.estimate - exact), `estimate ${index.estimate} vs exact ${exact} (SE ${index.standardError})`).toBeLessThan(SES * index.standardError + 1e-9);
  };

  it('of a linear function: S_i = ST_i = a_i^2 / sum a_j^2 (independent uniform inputs)', () => {
    const a = [1, 2, 3, 0];
    const design = saltelliDesign(a.length, 2000, 11);
    const indices = sobolIndices(design, outputs(design, (x) => a.reduce((sum, ai, i) => sum + ai * x[i], 0)), { resamples: 300, seed: 1 });
    const total = a.reduce((sum, ai) => sum + ai * ai, 0);
    a.forEach((ai, i) => {
      near(indices.first[i], (ai * ai) / total);
      near(indices.total[i], (ai * ai) / total);
    });
    // Exactly zero for the input the function ignores: f(AB_4) = f(A) in every row.
    expect(indices.total[3].estimate).toBe(0);
    // The variance of sum a_i U_i is sum a_i^2 / 12.
    expect(Math.abs(indices.variance - total / 12) / (total / 12)).toBeLessThan(0.1);
    for (const index of [...indices.first, ...indices.total]) expect(index.ci95[0]).toBeLessThanOrEqual(index.ci95[1]);
  });

  it('of the Ishigami function (a = 7, b = 0.1, inputs uniform on [-pi, pi]): the closed-form indices', () => {
    const A = 7;
    const B = 0.1;
    const PI = Math.PI;
    const f = (u: Float64Array) => {
      const [x1, x2, x3] = Array.from(u, (v) => -PI + 2 * PI * v);
      return Math.sin(x1) + A * Math.sin(x2) ** 2 + B * x3 ** 4 * Math.sin(x1);
    };
    // Ishigami & Homma (1990); Sobol' & Levitan (1999): the partial variances in closed form.
    const v1 = 0.5 * (1 + (B * PI ** 4) / 5) ** 2;
    const v2 = A ** 2 / 8;
    const v13 = B ** 2 * PI ** 8 * (1 / 18 - 1 / 50);
    const v = v1 + v2 + v13;
    const design = saltelliDesign(3, 5000, 5);
    const indices = sobolIndices(design, outputs(design, f), { resamples: 300, seed: 2 });
    near(indices.first[0], v1 / v);
    near(indices.first[1], v2 / v);
    near(indices.first[2], 0);
    near(indices.total[0], (v1 + v13) / v);
    near(indices.total[1], v2 / v);
    near(indices.total[2], v13 / v);
  });

  it('are zero for a constant output, and refuse outputs that do not match the design or are not finite', () => {
    const design = saltelliDesign(2, 10, 1);
    const constant = sobolIndices(design, new Float64Array(40).fill(5), { resamples: 20 });
    expect([...constant.first, ...constant.total].map((i) => i.estimate)).toEqual([0, 0, 0, 0]);
    expect(() => sobolIndices(design, new Float64Array(39))).toThrow(/39 outputs for a design of 40 points/);
    expect(() => sobolIndices(design, new Float64Array(40).fill(NaN))).toThrow(/finite/);
  });
});

describe('break-even by bisection', () => {
  /** Runs the search to its end on g, each probe with the standard error `se`. */
  function search(spec: BreakEvenSearch, g: (x: number) => number, se: number): BreakEvenResult {
    const probes: BreakEvenProbe[] = [];
    for (;;) {
      const step = breakEvenStep(spec, probes);
      if ('result' in step) return step.result;
      probes.push({ x: step.next, value: g(step.next), standardError: se });
    }
  }

  it('finds the root of an increasing line exactly, with SE = SE(g) / slope', () => {
    const result = search({ low: 0, high: 10, tolerance: 1e-3, maxProbes: 40 }, (x) => 2 * (x - 3), 0.1);
    expect(result.found).toBe(true);
    if (!result.found) return;
    expect(result.x).toBeCloseTo(3, 12);
    expect(result.standardError).toBeCloseTo(0.05, 12);
    expect(result.ci95[0]).toBeCloseTo(3 - 1.96 * 0.05, 12);
    expect(result.bracket[1].x - result.bracket[0].x).toBeLessThanOrEqual(1e-3);
  });

  it('finds the root of a decreasing curve with smooth noise within 4 SE, the first probes at the ends', () => {
    const g = (x: number) => 1e6 * (150 - x) * (1 + x / 300) + 2e4 * Math.sin(x / 3);
    const spec = { low: 60, high: 260, tolerance: 0.5, maxProbes: 20 };
    expect(breakEvenStep(spec, [])).toEqual({ next: 60 });
    expect(breakEvenStep(spec, [{ x: 60, value: g(60), standardError: 1 }])).toEqual({ next: 260 });
    const result = search(spec, g, 5e4);
    expect(result.found).toBe(true);
    if (!result.found) return;
    expect(Math.abs(result.x - 150)).toBeLessThan(4 * result.standardError);
    expect(result.probes).toBeLessThanOrEqual(20);
  });

  it('says when the decision does not flip between the ends, and stops at the probe limit', () => {
    const none = search({ low: 0, high: 10, tolerance: 1e-6, maxProbes: 30 }, (x) => x + 1, 0.1);
    expect(none).toEqual({ found: false, sign: 1, probes: 2 });
    const capped = search({ low: 0, high: 10, tolerance: 1e-9, maxProbes: 6 }, (x) => x - Math.PI, 0.1);
    expect(capped).toMatchObject({ found: true, probes: 6 });
  });
});
