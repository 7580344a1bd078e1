// The regimes fit (engine/regimeFit.ts) recovers the parameters of paths the engine itself draws
// with model: regimes (MarketPath, fixed seed): every parameter within 3 of its own standard errors.
import { describe, expect, it } from 'vitest';
import { fitGbm } from '../engine/calibration.js';
import { MarketPath, marketParams } from '../engine/market.js';
import { RandomStream } from '../engine/random.js';
import { fitRegimes, regimesLogLikelihood, regimesParameters } from '../engine/regimeFit.js';
import { loadScenario, parseScenario, resolvedScenarioJson } from '../scenarios/load.js';

const MONTH = 1 / 12;

describe('fitRegimes', () => {
  const truth = { bull: { driftPerYear: 0.9, volatilityPerYear: 0.45 }, bear: { driftPerYear: -0.5, volatilityPerYear: 0.95 }, bullToBearPerMonth: 0.05, bearToBullPerMonth: 0.1 };
  const raw = resolvedScenarioJson(loadScenario('base')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  raw.horizonMonths = 600;
  raw.market.price = { model: 'regimes', regimes: { ...truth, start: 'stationary' } };
  const scenario = parseScenario(raw, 'regimeFit.test.ts');
  // Four engine trials chained into one log-price series (each starts from the stationary distribution).
  const logs: number[] = [0];
  const path = new MarketPath(marketParams(scenario));
  for (let trial = 0; trial < 4; trial++) {
    path.simulate(new RandomStream().reseed(31_415, trial, 'market'));
    for (let m = 1; m < path.priceUsd.length; m++) logs.push(logs[logs.length - 1] + Math.log(path.priceUsd[m] / path.priceUsd[m - 1]));
  }
  const fit = fitRegimes(logs, MONTH);

  it('recovers both regimes and the switch probabilities within 3 SE', () => {
    const expected = regimesParameters(truth);
    for (const [name, value] of Object.entries(expected) as [keyof typeof expected, number][]) {
      const se = fit.standardErrors[name];
      expect(se, name).toBeGreaterThan(0);
      expect(Math.abs(fit.estimates[name] - value) / se, `${name}: ${fit.estimates[name]} vs ${value} ± ${se}`).toBeLessThan(3);
    }
    expect(fit.observations).toBe(4 * 599);
  });

  it('is a maximum: its likelihood beats the truth\'s and the one-regime GBM\'s on the same data', () => {
    const atTruth = regimesLogLikelihood(logs, MONTH, regimesParameters(truth));
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(atTruth);
    expect(fit.gbmLogLikelihood).toBeCloseTo(fitGbm(logs, MONTH).logLikelihood, 9);
    expect(fit.logLikelihood).toBeGreaterThan(fit.gbmLogLikelihood);
  });

  it('refuses fewer than 30 increments', () => {
    expect(() => fitRegimes(logs.slice(0, 20), MONTH)).toThrow(/needs at least 31 observations/);
  });
});
