// The policy's state read at every decision month at once (SwitchStateReader.readMonths, which the
// fit uses) against read(), month by month (which the policy uses on each trial afterwards): the
// fit's decisions are the policy's only if the two give the same numbers, to the bit.
import { describe, expect, it } from 'vitest';
import { compileModel } from '../engine/model.js';
import { SWITCH_STATE_VARIABLES, SwitchStateReader } from '../engine/switchState.js';
import { TrialKernel } from '../engine/trial.js';
import { loadScenario } from '../scenarios/load.js';

describe('SwitchStateReader.readMonths', () => {
  it("gives read()'s numbers at every month, to the bit, for every variable in any order, into Float32 and Float64 arrays", () => {
    const kernel = new TrialKernel(compileModel(loadScenario('base')));
    const variables = [...SWITCH_STATE_VARIABLES].reverse();
    const reader = new SwitchStateReader(variables);
    const months = [0, 1, 5, 17, 59, 119];
    const n = variables.length;
    for (let path = 0; path < 3; path++) {
      kernel.drawFitPath(11, path);
      for (const Type of [Float32Array, Float64Array]) {
        // Month d's state at 3 + d * (n + 2): an offset and a stride wider than the state, as the fit's.
        const all = new Type(3 + months.length * (n + 2));
        reader.readMonths(kernel.market, months, all, 3, n + 2);
        const one = new Type(n);
        months.forEach((month, d) => {
          reader.read(kernel.market, month, one, 0);
          expect(Array.from(all.subarray(3 + d * (n + 2), 3 + d * (n + 2) + n))).toEqual(Array.from(one));
        });
      }
    }
    // The variables enter as logs, except the months to the next halving (positive, under 4 years).
    kernel.drawFitPath(11, 0);
    const one = new Float64Array(n);
    reader.read(kernel.market, 17, one, 0);
    expect(one[variables.indexOf('hashprice')]).toBe(Math.log(kernel.market.hashpriceUsdPerPhDay[17]));
    const toHalving = one[variables.indexOf('monthsToHalving')];
    expect(toHalving).toBeGreaterThan(0);
    expect(toHalving).toBeLessThan(49);
  });

  it("months to the next halving: blocks to 1,050,000 at the as-of difficulty and hashrate, the 5th halving in April 2028 (base's as-of, November 2025)", () => {
    const kernel = new TrialKernel(compileModel(loadScenario('base')));
    kernel.drawFitPath(13, 0);
    const state = new Float64Array(1);
    new SwitchStateReader(['monthsToHalving']).read(kernel.market, 0, state, 0);
    // The blocks to 1,050,000 (~129,000 from the as-of 921,000), each of difficulty x 2^32 hashes at
    // the month's hashrate (1.5e14 at 1,070 EH/s: 602 s a block), in months of 365.25 / 12 days.
    const market = kernel.market;
    const secondsPerBlock = (market.difficulty[0] * 2 ** 32) / (market.networkHashrateEhs[0] * 1e18);
    const expected = ((1_050_000 - market.blockHeight[0]) * secondsPerBlock) / ((365.25 * 86_400) / 12);
    expect(Math.abs(market.blockHeight[0] - 921_000)).toBeLessThan(2);
    expect(Math.abs(state[0] - expected)).toBeLessThan(1e-12 * expected);
    // November 2025 plus 29.5 months: mid-April 2028, the date the 5th halving is expected.
    expect(state[0]).toBeGreaterThan(29);
    expect(state[0]).toBeLessThan(30);
  });

  it('reads the logs the market path keeps: the logs of its series at every month, the last months of hashprice (past the response lag) included', () => {
    const kernel = new TrialKernel(compileModel(loadScenario('base')));
    const market = kernel.market;
    const reader = new SwitchStateReader(['hashprice', 'btcPrice', 'difficulty', 'energyPrice', 'aiDemand']);
    const series = [market.hashpriceUsdPerPhDay, market.priceUsd, market.difficulty, market.energyUsdPerMwh, market.aiDemandIndex];
    const state = new Float64Array(series.length);
    for (let path = 0; path < 5; path++) {
      kernel.drawFitPath(12, path);
      for (let month = 0; month < market.params.months; month++) {
        reader.read(market, month, state, 0);
        // The hashprice's log and the difficulty's are Math.log's own; the other series are fastExp
        // of the logs kept (two units in the last place at most: test/fastExp.test.ts).
        expect(state[0]).toBe(Math.log(series[0][month]));
        expect(state[2]).toBe(Math.log(series[2][month]));
        for (const v of [1, 3, 4]) expect(Math.abs(state[v] - Math.log(series[v][month]))).toBeLessThan(1e-14 * Math.max(1, Math.abs(state[v])));
      }
    }
  });
});
