// The least-squares Monte Carlo core checked against the literature: every row of Longstaff &
// Schwartz (2001) Table 1 (the Bermudan put), and the Andersen-Broadie (2004) dual upper bound on
// three of them, so the distance between the policy and the optimum is a number, not a hope.
import { fitBermudanPut, priceWithPolicy, type BermudanPutSpec } from '../engine/bermudanPut.js';
import { dualUpperBound } from '../engine/dualUpperBound.js';
import type { CheckResult } from './validation.js';

/**
 * Longstaff & Schwartz (2001), Rev. Financial Studies 14(1), Table 1: American puts, K = 40,
 * r = 0.06, 50 exercise dates a year; finite-difference value, their LSM value and its standard
 * error (100,000 paths, half antithetic, a constant and three weighted Laguerre polynomials, in
 * the money only). Transcribed from the paper; every row agrees with the copy in
 * github.com/ptamarov/lsmc_py (data.csv: American, SimAmerican, StError).
 */
export const LS_TABLE_1: readonly { spot: number; sigma: number; years: number; finiteDifference: number; lsm: number; lsmStandardError: number }[] = [
  [36, 0.2, 1, 4.478, 4.472, 0.01], [36, 0.2, 2, 4.84, 4.821, 0.012], [36, 0.4, 1, 7.101, 7.091, 0.02], [36, 0.4, 2, 8.508, 8.488, 0.024],
  [38, 0.2, 1, 3.25, 3.244, 0.009], [38, 0.2, 2, 3.745, 3.735, 0.011], [38, 0.4, 1, 6.148, 6.139, 0.019], [38, 0.4, 2, 7.67, 7.669, 0.022],
  [40, 0.2, 1, 2.314, 2.313, 0.009], [40, 0.2, 2, 2.885, 2.879, 0.01], [40, 0.4, 1, 5.312, 5.308, 0.018], [40, 0.4, 2, 6.92, 6.921, 0.022],
  [42, 0.2, 1, 1.617, 1.617, 0.007], [42, 0.2, 2, 2.212, 2.206, 0.01], [42, 0.4, 1, 4.582, 4.588, 0.017], [42, 0.4, 2, 6.248, 6.243, 0.021],
  [44, 0.2, 1, 1.11, 1.118, 0.007], [44, 0.2, 2, 1.69, 1.675, 0.009], [44, 0.4, 1, 3.948, 3.957, 0.017], [44, 0.4, 2, 5.647, 5.622, 0.021],
].map(([spot, sigma, years, finiteDifference, lsm, lsmStandardError]) => ({ spot, sigma, years, finiteDifference, lsm, lsmStandardError }));

/** The rows the issue names, on which the dual bound is computed too. */
export const DUAL_BOUND_ROWS = [
  { spot: 36, sigma: 0.2, years: 1 },
  { spot: 40, sigma: 0.4, years: 2 },
  { spot: 36, sigma: 0.4, years: 2 },
] as const;

const PATHS = 100_000;
const SEED = 2001;
/** Outer x inner paths of the dual bound: with the European put as control variate, the gap's SE is ~0.001-0.002. */
const DUAL_OUTER = 200;
const DUAL_INNER = 100;
const TOLERANCE_SE = 3;

export function putSpec(spot: number, sigma: number, years: number, paths = PATHS): BermudanPutSpec {
  return { spot, strike: 40, ratePerYear: 0.06, volatilityPerYear: sigma, maturityYears: years, exercisesPerYear: 50, paths, seed: SEED };
}

const label = (spot: number, sigma: number, years: number) => `S ${spot}, sigma ${sigma}, T ${years}`;

/**
 * Each row of Table 1 priced out of sample on 100,000 fresh paths. Two Monte Carlo estimates of the
 * same price are compared, so the tolerance is 3 SE of their difference: sqrt(ours^2 + paper's^2).
 */
export function bermudanPutChecks(): CheckResult[] {
  const rows: CheckResult[] = [];
  for (const row of LS_TABLE_1) {
    const spec = putSpec(row.spot, row.sigma, row.years);
    const { model, policy, inSample } = fitBermudanPut(spec);
    const price = priceWithPolicy(model, policy, spec.paths, spec.seed);
    const z = (price.mean - row.lsm) / Math.hypot(price.standardError, row.lsmStandardError);
    const dual = DUAL_BOUND_ROWS.some((d) => d.spot === row.spot && d.sigma === row.sigma && d.years === row.years);
    rows.push({
      check: `LS 2001 Table 1 put: ${label(row.spot, row.sigma, row.years)}`,
      against: `LSM ${row.lsm.toFixed(3)} (s.e. ${row.lsmStandardError.toFixed(3)}), finite difference ${row.finiteDifference.toFixed(3)}: within 3 SE`,
      result: `${price.mean.toFixed(3)} ± ${price.standardError.toFixed(3)} out of sample (${z >= 0 ? '+' : ''}${z.toFixed(1)} SE); in sample ${inSample.mean.toFixed(3)}`,
      status: Math.abs(z) < TOLERANCE_SE ? 'PASS' : 'FAIL',
    });
    if (!dual) continue;
    const bound = dualUpperBound(model, policy, {
      outerPaths: DUAL_OUTER,
      innerPaths: DUAL_INNER,
      seed: SEED,
      lowerBound: { value: price.mean, standardError: price.standardError },
    });
    const relativeGap = bound.gap / price.mean;
    rows.push({
      check: `dual upper bound: ${label(row.spot, row.sigma, row.years)}`,
      against: `Andersen-Broadie 2004 (${DUAL_OUTER} x ${DUAL_INNER} nested paths): gap >= 0 (within 3 SE) and < 1% of the price`,
      result: `${price.mean.toFixed(3)} .. ${bound.upperBound.toFixed(3)}: gap ${bound.gap.toFixed(4)} ± ${bound.gapStandardError.toFixed(4)} (${(100 * relativeGap).toFixed(2)}%)`,
      status: bound.gap > -TOLERANCE_SE * bound.gapStandardError && relativeGap < 0.01 ? 'PASS' : 'FAIL',
    });
  }
  return rows;
}
