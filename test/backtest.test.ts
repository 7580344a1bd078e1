// Back-tests against history: the engine started a year before the 2016 and 2020 halvings
// (as-of 2015-07 and 2019-05) and compared with what then happened.
//
// What is checked: the realised halving dates fall inside the simulated 90% interval, and the
// realised month-start BTC prices fall inside the simulated 90% band in most months.
// Why it is not circular: nothing from the tested window feeds the simulation. The starting state
// is the history on the first day of the as-of month (price, difficulty, block height counted from
// the previous halving); every process parameter is the `base` preset's (fitted or assumed for
// 2025, not on these windows), except with --hashrate-trend 12, where the hashrate growth and
// volatility are fitted on the 12 months of difficulty BEFORE the as-of date (2014-06 .. 2015-06
// for 2015-07; 2018-04 .. 2019-04 for 2019-05), which the test also checks.
// With base's own hashrate process the 2016 halving falls outside (the network grew ~1.3/yr in
// logs in 2015-16 against base's ~0.5/yr): that is reported by a note, and checked as such.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { percentileOf, type BacktestReport } from '../outputs/backtest.js';
import { estimateBlockHeight, hashrateTrendBefore, historicalState, loadBacktestHistory, nextRealisedHalving, runBacktests, valueAtMonthStart } from '../runners/backtest.js';
import { backtestCommand } from '../runners/commands/backtest.js';
import { loadScenario } from '../scenarios/load.js';
import { freshDir } from './cliHarness.js';
import { runCommand } from './commandHarness.js';

const history = await loadBacktestHistory();
const base = loadScenario('base');
const TRIALS = 2000;
const SEED = 1;

describe('historical state', () => {
  it('reads the first daily value of the as-of month, hashrate = D 2^32 / 600 s', () => {
    const state = historicalState('2015-07', history);
    expect(state.priceObservedOn).toBe('2015-07-01');
    expect(state.priceUsd).toBeCloseTo(258.621, 3);
    expect(state.difficulty).toBeCloseTo(49402014931.2, 0);
    expect(state.networkHashrateEhs).toBeCloseTo((state.difficulty * 2 ** 32) / 600 / 1e18, 12);
    expect(state.subsidyBtc).toBe(25);
    expect(historicalState('2019-05', history).subsidyBtc).toBe(12.5);
  });

  it('counts block heights from the halvings: exact at the halving dates, daily block counts between them', () => {
    expect(estimateBlockHeight('2012-11-28', history)).toBe(210_000);
    expect(estimateBlockHeight('2016-07-09', history)).toBe(420_000);
    // Scaled so the count between two halvings is exactly 210,000; heights rise with the date.
    const h2015 = estimateBlockHeight('2015-07-01', history);
    const h2019 = estimateBlockHeight('2019-05-01', history);
    expect(h2015).toBeGreaterThan(360_000);
    expect(h2015).toBeLessThan(366_000);
    // 2019-05-01 is past the last scaled interval: counted forward from 420,000 unscaled.
    expect(h2019).toBeGreaterThan(572_000);
    expect(h2019).toBeLessThan(577_000);
    expect(() => estimateBlockHeight('2020-01-01', history)).toThrow(/series end 2019-06-19/);
  });

  it('places the next halving in engine months from the start of the as-of month', () => {
    const next = nextRealisedHalving('2019-05', history);
    expect(next?.dateUtc).toBe('2020-05-11');
    // 376.5 days (to midday) / 30.4375 days a month.
    expect(next?.month).toBeCloseTo(376.5 / 30.4375, 9);
    expect(nextRealisedHalving('2024-05', history)).toBeNull();
  });

  it('percentileOf is the mid-rank share below', () => {
    const sorted = Float64Array.from([1, 2, 2, 3]);
    expect(percentileOf(sorted, 2)).toBe(0.5); // one below, two equal: (1 + 1) / 4
    expect(percentileOf(sorted, 0)).toBe(0);
    expect(percentileOf(sorted, 9)).toBe(1);
  });
});

const trend = await runBacktests({ asOf: ['2015-07', '2019-05'], months: 12, trials: TRIALS, seed: SEED, scenario: base, scenarioName: 'base', hashrateTrendMonths: 12, history });
const baseOnly = await runBacktests({ asOf: ['2015-07', '2019-05'], months: 12, trials: TRIALS, seed: SEED, scenario: base, scenarioName: 'base', history });

describe('back-tests of the 2016 and 2020 halvings (as-of 2015-07 and 2019-05, 12 months)', () => {

  it('fits the hashrate trend only on months before the as-of date', () => {
    for (const w of trend) {
      expect(w.hashrateTrend!.to < w.asOf).toBe(true);
      expect(w.hashrateTrend!.to).toBe(w.asOf === '2015-07' ? '2015-06' : '2019-04');
      expect(w.processes.hashrate.responsePerYear).toBe(0);
    }
    expect(hashrateTrendBefore('2015-07', 12, history).from).toBe('2014-06');
  });

  it('with the trend known at the as-of date, both halving dates fall inside the simulated 90% interval', () => {
    for (const w of trend) {
      expect(w.halving, w.asOf).not.toBeNull();
      expect(w.halving!.inside90, `${w.asOf}: ${w.halving!.realisedDate} at percentile ${w.halving!.percentile}`).toBe(true);
      expect(w.halving!.pWithinSimulated).toBe(1);
    }
    // Measured when written (2000 paths, seed 1): 0.129 (2016-07-09), 0.205 (2020-05-11).
  });

  it('with base\'s processes, the 2020 halving is inside; the 2016 one is outside and a note says why', () => {
    const [w2015, w2019] = baseOnly;
    expect(w2019.halving!.inside90).toBe(true);
    expect(w2015.halving!.inside90).toBe(false);
    expect(w2015.notes.join('\n')).toMatch(/2016-07-09 halving is outside the simulated 90% interval.*--hashrate-trend 12/);
  });

  it('the realised BTC prices fall inside the simulated 90% band in most months', () => {
    for (const windows of [trend, baseOnly]) {
      let inside = 0;
      let compared = 0;
      for (const w of windows) {
        expect(w.priceUsd.coverage.monthsCompared).toBe(12);
        inside += w.priceUsd.coverage.inside90;
        compared += w.priceUsd.coverage.monthsCompared;
      }
      // Measured when written: 11/12 (2015-07) and 8/12 (2019-05: the June 2019 rally).
      expect(inside / compared).toBeGreaterThan(2 / 3);
    }
  });

  it('a window past the difficulty series\' end says so and compares only the months that exist', () => {
    const w = trend[1];
    expect(w.notes.join('\n')).toMatch(/the shipped difficulty ends 2019-06-19: only 2019-06-01 \.\. 2019-06-19 of 2019-06 \.\. 2020-05 is used/);
    expect(w.difficulty.coverage.monthsCompared).toBe(1);
    expect(w.difficulty.months[0].realised).not.toBeNull();
    expect(w.difficulty.months.slice(1).every((m) => m.realised === null && m.percentile === null && m.inside90 === null)).toBe(true);
    // The price runs to 2024-03: no note for it.
    expect(w.notes.join('\n')).not.toMatch(/shipped BTC price/);
  });

  it('uses the engine\'s path months: month k against the first daily value of the k-th month after', () => {
    const m3 = trend[0].priceUsd.months[2];
    expect(m3).toMatchObject({ month: 3, date: '2015-10', observedOn: '2015-10-01' });
    expect(m3.realised).toBe(valueAtMonthStart(history.price.daily, '2015-10')!.value);
    expect(m3.p5).toBeLessThan(m3.p25);
    expect(m3.p75).toBeLessThan(m3.p95);
  });
});

describe('backtest command', () => {
  it('writes backtest.json, backtest.csv and a Vega-Lite spec that compiles; prints the coverage table', async () => {
    const out = join(freshDir(), 'bt');
    const r = await runCommand(backtestCommand, ['--as-of', '2015-07', '--as-of', '2019-05', '--trials', '500', '--hashrate-trend', '12', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^as-of +months +hashrate +price in 50%/);
    expect(r.stdout).toMatch(/\n2015-07 +12 +trend 12m /);
    expect(r.stdout).toMatch(/\nall .*2\/2 inside 90%/);
    expect(readdirSync(out).sort()).toEqual(['.hashpivot', 'backtest.csv', 'backtest.json', 'backtest.vl.json']);
    const text = readFileSync(join(out, 'backtest.json'), 'utf8');
    expect(text).not.toMatch(/NaN|Infinity/);
    const report = JSON.parse(text) as BacktestReport;
    expect(report.windows.map((w) => w.asOf)).toEqual(['2015-07', '2019-05']);
    expect(report.coverage.priceUsd.monthsCompared).toBe(24);
    expect(report.coverage.difficulty.monthsCompared).toBe(13);
    const csv = readFileSync(join(out, 'backtest.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('asOf,series,month,date,realised,observedOn,percentile,p5,p25,p50,p75,p95,inside50,inside90');
    // 2 as-of x (12 price + 12 difficulty) + 2 halving rows.
    expect(csv).toHaveLength(1 + 2 * 24 + 2);
    expect(csv.find((l) => l.startsWith('2019-05,difficulty,2,'))).toMatch(/^2019-05,difficulty,2,2019-07,,,,[\d.e+]+,/);
    expect(csv.find((l) => l.startsWith('2015-07,nextHalvingMonth'))).toMatch(/,2016-07-09,12\.30\d*,2016-07-09,/);
    const spec = JSON.parse(readFileSync(join(out, 'backtest.vl.json'), 'utf8'));
    expect(compile(spec).spec.marks?.length).toBeGreaterThan(0);
  });

  it.each([
    [[], 2, /--as-of YYYY-MM is required/],
    [['--as-of', '2015-7'], 2, /--as-of must be a month written YYYY-MM/],
    [['--as-of', '2015-07', '--as-of', '2015-07'], 2, /--as-of 2015-07 is given twice/],
    [['--as-of', '2015-07', '--months', '0'], 2, /--months must be a whole number from 1 to 240/],
    [['--as-of', '2015-07', '--trials', '5'], 2, /--trials must be a whole number from 20/],
    [['--as-of', '2015-07', '--hashrate-trend', '1'], 2, /--hashrate-trend needs at least 2 months/],
    [['--as-of', '2015-07', '--bogus'], 2, /unknown option --bogus: this command's options are in its usage below/],
    [['--as-of', '2020-01'], 1, /--as-of 2020-01: the shipped difficulty covers 2009-01-03 \.\. 2019-06-19; .*choose an as-of month inside it/],
    [['--as-of', '2009-06'], 1, /--as-of 2009-06: the shipped BTC price covers 2010-08-17/],
    [['--as-of', '2010-09', '--hashrate-trend', '36'], 1, /--hashrate-trend 36: the difficulty history has/],
    [['--as-of', '2015-07', '--scenario', 'nope'], 1, /--scenario: 1 problem/],
  ])('%j exits %i with a message naming the flag', async (args, status, message) => {
    const r = await runCommand(backtestCommand, args as string[]);
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(message);
  });

  it('an unwritable --out fails before simulating and writes nothing', async () => {
    const blocker = join(freshDir(), 'file');
    await import('node:fs').then((fs) => fs.writeFileSync(blocker, 'x'));
    const r = await runCommand(backtestCommand, ['--as-of', '2015-07', '--out', join(blocker, 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot write results to .*pass --out/);
    expect(r.stdout).toBe('');
    expect(existsSync(join(blocker, 'out'))).toBe(false);
  });
});
