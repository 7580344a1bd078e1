// The statistics of the calibration diagnostics on inputs whose answers are known: hand-computed
// statistics (checked against SciPy 1.17's kstest, bartlett and jarque_bera, which agree to the
// digits written), published critical values of the chi-square and Kolmogorov distributions, and
// the closed forms of the chi-square with 2 degrees of freedom (p = exp(-x / 2)) and of the normal.
import { describe, expect, it } from 'vitest';
import { autocorrelations, bartlett, jarqueBera, kolmogorovSmirnov, kolmogorovSurvival, ljungBox, normalCdf } from '../outputs/goodnessOfFit.js';
import { chiSquareSurvival, upperRegularizedGamma } from '../outputs/incompleteGamma.js';
import { mulberry32 } from './mulberry32.js';

describe('chi-square and normal distribution functions', () => {
  it.each([
    // Published 5% critical values (e.g. NIST e-Handbook 1.3.6.7.4), to the digits printed there.
    [3.841, 1, 0.05, 2e-4],
    [5.991, 2, 0.05, 1e-4],
    [18.307, 10, 0.05, 1e-5],
    [36.415, 24, 0.05, 1e-5],
    [6.635, 1, 0.01, 1e-5],
  ])('chi-square %f with %i df has tail %f', (x, df, p, tolerance) => {
    expect(Math.abs(chiSquareSurvival(x, df) - p)).toBeLessThan(tolerance);
  });

  it('matches the closed forms: 2 df is exp(-x/2), Q(1, x) = exp(-x), Q(a, 0) = 1', () => {
    for (const x of [0.1, 1, 7.5, 40]) expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 14);
    for (const x of [0.5, 3, 20]) expect(upperRegularizedGamma(1, x)).toBeCloseTo(Math.exp(-x), 14);
    expect(upperRegularizedGamma(3.5, 0)).toBe(1);
  });

  it('normalCdf gives the tabled values of the standard normal', () => {
    // Abramowitz & Stegun table 26.1: Φ(-3) = 0.0013499, Φ(-1.96) = 0.0249979, Φ(0.5) = 0.6914625, Φ(2.5) = 0.9937903.
    expect(normalCdf(-3)).toBeCloseTo(0.0013499, 7);
    expect(normalCdf(-1.96)).toBeCloseTo(0.0249979, 7);
    expect(normalCdf(0.5)).toBeCloseTo(0.6914625, 7);
    expect(normalCdf(2.5)).toBeCloseTo(0.9937903, 7);
    expect(normalCdf(0)).toBe(0.5);
  });
});

describe('Kolmogorov-Smirnov', () => {
  it('D of three points against the uniform is the largest step gap: 0.3 for 0.1, 0.4, 0.7', () => {
    expect(kolmogorovSmirnov([0.7, 0.1, 0.4], (x) => x).statistic).toBeCloseTo(0.3, 15);
  });

  it('Kolmogorov\'s limiting tail gives the published critical values: Q(1.3581) = 0.05, Q(1.6276) = 0.01', () => {
    expect(kolmogorovSurvival(1.3581)).toBeCloseTo(0.05, 5);
    expect(kolmogorovSurvival(1.6276)).toBeCloseTo(0.01, 5);
    expect(kolmogorovSurvival(1)).toBeCloseTo(0.27, 4);
    expect(kolmogorovSurvival(0.1)).toBe(1);
  });

  it('on uniform samples (an independent generator), the p-value is itself uniform: 5% of 400 samples below 0.05, within 4 SE', () => {
    const words = mulberry32(77);
    const random = () => words() / 4294967296;
    const samples = 400;
    let below = 0;
    for (let s = 0; s < samples; s++) {
      const x = Array.from({ length: 60 }, random);
      if (kolmogorovSmirnov(x, (u) => Math.min(1, Math.max(0, u))).pValue < 0.05) below++;
    }
    const se = Math.sqrt((0.05 * 0.95) / samples);
    expect(Math.abs(below / samples - 0.05)).toBeLessThan(4 * se);
  });
});

describe('Ljung-Box, Jarque-Bera and Bartlett', () => {
  it('Ljung-Box of 1, -1, 1, -1 up to lag 2: r1 = -0.75, r2 = 0.5, Q = 4 x 6 x (0.5625/3 + 0.25/2) = 7.5, p = exp(-3.75)', () => {
    const x = [1, -1, 1, -1];
    expect(Array.from(autocorrelations(x, 2))).toEqual([-0.75, 0.5]);
    const q = ljungBox(x, 2);
    expect(q.statistic).toBeCloseTo(7.5, 12);
    expect(q.pValue).toBeCloseTo(Math.exp(-3.75), 12);
  });

  it('Jarque-Bera of 1..5: skewness 0, kurtosis 6.8 / 4 = 1.7, JB = 5/6 x 1.3^2 / 4 = 0.3520833, p = 0.8385830', () => {
    const jb = jarqueBera([1, 2, 3, 4, 5]);
    expect(jb.skewness).toBeCloseTo(0, 15);
    expect(jb.kurtosis).toBeCloseTo(1.7, 14);
    expect(jb.statistic).toBeCloseTo(0.3520833333, 9);
    expect(jb.pValue).toBeCloseTo(0.8385830416, 9);
  });

  it('Bartlett of [1, 2, 3] and [2, 4, 6]: s^2 1 and 4, pooled 2.5, T = (4 ln 2.5 - 2 ln 4) / 1.25 = 0.7140594, p = 0.3980995', () => {
    const b = bartlett([[1, 2, 3], [2, 4, 6]]);
    expect(b.statistic).toBeCloseTo(0.7140593642, 9);
    expect(b.pValue).toBeCloseTo(0.3980994863, 8);
    // Three groups of unequal size (SciPy's bartlett: T = 1.1075284, p = 0.5747821).
    const three = bartlett([[1, 2, 3, 4], [2, 4, 6], [0.5, 1.5, 1, 3, 2.5]]);
    expect(three.statistic).toBeCloseTo(1.107528449, 8);
    expect(three.pValue).toBeCloseTo(0.574782124, 8);
    expect(() => bartlett([[1, 2, 3]])).toThrow(/at least two groups/);
  });
});
