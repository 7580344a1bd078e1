// The Bermudan put of Longstaff & Schwartz (2001) through the public subpath
// 'hashpivot/realOptions'. Every row of their Table 1 at their 100,000 paths is checked by
// `npm run validate` (test/validateReport.test.ts asserts it passes); here, at fewer paths, the
// price lies between its closed-form bounds (the European put below, the finite-difference
// American value above), the dual bound lies above the price, and bad input is refused by name.
import { describe, expect, it } from 'vitest';
import { LS_TABLE_1, putSpec } from '../runners/realOptionChecks.js';

const { priceBermudanPut, fitBermudanPut, priceWithPolicy, dualUpperBound, europeanPutPrice } = await import('hashpivot/realOptions');

const europeanPut = (spot: number, sigma: number, years: number) => europeanPutPrice(spot, 40, 0.06, sigma, years);

describe("priceBermudanPut from 'hashpivot/realOptions'", () => {
  it('S 36, sigma 0.4, T 2 on 20,000 paths: between the European put and the American value (3 SE), and within 3 SE of the paper', () => {
    const row = LS_TABLE_1.find((r) => r.spot === 36 && r.sigma === 0.4 && r.years === 2)!;
    const price = priceBermudanPut(putSpec(36, 0.4, 2, 20_000));
    expect(price.standardError).toBeGreaterThan(0);
    expect(price.price).toBeGreaterThan(europeanPut(36, 0.4, 2) + 3 * price.standardError);
    expect(price.price).toBeLessThan(row.finiteDifference + 3 * price.standardError);
    expect(Math.abs(price.price - row.lsm)).toBeLessThan(3 * Math.hypot(price.standardError, row.lsmStandardError));
    // The same seed gives the same numbers.
    expect(priceBermudanPut(putSpec(36, 0.4, 2, 20_000)).price).toBe(price.price);
  });

  it('the European bound is Black-Scholes: 3.844 for S 36, sigma 0.2, T 1 and 6.326 for S 40, sigma 0.4, T 2 (LS 2001 Table 1, European column)', () => {
    expect(europeanPut(36, 0.2, 1)).toBeCloseTo(3.844, 3);
    expect(europeanPut(40, 0.4, 2)).toBeCloseTo(6.326, 3);
  });

  it('the Andersen-Broadie bound lies above the out-of-sample price, by less than 1%', () => {
    const spec = putSpec(40, 0.2, 1, 20_000);
    const { model, policy } = fitBermudanPut(spec);
    const lower = priceWithPolicy(model, policy, spec.paths, spec.seed);
    const bound = dualUpperBound(model, policy, { outerPaths: 100, innerPaths: 50, seed: 1, lowerBound: { value: lower.mean, standardError: lower.standardError } });
    expect(bound.gap).toBeGreaterThan(-3 * bound.gapStandardError);
    expect(bound.gap / lower.mean).toBeLessThan(0.01);
    expect(bound.upperBound).toBeCloseTo(lower.mean + bound.gap, 12);
  });

  it('refuses bad input, naming the field', () => {
    const base = putSpec(36, 0.2, 1, 1000);
    expect(() => priceBermudanPut({ ...base, paths: 1001 })).toThrow(/paths must be an even whole number/);
    expect(() => priceBermudanPut({ ...base, volatilityPerYear: -0.2 })).toThrow(/volatilityPerYear must be a finite number > 0/);
    expect(() => priceBermudanPut({ ...base, ratePerYear: Number.NaN })).toThrow(/ratePerYear/);
    expect(() => priceBermudanPut({ ...base, seed: 1.5 })).toThrow(/seed must be a whole number/);
    // One antithetic pair has no standard error (it was reported as 0).
    expect(() => priceBermudanPut({ ...base, paths: 2 })).toThrow(/paths must be an even whole number >= 4/);
    // 2.5 dates in one year were rounded to 2 without a word.
    expect(() => priceBermudanPut({ ...base, exercisesPerYear: 2.5 })).toThrow(/must be a whole number of exercise dates >= 1, got 1 x 2.5 = 2.5/);
    expect(priceBermudanPut({ ...base, maturityYears: 0.1, exercisesPerYear: 30 }).price).toBeGreaterThan(0); // 3.0000000000000004 dates
    // Sizes no memory holds name the fields, not "Invalid typed array length".
    expect(() => priceBermudanPut({ ...base, paths: 1e12 })).toThrow(/paths x exercise dates must be at most/);
    expect(() => priceBermudanPut({ ...base, exercisesPerYear: 1e9 })).toThrow(/paths x exercise dates must be at most/);
    const { model, policy } = fitBermudanPut(base);
    expect(() => priceWithPolicy(model, policy, 0, 1)).toThrow(/paths must be an even whole number/);
    const lowerBound = { value: 4, standardError: 0.01 };
    expect(() => dualUpperBound(model, policy, { outerPaths: 1, innerPaths: 10, seed: 1, lowerBound })).toThrow(/outerPaths must be a whole number >= 2, got 1/);
    expect(() => dualUpperBound(model, policy, { outerPaths: 10, innerPaths: 2.5, seed: 1, lowerBound })).toThrow(/innerPaths must be a whole number >= 1, got 2.5/);
    // The European put was NaN for a negative spot or volatility, and for a NaN rate.
    expect(() => europeanPutPrice(-1, 40, 0.06, 0.2, 1)).toThrow(/spot must be a finite number >= 0, got -1/);
    expect(() => europeanPutPrice(36, 0, 0.06, 0.2, 1)).toThrow(/strike must be a finite number > 0, got 0/);
    expect(() => europeanPutPrice(36, 40, Number.NaN, 0.2, 1)).toThrow(/ratePerYear must be a finite number/);
    expect(() => europeanPutPrice(36, 40, 0.06, -0.2, 1)).toThrow(/volatilityPerYear must be a finite number > 0, got -0.2/);
    expect(() => europeanPutPrice(36, 40, 0.06, 0.2, Number.POSITIVE_INFINITY)).toThrow(/years must be a finite number >= 0, got Infinity/);
    // The edges of its domain are the closed forms: a spot of 0 is worth the discounted strike; at expiry, the payoff.
    expect(europeanPutPrice(0, 40, 0.06, 0.2, 1)).toBeCloseTo(40 * Math.exp(-0.06), 12);
    expect(europeanPutPrice(36, 40, 0.06, 0.2, 0)).toBe(4);
  });
});
