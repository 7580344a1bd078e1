// The NPV of never converting and of a leased conversion from per-path sums
// (engine/conversionValue.ts) against the strategy evaluator walking the months, for every start
// month and several shares,
// on scenarios chosen so that every branch of the lease states runs: pre-leased and not, defaults
// with and without a guarantor, re-leasing, leases that end inside the horizon, halls delivered at
// once and one after another, handovers after the horizon, project debt repaid inside the horizon
// and at no interest, site debt repaid inside the horizon and still owed at it, power bought for
// the tenant, PPA power, curtailment on and off.
// The two sum the same cash flows in another order, so they agree to rounding: within 1e-9 of the
// never-converting NPV (at least $1M), i.e. well under a dollar on a $100M site.
import { describe, expect, it } from 'vitest';
import { ConversionValuer } from '../engine/conversionValue.js';
import { compileModel } from '../engine/model.js';
import type { StrategyRule } from '../engine/strategy.js';
import { TrialKernel } from '../engine/trial.js';
import { presetWith } from '../runners/realOptionChecks.js';
import { loadScenario } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';

const TOLERANCE = 1e-9;
const PATHS = 8;
const SHARES = [1, 0.5, 0.3];

const cases: [string, Scenario, { defaults: boolean }][] = [
  ['base', loadScenario('base'), { defaults: true }],
  ['ai-winter', loadScenario('ai-winter'), { defaults: true }],
  ['terawulf-fluidstack without its guarantor (modified gross, debt at 7.75%)', presetWith('terawulf-fluidstack', (raw) => (raw.hosting.backstopShare = 0)), { defaults: false }],
  ['cheap-power', loadScenario('cheap-power'), { defaults: false }],
  [
    'base, not pre-leased, 2-year leases, a CCC tenant, no curtailment',
    presetWith('base', (raw) => {
      Object.assign(raw.hosting, { preLeased: false, leaseYears: 2, tenantCreditGrade: 'CCC' });
      for (const s of raw.strategies) s.curtail = false;
    }),
    { defaults: true },
  ],
  [
    'base, halls at once, debt repaid in 2 years, a CCC tenant, site debt, all of the debt in the NPV (debtInNpv)',
    presetWith('base', (raw) => {
      Object.assign(raw.hosting, { trancheIntervalMonths: 0, capexDebtTermMonths: 24, tenantCreditGrade: 'CCC', debtInNpv: true });
      Object.assign(raw.site, { debtUsd: 200e6, debtTermMonths: 48 });
    }),
    { defaults: true },
  ],
  [
    'base, 3 halls 4 months apart, 3-year leases, power bought for the tenant, half on a PPA',
    presetWith('base', (raw) => {
      Object.assign(raw.hosting, { tranches: 3, trancheIntervalMonths: 4, leaseYears: 3, powerPassThrough: false });
      raw.site.ppaShare = 0.5;
    }),
    { defaults: true },
  ],
  [
    'base over 40 months, interest-free project debt over 30 months, site debt owed at the horizon',
    presetWith('base', (raw) => {
      raw.horizonMonths = 40;
      Object.assign(raw.hosting, { capexDebtRatePerYear: 0, capexDebtTermMonths: 30 });
      Object.assign(raw.site, { debtUsd: 150e6, debtTermMonths: 60 });
    }),
    { defaults: false },
  ],
  ['base over 8 months (handovers after the horizon)', presetWith('base', (raw) => (raw.horizonMonths = 8)), { defaults: false }],
];

describe('the NPV of a leased conversion from per-path sums', () => {
  for (const [name, scenario, expected] of cases) {
    it(`${name}: the evaluator's NPV of never converting, and of converting at every start month and share`, () => {
      const kernel = new TrialKernel(compileModel(scenario));
      const { evaluator, market, siteDraws } = kernel;
      const site = kernel.model.site;
      const valuer = new ConversionValuer(site);
      expect(valuer.covers(false)).toBe(true);
      const curtail = scenario.strategies[0].kind === 'stay' ? scenario.strategies[0].curtail : true;
      const rule: StrategyRule = { name: 'x', convertAtMonth: Infinity, share: 0, gpuCloud: false, curtail, refreshEveryMonths: 0, triggerHashpriceUsdPerPhDay: 0, triggerMonths: 0 };
      let worst = 0;
      let defaults = 0;
      for (let p = 0; p < PATHS; p++) {
        kernel.drawFitPath(9, p);
        rule.convertAtMonth = Infinity;
        rule.share = 0;
        const holdNpvUsd = evaluator.evaluateNpvRecording(rule, market, siteDraws).npvUsd;
        valuer.preparePath(market, siteDraws, curtail);
        const scaleUsd = Math.max(1e6, Math.abs(holdNpvUsd));
        worst = Math.max(worst, Math.abs(valuer.neverConvertingNpvUsd - holdNpvUsd) / scaleUsd);
        for (let month = 0; month < site.months; month++) {
          for (const share of SHARES) {
            rule.convertAtMonth = month;
            rule.share = share;
            const walkedUsd = evaluator.evaluateNpvFrom(rule, market, siteDraws, month).npvUsd;
            worst = Math.max(worst, Math.abs(valuer.npvUsd(month, share) - walkedUsd) / scaleUsd);
          }
          if (month % 12 === 0) defaults += evaluator.evaluate({ ...rule, share: 1 }, market, siteDraws).tenantDefaults;
        }
      }
      expect(worst).toBeLessThan(TOLERANCE);
      if (expected.defaults) expect(defaults).toBeGreaterThan(0);
    });
  }

  it('covers leasing only, without tax, capex advance, a guarantor or a terminal value other than by cash-flow type; never converting whatever the lease terms', () => {
    const covers = (scenario: Scenario, gpuCloud = false) => new ConversionValuer(compileModel(scenario).site).covers(gpuCloud);
    // A guarantor pays for the months a re-let leaves vacant: walked by the evaluator; never converting still from the sums.
    expect(covers(loadScenario('terawulf-fluidstack'))).toBe(false);
    expect(new ConversionValuer(compileModel(loadScenario('terawulf-fluidstack')).site).coversHold()).toBe(true);
    expect(covers(loadScenario('base'), true)).toBe(false);
    expect(covers(presetWith('base', (raw) => (raw.site.taxRate = 0.21)))).toBe(false);
    expect(covers(loadScenario('core-scientific-coreweave'))).toBe(false);
    expect(covers(presetWith('base', (raw) => (raw.terminalValue = { method: 'multiple', annualCashFlowMultiple: 5 })))).toBe(false);
  });
});

describe('why a two-step conversion adds nothing under the model (README: Departures)', () => {
  // Without tax, what converting changes is proportional to the share converted, so two halves
  // converted apart are two copies of one stopping problem: the evaluator's own NPVs, walked month
  // by month, on base and ai-winter. The mining part's terminal value, when a hall starts in the
  // last year, is the only departure: well under 1% of the change.
  for (const preset of ['base', 'ai-winter']) {
    it(`${preset}: NPV(convert 50%) - NPV(never) is half of NPV(convert 100%) - NPV(never), to 0.5%`, () => {
      const kernel = new TrialKernel(compileModel(loadScenario(preset)));
      const { evaluator, market, siteDraws } = kernel;
      const rule: StrategyRule = { name: 'x', convertAtMonth: Infinity, share: 0, gpuCloud: false, curtail: true, refreshEveryMonths: 0, triggerHashpriceUsdPerPhDay: 0, triggerMonths: 0 };
      let worst = 0;
      for (let p = 0; p < 20; p++) {
        kernel.drawFitPath(4, p);
        const holdUsd = evaluator.evaluate({ ...rule }, market, siteDraws, true).npvUsd;
        for (let month = 0; month < kernel.model.site.months; month += 5) {
          const changeUsd = (share: number) => evaluator.evaluate({ ...rule, convertAtMonth: month, share }, market, siteDraws, true).npvUsd - holdUsd;
          const fullUsd = changeUsd(1);
          worst = Math.max(worst, Math.abs(changeUsd(0.5) - fullUsd / 2) / Math.max(1e6, Math.abs(fullUsd)));
        }
      }
      expect(worst).toBeLessThan(0.005);
    });
  }
});
