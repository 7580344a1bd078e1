// Per-trial drivers of the outcome block: each equals its definition over the trial's own market
// path, and matches known answers: no winters without a winter hazard, a constant energy price when
// the energy process has no noise, and the expected months in winter of the two-state chain; per
// strategy, the switch month and the price then, the first lease and the tenant defaults.
import { describe, expect, it } from 'vitest';
import { compileModel } from '../engine/model.js';
import { createOutcomeBlock, marketColumn, strategyColumn } from '../engine/outcomes.js';
import { TrialKernel } from '../engine/trial.js';
import { loadScenario, parseScenario, resolvedScenarioJson, type JsonObject } from '../scenarios/load.js';

const smoke = loadScenario('smoke');

/** smoke with some market processes' fields changed (`market`) and some hosting fields (`hosting`). */
function smokeWith(market: JsonObject, hosting: JsonObject = {}) {
  const json = resolvedScenarioJson(smoke) as JsonObject;
  const base = json.market as JsonObject;
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(market)) merged[key] = { ...(base[key] as JsonObject), ...(value as JsonObject) };
  return parseScenario({ ...json, market: merged, hosting: { ...(json.hosting as JsonObject), ...hosting } }, 'test');
}

function runBlock(scenario: ReturnType<typeof loadScenario>, trials: number, seed = 9) {
  const kernel = new TrialKernel(compileModel(scenario));
  const block = createOutcomeBlock(100, trials, kernel.model.strategies.length);
  kernel.run(seed, block, null);
  return { kernel, block };
}

const mean = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0) / values.length;

describe('market drivers per trial', () => {
  it('are the months in winter, the path means of price, hashprice, energy, fees and AI demand, and the last month\'s AI demand of the trial', () => {
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
      expect(marketColumn(block, 'finalAiDemandIndex')[t]).toBe(m.aiDemandIndex[m.aiDemandIndex.length - 1]);
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

describe('strategy drivers per trial', () => {
  const names = smoke.strategies.map((st) => st.name);
  const column = (block: ReturnType<typeof runBlock>['block'], name: string, metric: Parameters<typeof strategyColumn>[2]) => strategyColumn(block, names.indexOf(name), metric);

  it('give the month a conversion starts and the BTC price then: never for stay, month 0 and 6 for convert-now and hybrid-50, the trigger month for trigger-30', () => {
    const { kernel, block } = runBlock(smoke, 40);
    const trigger = smoke.strategies.find((st) => st.kind === 'trigger') as { hashpriceBelowUsdPerPhDay: number; forMonths: number };
    for (let t = 0; t < 40; t++) {
      kernel.drawTrial(9, 100 + t);
      const m = kernel.market;
      expect(column(block, 'stay', 'switchMonth')[t]).toBeNaN();
      expect(column(block, 'stay', 'switchPriceUsd')[t]).toBeNaN();
      expect(column(block, 'stay', 'leaseSignedMonth')[t]).toBeNaN();
      expect(column(block, 'stay', 'tenantDefaults')[t]).toBe(0);
      expect(column(block, 'convert-now', 'switchMonth')[t]).toBe(0);
      expect(column(block, 'convert-now', 'switchPriceUsd')[t]).toBeCloseTo(smoke.asOf.priceUsd, 6);
      expect(column(block, 'hybrid-50', 'switchMonth')[t]).toBe(6);
      expect(column(block, 'hybrid-50', 'switchPriceUsd')[t]).toBe(m.priceUsd[6]);
      // The trigger: hashprice below the level for forMonths months in a row, acted on the next month.
      let below = 0;
      let expected = NaN;
      for (let month = 0; month < smoke.horizonMonths - 1 && expected !== expected; month++) {
        below = m.hashpriceUsdPerPhDay[month] < trigger.hashpriceBelowUsdPerPhDay ? below + 1 : 0;
        if (below >= trigger.forMonths) expected = month + 1;
      }
      expect(column(block, 'trigger-30', 'switchMonth')[t]).toBe(expected);
      if (expected === expected) expect(column(block, 'trigger-30', 'switchPriceUsd')[t]).toBe(m.priceUsd[expected]);
      // smoke's leases are signed before the build (preLeased): at the switch.
      expect(column(block, 'convert-now', 'leaseSignedMonth')[t]).toBe(0);
    }
  });

  it('find no lease when no tenant ever signs, a first lease no earlier than the first handover otherwise, and count tenant defaults', () => {
    const speculative = { preLeased: false, tranches: 1 };
    const never = runBlock(smokeWith({}, { ...speculative, signingProbabilityPerMonth: 0 }), 30).block;
    expect([...column(never, 'convert-now', 'leaseSignedMonth')].every((x) => Number.isNaN(x))).toBe(true);
    expect([...new Set(column(never, 'convert-now', 'tenantDefaults'))]).toEqual([0]);

    const { kernel, block } = runBlock(smokeWith({}, { ...speculative, signingProbabilityPerMonth: 0.5 }), 30);
    let signed = 0;
    for (let t = 0; t < 30; t++) {
      kernel.drawTrial(9, 100 + t);
      const month = column(block, 'convert-now', 'leaseSignedMonth')[t];
      if (month === month) {
        signed++;
        expect(month).toBeGreaterThanOrEqual(kernel.siteDraws.buildMonths);
      }
    }
    expect(signed).toBeGreaterThan(20);

    const risky = runBlock(smokeWith({}, { tenantCreditGrade: 'custom', defaultHazardPerYear: 6, winterDefaultHazardPerYear: 6 }), 60).block;
    const safe = runBlock(smokeWith({}, { tenantCreditGrade: 'custom', defaultHazardPerYear: 0, winterDefaultHazardPerYear: 0 }), 60).block;
    expect([...new Set(column(safe, 'convert-now', 'tenantDefaults'))]).toEqual([0]);
    const defaults = column(risky, 'convert-now', 'tenantDefaults');
    expect(mean(defaults)).toBeGreaterThan(1);
    for (const d of defaults) expect(Number.isInteger(d)).toBe(true);
  });
});
