// Common random numbers: every strategy of a trial sees the same market path and site draws, and
// a trial's numbers depend only on (seed, trial index), not on which strategies or trials ran.
import { describe, expect, it } from 'vitest';
import { compileModel } from '../engine/model.js';
import { createOutcomeBlock, marketColumn, strategyColumn, STRATEGY_METRICS } from '../engine/outcomes.js';
import { TrialKernel } from '../engine/trial.js';
import { MarketPath } from '../engine/market.js';
import { RandomStream } from '../engine/random.js';
import { SiteDraws } from '../engine/site.js';
import { loadScenario, parseScenario, resolvedScenarioJson } from '../scenarios/load.js';

const smoke = loadScenario('smoke');

function withStrategies(strategies: unknown[]) {
  return parseScenario({ ...resolvedScenarioJson(smoke), strategies }, 'test');
}

describe('common random numbers', () => {
  it('gives every strategy of a trial the identical market path', () => {
    const kernel = new TrialKernel(compileModel(smoke));
    kernel.drawTrial(11, 5);
    const price = kernel.market.priceUsd.slice();
    const difficulty = kernel.market.difficulty.slice();
    // Evaluating strategies must not touch the market path they share.
    for (const rule of kernel.model.strategies) kernel.evaluator.evaluate(rule, kernel.market, kernel.siteDraws);
    expect(kernel.market.priceUsd).toEqual(price);
    expect(kernel.market.difficulty).toEqual(difficulty);
    // And the same (seed, trial) redraws the same path after other trials ran.
    kernel.drawTrial(11, 6);
    kernel.drawTrial(11, 5);
    expect(kernel.market.priceUsd).toEqual(price);
  });

  it('the kernel draws each trial\'s streams exactly as RandomStream.reseed names them', () => {
    const kernel = new TrialKernel(compileModel(smoke));
    kernel.drawTrial(3, 42);
    const alone = new MarketPath(kernel.model.market);
    alone.simulate(new RandomStream().reseed(3, 42, 'market'));
    expect(kernel.market.priceUsd).toEqual(alone.priceUsd);
    const draws = new SiteDraws(kernel.model.site);
    draws.draw(new RandomStream().reseed(3, 42, 'site'));
    expect(kernel.siteDraws.signingU).toEqual(draws.signingU);
    expect(kernel.siteDraws.buildMonths).toBe(draws.buildMonths);
  });

  it('adding a strategy does not change the other strategies\' outcomes', () => {
    const two = withStrategies([{ kind: 'stay', name: 'stay' }, { kind: 'convert', name: 'convert-now' }]);
    const three = withStrategies([
      { kind: 'hybrid', name: 'hybrid-25', share: 0.25 },
      { kind: 'stay', name: 'stay' },
      { kind: 'convert', name: 'convert-now' },
    ]);
    const run = (scenario: typeof two) => {
      const model = compileModel(scenario);
      const block = createOutcomeBlock(0, 200, model.strategies.length);
      new TrialKernel(model).run(4, block, null);
      return block;
    };
    const a = run(two);
    const b = run(three);
    for (const metric of STRATEGY_METRICS) {
      expect(strategyColumn(b, 1, metric)).toEqual(strategyColumn(a, 0, metric));
      expect(strategyColumn(b, 2, metric)).toEqual(strategyColumn(a, 1, metric));
    }
    expect(marketColumn(b, 'finalPriceUsd')).toEqual(marketColumn(a, 'finalPriceUsd'));
  });

  it('a trial gives the same outcomes whichever block it runs in', () => {
    const model = compileModel(smoke);
    const kernel = new TrialKernel(model);
    const whole = createOutcomeBlock(0, 50, model.strategies.length);
    kernel.run(9, whole, null);
    const part = createOutcomeBlock(30, 5, model.strategies.length);
    kernel.run(9, part, null);
    for (let s = 0; s < model.strategies.length; s++) {
      expect(strategyColumn(part, s, 'npvUsd')).toEqual(strategyColumn(whole, s, 'npvUsd').subarray(30, 35));
    }
  });

  it('paired differences are tighter than unpaired ones: strategies share the futures', () => {
    const model = compileModel(withStrategies([{ kind: 'stay', name: 'stay' }, { kind: 'hybrid', name: 'hybrid-10', share: 0.1 }]));
    const block = createOutcomeBlock(0, 400, 2);
    new TrialKernel(model).run(2, block, null);
    const a = strategyColumn(block, 0, 'npvUsd');
    const b = strategyColumn(block, 1, 'npvUsd');
    const variance = (x: Float64Array) => {
      const mean = x.reduce((s, v) => s + v, 0) / x.length;
      return x.reduce((s, v) => s + (v - mean) ** 2, 0) / (x.length - 1);
    };
    const diff = a.map((v, i) => v - b[i]);
    // Var(a - b) = Var a + Var b - 2 Cov(a, b): far below Var a + Var b when the paths are shared.
    expect(variance(diff)).toBeLessThan(0.25 * (variance(a) + variance(b)));
  });
});
