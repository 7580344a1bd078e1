// The least-squares Monte Carlo core checked against the literature: every row of Longstaff &
// Schwartz (2001) Table 1 (the Bermudan put), and the Andersen-Broadie (2004) dual upper bound on
// three of them, so the distance between the policy and the optimum is a number, not a hope. Then
// the mining policy itself: on a site with no uncertainty it must convert when a brute-force search
// says, and out of sample it must not lose to the best fixed strategy.
import { fitBermudanPut, priceWithPolicy, type BermudanPutSpec } from '../engine/bermudanPut.js';
import { dualUpperBound } from '../engine/dualUpperBound.js';
import { compileModel } from '../engine/model.js';
import { strategyColumn } from '../engine/outcomes.js';
import { TrialKernel } from '../engine/trial.js';
import { formatUsdM } from '../outputs/reportText.js';
import { buildSummary } from '../outputs/summary.js';
import { loadScenario, parseScenario, resolvedScenarioJson } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';
import { runScenario } from './run.js';
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;

/** A preset with edits, validated like any scenario. */
export function presetWith(preset: string, edit: (raw: Raw) => void): Scenario {
  const raw: Raw = resolvedScenarioJson(loadScenario(preset));
  delete raw.derivation;
  edit(raw);
  return parseScenario(raw, `${preset} (edited for a check)`);
}

/**
 * base with no uncertainty: every volatility, jump, spike, AI winter and tenant default 0, a
 * 12-month build, a tenant signed at once (base pre-leases), a network that neither grows nor
 * responds. BTC at $200k makes mining worth more than a lease until the 2028 halving and less
 * after it, so the best month to convert lies in between, and every trial is the same path.
 */
export function certainSite(strategies: Raw[]): Scenario {
  return presetWith('base', (raw) => {
    const m = raw.market;
    m.price = { model: 'gbm', driftPerYear: 0, volatilityPerYear: 0 };
    Object.assign(m.hashrate, { volatilityPerYear: 0, growthPerYear: 0, responsePerYear: 0 });
    Object.assign(m.fees, { volatilityPerYear: 0 });
    Object.assign(m.energy, { volatilityPerYear: 0, spikesPerYear: 0 });
    Object.assign(m.aiDemand, { volatilityPerYear: 0, winterHazardPerYear: 0, gpuVolatilityPerYear: 0 });
    raw.asOf.priceUsd = 200_000;
    raw.hosting.buildMonths = { min: 12, mode: 12, max: 12 };
    Object.assign(raw.hosting, { signingProbabilityPerMonth: 1, tenantCreditGrade: 'custom', defaultHazardPerYear: 0, winterDefaultHazardPerYear: 0 });
    raw.strategies = strategies;
  });
}

/** Converting all of the site in the best month (or never, month -1), by trying every month on one path. */
export function bruteForceConversion(scenario: Scenario, seed: number): { month: number; npvUsd: number } {
  const kernel = new TrialKernel(compileModel(scenario));
  kernel.drawTrial(seed, 0);
  const rule = { ...kernel.model.strategies[0], share: 1, refreshEveryMonths: 0 };
  let best = { month: -1, npvUsd: kernel.evaluator.evaluate({ ...rule, convertAtMonth: Infinity }, kernel.market, kernel.siteDraws).npvUsd };
  for (let month = 0; month < scenario.horizonMonths; month++) {
    const npvUsd = kernel.evaluator.evaluate({ ...rule, convertAtMonth: month }, kernel.market, kernel.siteDraws).npvUsd;
    if (npvUsd > best.npvUsd) best = { month, npvUsd };
  }
  return best;
}

const CERTAIN_OPTIMAL = { kind: 'optimal', name: 'optimal', actions: [{ share: 1 }], state: ['hashprice'], basis: { degree: 1 }, fitPaths: 100 };

/** The mining policy: the certain site against brute force, and base against its best fixed strategy. */
export async function switchPolicyChecks(): Promise<CheckResult[]> {
  const certain = certainSite([{ kind: 'stay', name: 'stay' }, CERTAIN_OPTIMAL]);
  const brute = bruteForceConversion(certain, SEED);
  const run = await runScenario(certain, { trials: 20, seed: SEED, workers: 0 });
  const months = strategyColumn(run.outcomes, 1, 'switchMonth');
  const npvs = strategyColumn(run.outcomes, 1, 'npvUsd');
  const agree = months.filter((m, t) => m === brute.month && Math.abs(npvs[t] - brute.npvUsd) < 1).length;
  const rows: CheckResult[] = [
    {
      check: 'optimal conversion, no uncertainty',
      against: `brute force over ${certain.horizonMonths} conversion months and never: best month ${brute.month} (NPV ${formatUsdM(brute.npvUsd)})`,
      result: `converts in month ${months[0]} in ${agree}/${run.trials} trials (NPV ${formatUsdM(npvs[0])})`,
      status: agree === run.trials ? 'PASS' : 'FAIL',
    },
  ];
  const base = presetWith('base-optimal', (raw) => {
    raw.strategies[4].fitPaths = 2000;
  });
  const summary = buildSummary(await runScenario(base, { trials: 2000, seed: SEED, workers: 0 }));
  const [optimal] = summary.optimal;
  const f = optimal.valueOfFlexibility!;
  const z = f.meanDifference! / f.standardError!;
  rows.push({
    check: 'optimal conversion vs best fixed (base)',
    against: 'out of sample never below the best fixed strategy by more than 3 SE (paired; 2,000 fitting paths, 2,000 trials)',
    result: `optimal ${formatUsdM(optimal.outOfSampleNpvUsd)} vs ${f.versus}: ${f.meanDifference! >= 0 ? '+' : ''}${formatUsdM(f.meanDifference)} ± ${formatUsdM(f.standardError)} (${z >= 0 ? '+' : ''}${z.toFixed(1)} SE); in sample ${formatUsdM(optimal.fit.inSampleNpvUsd)}`,
    status: z > -TOLERANCE_SE ? 'PASS' : 'FAIL',
  });
  return rows;
}
