// The strategy evaluator's fast paths against plain reference implementations: NPV and payback are
// summed inside its month loop, and must give the bits that presentValue and paybackMonth give
// over the cash flows it reports; an NPV-only evaluation resumed at a conversion month (how a
// conversion policy is fitted) must give the bits of one that runs every month.
import { describe, expect, it } from 'vitest';
import { internalRateOfReturn, paybackMonth, presentValue } from '../engine/accounting.js';
import { compileModel } from '../engine/model.js';
import type { StrategyRule } from '../engine/strategy.js';
import { TrialKernel } from '../engine/trial.js';
import { presetWith } from '../runners/realOptionChecks.js';
import { loadScenario } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';

describe('strategy evaluator against the plain accounting functions', () => {
  for (const preset of ['bench', 'base', 'gpu-cloud', 'terawulf-fluidstack']) {
    it(`${preset}: NPV, payback and IRR bit for bit from the month flows`, () => {
      const kernel = new TrialKernel(compileModel(loadScenario(preset)));
      const { site, strategies } = kernel.model;
      const months = site.months;
      const evaluator = kernel.evaluator;
      let compared = 0;
      for (let trial = 0; trial < 40; trial++) {
        kernel.drawTrial(3, trial);
        for (const rule of strategies) {
          const o = evaluator.evaluate(rule, kernel.market, kernel.siteDraws);
          const flows = evaluator.valuedFlowUsd.slice();
          const terminal = evaluator.terminalUsd;
          expect(o.terminalPvUsd).toBe(terminal * site.discountFactors[months - 1]);
          expect(o.npvUsd).toBe(presentValue(flows, site.discountFactors, months) + o.terminalPvUsd);
          expect(o.paybackMonth).toBe(paybackMonth(flows, months));
          flows[months - 1] += terminal;
          expect(o.irr).toBe(internalRateOfReturn(flows, months));
          compared++;
        }
      }
      expect(compared).toBe(40 * strategies.length);
    });
  }
});

describe('an NPV-only evaluation resumed at its conversion month', () => {
  // Site debt (its service runs before and after the conversion), a horizon shorter than a year
  // (the terminal value's last 12 months are all of it), both terminal values on last year's cash
  // flows, advances, GPU clouds and prepayments.
  const cases: [string, Scenario][] = [
    ['base with site debt', presetWith('base', (raw) => Object.assign(raw.site, { debtUsd: 200e6, debtTermMonths: 48 }))],
    ['base over 8 months', presetWith('base', (raw) => (raw.horizonMonths = 8))],
    ['base over 3 years at $400k, terminal value at a multiple', presetWith('base', (raw) => {
      raw.horizonMonths = 36;
      raw.asOf.priceUsd = 400_000;
      raw.terminalValue = { method: 'multiple', annualCashFlowMultiple: 5 };
    })],
    ['base taxed at 25% over a 3-year tax life (depreciation that ends before and after the month, losses carried)', presetWith('base', (raw) => Object.assign(raw.site, { taxRate: 0.25, taxDepreciationYears: 3 }))],
    ['base taxed at $400k over a 1-year tax life (profits taxed around the depreciation)', presetWith('base', (raw) => {
      raw.asOf.priceUsd = 400_000;
      Object.assign(raw.site, { taxRate: 0.25, taxDepreciationYears: 1 });
    })],
    ['gpu-cloud', loadScenario('gpu-cloud')],
    ['core-scientific-coreweave', loadScenario('core-scientific-coreweave')],
    ['iren-microsoft', loadScenario('iren-microsoft')],
    ['terawulf-fluidstack', loadScenario('terawulf-fluidstack')],
  ];
  for (const [name, scenario] of cases) {
    it(`${name}: the NPV of a full evaluation, bit for bit, for every conversion month, share, operation and mining rule`, () => {
      const kernel = new TrialKernel(compileModel(scenario));
      const { evaluator, market, siteDraws } = kernel;
      const months = kernel.model.site.months;
      let compared = 0;
      for (let path = 0; path < 6; path++) {
        kernel.drawFitPath(7, path);
        for (const [curtail, refreshEveryMonths] of [[true, 0], [false, 0], [true, 5]] as const) {
          const rule: StrategyRule = { name: 'r', convertAtMonth: Infinity, share: 0, gpuCloud: false, curtail, refreshEveryMonths, triggerHashpriceUsdPerPhDay: 0, triggerMonths: 0 };
          const neverNpvUsd = evaluator.evaluateNpvRecording(rule, market, siteDraws).npvUsd;
          expect(neverNpvUsd).toBe(evaluator.evaluate(rule, market, siteDraws).npvUsd);
          const conversions: [StrategyRule, number][] = [];
          for (let month = 0; month < months; month += 1 + (path % 3)) {
            for (const [share, gpuCloud] of [[1, false], [0.5, false], [0.3, true]] as const) {
              const converting = { ...rule, convertAtMonth: month, share, gpuCloud };
              conversions.push([converting, evaluator.evaluate(converting, market, siteDraws).npvUsd]);
            }
          }
          // Resumed at the conversion month and at an earlier one, one after another as a fit
          // resumes them: what an earlier conversion left in the evaluator's buffers must not count.
          for (const [converting, full] of conversions) {
            const month = converting.convertAtMonth;
            expect(evaluator.evaluateNpvFrom(converting, market, siteDraws, month).npvUsd).toBe(full);
            expect(evaluator.evaluateNpvFrom(converting, market, siteDraws, month >> 1).npvUsd).toBe(full);
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(40);
    });
  }

  it('is refused for a rule that converts before the month, triggers, or mines unlike the recorded one', () => {
    const kernel = new TrialKernel(compileModel(loadScenario('base')));
    const { evaluator, market, siteDraws } = kernel;
    kernel.drawFitPath(7, 0);
    const rule: StrategyRule = { name: 'r', convertAtMonth: Infinity, share: 0, gpuCloud: false, curtail: true, refreshEveryMonths: 0, triggerHashpriceUsdPerPhDay: 0, triggerMonths: 0 };
    evaluator.evaluateNpvRecording(rule, market, siteDraws);
    expect(() => evaluator.evaluateNpvFrom({ ...rule, convertAtMonth: 10, share: 1 }, market, siteDraws, 11)).toThrow(/not before the rule's conversion/);
    expect(() => evaluator.evaluateNpvFrom({ ...rule, convertAtMonth: -1, share: 1, triggerMonths: 3 }, market, siteDraws, 0)).toThrow(/not before the rule's conversion/);
    expect(() => evaluator.evaluateNpvFrom({ ...rule, convertAtMonth: 10, share: 1, curtail: false }, market, siteDraws, 10)).toThrow(/mines unlike/);
  });
});

describe('the tax against a plain reference', () => {
  // Mining with a fleet refresh every year: the capex of month m is the refresh's, known in closed
  // form, so the month's operating profit is the untaxed flow plus it. The tax is then recomputed
  // here the plain way: straight-line depreciation of each refresh from its month, the month's
  // profit less it taxed, a loss carried forward against later profits.
  const taxRate = 0.3;
  const lifeYears = 2;
  const untaxed = presetWith('base', (raw) => (raw.site.debtUsd = 0));
  const taxed = presetWith('base', (raw) => Object.assign(raw.site, { debtUsd: 0, taxRate, taxDepreciationYears: lifeYears }));
  it('stay with a yearly refresh: every month\'s after-tax flow', () => {
    const plain = new TrialKernel(compileModel(untaxed));
    const kernel = new TrialKernel(compileModel(taxed));
    const site = kernel.model.site;
    const months = site.months;
    const lifeMonths = lifeYears * 12;
    const rule: StrategyRule = { name: 'r', convertAtMonth: Infinity, share: 0, gpuCloud: false, curtail: false, refreshEveryMonths: 12, triggerHashpriceUsdPerPhDay: 0, triggerMonths: 0 };
    let carried = 0;
    for (let trial = 0; trial < 30; trial++) {
      plain.drawTrial(5, trial);
      kernel.drawTrial(5, trial);
      plain.evaluator.evaluate(rule, plain.market, plain.siteDraws);
      kernel.evaluator.evaluate(rule, kernel.market, kernel.siteDraws);
      const capex = Array.from({ length: months }, (_, m) =>
        m > 0 && m % 12 === 0 ? ((site.powerMw * 1e6) / (site.efficiencyJPerTh * (1 - site.networkEfficiencyGainPerYear) ** (m / 12))) * site.asicUsdPerTh : 0);
      let lossUsd = 0;
      for (let m = 0; m < months; m++) {
        const operatingUsd = plain.evaluator.valuedFlowUsd[m] + capex[m];
        let depreciationUsd = 0;
        for (let k = Math.max(0, m - lifeMonths + 1); k <= m; k++) depreciationUsd += capex[k] / lifeMonths;
        let taxableUsd = operatingUsd - depreciationUsd;
        if (taxableUsd < 0) {
          lossUsd -= taxableUsd;
          taxableUsd = 0;
        } else {
          const offsetUsd = Math.min(lossUsd, taxableUsd);
          lossUsd -= offsetUsd;
          taxableUsd -= offsetUsd;
        }
        const expected = plain.evaluator.valuedFlowUsd[m] - taxRate * taxableUsd;
        expect(Math.abs(kernel.evaluator.valuedFlowUsd[m] - expected)).toBeLessThanOrEqual(1e-6 * (Math.abs(operatingUsd) + capex[m] + 1));
      }
      if (lossUsd > 0) carried++;
    }
    // The refreshes' depreciation makes losses in some futures, which the check then carries.
    expect(carried).toBeGreaterThan(0);
  });
});
