// The LMG decomposition of R^2 against closed forms: with uncorrelated drivers each share is the
// squared correlation; with two correlated drivers share_1 = (r1^2 + R^2 - r2^2) / 2 where
// R^2 = (r1^2 + r2^2 - 2 rho r1 r2) / (1 - rho^2); an exactly orthogonal design gives the exact
// R^2; a duplicated driver splits its credit in half; shares always add up to R^2.
import { describe, expect, it } from 'vitest';
import { lmgShares, regressOnDrivers } from '../outputs/relativeImportance.js';

describe('LMG relative importance', () => {
  it('gives each uncorrelated driver its squared correlation', () => {
    const R = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const r = Float64Array.from([0.6, 0.3, -0.2]);
    const { rSquared, shares, betas } = lmgShares(R, r);
    expect(rSquared).toBeCloseTo(0.36 + 0.09 + 0.04, 14);
    expect(shares[0]).toBeCloseTo(0.36, 14);
    expect(shares[1]).toBeCloseTo(0.09, 14);
    expect(shares[2]).toBeCloseTo(0.04, 14);
    expect(betas[2]).toBeCloseTo(-0.2, 14);
  });

  it('matches the closed form for two correlated drivers', () => {
    const rho = 0.5;
    const [r1, r2] = [0.7, 0.4];
    const { rSquared, shares, betas } = lmgShares(Float64Array.from([1, rho, rho, 1]), Float64Array.from([r1, r2]));
    const full = (r1 * r1 + r2 * r2 - 2 * rho * r1 * r2) / (1 - rho * rho);
    expect(rSquared).toBeCloseTo(full, 14);
    expect(shares[0]).toBeCloseTo((r1 * r1 + full - r2 * r2) / 2, 14);
    expect(shares[1]).toBeCloseTo((r2 * r2 + full - r1 * r1) / 2, 14);
    expect(betas[0]).toBeCloseTo((r1 - rho * r2) / (1 - rho * rho), 14);
  });

  it('recovers the exact R^2 of an orthogonal design, ranks the drivers, and splits a duplicated driver in half', () => {
    // x1, x2 and the noise e are orthogonal contrasts over 8 rows: y = 2 x1 + x2 + 1.5 e has
    // R^2 = (4 + 1) / (4 + 1 + 2.25) exactly, with shares 4/7.25 and 1/7.25.
    const x1 = Float64Array.from([1, -1, 1, -1, 1, -1, 1, -1]);
    const x2 = Float64Array.from([1, 1, -1, -1, 1, 1, -1, -1]);
    const e = Float64Array.from([1, 1, 1, 1, -1, -1, -1, -1]);
    const y = x1.map((_, t) => 2 * x1[t] + x2[t] + 1.5 * e[t] + 10);
    const fit = regressOnDrivers(y, [
      { name: 'small', values: x2 },
      { name: 'large', values: x1 },
    ]);
    expect(fit.observations).toBe(8);
    expect(fit.rSquared).toBeCloseTo(5 / 7.25, 12);
    expect(fit.drivers.map((d) => d.name)).toEqual(['large', 'small']);
    expect(fit.drivers[0].share).toBeCloseTo(4 / 7.25, 12);
    expect(fit.drivers[1].share).toBeCloseTo(1 / 7.25, 12);

    const duplicated = regressOnDrivers(y, [
      { name: 'x1', values: x1 },
      { name: 'x1 again', values: x1.map((v) => 3 * v + 1) },
      { name: 'x2', values: x2 },
    ]);
    expect(duplicated.rSquared).toBeCloseTo(5 / 7.25, 12);
    const share = (name: string) => duplicated.drivers.find((d) => d.name === name)!.share;
    expect(share('x1')).toBeCloseTo(2 / 7.25, 12);
    expect(share('x1 again')).toBeCloseTo(2 / 7.25, 12);
    expect(share('x2')).toBeCloseTo(1 / 7.25, 12);
  });

  it('leaves out rows with a missing value and drivers that do not vary, and shares add up to R^2', () => {
    const n = 200;
    const x = Float64Array.from({ length: n }, (_, t) => Math.sin(t));
    const w = Float64Array.from({ length: n }, (_, t) => Math.cos(3 * t) + 0.3 * Math.sin(t));
    const y = Float64Array.from({ length: n }, (_, t) => x[t] - 0.5 * w[t] + 0.2 * Math.sin(7 * t));
    y[5] = NaN;
    const withGap = Float64Array.from(w);
    withGap[9] = NaN;
    const fit = regressOnDrivers(y, [
      { name: 'x', values: x },
      { name: 'w', values: withGap },
      { name: 'flat', values: new Float64Array(n).fill(4) },
    ]);
    expect(fit.observations).toBe(n - 2);
    expect(fit.constant).toEqual(['flat']);
    expect(fit.drivers.reduce((sum, d) => sum + d.share, 0)).toBeCloseTo(fit.rSquared, 12);
    expect(fit.rSquared).toBeGreaterThan(0.9);
    for (const d of fit.drivers) expect(d.share).toBeGreaterThanOrEqual(0);
  });
});
