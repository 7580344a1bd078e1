// What the engine is checked against, as plain functions (no test framework): Bitcoin's rules,
// closed forms of the market processes from a quick simulation, back-tests against the 2016 and
// 2020 halvings and the BTC price, calibration recovering known parameters from the engine's own
// paths, the coverage of the Monte Carlo intervals, and the least-squares Monte Carlo core against
// Longstaff & Schwartz's Table 1 with its dual upper bound (realOptionChecks.ts), and the deal
// presets against the deals they reproduce (dealValidation.ts). `npm run validate` (runners/validateReport.ts)
// prints them as a table; the test suite checks the same things in more depth (test/*.test.ts).
import { fitGbm, fitLogOu, fitMerton, type Fit } from '../engine/calibration.js';
import { blockSubsidySats, HALVING_INTERVAL_BLOCKS, retargetDifficulty, TARGET_TIMESPAN_SECONDS } from '../engine/bitcoin.js';
import { MarketPath, marketParams } from '../engine/market.js';
import { RandomStream } from '../engine/random.js';
import { fitRegimes, regimesParameters } from '../engine/regimeFit.js';
import { bartlett, jarqueBera, kolmogorovSmirnov, kolmogorovSurvival, ljungBox } from '../outputs/goodnessOfFit.js';
import type { BacktestWindow } from '../outputs/backtest.js';
import { summarizeMetric } from '../outputs/statistics.js';
import { loadScenario, parseScenario, resolvedScenarioJson } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';
import { sampleMoments } from '../outputs/statistics.js';
import { loadBacktestHistory, runBacktests } from './backtest.js';
import { bermudanPutChecks, switchPolicyChecks } from './realOptionChecks.js';
import { dealChecks } from './dealValidation.js';

export type CheckStatus = 'PASS' | 'FAIL' | 'INFO';

export interface CheckResult {
  /** What is checked. */
  check: string;
  /** What it is checked against (the outside reference). */
  against: string;
  /** What the engine gave. */
  result: string;
  /** PASS / FAIL; INFO for a number reported, not judged (a known limitation). */
  status: CheckStatus;
}

const SEED = 20_240_611;
const IDENTITY = [0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (i === j ? 1 : 0)));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;

function baseWith(edit: (raw: Raw) => void): Scenario {
  const raw: Raw = resolvedScenarioJson(loadScenario('base'));
  raw.market.correlation = IDENTITY;
  edit(raw);
  return parseScenario(raw, 'validation');
}

/** ln of a path series at `index` over `trials` engine paths (trial t = stream (SEED, t)). */
function logAt(scenario: Scenario, trials: number, index: number, series: (path: MarketPath) => Float64Array): Float64Array {
  const path = new MarketPath(marketParams(scenario));
  const stream = new RandomStream();
  const out = new Float64Array(trials);
  for (let t = 0; t < trials; t++) {
    path.simulate(stream.reseed(SEED, t, 'market'));
    out[t] = Math.log(series(path)[index]);
  }
  return out;
}


const TOLERANCE_SE = 4;
const sig = (x: number, digits = 4) => Number(x.toPrecision(digits)).toString();

/** "value vs exact (z SE)" and whether |z| < 4. */
function versus(value: number, exact: number, se: number): { text: string; ok: boolean } {
  const z = (value - exact) / se;
  return { text: `${sig(value)} vs ${sig(exact)} (${z >= 0 ? '+' : ''}${z.toFixed(1)} SE)`, ok: Math.abs(z) < TOLERANCE_SE };
}

export function subsidyChecks(): CheckResult[] {
  // Bitcoin Core validation.cpp GetBlockSubsidy: (50 * COIN) >> (height / 210000), 0 from 64 halvings.
  const heights = [0, 209_999, 210_000, 420_000, 630_000, 840_000, 1_050_000, 6_929_999, 6_930_000, 64 * 210_000];
  const mismatches = heights.filter((h) => {
    const era = BigInt(Math.floor(h / HALVING_INTERVAL_BLOCKS));
    const core = era >= 64n ? 0n : 5_000_000_000n >> era;
    return BigInt(blockSubsidySats(h)) !== core;
  });
  let total = 0;
  for (let era = 0; era < 64; era++) {
    const first = blockSubsidySats(era * HALVING_INTERVAL_BLOCKS);
    if (blockSubsidySats((era + 1) * HALVING_INTERVAL_BLOCKS - 1) !== first) total = NaN;
    total += first * HALVING_INTERVAL_BLOCKS;
  }
  return [
    {
      check: 'block subsidy schedule',
      against: 'Bitcoin Core GetBlockSubsidy at 10 heights (genesis .. 64 halvings)',
      result: `${heights.length - mismatches.length}/${heights.length} match${mismatches.length ? `; differ at ${mismatches.join(', ')}` : ''}`,
      status: mismatches.length === 0 ? 'PASS' : 'FAIL',
    },
    {
      check: 'total supply',
      against: '2,099,999,997,690,000 sat (21M BTC less rounding)',
      result: `${total.toLocaleString('en-US')} sat`,
      status: total === 2_099_999_997_690_000 ? 'PASS' : 'FAIL',
    },
  ];
}

export function retargetChecks(): CheckResult[] {
  const T = TARGET_TIMESPAN_SECONDS;
  const cases: [number, number][] = [[T / 10, 4], [T / 4, 4], [T / 2, 2], [T, 1], [2 * T, 0.5], [4 * T, 0.25], [10 * T, 0.25]];
  const wrong = cases.filter(([span, factor]) => Math.abs(retargetDifficulty(1e12, span) / 1e12 - factor) > 1e-12);
  return [
    {
      check: 'difficulty retarget and clamps',
      against: 'Bitcoin Core pow.cpp: D x T / timespan, timespan clamped to [T/4, 4T]',
      result: `${cases.length - wrong.length}/${cases.length} timespans (T/10 .. 10T) give the exact factor`,
      status: wrong.length === 0 ? 'PASS' : 'FAIL',
    },
  ];
}

/** Closed forms of the processes from 20,000 engine paths over one year (4 SE). */
export function processChecks(trials = 20_000): CheckResult[] {
  const results: CheckResult[] = [];
  const T = 1;
  const index = 12 * T;
  {
    const [mu, sigma] = [0.1, 0.5];
    const scenario = baseWith((raw) => {
      raw.horizonMonths = index + 1;
      raw.market.price = { ...raw.market.price, model: 'gbm', driftPerYear: mu, volatilityPerYear: sigma };
    });
    const logS = logAt(scenario, trials, index, (p) => p.priceUsd);
    const s = sampleMoments(logS);
    const ratio = sampleMoments(logS.map((x) => Math.exp(x - Math.log(scenario.asOf.priceUsd))));
    const m = versus(ratio.mean, Math.exp(mu * T), ratio.seMean);
    const v = versus(s.variance, sigma ** 2 * T, s.seVariance);
    results.push({
      check: 'GBM price, 1 year',
      against: 'E[S_T/S_0] = e^{mu T}, Var ln S_T = sigma^2 T (mu 0.10, sigma 0.50)',
      result: `mean ${m.text}; variance ${v.text}`,
      status: m.ok && v.ok ? 'PASS' : 'FAIL',
    });
  }
  {
    const [mu, sigma, lambda, muJ, sJ] = [0.1, 0.5, 3, -0.2, 0.3];
    const scenario = baseWith((raw) => {
      raw.horizonMonths = index + 1;
      raw.market.price = { model: 'merton', driftPerYear: mu, volatilityPerYear: sigma, jumpsPerYear: lambda, jumpMeanLog: muJ, jumpSdLog: sJ };
    });
    const logS = logAt(scenario, trials, index, (p) => p.priceUsd);
    const s = sampleMoments(logS);
    const ratio = sampleMoments(logS.map((x) => Math.exp(x - Math.log(scenario.asOf.priceUsd))));
    const m = versus(ratio.mean, Math.exp(mu * T), ratio.seMean);
    const v = versus(s.variance, (sigma ** 2 + lambda * (muJ ** 2 + sJ ** 2)) * T, s.seVariance);
    results.push({
      check: 'Merton price, 1 year',
      against: 'E[S_T/S_0] = e^{mu T}, Var ln S_T = (sigma^2 + lambda (muJ^2 + sJ^2)) T (lambda 3, jumps N(-0.2, 0.3^2))',
      result: `mean ${m.text}; variance ${v.text}`,
      status: m.ok && v.ok ? 'PASS' : 'FAIL',
    });
  }
  {
    const [mean, kappa, sigma, f0] = [0.025, 2, 0.8, 0.1];
    const scenario = baseWith((raw) => {
      raw.horizonMonths = index + 1;
      raw.asOf.feesBtcPerBlock = f0;
      raw.market.fees = { meanBtcPerBlock: mean, reversionPerYear: kappa, volatilityPerYear: sigma };
    });
    const s = sampleMoments(logAt(scenario, trials, index, (p) => p.feesBtcPerBlock));
    const exactMean = Math.log(mean) + (Math.log(f0) - Math.log(mean)) * Math.exp(-kappa * T);
    const exactVariance = (sigma ** 2 * (1 - Math.exp(-2 * kappa * T))) / (2 * kappa);
    const m = versus(s.mean, exactMean, s.seMean);
    const v = versus(s.variance, exactVariance, s.seVariance);
    results.push({
      check: 'log-OU fees, 1 year',
      against: 'E ln F_T = m + (x0 - m) e^{-kappa T}, Var = sigma^2 (1 - e^{-2 kappa T}) / 2 kappa (kappa 2, sigma 0.8)',
      result: `mean ${m.text}; variance ${v.text}`,
      status: m.ok && v.ok ? 'PASS' : 'FAIL',
    });
  }
  return results;
}

const SHORT_NAMES: Record<string, string> = {
  driftPerYear: 'mu',
  volatilityPerYear: 'sigma',
  jumpsPerYear: 'lambda',
  jumpMeanLog: 'muJ',
  jumpSdLog: 'sJ',
  reversionPerYear: 'kappa',
  bullDriftPerYear: 'bull mu',
  bullVolatilityPerYear: 'bull sigma',
  bearDriftPerYear: 'bear mu',
  bearVolatilityPerYear: 'bear sigma',
  bullToBearPerStep: 'p',
  bearToBullPerStep: 'q',
};

function within3Se<P extends string>(fit: Fit<P>, truth: Partial<Record<P, number>>): { text: string; ok: boolean } {
  const parts: string[] = [];
  let ok = true;
  for (const [name, value] of Object.entries(truth) as [P, number][]) {
    const z = (fit.estimates[name] - value) / fit.standardErrors[name];
    if (!(Math.abs(z) < 3)) ok = false;
    parts.push(`${SHORT_NAMES[name] ?? name} ${sig(fit.estimates[name], 3)} (${z >= 0 ? '+' : ''}${z.toFixed(1)} SE)`);
  }
  return { text: parts.join(', '), ok };
}

/** Log prices of `trials` engine paths chained end to end: the increments of independent trials are i.i.d. too. */
function chainedLogPrices(scenario: Scenario, trials: number): number[] {
  const path = new MarketPath(marketParams(scenario));
  const logs: number[] = [0];
  for (let trial = 0; trial < trials; trial++) {
    path.simulate(new RandomStream().reseed(SEED, trial, 'market'));
    const p = path.priceUsd;
    for (let m = 1; m < p.length; m++) logs.push(logs[logs.length - 1] + Math.log(p[m] / p[m - 1]));
  }
  return logs;
}

/** Fits recover the parameters of engine-simulated paths (600 months; Merton from 4 x 600) within 3 SE. */
export function calibrationChecks(): CheckResult[] {
  const gbmScenario = baseWith((raw) => {
    raw.horizonMonths = 600;
    raw.market.price = { model: 'gbm', driftPerYear: 0.15, volatilityPerYear: 0.6, jumpsPerYear: 0, jumpMeanLog: 0, jumpSdLog: 0 };
    raw.market.fees = { meanBtcPerBlock: 0.05, reversionPerYear: 2, volatilityPerYear: 0.8 };
    raw.asOf.feesBtcPerBlock = 0.05;
  });
  const path = new MarketPath(marketParams(gbmScenario));
  path.simulate(new RandomStream().reseed(SEED, 0, 'market'));
  const gbm = within3Se(fitGbm(Array.from(path.priceUsd, Math.log), 1 / 12), { driftPerYear: 0.15, volatilityPerYear: 0.6 });
  const ou = within3Se(fitLogOu(Array.from(path.feesBtcPerBlock, Math.log), 1 / 12), { mean: 0.05, reversionPerYear: 2, volatilityPerYear: 0.8 });

  const truth = { driftPerYear: 0.2, volatilityPerYear: 0.35, jumpsPerYear: 3, jumpMeanLog: -0.3, jumpSdLog: 0.1 };
  const mertonScenario = baseWith((raw) => {
    raw.horizonMonths = 600;
    raw.market.price = { model: 'merton', ...truth };
  });
  const merton = within3Se(fitMerton(chainedLogPrices(mertonScenario, 4), 1 / 12), truth);

  const switching = { bull: { driftPerYear: 0.9, volatilityPerYear: 0.45 }, bear: { driftPerYear: -0.5, volatilityPerYear: 0.95 }, bullToBearPerMonth: 0.05, bearToBullPerMonth: 0.1 };
  const regimesScenario = baseWith((raw) => {
    raw.horizonMonths = 600;
    raw.market.price = { model: 'regimes', regimes: { ...switching, start: 'stationary' } };
  });
  const regimes = within3Se(fitRegimes(chainedLogPrices(regimesScenario, 4), 1 / 12), regimesParameters(switching));
  return [
    { check: 'calibration: GBM', against: 'engine path, 600 months, mu 0.15, sigma 0.6: within 3 SE', result: gbm.text, status: gbm.ok ? 'PASS' : 'FAIL' },
    { check: 'calibration: Merton', against: 'engine paths, 4 x 600 months, mu 0.2, sigma 0.35, lambda 3, jumps N(-0.3, 0.1^2): within 3 SE', result: merton.text, status: merton.ok ? 'PASS' : 'FAIL' },
    { check: 'calibration: log-OU fees', against: 'engine path, 600 months, mean 0.05, kappa 2, sigma 0.8: within 3 SE', result: ou.text, status: ou.ok ? 'PASS' : 'FAIL' },
    {
      check: 'calibration: regimes (Hamilton filter)',
      against: 'engine paths, 4 x 600 months, bull 0.9/0.45, bear -0.5/0.95, switch 0.05 and 0.1 a month: within 3 SE',
      result: regimes.text,
      status: regimes.ok ? 'PASS' : 'FAIL',
    },
  ];
}

/** The diagnostics' statistics on inputs with known answers (hand-computed; SciPy 1.17 agrees). */
export function diagnosticStatisticChecks(): CheckResult[] {
  const lb = ljungBox([1, -1, 1, -1], 2);
  const jb = jarqueBera([1, 2, 3, 4, 5]);
  const b = bartlett([[1, 2, 3], [2, 4, 6]]);
  const ks = kolmogorovSmirnov([0.1, 0.4, 0.7], (x) => x);
  const q = kolmogorovSurvival(1.3581);
  const close = (x: number, y: number, tolerance: number) => Math.abs(x - y) <= tolerance;
  const ok = close(lb.statistic, 7.5, 1e-12) && close(lb.pValue, Math.exp(-3.75), 1e-12) && close(jb.statistic, 0.3520833333, 1e-9) && close(b.statistic, 0.7140593642, 1e-9) && close(ks.statistic, 0.3, 1e-15) && close(q, 0.05, 1e-5);
  return [
    {
      check: 'diagnostic statistics',
      against: 'Ljung-Box of 1,-1,1,-1 (Q(2) 7.5, p e^-3.75); Jarque-Bera of 1..5 (0.3520833); Bartlett of [1,2,3],[2,4,6] (0.7140594); KS D of 0.1,0.4,0.7 vs U(0,1) (0.3); Kolmogorov Q(1.3581) = 0.05',
      result: `Q ${sig(lb.statistic, 6)}, p ${sig(lb.pValue, 6)}; JB ${sig(jb.statistic, 7)}; T ${sig(b.statistic, 7)}; D ${sig(ks.statistic, 3)}; Q(1.3581) ${sig(q, 5)}`,
      status: ok ? 'PASS' : 'FAIL',
    },
  ];
}

/** The 2016 and 2020 halvings and the BTC price, started a year ahead (as-of 2015-07 and 2019-05). */
export async function backtestChecks(trials = 2000): Promise<CheckResult[]> {
  const history = await loadBacktestHistory();
  const scenario = loadScenario('base');
  const common = { asOf: ['2015-07', '2019-05'], months: 12, trials, seed: 1, scenario, scenarioName: 'base', history };
  const trend = await runBacktests({ ...common, hashrateTrendMonths: 12 });
  const baseOnly = await runBacktests(common);
  const halvingRow = (w: BacktestWindow, label: string, status: (inside: boolean) => CheckStatus): CheckResult => {
    const h = w.halving!;
    return {
      check: `${h.realisedDate.slice(0, 4)} halving, ${label}`,
      against: `realised ${h.realisedDate} in the simulated 90% interval (as-of ${w.asOf})`,
      result: `${h.inside90 ? 'inside' : 'outside'}: 90% interval ${h.simulatedDates.p5} .. ${h.simulatedDates.p95}, percentile ${h.percentile.toFixed(3)}`,
      status: status(h.inside90),
    };
  };
  const rows = trend.map((w) => halvingRow(w, 'hashrate trend of prior 12 months', (inside) => (inside ? 'PASS' : 'FAIL')));
  // base's hashrate process is a 2025 assumption: reported, not judged.
  rows.push(...baseOnly.map((w) => halvingRow(w, "base's hashrate process", () => 'INFO')));
  const priceText = (windows: BacktestWindow[]) => {
    const inside = windows.reduce((s, w) => s + w.priceUsd.coverage.inside90, 0);
    const compared = windows.reduce((s, w) => s + w.priceUsd.coverage.monthsCompared, 0);
    const inside50 = windows.reduce((s, w) => s + w.priceUsd.coverage.inside50, 0);
    return { inside, compared, text: `${inside}/${compared} in the 90% band (${windows.map((w) => `${w.asOf}: ${w.priceUsd.coverage.inside90}/${w.priceUsd.coverage.monthsCompared}`).join(', ')}), ${inside50}/${compared} in the 50% band` };
  };
  const price = priceText(baseOnly);
  rows.push({
    check: 'BTC price back-test, 2 x 12 months',
    against: "realised month-start prices in base's simulated 90% band in > 2/3 of months",
    result: price.text,
    status: price.inside / price.compared > 2 / 3 ? 'PASS' : 'FAIL',
  });
  return rows;
}

/** Coverage of the summary.json intervals on a closed-form case: 400 samples of 1000 normals. */
export function intervalChecks(): CheckResult[] {
  let state = 12345 >>> 0;
  const uniform = () => {
    // mulberry32 (public domain): a generator independent of the engine's.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const z05 = -1.6448536269514729;
  const es = -Math.exp(-0.5 * z05 * z05) / Math.sqrt(2 * Math.PI) / 0.05;
  const replications = 400;
  let p5 = 0;
  let p50 = 0;
  let cvar = 0;
  for (let r = 0; r < replications; r++) {
    const x = new Float64Array(1000);
    for (let i = 0; i < x.length; i += 2) {
      const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
      const angle = 2 * Math.PI * uniform();
      x[i] = radius * Math.cos(angle);
      x[i + 1] = radius * Math.sin(angle);
    }
    const s = summarizeMetric(x);
    const [a, b] = s.percentileCi95.p5!;
    const [c, d] = s.percentileCi95.p50!;
    if (a <= z05 && z05 <= b) p5++;
    if (c <= 0 && 0 <= d) p50++;
    if (Math.abs(s.cvar5! - es) <= 1.959963984540054 * s.cvar5StandardError!) cvar++;
  }
  const tolerance = 4 * Math.sqrt((0.95 * 0.05) / replications);
  const ok = [p5, p50, cvar].every((k) => Math.abs(k / replications - 0.95) < tolerance);
  return [
    {
      check: 'Monte Carlo intervals in summary.json',
      against: `95% coverage of N(0,1) p5, p50 (order statistics), CVaR5 (+-1.96 SE); 400 x 1000 draws; within 0.95 +- ${tolerance.toFixed(3)}`,
      result: `p5 ${(p5 / replications).toFixed(3)}, p50 ${(p50 / replications).toFixed(3)}, CVaR5 ${(cvar / replications).toFixed(3)}`,
      status: ok ? 'PASS' : 'FAIL',
    },
  ];
}

export async function runValidation(): Promise<CheckResult[]> {
  return [
    ...subsidyChecks(), ...retargetChecks(), ...processChecks(), ...calibrationChecks(), ...diagnosticStatisticChecks(), ...(await backtestChecks()), ...intervalChecks(),
    ...bermudanPutChecks(), ...(await switchPolicyChecks()),
    ...dealChecks(),
  ];
}

/** The checks as an aligned plain-text table (columns: check, against, result, status). */
export function validationTable(results: readonly CheckResult[]): string {
  const header = ['check', 'against', 'result', 'status'];
  const rows = results.map((r) => [r.check, r.against, r.result, r.status]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n') + '\n';
}
