// The strategy evaluator's fast path against plain reference implementations: NPV and payback are
// summed inside its month loop, and must give the bits that presentValue and paybackMonth give
// over the cash flows it reports.
import { describe, expect, it } from 'vitest';
import { internalRateOfReturn, paybackMonth, presentValue } from '../engine/accounting.js';
import { compileModel } from '../engine/model.js';
import { TrialKernel } from '../engine/trial.js';
import { loadScenario } from '../scenarios/load.js';

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
          const flows = evaluator.cashFlowUsd.slice();
          const terminal = evaluator.terminalUsd;
          expect(o.npvUsd).toBe(presentValue(flows, site.discountFactors, months) + terminal * site.discountFactors[months - 1]);
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
