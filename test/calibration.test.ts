// Calibration: fits recover known parameters from seeded simulations (each estimate within
// 3 of its own standard errors of the truth), the standard errors match the spread of estimates
// across replicates, and the shipped history loads with its known values.
import seedrandom from 'seedrandom';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  CalibrationError,
  type Fit,
  fitGbm,
  fitHashrate,
  fitLogOu,
  fitMerton,
  mertonLogLikelihood,
  type MertonParameters,
} from '../engine/calibration.js';
import { calibrationFragment, decimalsFor } from '../scenarios/calibrationFragment.js';
import { scenarioSchema } from '../scenarios/schema.js';
import {
  coverageOf,
  type DailySeries,
  historyCoverage,
  loadBtcPriceBlockchainCom,
  loadBtcPriceUsd,
  loadBtcPriceYahoo,
  loadDifficulty,
  loadHalvings,
  mergeDailySeries,
  monthlySeries,
  parseCsv,
  windowCoverage,
} from '../runners/history.js';

// ---------------------------------------------------------------------------------------------
// A small seeded simulator, local to this test until the engine's market module exists.

function normalStream(seed: string): () => number {
  const uniform = seedrandom.alea(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    // Box-Muller; 1 - u keeps the log argument in (0, 1].
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

function poissonStream(seed: string): (mean: number) => number {
  const uniform = seedrandom.alea(seed);
  // Knuth's product of uniforms: fine for the small means (lambda dt < 1) used here.
  return (mean) => {
    const limit = Math.exp(-mean);
    let count = 0;
    let product = uniform();
    while (product > limit) {
      count++;
      product *= uniform();
    }
    return count;
  };
}

/** ln S on a grid of `steps` increments, Merton as in MODEL.md (lambda = 0 gives GBM). */
function simulateMerton(seed: string, steps: number, dtYears: number, p: MertonParameters): Float64Array {
  const z = normalStream(`${seed}/diffusion`);
  const jumps = poissonStream(`${seed}/jumps`);
  const jumpSize = normalStream(`${seed}/jump-size`);
  const k = Math.exp(p.jumpMeanLog + p.jumpSdLog ** 2 / 2) - 1;
  const drift = (p.driftPerYear - p.volatilityPerYear ** 2 / 2 - p.jumpsPerYear * k) * dtYears;
  const out = new Float64Array(steps + 1);
  out[0] = Math.log(100);
  for (let t = 0; t < steps; t++) {
    let x = out[t] + drift + p.volatilityPerYear * Math.sqrt(dtYears) * z();
    const count = p.jumpsPerYear > 0 ? jumps(p.jumpsPerYear * dtYears) : 0;
    for (let j = 0; j < count; j++) x += p.jumpMeanLog + p.jumpSdLog * jumpSize();
    out[t + 1] = x;
  }
  return out;
}

function simulateGbm(seed: string, steps: number, dtYears: number, driftPerYear: number, volatilityPerYear: number): Float64Array {
  return simulateMerton(seed, steps, dtYears, { driftPerYear, volatilityPerYear, jumpsPerYear: 0, jumpMeanLog: 0, jumpSdLog: 0 });
}

/** Exact log-OU transition, started at the long-run level. */
function simulateLogOu(seed: string, steps: number, dtYears: number, logMean: number, kappa: number, sigma: number): Float64Array {
  const z = normalStream(seed);
  const b = Math.exp(-kappa * dtYears);
  const sd = sigma * Math.sqrt((1 - b * b) / (2 * kappa));
  const out = new Float64Array(steps + 1);
  out[0] = logMean;
  for (let t = 0; t < steps; t++) out[t + 1] = logMean + b * (out[t] - logMean) + sd * z();
  return out;
}

interface HashratePath {
  logHashrate: Float64Array;
  logHashprice: Float64Array;
  logBreakeven: Float64Array;
}

/**
 * Hashrate responding to the lagged hashprice gap (MODEL.md section 2). Hashprice is endogenous
 * as in reality: price / hashrate times a constant, so it falls when hashrate rises.
 */
function simulateHashrate(seed: string, steps: number, g: number, eta: number, sigma: number, lag: number): HashratePath {
  const dt = 1 / 12;
  const logPrice = simulateGbm(`${seed}/price`, steps, dt, 0.3, 0.6);
  const z = normalStream(`${seed}/hashrate`);
  const logHashrate = new Float64Array(steps + 1);
  const logHashprice = new Float64Array(steps + 1);
  const logBreakeven = new Float64Array(steps + 1);
  logHashrate[0] = Math.log(100);
  for (let t = 0; t <= steps; t++) {
    // Breakeven falls 10%/yr as fleet efficiency improves; hashprice = const * price / hashrate.
    logBreakeven[t] = Math.log(40) + t * dt * Math.log(0.9);
    logHashprice[t] = logPrice[t] - logHashrate[t] + Math.log(40);
    if (t === steps) break;
    const gap = logHashprice[Math.max(0, t - lag)] - logBreakeven[t];
    logHashrate[t + 1] = logHashrate[t] + (g + eta * gap) * dt + sigma * Math.sqrt(dt) * z();
  }
  return { logHashrate, logHashprice, logBreakeven };
}

function expectWithinStandardErrors<P extends string>(fit: Fit<P>, truth: Partial<Record<P, number>>, tolerance = 3): void {
  for (const [name, value] of Object.entries(truth) as [P, number][]) {
    const se = fit.standardErrors[name];
    expect(se, `${name} standard error`).toBeGreaterThan(0);
    expect(Number.isFinite(se), `${name} standard error finite`).toBe(true);
    const distance = Math.abs(fit.estimates[name] - value) / se;
    expect(distance, `${name}: estimate ${fit.estimates[name]} vs true ${value}, SE ${se}`).toBeLessThan(tolerance);
  }
}

/** Share of replicates whose 95% interval (estimate ± 1.96 SE) contains the truth. */
function coverage<P extends string>(fits: Fit<P>[], name: P, truth: number): number {
  return fits.filter((f) => Math.abs(f.estimates[name] - truth) <= 1.96 * f.standardErrors[name]).length / fits.length;
}

function sd(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
}

const MONTH = 1 / 12;
const DAY = 1 / 365;

// ---------------------------------------------------------------------------------------------

describe('fitGbm', () => {
  it('recovers mu and sigma from 600 simulated months, each within 3 standard errors', () => {
    const fit = fitGbm(simulateGbm('gbm-1', 600, MONTH, 0.1, 0.5), MONTH);
    expect(fit.observations).toBe(600);
    expectWithinStandardErrors(fit, { driftPerYear: 0.1, volatilityPerYear: 0.5, logDriftPerYear: 0.1 - 0.125 });
  });

  it('reports the closed-form standard errors: sigma/sqrt(2n) and sigma/sqrt(n dt)', () => {
    const fit = fitGbm(simulateGbm('gbm-2', 1000, DAY, 0.2, 0.8), DAY);
    const sigma = fit.estimates.volatilityPerYear;
    expect(fit.standardErrors.volatilityPerYear).toBeCloseTo(sigma / Math.sqrt(2000), 12);
    expect(fit.standardErrors.logDriftPerYear).toBeCloseTo(sigma / Math.sqrt(1000 * DAY), 12);
  });

  it('standard errors match the spread of estimates over 200 seeded replicates (95% intervals cover 90-99%)', () => {
    const fits = Array.from({ length: 200 }, (_, i) => fitGbm(simulateGbm(`gbm-rep-${i}`, 240, MONTH, 0.3, 0.7), MONTH));
    for (const [name, truth] of [['driftPerYear', 0.3], ['volatilityPerYear', 0.7]] as const) {
      const meanSe = fits.reduce((a, f) => a + f.standardErrors[name], 0) / fits.length;
      const spread = sd(fits.map((f) => f.estimates[name]));
      expect(meanSe / spread, `${name}: mean SE ${meanSe} vs spread ${spread}`).toBeGreaterThan(0.85);
      expect(meanSe / spread, name).toBeLessThan(1.15);
      const covered = coverage(fits, name, truth);
      expect(covered, name).toBeGreaterThan(0.9);
      expect(covered, name).toBeLessThan(0.99);
    }
  });
});

describe('fitMerton', () => {
  const daily: MertonParameters = { driftPerYear: 0.3, volatilityPerYear: 0.5, jumpsPerYear: 6, jumpMeanLog: -0.1, jumpSdLog: 0.08 };
  const dailyPath = simulateMerton('merton-daily', 3650, DAY, daily);

  it('recovers all five parameters from 10 simulated years of daily data, each within 3 standard errors', () => {
    const fit = fitMerton(dailyPath, DAY);
    expect(fit.observations).toBe(3650);
    expectWithinStandardErrors(fit, { ...daily });
    // It is a maximum: the likelihood at the truth is no higher.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(mertonLogLikelihood(dailyPath, DAY, daily));
    // Plausible SEs. If every jump could be seen, the rate would be known like a Poisson count over
    // T years, sqrt(lambda / T), and the jump mean like a mean of lambda T draws; jumps hidden in
    // the diffusion can only make them larger, by a modest factor here (jumps ~ -0.1 against a
    // daily diffusion sd of 0.026). The diffusion sigma is known almost as well as in a GBM.
    const years = 3650 * DAY;
    const e = fit.estimates;
    const countingSe = Math.sqrt(e.jumpsPerYear / years);
    expect(fit.standardErrors.jumpsPerYear / countingSe).toBeGreaterThan(0.95);
    expect(fit.standardErrors.jumpsPerYear / countingSe).toBeLessThan(3);
    const jumpMeanSe = Math.sqrt((e.jumpSdLog ** 2 + e.volatilityPerYear ** 2 * DAY) / (e.jumpsPerYear * years));
    expect(fit.standardErrors.jumpMeanLog / jumpMeanSe).toBeGreaterThan(0.95);
    expect(fit.standardErrors.jumpMeanLog / jumpMeanSe).toBeLessThan(3);
    const gbmSe = e.volatilityPerYear / Math.sqrt(2 * 3650);
    expect(fit.standardErrors.volatilityPerYear / gbmSe).toBeGreaterThan(0.95);
    expect(fit.standardErrors.volatilityPerYear / gbmSe).toBeLessThan(2);
    expect(fit.atBoundary).toEqual([]);
  });

  it('recovers large monthly jumps from 50 simulated years, each within 3 standard errors', () => {
    const monthly: MertonParameters = { driftPerYear: 0.2, volatilityPerYear: 0.35, jumpsPerYear: 3, jumpMeanLog: -0.3, jumpSdLog: 0.1 };
    const fit = fitMerton(simulateMerton('merton-monthly', 600, MONTH, monthly), MONTH);
    expectWithinStandardErrors(fit, { ...monthly });
  });

  it('on GBM data either finds no jumps (CalibrationError) or a likelihood no lower than the GBM fit', () => {
    const path = simulateGbm('merton-on-gbm', 600, MONTH, 0.1, 0.5);
    const gbm = fitGbm(path, MONTH);
    try {
      const fit = fitMerton(path, MONTH);
      expect(fit.logLikelihood).toBeGreaterThan(gbm.logLikelihood - 0.01);
    } catch (error) {
      expect(error).toBeInstanceOf(CalibrationError);
      expect((error as Error).message).toMatch(/fitGbm/);
    }
  });

  it('uses the MODEL.md convention: mu is the price drift, so E[S(T)] / S(0) = exp(mu T)', () => {
    // Many short simulated paths: the mean of S(T)/S(0) estimates exp(mu T) whatever the jumps.
    const p: MertonParameters = { driftPerYear: 0.2, volatilityPerYear: 0.3, jumpsPerYear: 2, jumpMeanLog: -0.2, jumpSdLog: 0.1 };
    let sum = 0;
    const paths = 4000;
    for (let i = 0; i < paths; i++) {
      const path = simulateMerton(`convention-${i}`, 12, MONTH, p);
      sum += Math.exp(path[12] - path[0]);
    }
    expect(sum / paths).toBeCloseTo(Math.exp(0.2), 1);
  });
});

describe('fitLogOu', () => {
  it('recovers mean, kappa and sigma from 600 simulated months, each within 3 standard errors', () => {
    const logMean = Math.log(0.025);
    const fit = fitLogOu(simulateLogOu('ou-1', 600, MONTH, logMean, 2, 0.8), MONTH);
    expectWithinStandardErrors(fit, { logMean, mean: 0.025, reversionPerYear: 2, volatilityPerYear: 0.8 });
    expect(fit.estimates.mean).toBeCloseTo(Math.exp(fit.estimates.logMean), 12);
  });

  it('standard errors match the spread over 200 seeded replicates (95% intervals cover 88-99%)', () => {
    const logMean = Math.log(45);
    const fits = Array.from({ length: 200 }, (_, i) => fitLogOu(simulateLogOu(`ou-rep-${i}`, 1200, MONTH, logMean, 3, 0.35), MONTH));
    for (const [name, truth] of [['logMean', logMean], ['reversionPerYear', 3], ['volatilityPerYear', 0.35]] as const) {
      const covered = coverage(fits, name, truth);
      expect(covered, name).toBeGreaterThan(0.88);
      expect(covered, name).toBeLessThan(0.99);
    }
  });

  it('refuses a random walk: no mean reversion', () => {
    expect(() => fitLogOu(simulateGbm('walk', 600, MONTH, 0.5, 0.5), MONTH)).toThrow(/no mean reversion/);
  });
});

describe('fitHashrate', () => {
  it('recovers g, eta and sigma with a 6-month lag from 40 simulated years, each within 3 standard errors', () => {
    const path = simulateHashrate('hashrate-1', 480, 0.3, 0.5, 0.15, 6);
    const fit = fitHashrate(path.logHashrate, path.logHashprice, 6, MONTH, path.logBreakeven);
    expect(fit.observations).toBe(480 - 6);
    expect(fit.responseLagMonths).toBe(6);
    expectWithinStandardErrors(fit, { growthPerYear: 0.3, responsePerYear: 0.5, volatilityPerYear: 0.15 });
    expect(fit.standardErrors.volatilityPerYear).toBeCloseTo(fit.estimates.volatilityPerYear / Math.sqrt(2 * fit.observations), 12);
  });

  it('accepts a constant breakeven', () => {
    const path = simulateHashrate('hashrate-2', 240, 0.3, 0.5, 0.15, 3);
    const fit = fitHashrate(path.logHashrate, path.logHashprice, 3, MONTH, Math.log(40));
    expect(Number.isFinite(fit.estimates.growthPerYear)).toBe(true);
  });
});

describe('fit input errors', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['GBM from 2 points', () => fitGbm([0, 1], MONTH), /at least 3 observations/],
    ['GBM with a log of 0', () => fitGbm([0, 1, -Infinity, 2], MONTH), /\[2\] is -Infinity/],
    ['GBM with NaN', () => fitGbm([0, NaN, 1, 2], MONTH), /\[1\] is NaN/],
    ['GBM with dt 0', () => fitGbm([0, 1, 2], 0), /dtYears/],
    ['GBM on a straight line', () => fitGbm([0, 1, 2, 3], MONTH), /volatility is not identified/],
    ['Merton from 20 points', () => fitMerton(simulateGbm('short', 19, MONTH, 0, 0.5), MONTH), /at least 31 observations/],
    ['log-OU from 4 points', () => fitLogOu([0, 1, 0.5, 0.2], MONTH), /at least 5 observations/],
    ['log-OU with negative dt', () => fitLogOu([0, 1, 0.5, 0.2, 0.1], -1), /dtYears/],
    ['hashrate, arrays of different lengths', () => fitHashrate([1, 2, 3], [1, 2], 0, MONTH, 0), /same time grid|share one time grid/],
    ['hashrate, too short for the lag', () => fitHashrate(new Array(10).fill(0).map((_, i) => i), new Array(10).fill(0).map((_, i) => -i), 6, MONTH, 0), /at least 12 observations/],
    ['hashrate, negative lag', () => fitHashrate([1, 2, 3], [1, 2, 3], -1, MONTH, 0), /lagMonths/],
  ];
  for (const [name, run, message] of cases) {
    it(`${name}: throws a CalibrationError saying why`, () => {
      expect(run).toThrow(CalibrationError);
      expect(run).toThrow(message);
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe('shipped history', () => {
  const price = loadBtcPriceUsd();
  const valueOn = (series: DailySeries, date: string) => series.values[series.dates.indexOf(date)];


  it('merges the price files into one daily series with strictly increasing dates, 2010-08-17 .. 2024-03-31', () => {
    expect(price.dates[0]).toBe('2010-08-17');
    expect(price.dates[price.dates.length - 1]).toBe('2024-03-31');
    for (let i = 1; i < price.dates.length; i++) expect(price.dates[i] > price.dates[i - 1]).toBe(true);
    expect(price.values.every((v) => v > 0)).toBe(true);
    // blockchain.com until the day before Yahoo starts, Yahoo from 2014-09-17 (preferred on overlap).
    expect(valueOn(price, '2014-09-16')).toBe(valueOn(loadBtcPriceBlockchainCom(), '2014-09-16'));
    expect(valueOn(price, '2014-09-17')).toBe(valueOn(loadBtcPriceYahoo(), '2014-09-17'));
    expect(valueOn(price, '2019-06-19')).toBe(valueOn(loadBtcPriceYahoo(), '2019-06-19'));
  });

  it('has the known values: close 19,140.80 on 2017-12-17, 67,566.83 on 2021-11-08, 16,547.50 on 2022-12-31, 73,083.50 on 2024-03-13', () => {
    expect(valueOn(price, '2017-12-17')).toBeCloseTo(19140.8, 2);
    expect(valueOn(price, '2021-11-08')).toBeCloseTo(67566.83, 2);
    expect(valueOn(price, '2022-12-31')).toBeCloseTo(16547.5, 2);
    expect(valueOn(price, '2024-03-13')).toBeCloseTo(73083.5, 2);
  });

  it('has difficulty 3,438,908.96 at the 2012 halving (2012-11-28), as halvings.csv says', () => {
    expect(valueOn(loadDifficulty(), '2012-11-28')).toBeCloseTo(3438908.96, 2);
    const halvings = loadHalvings();
    expect(halvings.map((h) => h.height)).toEqual([210000, 420000, 630000, 840000]);
    expect(halvings[0]).toMatchObject({ dateUtc: '2012-11-28', subsidyBtcAfter: 25, difficultyNearBlock: 3438908.96 });
    expect(halvings[3]).toMatchObject({ dateUtc: '2024-04-20', subsidyBtcAfter: 3.125 });
  });

  it('reports where each series ends, so that a window past the end can say so', () => {
    const covered = historyCoverage();
    expect(covered.btcPriceUsd).toMatchObject({ from: '2010-08-17', to: '2024-03-31' });
    expect(covered.difficulty).toMatchObject({ from: '2009-01-03', to: '2019-06-19' });
    expect(covered.hashrateThs.to).toBe('2019-06-19');
    const window = windowCoverage(covered.difficulty, '2015-01', '2024-03', 'difficulty');
    expect(window).toMatchObject({ complete: false, from: '2015-01-01', to: '2019-06-19' });
    expect(window.note).toMatch(/ends 2019-06-19/);
    expect(windowCoverage(covered.btcPriceUsd, '2015-01', '2024-03').complete).toBe(true);
    expect(windowCoverage(covered.btcPriceUsd, '2024-05', '2024-06').note).toMatch(/nothing inside/);
  });

  it('samples month ends: the last positive observation of each month, within [from, to]', () => {
    const monthly = monthlySeries(price, '2017-01', '2017-12');
    expect(monthly.dates).toHaveLength(12);
    expect(monthly.dates[11]).toBe('2017-12');
    expect(monthly.observedOn[11]).toBe('2017-12-31');
    expect(monthly.values[11]).toBe(valueOn(price, '2017-12-31'));
    const difficulty = monthlySeries(loadDifficulty());
    expect(difficulty.observedOn[difficulty.observedOn.length - 1]).toBe('2019-06-19');
    expect(difficulty.values.every((v) => v > 0)).toBe(true);
    // A zero on the last day of a month falls back to the last positive day.
    const withZero: DailySeries = { dates: ['2020-01-30', '2020-01-31', '2020-02-01'], values: Float64Array.from([2, 0, 3]) };
    expect(monthlySeries(withZero)).toEqual({ dates: ['2020-01', '2020-02'], observedOn: ['2020-01-30', '2020-02-01'], values: Float64Array.from([2, 3]) });
    expect(() => monthlySeries(price, '2017-1')).toThrow(/YYYY-MM/);
  });

  it('merges by date with the preferred series winning, and parses CSV strictly', () => {
    const a: DailySeries = { dates: ['2020-01-02', '2020-01-03'], values: Float64Array.from([20, 30]) };
    const b: DailySeries = { dates: ['2020-01-01', '2020-01-02', '2020-01-04'], values: Float64Array.from([1, 2, 4]) };
    expect(mergeDailySeries(a, b)).toEqual({ dates: ['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-04'], values: Float64Array.from([1, 20, 30, 4]) });
    expect(parseCsv('a,b\r\n1,2\r\n\r\n3,4').rows).toEqual([['1', '2'], ['3', '4']]);
    expect(() => parseCsv('a,b\n1,2,3', 'x.csv')).toThrow(/x.csv line 2/);
    expect(coverageOf({ dates: ['2009-01-01', '2009-01-02', '2009-01-03'], values: Float64Array.from([0, 5, 0]) })).toEqual({ from: '2009-01-02', to: '2009-01-02', observations: 1 });
  });

  it('monthly BTC log-return volatility over 2012-01 .. 2024-03 is in 0.5 .. 1.2 per year', () => {
    const monthly = monthlySeries(price, '2012-01', '2024-03');
    expect(monthly.dates).toHaveLength(147);
    const fit = fitGbm(Array.from(monthly.values, Math.log), MONTH);
    expect(fit.estimates.volatilityPerYear).toBeGreaterThan(0.5);
    expect(fit.estimates.volatilityPerYear).toBeLessThan(1.2);
    // Measured when written: sigma 0.914 +- 0.054, mu 1.19 +- 0.27 per year.
    expect(fit.estimates.volatilityPerYear).toBeCloseTo(0.914, 2);
  });

  it('Merton on monthly BTC 2012-01 .. 2024-03 fits at least as well as GBM, with finite standard errors', () => {
    const logs = Array.from(monthlySeries(price, '2012-01', '2024-03').values, Math.log);
    const merton = fitMerton(logs, MONTH);
    expect(merton.logLikelihood).toBeGreaterThan(fitGbm(logs, MONTH).logLikelihood);
    for (const se of Object.values(merton.standardErrors)) expect(Number.isFinite(se) && se > 0).toBe(true);
    expect(merton.atBoundary).toEqual([]);
  });

  it('Merton on monthly BTC 2015-01 .. 2024-03 holds the jump sd at 0 (one jump size fits best) and says so', () => {
    const logs = Array.from(monthlySeries(price, '2015-01', '2024-03').values, Math.log);
    const merton = fitMerton(logs, MONTH);
    expect(merton.atBoundary).toEqual(['jumpSdLog']);
    expect(merton.estimates.jumpSdLog).toBe(0);
    expect(merton.standardErrors.jumpSdLog).toBe(0);
    expect(merton.estimates.jumpMeanLog).toBeLessThan(0);
    expect(merton.logLikelihood).toBeGreaterThan(fitGbm(logs, MONTH).logLikelihood);
    const text = calibrationFragment({ price: merton }, { from: '2015-01', to: '2024-03' });
    expect(text).toMatch(/jumpSdLog: 0 # held at the boundary/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('calibrationFragment', () => {
  const minimalScenario = {
    asOf: { date: '2025-11', blockHeight: 921000, difficulty: 1.5e14, networkHashrateEhs: 1070, priceUsd: 90000, feesBtcPerBlock: 0.025, energyUsdPerMwh: 45 },
  };
  const price = fitMerton(simulateMerton('fragment-price', 600, MONTH, { driftPerYear: 0.2, volatilityPerYear: 0.35, jumpsPerYear: 3, jumpMeanLog: -0.3, jumpSdLog: 0.1 }), MONTH);
  const fees = fitLogOu(simulateLogOu('fragment-fees', 600, MONTH, Math.log(0.025), 2, 0.8), MONTH);
  const energy = fitLogOu(simulateLogOu('fragment-energy', 600, MONTH, Math.log(45), 3, 0.35), MONTH);
  const path = simulateHashrate('fragment-hashrate', 240, 0.3, 0.5, 0.15, 6);
  const hashrate = fitHashrate(path.logHashrate, path.logHashprice, 6, MONTH, path.logBreakeven);

  it('writes schema field names that validate as a scenario, with ± standard errors, period and source in comments', () => {
    const text = calibrationFragment({ price, hashrate, fees, energy }, { from: '2012-01', to: '2024-03', byProcess: { hashrate: { from: '2013-01', to: '2019-05' } } }, { sources: { price: 'data/btc-usd-daily*.csv, month-end' } });
    const data = parseYaml(text) as { market: Record<string, Record<string, unknown>> };
    const scenario = scenarioSchema.parse({ ...minimalScenario, market: data.market });
    expect(scenario.market.price.model).toBe('merton');
    expect(Object.keys(data.market.price)).toEqual(['model', 'driftPerYear', 'volatilityPerYear', 'jumpsPerYear', 'jumpMeanLog', 'jumpSdLog']);
    expect(Object.keys(data.market.hashrate)).toEqual(['growthPerYear', 'volatilityPerYear', 'responsePerYear', 'responseLagMonths']);
    expect(Object.keys(data.market.fees)).toEqual(['meanBtcPerBlock', 'reversionPerYear', 'volatilityPerYear']);
    expect(Object.keys(data.market.energy)).toEqual(['meanUsdPerMwh', 'reversionPerYear', 'volatilityPerYear']);
    expect(scenario.market.price.volatilityPerYear).toBeCloseTo(price.estimates.volatilityPerYear, 2);
    expect(text).toMatch(/volatilityPerYear: [\d.]+ # ± [\d.]+/);
    expect(text).toContain('fit period 2012-01 .. 2024-03: 600 monthly increments');
    expect(text).toContain('fit period 2013-01 .. 2019-05');
    expect(text).toContain('source: data/btc-usd-daily*.csv, month-end');
    expect(text).toContain('responseLagMonths: 6 # chosen, not fitted');
  });

  it('writes model: gbm for a GBM fit, and clamps an out-of-range value with a WARNING', () => {
    const gbm = fitGbm(simulateGbm('fragment-gbm', 240, MONTH, 0.1, 0.5), MONTH);
    const negativeResponse = { ...hashrate, estimates: { ...hashrate.estimates, responsePerYear: -0.2 } };
    const text = calibrationFragment({ price: gbm, hashrate: negativeResponse }, { from: '2005-01', to: '2024-12' });
    const data = parseYaml(text) as { market: Record<string, Record<string, unknown>> };
    expect(data.market.price).toEqual({ model: 'gbm', driftPerYear: expect.any(Number), volatilityPerYear: expect.any(Number) });
    expect(data.market.hashrate.responsePerYear).toBe(0);
    expect(text).toMatch(/WARNING: fitted -0.2\d* is outside the schema's range \[0, 10\]/);
    scenarioSchema.parse({ ...minimalScenario, market: data.market });
  });

  it('rounds to two significant digits of the standard error, keeping at least two of the value', () => {
    expect(decimalsFor(0.9144, 0.0535)).toBe(3);
    expect(decimalsFor(1.1935, 0.2667)).toBe(2);
    expect(decimalsFor(0.0251, 0.0013)).toBe(4);
    expect(decimalsFor(141.9, 230)).toBe(0);
    expect(decimalsFor(0.025, 10)).toBe(3);
  });
});
