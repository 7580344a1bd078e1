// Issue #10, root cause 3: a scenario the validator accepts runs to finite outcomes; one it cannot
// run is refused at validation, naming the fields; and a trial that still leaves the range of a
// double is an error naming the trial, month and series, never a hang or a silent NaN.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Chain } from '../engine/chain.js';
import { compileModel } from '../engine/model.js';
import { NonFiniteTrialError } from '../engine/nonFiniteTrial.js';
import { createOutcomeBlock, MARKET_METRICS, STRATEGY_METRICS } from '../engine/outcomes.js';
import { TrialKernel } from '../engine/trial.js';
import { finiteJson } from '../outputs/finiteJson.js';
import { loadScenario, parseScenario, resolvedScenarioJson, ScenarioError, type JsonValue } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';
import { ROOT } from './cliHarness.js';

const TRIALS = 3;

/** Metrics that may be NaN (absent: no IRR, never paid back, no ruin, no kWh used, never below zero, never converted). */
const MAY_BE_ABSENT = new Set(['irr', 'paybackMonth', 'ruinMonth', 'revenueUsdPerKwh', 'peakFundingMonth', 'switchMonth', 'switchPriceUsd', 'leaseSignedMonth', 'nextHalvingMonth']);

function runTrials(scenario: Scenario, trials = TRIALS) {
  const kernel = new TrialKernel(compileModel(scenario));
  const block = createOutcomeBlock(0, trials, scenario.strategies.length);
  kernel.run(7, block, kernel.createBandCollector());
  return block;
}

function expectFiniteOutcomes(scenario: Scenario) {
  const block = runTrials(scenario);
  const n = block.trialCount;
  for (let s = 0; s < block.strategyCount; s++) {
    STRATEGY_METRICS.forEach((metric, m) => {
      if (MAY_BE_ABSENT.has(metric)) return;
      for (let t = 0; t < n; t++) expect(Number.isFinite(block.strategy[(s * STRATEGY_METRICS.length + m) * n + t]), `${metric} of trial ${t}`).toBe(true);
    });
  }
  MARKET_METRICS.forEach((metric, m) => {
    if (MAY_BE_ABSENT.has(metric)) return;
    for (let t = 0; t < n; t++) expect(Number.isFinite(block.market[m * n + t]), `${metric} of trial ${t}`).toBe(true);
  });
}

/** A number spread over [min, max] linearly or, for positive ranges spanning decades, in logs (fast-check also tries the ends). */
const linear = (min: number, max: number) => fc.double({ min, max, noNaN: true });
const decades = (minExponent: number, maxExponent: number) => fc.double({ min: minExponent, max: maxExponent, noNaN: true }).map((e) => 10 ** e);

const smoke = resolvedScenarioJson(loadScenario('smoke')) as Record<string, JsonValue>;

const scenarioInput = fc.record({
  horizonMonths: fc.integer({ min: 1, max: 600 }),
  discountRatePerYear: linear(0, 1),
  asOf: fc.record({
    priceUsd: decades(-6, 12),
    networkHashrateEhs: decades(-9, 12),
    difficulty: decades(0, 30),
    feesBtcPerBlock: fc.oneof(fc.constant(0), decades(-6, 4)),
    energyUsdPerMwh: decades(-3, 6),
    aiDemandIndex: decades(-3, 3),
    gpuUsdPerHour: decades(-3, 4),
  }),
  price: fc.record({
    model: fc.constantFrom('merton', 'gbm', 'regimes'),
    driftPerYear: linear(-2, 2),
    volatilityPerYear: fc.oneof(linear(0, 1), linear(0, 5)),
    jumpsPerYear: fc.oneof(linear(0, 2), linear(0, 50)),
    jumpMeanLog: fc.oneof(linear(-0.5, 0.5), linear(-5, 5)),
    jumpSdLog: fc.oneof(linear(0, 0.5), linear(0, 5)),
    regimes: fc.record({
      bull: fc.record({ driftPerYear: linear(-5, 5), volatilityPerYear: fc.oneof(linear(0, 1), linear(0, 5)) }),
      bear: fc.record({ driftPerYear: linear(-5, 5), volatilityPerYear: fc.oneof(linear(0, 1), linear(0, 5)) }),
      bullToBearPerMonth: linear(0, 1),
      bearToBullPerMonth: linear(0.01, 1),
    }),
  }),
  hashrate: fc.record({
    growthPerYear: linear(-2, 5),
    volatilityPerYear: linear(0, 5),
    responsePerYear: linear(0, 10),
    responseLagMonths: fc.integer({ min: 0, max: 36 }),
    breakevenEfficiencyJPerTh: decades(-3, 3),
    breakevenPowerUsdPerMwh: decades(-3, 4),
    efficiencyGainPerYear: linear(0, 0.9),
  }),
  fees: fc.record({ meanBtcPerBlock: decades(-6, 2), reversionPerYear: linear(0, 100), volatilityPerYear: linear(0, 10) }),
  energy: fc.record({
    meanUsdPerMwh: decades(-3, 4),
    reversionPerYear: linear(0, 100),
    volatilityPerYear: linear(0, 10),
    summerUplift: linear(-0.9, 5),
    spikesPerYear: linear(0, 50),
    spikeMeanLog: linear(-5, 5),
    spikeSdLog: linear(0, 5),
  }),
  aiDemand: fc.record({
    reversionPerYear: linear(0, 100),
    volatilityPerYear: linear(0, 10),
    winterHazardPerYear: linear(0, 12),
    winterMeanMonths: decades(-2, 3),
    winterIndexFactor: linear(0.01, 1),
    gpuPriceDeclinePerYear: linear(0, 0.95),
    gpuVolatilityPerYear: linear(0, 5),
  }),
  hosting: fc.record({ leaseElasticity: linear(0, 10), leaseUsdPerKwMonth: linear(0, 1e4) }),
  site: fc.record({ powerMw: decades(-3, 5), efficiencyJPerTh: decades(-3, 3), opexUsdPerMwMonth: linear(0, 1e7), ppaShare: linear(0, 1) }),
});

describe('numeric domain (issue #10, root cause 3)', () => {
  it('any scenario the validator accepts runs to finite outcomes; the rest are refused as a ScenarioError', () => {
    let accepted = 0;
    fc.assert(
      fc.property(scenarioInput, (input) => {
        const { price, hashrate, fees, energy, aiDemand, site, hosting, asOf, ...top } = input;
        const { regimes, ...diffusion } = price;
        const market = smoke.market as Record<string, JsonValue>;
        const raw = {
          ...smoke,
          ...top,
          asOf: { ...(smoke.asOf as Record<string, JsonValue>), ...asOf, secondsSinceRetarget: undefined },
          market: { ...market, price: price.model === 'regimes' ? { model: 'regimes', regimes } : diffusion, hashrate, fees, energy, aiDemand },
          site: { ...(smoke.site as Record<string, JsonValue>), ...site },
          hosting: { ...(smoke.hosting as Record<string, JsonValue>), ...hosting },
        };
        let scenario: Scenario;
        try {
          scenario = parseScenario(JSON.parse(JSON.stringify(raw)), 'property');
        } catch (error) {
          expect(error).toBeInstanceOf(ScenarioError);
          return;
        }
        accepted++;
        expectFiniteOutcomes(scenario);
      }),
      { numRuns: 200, seed: 10 },
    );
    // The generator must reach the engine, not only the validator.
    expect(accepted).toBeGreaterThan(40);
  });

  it('refuses, naming the fields, the corners that used to hang or give NaN: jumps of sd 3, volatility 3 over 600 months, a price of 1e300', () => {
    const refusal = (...set: string[]) => {
      try {
        loadScenario('base', { set });
      } catch (error) {
        expect(error).toBeInstanceOf(ScenarioError);
        return (error as ScenarioError).problems.map((p) => `${p.path}: ${p.message} (${p.allowed})`).join('\n');
      }
      throw new Error(`accepted: ${set.join(' ')}`);
    };
    expect(refusal('market.price.jumpSdLog=3')).toMatch(/market\.price with horizonMonths: .*jump compensation .* is 80\.5\/yr.*lower market\.price\.volatilityPerYear, jumpsPerYear, jumpMeanLog, jumpSdLog or horizonMonths/);
    expect(refusal('horizonMonths=600', 'market.price.volatilityPerYear=3')).toMatch(/over 600 months .*ln E\[S\^2\]\/E\[S\]\^2 = 451/);
    expect(refusal('asOf.priceUsd=1e300')).toMatch(/^asOf\.priceUsd: .*maximum 1e12/);
    // Fees as a random walk in logs (no reversion) at 3/yr: the log's variance over 10 years is 3^2 x 10.
    expect(refusal('market.fees.volatilityPerYear=3', 'market.fees.reversionPerYear=0')).toMatch(/^market\.fees with horizonMonths: .*\(the variance of its log 90\.0\)/);
    // A site of 100,000 MW at 18 J/TH is 5,556 EH/s, 5.19 times base's 1,070 EH/s network.
    expect(refusal('site.powerMw=100000')).toMatch(/^site\.powerMw with site\.efficiencyJPerTh and asOf\.networkHashrateEhs: the site's 5\.56e\+3 EH\/s are 5\.19 times the network's 1070 EH\/s/);
    expect(refusal('asOf.difficulty=0.5')).toMatch(/^asOf\.difficulty: /);
    // Efficiencies and a power price down to the smallest double used to pass and then fail the
    // run: the ranges now start where the property test above starts drawing them.
    for (const field of ['site.efficiencyJPerTh', 'market.hashrate.breakevenEfficiencyJPerTh', 'market.hashrate.breakevenPowerUsdPerMwh', 'hosting.gpuCloud.itKwPerGpu']) {
      expect(refusal(`${field}=5e-324`)).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}: is 5e-324, below the minimum 0\\.001`));
    }
  });

  it('runs a hashrate death spiral (the price falling 86%/yr, response 2.5/yr, 600 months) to finite outcomes instead of 0/0', () => {
    expectFiniteOutcomes(loadScenario('base', { set: ['horizonMonths=600', 'market.price.driftPerYear=-2', 'market.hashrate.responsePerYear=2.5'] }));
  });

  it('names the trial, month and series of a non-finite value in a model validation would refuse', () => {
    const scenario = loadScenario('smoke');
    const broken = { ...scenario, asOf: { ...scenario.asOf, priceUsd: 1e300 } };
    expect(() => runTrials(broken)).toThrow(NonFiniteTrialError);
    expect(() => runTrials(broken)).toThrow(/^trial 0: market hashpriceUsdPerPhDay is Infinity in month 0: /);
  });

  it('a model that breaks outside the market path is not blamed on the GPU price a lease-only scenario never makes', () => {
    const scenario = loadScenario('smoke');
    const broken = { ...scenario, site: { ...scenario.site, efficiencyJPerTh: 1e-300 } };
    expect(() => runTrials(broken)).toThrow(/^trial 0: strategy stay [A-Za-z]+ is (NaN|-?Infinity)/);
  });

  it('summary.json and study.json are written through finiteJson: a NaN or infinity left in them is named, never a silent null', () => {
    expect(finiteJson({ a: [1, null, { sd: 2 }] }, 'summary.json')).toBe(`${JSON.stringify({ a: [1, null, { sd: 2 }] }, null, 2)}\n`);
    expect(() => finiteJson({ strategies: [{ metrics: { npvUsd: { mean: 1, sd: Infinity } } }] }, 'summary.json')).toThrow(
      /^summary\.json: strategies\[0\]\.metrics\.npvUsd\.sd is Infinity: a number left the range a double holds, so nothing was written/,
    );
    expect(() => finiteJson({ analysis: { tornado: [NaN] } }, 'study.json')).toThrow(/^study\.json: analysis\.tornado\[0\] is NaN: /);
    for (const file of ['outputs/runOutputs.ts', 'runners/study.ts']) expect(readFileSync(join(ROOT, file), 'utf8')).toMatch(/write\(finiteJson\(/);
  });

  it('bounds the block-accrual loop: a hashrate of infinity or NaN accrues NaN instead of looping for ever', () => {
    for (const hashrateHs of [Infinity, NaN]) {
      const chain = new Chain();
      chain.reset(921_000, 1.5e14, 0);
      expect(chain.accrueMonth(0, hashrateHs, 0.025)).toBeNaN();
    }
  });
});
