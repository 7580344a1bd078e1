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
  // The same futures untaxed and taxed: the month's taxable income is the untaxed valued flow plus
  // the month's capex (what the flow paid for it) less the depreciation, advances counted when they
  // come in (the untaxed flow has them then). The tax is recomputed here the plain way: straight-line
  // depreciation of each month's capex from its month, a loss carried forward against later profits.
  // With terminalValue multiple, the terminal value is the multiple of the last year's after-tax
  // flow, with the tax the depreciation still to come and the losses carried will save.
  const taxRate = 0.3;
  const lifeYears = 2;
  const stay: StrategyRule = { name: 'r', convertAtMonth: Infinity, share: 0, gpuCloud: false, curtail: false, refreshEveryMonths: 12, triggerHashpriceUsdPerPhDay: 0, triggerMonths: 0 };
  const cases: [string, string, StrategyRule][] = [
    ['stay with a yearly refresh', 'base', stay],
    ['a lease with a capex advance (core-scientific-coreweave), converting in month 3', 'core-scientific-coreweave', { ...stay, refreshEveryMonths: 0, convertAtMonth: 3, share: 1 }],
  ];
  for (const [name, preset, rule] of cases) {
    it(`${name}: every month's after-tax flow, and the terminal value`, () => {
      const terminalValue = { method: 'multiple', annualCashFlowMultiple: 4 };
      const plain = new TrialKernel(compileModel(presetWith(preset, (raw) => Object.assign(raw, { terminalValue }))));
      const kernel = new TrialKernel(compileModel(presetWith(preset, (raw) => {
        Object.assign(raw, { terminalValue });
        Object.assign(raw.site, { taxRate, taxDepreciationYears: lifeYears });
      })));
      const months = kernel.model.site.months;
      const lifeMonths = lifeYears * 12;
      // What the taxed evaluation spent each month, however paid: the depreciation's basis.
      const spent = (kernel.evaluator as unknown as { capexSpentUsd: Float64Array }).capexSpentUsd;
      let carried = 0;
      let taxed = 0;
      for (let trial = 0; trial < 30; trial++) {
        plain.drawTrial(5, trial);
        kernel.drawTrial(5, trial);
        const untaxed = plain.evaluator.evaluate(rule, plain.market, plain.siteDraws).npvUsd;
        kernel.evaluator.evaluate(rule, kernel.market, kernel.siteDraws);
        let lossUsd = 0;
        let last12AfterTaxUsd = 0;
        for (let m = 0; m < months; m++) {
          const incomeUsd = plain.evaluator.valuedFlowUsd[m] + spent[m];
          let depreciationUsd = 0;
          for (let k = Math.max(0, m - lifeMonths + 1); k <= m; k++) depreciationUsd += spent[k] / lifeMonths;
          let taxableUsd = incomeUsd - depreciationUsd;
          if (taxableUsd < 0) {
            lossUsd -= taxableUsd;
            taxableUsd = 0;
          } else {
            const offsetUsd = Math.min(lossUsd, taxableUsd);
            lossUsd -= offsetUsd;
            taxableUsd -= offsetUsd;
          }
          const taxUsd = taxRate * taxableUsd;
          if (taxUsd > 0) taxed++;
          const expected = plain.evaluator.valuedFlowUsd[m] - taxUsd;
          expect(Math.abs(kernel.evaluator.valuedFlowUsd[m] - expected)).toBeLessThanOrEqual(1e-6 * (Math.abs(incomeUsd) + spent[m] + 1));
          if (m >= months - 12) last12AfterTaxUsd += plain.evaluator.valuedFlowUsd[m] + (rule.share > 0 ? 0 : spent[m]) - taxUsd;
        }
        if (lossUsd > 0) carried++;
        if (rule.share === 0 && untaxed === untaxed) {
          let undepreciatedUsd = 0;
          for (let k = months - lifeMonths + 1; k < months; k++) undepreciatedUsd += (spent[k] * (lifeMonths - (months - k))) / lifeMonths;
          const expected = Math.max(0, 4 * last12AfterTaxUsd) + taxRate * (undepreciatedUsd + lossUsd);
          expect(Math.abs(kernel.evaluator.terminalUsd - expected)).toBeLessThanOrEqual(1e-6 * (Math.abs(expected) + 1));
        }
      }
      // Both branches of the rule are exercised: profits taxed, and losses carried to the horizon.
      expect(taxed).toBeGreaterThan(0);
      expect(carried).toBeGreaterThan(0);
    });
  }
});
