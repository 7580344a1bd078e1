// The regime-switching and bootstrap price models (MODEL.md §2 alternatives) against what they
// must do: the regime chain's stationary law and each regime's GBM step; the bootstrap's returns
// drawn from the window in whole blocks with the window's mean; the window validated against the
// shipped history; and the history reaching worker threads so that any worker count gives the same
// bytes. Fixed seeds; statistical tolerances are 4 standard errors, as in processes.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MarketPath, marketParams } from '../engine/market.js';
import { compileModel } from '../engine/model.js';
import { demeanShift, type ModelInputs } from '../engine/priceModel.js';
import { RandomStream } from '../engine/random.js';
import { sampleMoments } from '../outputs/statistics.js';
import { runBacktests } from '../runners/backtest.js';
import { loadBtcPriceUsd, monthlySeries } from '../runners/history.js';
import { modelInputsFor, priceHistoryWindow, shippedPriceHistory } from '../runners/modelInputs.js';
import { listPresets, loadScenario, parseScenario, resolvedScenarioJson } from '../scenarios/load.js';
import { PRICE_HISTORY_RETURN_MONTHS, type Scenario } from '../scenarios/schema.js';
import { ignoredPriceFieldWarnings } from '../scenarios/priceModelChecks.js';
import { scenarioErrorOf } from './scenarioErrorOf.js';
import { cli, freshDir, ROOT } from './cliHarness.js';

const SEED = 2718;
const BASE = resolvedScenarioJson(loadScenario('base'));

/** Any-typed view of a scenario's raw data, for editing before validation. */
type Raw = any;

function scenarioWith(edit: (raw: Raw) => void): Scenario {
  const raw: Raw = structuredClone(BASE);
  edit(raw);
  return parseScenario(raw, 'priceModels.test.ts');
}

/** The inputs runScenario resolves (modelInputsFor), for the shipped history: synchronously. */
function shippedInputs(scenario: Scenario): ModelInputs {
  const window = scenario.market.price.bootstrap;
  return scenario.market.price.model === 'bootstrap' && window ? { priceHistory: priceHistoryWindow(shippedPriceHistory(), window.from!, window.to!) } : {};
}

/** Runs `trials` market paths and hands each to `visit`. */
function forEachPath(scenario: Scenario, trials: number, visit: (path: MarketPath, trial: number) => void, inputs: ModelInputs = shippedInputs(scenario)): void {
  const path = new MarketPath(marketParams(scenario, inputs));
  const stream = new RandomStream();
  for (let trial = 0; trial < trials; trial++) {
    path.simulate(stream.reseed(SEED, trial, 'market'));
    visit(path, trial);
  }
}

/** ln(price[m + 1] / price[m]): the step of month m. */
function logReturn(path: MarketPath, m: number): number {
  return Math.log(path.priceUsd[m + 1] / path.priceUsd[m]);
}

function correlation(x: readonly number[], y: readonly number[]): number {
  const a = sampleMoments(Float64Array.from(x));
  const b = sampleMoments(Float64Array.from(y));
  let sxy = 0;
  for (let i = 0; i < x.length; i++) sxy += (x[i] - a.mean) * (y[i] - b.mean);
  return sxy / (x.length - 1) / Math.sqrt(a.variance * b.variance);
}

describe('regimes: two-regime Markov switching', () => {
  const [pBullToBear, pBearToBull] = [0.1, 0.05];
  const stationaryBull = pBearToBull / (pBullToBear + pBearToBull); // 1/3
  const bull = { driftPerYear: 0.8, volatilityPerYear: 0.5 };
  const bear = { driftPerYear: -0.6, volatilityPerYear: 0.9 };
  const regimesScenario = (start: string, edit: (raw: Raw) => void = () => {}) =>
    scenarioWith((raw) => {
      raw.horizonMonths = 120;
      raw.market.price = { model: 'regimes', regimes: { bull, bear, bullToBearPerMonth: pBullToBear, bearToBullPerMonth: pBearToBull, start } };
      edit(raw);
    });

  it.each([
    ['bull', [119]],
    ['bear', [119]],
    ['stationary', [0, 60, 119]],
  ] as const)('starting %s, the share of bull months at a late month is p_bear->bull / (p_bull->bear + p_bear->bull) (4 SE)', (start, months) => {
    // One value per independent trial at a fixed month: no autocorrelation to correct for. By
    // month 119 the start is forgotten: |1 - p - q|^119 = 0.85^119 < 1e-8.
    const n = 20_000;
    const bullCount = months.map(() => 0);
    forEachPath(regimesScenario(start), n, (path) => {
      months.forEach((m, i) => {
        if (path.bearMarket[m] === 0) bullCount[i]++;
      });
    });
    const se = Math.sqrt((stationaryBull * (1 - stationaryBull)) / n);
    for (const count of bullCount) expect(Math.abs(count / n - stationaryBull)).toBeLessThan(4 * se);
  });

  it('a fixed start is the regime of month 0', () => {
    forEachPath(regimesScenario('bull'), 200, (path) => expect(path.bearMarket[0]).toBe(0));
    forEachPath(regimesScenario('bear'), 200, (path) => expect(path.bearMarket[0]).toBe(1));
  });

  it('runs last 1/p months on average: the switch probabilities per month (4 SE)', () => {
    // Each month of a regime other than the horizon's last is a Bernoulli trial for leaving it.
    const stays = [0, 0];
    const switches = [0, 0];
    forEachPath(regimesScenario('stationary'), 4000, (path) => {
      for (let m = 0; m + 1 < 120; m++) {
        const regime = path.bearMarket[m];
        if (path.bearMarket[m + 1] === regime) stays[regime]++;
        else switches[regime]++;
      }
    });
    for (const [regime, p] of [[0, pBullToBear], [1, pBearToBull]] as const) {
      const trials = stays[regime] + switches[regime];
      // Months of one trial are dependent through the regime path only via which regime they are
      // in; given the regime, each switch draw is an independent uniform, so the binomial SE holds.
      expect(Math.abs(switches[regime] / trials - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / trials));
    }
  });

  it.each([
    ['bull', 0, bull],
    ['bear', 1, bear],
  ] as const)('in a %s month, the log return has mean (mu - sigma²/2) dt and variance sigma² dt (4 SE)', (_name, regime, { driftPerYear: mu, volatilityPerYear: sigma }) => {
    const returns: number[] = [];
    forEachPath(regimesScenario('stationary'), 3000, (path) => {
      for (let m = 0; m + 1 < 120; m++) if (path.bearMarket[m] === regime) returns.push(logReturn(path, m));
    });
    // Given its regime a month's step is one normal draw, independent of every other month's.
    const s = sampleMoments(Float64Array.from(returns));
    const dt = 1 / 12;
    const variance = sigma ** 2 * dt;
    expect(returns.length).toBeGreaterThan(50_000);
    expect(Math.abs(s.mean - (mu - sigma ** 2 / 2) * dt)).toBeLessThan(4 * Math.sqrt(variance / returns.length));
    expect(Math.abs(s.variance - variance)).toBeLessThan(4 * Math.sqrt(2 / (returns.length - 1)) * variance);
  });

  it('keeps the correlation of the price shock with the hashrate shock (4 SE)', () => {
    // No hashrate response, so its log step is g dt + sigmaH sqrt(dt) z_H exactly; the price
    // shock is the step standardised within its regime.
    const rho = 0.6;
    const scenario = regimesScenario('stationary', (raw) => {
      raw.market.hashrate.responsePerYear = 0;
      raw.market.correlation = [
        [1, rho, 0, 0, 0],
        [rho, 1, 0, 0, 0],
        [0, 0, 1, 0, 0],
        [0, 0, 0, 1, 0],
        [0, 0, 0, 0, 1],
      ];
    });
    const dt = 1 / 12;
    const zPrice: number[] = [];
    const zHashrate: number[] = [];
    const { growthPerYear: g, volatilityPerYear: sigmaH } = scenario.market.hashrate;
    forEachPath(scenario, 2000, (path) => {
      for (let m = 0; m + 1 < 120; m += 7) {
        const { driftPerYear: mu, volatilityPerYear: sigma } = path.bearMarket[m] ? bear : bull;
        zPrice.push((logReturn(path, m) - (mu - sigma ** 2 / 2) * dt) / (sigma * Math.sqrt(dt)));
        zHashrate.push((Math.log(path.networkHashrateEhs[m + 1] / path.networkHashrateEhs[m]) - g * dt) / (sigmaH * Math.sqrt(dt)));
      }
    });
    // SE of a sample correlation: (1 - rho²) / sqrt(n).
    expect(Math.abs(correlation(zPrice, zHashrate) - rho)).toBeLessThan((4 * (1 - rho ** 2)) / Math.sqrt(zPrice.length));
  });

  it('draws a fixed number of numbers a month: the energy and AI paths are those of merton with the same seed', () => {
    const merton = scenarioWith((raw) => {
      raw.horizonMonths = 120;
    });
    const energy: Float64Array[] = [];
    const ai: Float64Array[] = [];
    forEachPath(merton, 20, (path) => {
      energy.push(path.energyUsdPerMwh.slice());
      ai.push(path.aiDemandIndex.slice());
    });
    forEachPath(regimesScenario('stationary'), 20, (path, trial) => {
      expect(path.energyUsdPerMwh).toEqual(energy[trial]);
      expect(path.aiDemandIndex).toEqual(ai[trial]);
    });
  });
});

describe('bootstrap: circular block bootstrap of historical monthly log returns', () => {
  const [from, to, blockMonths] = ['2016-01', '2019-12', 12];
  const window = priceHistoryWindow(shippedPriceHistory(), from, to);
  const count = window.logReturns.length; // 48
  const horizonMonths = 61; // 60 returns: 5 whole blocks
  const bootstrapScenario = (demean: boolean, edit: (raw: Raw) => void = () => {}) =>
    scenarioWith((raw) => {
      raw.horizonMonths = horizonMonths;
      raw.market.price = { model: 'bootstrap', driftPerYear: 0.1, bootstrap: { from, to, blockMonths, demean } };
      edit(raw);
    });

  /** Index into the window of each simulated return, found by value (after removing `shift`). */
  function windowIndices(path: MarketPath, shift: number): number[] {
    const indices: number[] = [];
    for (let m = 0; m + 1 < horizonMonths; m++) {
      const r = logReturn(path, m) - shift;
      let best = 0;
      for (let i = 1; i < count; i++) if (Math.abs(window.logReturns[i] - r) < Math.abs(window.logReturns[best] - r)) best = i;
      // exp then log loses ~1e-15 of ln price; distinct historical returns lie > 1e-6 apart (checked below).
      expect(Math.abs(window.logReturns[best] - r)).toBeLessThan(1e-9);
      indices.push(best);
    }
    return indices;
  }

  it('the window returns are the shipped month-end prices, and distinct (so a return names its month)', () => {
    const prices = monthlySeries(loadBtcPriceUsd(), '2015-12', to);
    expect(window.months).toEqual(prices.dates.slice(1));
    for (let i = 0; i < count; i++) expect(window.logReturns[i]).toBe(Math.log(prices.values[i + 1] / prices.values[i]));
    const sorted = [...window.logReturns].sort((a, b) => a - b);
    for (let i = 1; i < count; i++) expect(sorted[i] - sorted[i - 1]).toBeGreaterThan(1e-6);
  });

  it('every simulated return is a historical one of the window, and inside a block they are consecutive months (wrapping at the window end)', () => {
    const starts: number[] = [];
    forEachPath(bootstrapScenario(false), 500, (path) => {
      const indices = windowIndices(path, 0);
      for (let m = 0; m < indices.length; m++) {
        if (m % blockMonths === 0) starts.push(indices[m]);
        else expect(indices[m]).toBe((indices[m - 1] + 1) % count);
      }
    });
    // Block starts are uniform over the window: mean (N - 1) / 2, variance (N² - 1) / 12.
    const s = sampleMoments(Float64Array.from(starts));
    expect(Math.abs(s.mean - (count - 1) / 2)).toBeLessThan(4 * Math.sqrt((count ** 2 - 1) / 12 / starts.length));
    expect(new Set(starts).size).toBe(count);
  });

  it("the mean simulated return is the window's mean (4 SE over independent trials)", () => {
    const windowMean = sampleMoments(window.logReturns).mean;
    const n = 20_000;
    const trialMeans = new Float64Array(n);
    forEachPath(bootstrapScenario(false), n, (path, trial) => {
      trialMeans[trial] = Math.log(path.priceUsd[horizonMonths - 1] / path.priceUsd[0]) / (horizonMonths - 1);
    });
    const s = sampleMoments(trialMeans);
    expect(Math.abs(s.mean - windowMean)).toBeLessThan(4 * s.seMean);
  });

  it('demean shifts every return by one constant so that a month\'s expected price ratio is exp(driftPerYear / 12) (4 SE)', () => {
    const shift = demeanShift(window.logReturns, 0.1);
    const n = 20_000;
    const ratios = new Float64Array(n);
    forEachPath(bootstrapScenario(true), n, (path, trial) => {
      // One month per trial (a different one each time), so the ratios are independent.
      const m = trial % (horizonMonths - 1);
      ratios[trial] = path.priceUsd[m + 1] / path.priceUsd[m];
      if (trial < 50) windowIndices(path, shift);
    });
    const s = sampleMoments(ratios);
    expect(Math.abs(s.mean - Math.exp(0.1 / 12))).toBeLessThan(4 * s.seMean);
    // The 2016-2019 window's own drift is far above 10%/yr: demean really changed something.
    expect(shift).toBeLessThan(-0.02);
  });

  it('compileModel refuses a bootstrap scenario without its history, naming the fix', () => {
    expect(() => compileModel(bootstrapScenario(true))).toThrow(/no price history was supplied.*modelInputsFor/);
    expect(() => compileModel(bootstrapScenario(true), { priceHistory: priceHistoryWindow(shippedPriceHistory(), '2016-01', '2019-11') })).toThrow(
      /covers 2016-01 \.\. 2019-11, not the bootstrap window 2016-01 \.\. 2019-12/,
    );
  });

  it('a back-test refuses a window that reaches its as-of month (it would resample the answer)', async () => {
    const options = { asOf: ['2019-05'], months: 12, trials: 20, seed: 1, scenario: bootstrapScenario(true), scenarioName: 'bootstrap' };
    await expect(runBacktests(options)).rejects.toThrow(/resamples 2016-01 \.\. 2019-12, which reaches the tested months/);
  });

  it('modelInputsFor resolves the shipped window as the workers get it', async () => {
    const scenario = bootstrapScenario(true);
    expect(await modelInputsFor(scenario)).toEqual(shippedInputs(scenario));
  });
});

describe('validation of the price models', () => {
  it('the shipped history has returns for exactly the months the schema allows', () => {
    const history = shippedPriceHistory();
    expect(history.months[0]).toBe(PRICE_HISTORY_RETURN_MONTHS.from);
    expect(history.months[history.months.length - 1]).toBe(PRICE_HISTORY_RETURN_MONTHS.to);
  });

  it('fills the defaults of the chosen model and shows only its block in the resolved scenario', () => {
    const regimes = resolvedScenarioJson(scenarioWith((raw) => (raw.market.price = { model: 'regimes' }))) as Raw;
    expect(regimes.market.price.regimes).toEqual({
      bull: { driftPerYear: 1.8, volatilityPerYear: 0.6 },
      bear: { driftPerYear: -0.6, volatilityPerYear: 0.65 },
      bullToBearPerMonth: 0.17,
      bearToBullPerMonth: 0.08,
      start: 'stationary',
    });
    expect(regimes.market.price).not.toHaveProperty('bootstrap');
    const bootstrap = resolvedScenarioJson(scenarioWith((raw) => (raw.market.price = { model: 'bootstrap' }))) as Raw;
    expect(bootstrap.market.price.bootstrap).toEqual({ from: '2014-01', to: '2024-03', blockMonths: 12, demean: true });
    expect(bootstrap.market.price).not.toHaveProperty('regimes');
    expect(resolvedScenarioJson(parseScenario(bootstrap, 'summary.json'))).toEqual(bootstrap);
    expect((BASE.market as Raw).price).not.toHaveProperty('regimes');
  });

  const HISTORY = /a month from 2010-09 to 2024-03, the months with a return in the shipped BTC price history/;
  it.each([
    ['from before the history', { from: '2009-06' }, 'market.price.bootstrap.from', /is 2009-06, outside the shipped price history \(monthly returns 2010-09 \.\. 2024-03\)/, HISTORY],
    ['to after the history', { to: '2025-01' }, 'market.price.bootstrap.to', /is 2025-01, outside the shipped price history/, HISTORY],
    ['to before from', { from: '2020-01', to: '2019-12' }, 'market.price.bootstrap.to', /is 2019-12, before from 2020-01/, /a month from 2020-01 to 2024-03/],
    ['to before the default from', { to: '2013-12' }, 'market.price.bootstrap.to', /is 2013-12, before from 2014-01 \(default\)/, /from 2014-01/],
    ['blocks longer than the window', { from: '2023-01', blockMonths: 24 }, 'market.price.bootstrap.blockMonths', /is 24, longer than the window from 2023-01 to 2024-03 \(default\): 15 months/, /at most 15/],
    ['a malformed month', { from: '2014-1' }, 'market.price.bootstrap.from', /must be a month written YYYY-MM/, /YYYY-MM/],
    ['blocks of 0 months', { blockMonths: 0 }, 'market.price.bootstrap.blockMonths', /below the minimum 1/, /whole number/],
    ['an unknown field', { demaen: false }, 'market.price.bootstrap.demaen', /unknown field "demaen" \(did you mean demean\?\)/, /from, to, blockMonths, demean/],
  ])('bootstrap: %s is one problem naming the field and what is allowed', (_what, block, path, message, allowed) => {
    const error = scenarioErrorOf(() => scenarioWith((raw) => (raw.market.price = { model: 'bootstrap', bootstrap: block })));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].path).toBe(path);
    expect(error.problems[0].message).toMatch(message);
    expect(error.problems[0].allowed).toMatch(allowed);
  });

  it.each([
    ['a switch probability above 1', { model: 'regimes', regimes: { bullToBearPerMonth: 1.5 } }, 'market.price.regimes.bullToBearPerMonth', /above the maximum 1/],
    ['a negative regime volatility', { model: 'regimes', regimes: { bear: { volatilityPerYear: -0.1 } } }, 'market.price.regimes.bear.volatilityPerYear', /below the minimum 0/],
    ['a stationary start that never switches', { model: 'regimes', regimes: { bullToBearPerMonth: 0, bearToBullPerMonth: 0 } }, 'market.price.regimes.start', /no stationary distribution/],
    ['an unknown start', { model: 'regimes', regimes: { start: 'bul' } }, 'market.price.regimes.start', /did you mean bull/],
    ['the regimes block under merton', { regimes: {} }, 'market.price.regimes', /read only by model regimes, but market\.price\.model is merton \(default\)/],
    ['the bootstrap block under regimes', { model: 'regimes', bootstrap: {} }, 'market.price.bootstrap', /read only by model bootstrap, but market\.price\.model is regimes/],
    ['an unknown model', { model: 'bootstrapp' }, 'market.price.model', /did you mean bootstrap/],
  ])('%s is one problem naming the field', (_what, price, path, message) => {
    const error = scenarioErrorOf(() => scenarioWith((raw) => (raw.market.price = price)));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].path).toBe(path);
    expect(error.problems[0].message).toMatch(message);
  });

  it('the regimes preset loads, runs its regimes and states its sources', () => {
    const scenario = loadScenario('regimes');
    expect(scenario.market.price.model).toBe('regimes');
    expect(scenario.market.price.regimes).toBeDefined();
    expect(scenario.asOf.sources.note).toMatch(/fitted/);
  });
});

describe('the history reaches the workers', () => {
  it('a bootstrap scenario gives byte-identical summary.json and trials.csv with 0 and 2 workers', () => {
    const smoke = readFileSync(join(ROOT, 'scenarios', 'presets', 'smoke.yaml'), 'utf8');
    const text = smoke.replace('horizonMonths: 24', 'horizonMonths: 24\nmarket:\n  price:\n    model: bootstrap\n    bootstrap: { from: 2015-01, blockMonths: 6 }');
    expect(text).not.toBe(smoke);
    const dir = freshDir();
    const file = join(dir, 'bootstrap.yaml');
    writeFileSync(file, text);
    const outputs = [
      ['--workers', '0'],
      ['--workers', '2', '--chunk-trials', '150'],
    ].map((extra, i) => {
      const out = join(dir, `out${i}`);
      const run = cli(['run', file, '--trials', '600', '--seed', '11', '--out', out, '--quiet', ...extra]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      return { summary: readFileSync(join(out, 'summary.json'), 'utf8'), trials: readFileSync(join(out, 'trials.csv'), 'utf8') };
    });
    expect(outputs[1].summary).toBe(outputs[0].summary);
    expect(outputs[1].trials).toBe(outputs[0].trials);
    const summary = JSON.parse(outputs[0].summary);
    expect(summary.scenario.market.price.model).toBe('bootstrap');
    expect(summary.scenario.market.price.bootstrap).toEqual({ from: '2015-01', to: '2024-03', blockMonths: 6, demean: true });
  });
});

describe('each preset\'s price model against the expected price its notes state', () => {
  /**
   * E[S_n / S_0] after n monthly steps, independently of the engine: e^{mu n / 12} for merton and gbm
   * (the jumps are compensated); for regimes, the stationary (or given) start distribution pushed
   * through the chain, each month's step multiplying the mean by e^{mu_regime / 12}.
   */
  function expectedPriceRatio(scenario: Scenario, n: number): number {
    const price = scenario.market.price;
    if (price.model !== 'regimes') return Math.exp((price.driftPerYear * n) / 12);
    const r = price.regimes!;
    const p = r.bullToBearPerMonth;
    const q = r.bearToBullPerMonth;
    let bull = r.start === 'bull' ? 1 : r.start === 'bear' ? 0 : q / (p + q);
    let bear = 1 - bull;
    const dBull = Math.exp(r.bull.driftPerYear / 12);
    const dBear = Math.exp(r.bear.driftPerYear / 12);
    bull *= dBull;
    bear *= dBear;
    for (let k = 1; k < n; k++) [bull, bear] = [(bull * (1 - p) + bear * q) * dBull, (bull * p + bear * (1 - q)) * dBear];
    return bull + bear;
  }

  it.each(listPresets().map((p) => p.name))('%s: the mean price after 12 months is the stated expectation, within 4 SE', (name) => {
    const scenario = parseScenario({ ...resolvedScenarioJson(loadScenario(name)), horizonMonths: 13 }, name);
    const ratios = new Float64Array(20_000);
    forEachPath(scenario, ratios.length, (path, t) => (ratios[t] = path.priceUsd[12] / path.priceUsd[0]));
    const { mean, seMean } = sampleMoments(ratios);
    expect(Math.abs(mean - expectedPriceRatio(scenario, 12)) / seMean).toBeLessThan(4);
  });

  it('regimes: its notes state the model\'s expected price after 12 and 119 months, and a median trend near base\'s', () => {
    const regimes = loadScenario('regimes');
    const note = regimes.asOf.sources['market.price'];
    const stated = (months: number) => Number(new RegExp(`x([\\d.]+) after ${months} months`).exec(note)?.[1]);
    expect(stated(12)).toBeCloseTo(expectedPriceRatio(regimes, 12), 2);
    expect(stated(119) / expectedPriceRatio(regimes, 119)).toBeCloseTo(1, 2);
    // The median trend: the stationary mix of the regimes' log drifts (mu - sigma^2/2), -3%/yr.
    const r = regimes.market.price.regimes!;
    const bullShare = r.bearToBullPerMonth / (r.bullToBearPerMonth + r.bearToBullPerMonth);
    const logDrift = bullShare * (r.bull.driftPerYear - r.bull.volatilityPerYear ** 2 / 2) + (1 - bullShare) * (r.bear.driftPerYear - r.bear.volatilityPerYear ** 2 / 2);
    expect(logDrift).toBeCloseTo(-0.03, 2);
  });
});

describe('price fields the model ignores', () => {
  it('are warned about when set away from their default, so drift 0.9 under regimes does not pass silently', () => {
    const regimes = resolvedScenarioJson(loadScenario('regimes')) as Raw;
    const withDrift = parseScenario({ ...regimes, market: { ...regimes.market, price: { ...regimes.market.price, driftPerYear: 0.9, jumpsPerYear: 3 } } }, 'x');
    expect(ignoredPriceFieldWarnings(withDrift).map((w) => w.path)).toEqual(['market.price.driftPerYear', 'market.price.jumpsPerYear']);
    expect(ignoredPriceFieldWarnings(loadScenario('regimes'))).toEqual([]);
    expect(ignoredPriceFieldWarnings(loadScenario('base'))).toEqual([]);
    const gbm = scenarioWith((raw) => (raw.market.price = { ...raw.market.price, model: 'gbm', jumpsPerYear: 2 }));
    expect(ignoredPriceFieldWarnings(gbm).map((w) => w.message)).toEqual(['is 2, but model gbm ignores it: the runs are the same whatever its value']);
    const noDemean = scenarioWith((raw) => (raw.market.price = { model: 'bootstrap', driftPerYear: 0.5, bootstrap: { demean: false } }));
    expect(ignoredPriceFieldWarnings(noDemean).map((w) => w.path)).toEqual(['market.price.driftPerYear']);
  });

  it('validate says valid, with the warnings on stderr and exit 0', () => {
    const r = cli(['validate', 'regimes', '--set', 'market.price.driftPerYear=0.9']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('regimes: valid (regimes, 4 strategies), with 1 warning');
    expect(r.stderr).toContain('regimes: warning: market.price.driftPerYear: is 0.9, but model regimes ignores it');
  });
});
