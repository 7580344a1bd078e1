// Per-trial drivers of the outcome block: each equals its definition over the trial's own market
// path, and matches known answers: no winters without a winter hazard, a constant energy price when
// the energy process has no noise, and the expected months in winter of the two-state chain.
import { describe, expect, it } from 'vitest';
import { compileModel } from '../engine/model.js';
import { createOutcomeBlock, marketColumn } from '../engine/outcomes.js';
import { TrialKernel } from '../engine/trial.js';
import { loadScenario, parseScenario, resolvedScenarioJson, type JsonObject } from '../scenarios/load.js';

const smoke = loadScenario('smoke');

function smokeWith(market: JsonObject) {
  const json = resolvedScenarioJson(smoke) as JsonObject;
  const base = json.market as JsonObject;
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(market)) merged[key] = { ...(base[key] as JsonObject), ...(value as JsonObject) };
  return parseScenario({ ...json, market: merged }, 'test');
}

function runBlock(scenario: ReturnType<typeof loadScenario>, trials: number, seed = 9) {
  const kernel = new TrialKernel(compileModel(scenario));
  const block = createOutcomeBlock(100, trials, kernel.model.strategies.length);
  kernel.run(seed, block, null);
  return { kernel, block };
}

const mean = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0) / values.length;

describe('market drivers per trial', () => {
  it('are the months in winter and the path means of price, hashprice, energy, fees and AI demand of the trial', () => {
    const { kernel, block } = runBlock(smoke, 40);
    for (let t = 0; t < 40; t++) {
      kernel.drawTrial(9, 100 + t);
      const m = kernel.market;
      expect(marketColumn(block, 'aiWinterMonths')[t]).toBe(m.aiWinter.reduce((a, b) => a + b, 0));
      expect(marketColumn(block, 'meanPriceUsd')[t]).toBeCloseTo(mean(m.priceUsd), 6);
      expect(marketColumn(block, 'meanHashpriceUsdPerPhDay')[t]).toBeCloseTo(mean(m.hashpriceUsdPerPhDay), 10);
      expect(marketColumn(block, 'meanEnergyUsdPerMwh')[t]).toBeCloseTo(mean(m.energyUsdPerMwh), 10);
      expect(marketColumn(block, 'meanFeesBtcPerBlock')[t]).toBeCloseTo(mean(m.feesBtcPerBlock), 14);
      expect(marketColumn(block, 'meanAiDemandIndex')[t]).toBeCloseTo(mean(m.aiDemandIndex), 12);
    }
  });

  it('count no winter months without a winter hazard, and a noiseless energy price at its mean', () => {
    const calm = smokeWith({
      aiDemand: { winterHazardPerYear: 0 },
      energy: { volatilityPerYear: 0, spikesPerYear: 0, summerUplift: 0, meanUsdPerMwh: 45 },
    });
    expect(calm.asOf.energyUsdPerMwh).toBe(45);
    const { block } = runBlock(calm, 30);
    expect([...new Set(marketColumn(block, 'aiWinterMonths'))]).toEqual([0]);
    for (const e of marketColumn(block, 'meanEnergyUsdPerMwh')) expect(e).toBeCloseTo(45, 9);
  });

  it('average the expected months in winter of the two-state chain within 4 SE', () => {
    // Month 0 is not in winter; each month the chain enters with p = 1 - e^{-h/12} and leaves with
    // q = 1/L, so P(winter in month m) = pi (1 - (1 - p - q)^m), pi = p / (p + q).
    const hazardPerYear = 0.5;
    const meanMonths = 12;
    const scenario = smokeWith({ aiDemand: { winterHazardPerYear: hazardPerYear, winterMeanMonths: meanMonths } });
    const months = scenario.horizonMonths;
    const p = 1 - Math.exp(-hazardPerYear / 12);
    const q = 1 / meanMonths;
    let expected = 0;
    for (let m = 0; m < months; m++) expected += (p / (p + q)) * (1 - (1 - p - q) ** m);
    const trials = 4000;
    const { block } = runBlock(scenario, trials, 21);
    const winter = marketColumn(block, 'aiWinterMonths');
    const sampleMean = mean(winter);
    const sd = Math.sqrt(Array.from(winter).reduce((a, x) => a + (x - sampleMean) ** 2, 0) / (trials - 1));
    expect(Math.abs(sampleMean - expected)).toBeLessThan((4 * sd) / Math.sqrt(trials));
  });
});
