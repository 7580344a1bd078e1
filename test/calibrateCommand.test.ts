// `hashpivot calibrate`: the fits recover parameters from data simulated by the engine itself
// (MarketPath with a fixed seed: GBM and Merton price, log-OU fees), through the same CSV route a
// user's file takes; on the shipped history they give a plausible monthly volatility over a
// stated period; the fragment loads as part of a scenario; user CSVs are read by name or content,
// and every user error exits non-zero with a message naming the flag.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fitGbm, fitLogOu, fitMerton, type Fit } from '../engine/calibration.js';
import { MarketPath, marketParams } from '../engine/market.js';
import { RandomStream } from '../engine/random.js';
import { calibrate, shippedDifficulty, shippedPrice } from '../runners/calibrate.js';
import { calibrateCommand } from '../runners/commands/calibrate.js';
import { parseSeriesFlag } from '../runners/cliArgs.js';
import { parseUserSeries } from '../runners/userSeries.js';
import { rollingFits } from '../runners/rollingFits.js';
import { loadScenario, parseScenario, resolvedScenarioJson } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';
import { freshDir } from './cliHarness.js';
import { runCommand } from './commandHarness.js';

const MONTH = 1 / 12;
const SEED = 20_240_611;
const BASE = loadScenario('base');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Raw = any;

const IDENTITY = [0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (i === j ? 1 : 0)));

/** The base preset with edits, validated as a user's file would be. */
function scenarioWith(edit: (raw: Raw) => void): Scenario {
  const raw: Raw = resolvedScenarioJson(BASE);
  raw.market.correlation = IDENTITY;
  edit(raw);
  return parseScenario(raw, 'calibrateCommand.test.ts');
}

/** One engine market path (trial `trial` of `seed`): the engine's own months, not a test simulator. */
function enginePath(scenario: Scenario, trial: number): MarketPath {
  const path = new MarketPath(marketParams(scenario));
  path.simulate(new RandomStream().reseed(SEED, trial, 'market'));
  return path;
}

function expectWithin3Se<P extends string>(fit: Fit<P>, truth: Partial<Record<P, number>>): void {
  for (const [name, value] of Object.entries(truth) as [P, number][]) {
    const se = fit.standardErrors[name];
    expect(se, `${name} SE`).toBeGreaterThan(0);
    expect(Math.abs(fit.estimates[name] - value) / se, `${name}: ${fit.estimates[name]} vs true ${value}, SE ${se}`).toBeLessThan(3);
  }
}

/** Month labels from 1900-01 on, one per value: a CSV as a user would export it (month-end data). */
function monthlyCsv(header: string, columns: ArrayLike<number>[]): string {
  const rows = [header];
  for (let m = 0; m < columns[0].length; m++) {
    const year = 1900 + Math.floor(m / 12);
    rows.push([`${year}-${String((m % 12) + 1).padStart(2, '0')}`, ...columns.map((c) => String(c[m]))].join(','));
  }
  return `${rows.join('\n')}\n`;
}

describe('calibration recovers parameters from data simulated by the engine (MarketPath, fixed seed)', () => {
  const gbmScenario = scenarioWith((raw) => {
    raw.horizonMonths = 600;
    raw.market.price = { model: 'gbm', driftPerYear: 0.15, volatilityPerYear: 0.6, jumpsPerYear: 0, jumpMeanLog: 0, jumpSdLog: 0 };
    raw.market.fees = { meanBtcPerBlock: 0.05, reversionPerYear: 2, volatilityPerYear: 0.8 };
    raw.asOf.feesBtcPerBlock = 0.05;
  });
  const path = enginePath(gbmScenario, 0);

  it('GBM price and log-OU fees, 600 months, fitted directly: every parameter within 3 SE', () => {
    const gbm = fitGbm(Array.from(path.priceUsd, Math.log), MONTH);
    expectWithin3Se(gbm, { driftPerYear: 0.15, volatilityPerYear: 0.6, logDriftPerYear: 0.15 - 0.18 });
    const fees = fitLogOu(Array.from(path.feesBtcPerBlock, Math.log), MONTH);
    expectWithin3Se(fees, { mean: 0.05, logMean: Math.log(0.05), reversionPerYear: 2, volatilityPerYear: 0.8 });
  });

  it('the same path through CSV files and `calibrate --price --series fees=FILE:COLUMN` gives a fragment within 3 SE', async () => {
    const dir = freshDir();
    const file = join(dir, 'engine.csv');
    writeFileSync(file, monthlyCsv('date,price_usd,fees_btc', [path.priceUsd, path.feesBtcPerBlock]));
    const out = join(dir, 'fragment.yaml');
    // The difficulty comes from the shipped history: it only feeds the hashrate block.
    const r = await runCommand(calibrateCommand, ['--price', file, '--price-model', 'gbm', '--series', `fees=${file}:fees_btc`, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('values from "price_usd" (the first numeric column)');
    const text = readFileSync(out, 'utf8');
    const market = (parseYaml(text) as Raw).market;
    expect(market.price.model).toBe('gbm');
    // "value # ± se" in the fragment: check each against the truth with its own written SE.
    const written = (process: string, field: string) => {
      const match = new RegExp(`\\n  ${process}:[\\s\\S]*?\\n    ${field}: ([\\d.e+-]+) # ± ([\\d.e+-]+)`).exec(text);
      expect(match, `${process}.${field} with a standard error`).not.toBeNull();
      return { value: Number(match![1]), se: Number(match![2]) };
    };
    for (const [process, field, truth] of [
      ['price', 'driftPerYear', 0.15],
      ['price', 'volatilityPerYear', 0.6],
      ['fees', 'meanBtcPerBlock', 0.05],
      ['fees', 'reversionPerYear', 2],
      ['fees', 'volatilityPerYear', 0.8],
    ] as const) {
      const { value, se } = written(process, field);
      expect(Math.abs(value - truth) / se, `${process}.${field} ${value} ± ${se} vs ${truth}`).toBeLessThan(3);
    }
    expect(text).toContain('fit period 1900-01 .. 1949-12: 599 monthly increments');
  });

  it('Merton price (large, rare jumps), 4 engine trials of 600 months: all five parameters within 3 SE', () => {
    const truth = { driftPerYear: 0.2, volatilityPerYear: 0.35, jumpsPerYear: 3, jumpMeanLog: -0.3, jumpSdLog: 0.1 };
    const scenario = scenarioWith((raw) => {
      raw.horizonMonths = 600;
      raw.market.price = { model: 'merton', ...truth };
    });
    // Increments of independent trials are i.i.d. too: chain them into one log-price series.
    const logs: number[] = [0];
    for (let trial = 0; trial < 4; trial++) {
      const p = enginePath(scenario, trial).priceUsd;
      for (let m = 1; m < p.length; m++) logs.push(logs[logs.length - 1] + Math.log(p[m] / p[m - 1]));
    }
    const fit = fitMerton(logs, MONTH);
    expect(fit.observations).toBe(4 * 599);
    expect(fit.atBoundary).toEqual([]);
    expectWithin3Se(fit, truth);
  });
});

describe('calibration of the shipped history', () => {
  const result = calibrate({ price: shippedPrice(), difficulty: shippedDifficulty(), scenario: BASE, scenarioName: 'base' });

  it('gives a plausible monthly volatility, 0.5 .. 1.2 per year, over 2012-01 .. 2024-03, and says so', () => {
    expect(result.periods.price).toEqual({ from: '2012-01', to: '2024-03' });
    expect(result.gbm.estimates.volatilityPerYear).toBeGreaterThan(0.5);
    expect(result.gbm.estimates.volatilityPerYear).toBeLessThan(1.2);
    // Measured when written: GBM sigma 0.914 ± 0.054; Merton diffusion 0.736 ± 0.044 with rare
    // large upward jumps (2013), preferred by the likelihood ratio (40 > 7.8).
    expect(result.priceModel).toBe('merton');
    expect(result.fragment).toContain('fit period 2012-01 .. 2024-03: 146 monthly increments');
    expect(result.fragment).toMatch(/volatilityPerYear: 0\.\d+ # ± 0\.\d+/);
  });

  it('fits hashrate over 2012-01 .. 2019-05, leaves out the partial 2019-06, and states the breakeven assumption', () => {
    expect(result.periods.hashrate).toEqual({ from: '2012-01', to: '2019-05' });
    expect(result.notes.join('\n')).toMatch(/2019-06, ends on 2019-06-19/);
    expect(result.fragment).toMatch(/breakeven ASSUMED, not fitted: 20 J\/TH at \$50\/MWh as of 2025-11/);
    expect('error' in result.hashrate).toBe(false);
  });

  it('the fragment merged into base loads as a scenario (parseScenario)', () => {
    const fragment = parseYaml(result.fragment) as Raw;
    const raw: Raw = resolvedScenarioJson(BASE);
    for (const [process, fields] of Object.entries(fragment.market)) raw.market[process] = { ...raw.market[process], ...(fields as object) };
    const scenario = parseScenario(raw, 'base + calibration');
    expect(scenario.market.price.model).toBe('merton');
    expect(scenario.market.price.volatilityPerYear).toBeCloseTo(0.736, 2);
    expect(scenario.market.hashrate.responseLagMonths).toBe(6);
  });

  it('a window past the difficulty series\' end says so and uses only what exists', async () => {
    const r = await runCommand(calibrateCommand, ['--from', '2015-01', '--to', '2023-12']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('difficulty ends 2019-06-19: only 2015-01-01 .. 2019-06-19 of 2015-01 .. 2023-12 is used');
    expect(r.stdout).toContain('fit period 2015-01 .. 2023-12');
    expect(r.stdout).toContain('fit period 2015-01 .. 2019-05');
  });
});

describe('user CSV files', () => {
  it('finds Date and prefers Adj Close in a Yahoo export; sorts newest-first files; accepts quotes and times', () => {
    const yahoo = parseUserSeries('Date,Open,High,Low,Close,Adj Close,Volume\n2020-01-02,1,2,0.5,1.5,1.4,10\n2020-01-01,1,2,0.5,1.2,1.1,10', '--price', 'y.csv');
    expect(yahoo).toMatchObject({ dateColumn: 'Date', valueColumn: 'Adj Close', chosenBy: 'named "Adj Close"' });
    expect(yahoo.series.dates).toEqual(['2020-01-01', '2020-01-02']);
    expect(Array.from(yahoo.series.values)).toEqual([1.1, 1.4]);
    const quoted = parseUserSeries('"timestamp";"note";"usd"\n"2021-03-04T00:00:00Z";"a;b";"1,234.5"\n', '--series energy', 'e.csv');
    expect(quoted).toMatchObject({ dateColumn: 'timestamp', valueColumn: 'usd', chosenBy: 'the first numeric column' });
    expect(Array.from(quoted.series.values)).toEqual([1234.5]);
    expect(parseUserSeries('date,a,b\n2020-01-01,,3\n2020-01-02,1,4', '--price', 'c.csv', { column: 'a' }).series.values).toEqual(Float64Array.from([1]));
  });

  it.each([
    ['no date column', 'day1,price\n2020-01-01,3', undefined, /--price p.csv: no date column; name one of the columns "date"/],
    ['no numeric column', 'date,name\n2020-01-01,x', undefined, /no numeric column besides "date" \(line 2: "name" is "x", not a number\); pass --price-column/],
    ['a bad cell in a named column, no --price-column', 'date,close,open\n2020-01-01,100,1\n2020-02-01,abc,2\n2020-03-01,120,3', undefined, /p.csv line 3: "close" is "abc", not a number; leave the cell empty/],
    ['a bad cell in an unnamed column, no --price-column', 'date,usd\n2020-01-01,100\n2020-02-01,abc\n2020-03-01,120', undefined, /p.csv line 3: "usd" is "abc", not a number; leave the cell empty/],
    ['a column of empty cells', 'date,usd\n2020-01-01,\n2020-02-01,null', undefined, /no numeric column besides "date" \("usd" is empty in every row\)/],
    ['a missing named column', 'date,a\n2020-01-01,1', 'close', /no value column "close" \(columns: date, a\); check --price-column/],
    ['a bad date', 'date,a\n03/01/2020,1', undefined, /line 2: date "03\/01\/2020" is not YYYY-MM-DD/],
    ['a date twice', 'date,a\n2020-01-01,1\n2020-01-01,2', undefined, /date 2020-01-01 appears twice \(lines 2 and 3\)/],
    ['a short row', 'date,a\n2020-01-01', undefined, /line 2: 1 fields, the header has 2/],
  ])('%s: a UserSeriesError naming the flag and file', (_label, text, column, message) => {
    expect(() => parseUserSeries(text, '--price', 'p.csv', { column })).toThrow(message);
  });

  it('parses --series NAME=FILE[:COLUMN]', () => {
    expect(parseSeriesFlag('fees=f.csv')).toEqual({ process: 'fees', path: 'f.csv' });
    expect(parseSeriesFlag('energy=dir/e.csv:usd_mwh')).toEqual({ process: 'energy', path: 'dir/e.csv', column: 'usd_mwh' });
  });
});

describe('calibrate command errors: exit code, message naming the flag and the fix, nothing thrown', () => {
  it.each([
    [['--from', '2015-1'], 2, /--from must be a month written YYYY-MM/],
    [['--from', '2016-01', '--to', '2015-01'], 2, /--from 2016-01 is after --to 2015-01/],
    [['--series', 'gas=x.csv'], 2, /--series: unknown process "gas"; use fees=FILE or energy=FILE/],
    [['--series', 'fees=a.csv', '--series', 'fees=b.csv'], 2, /--series fees is given twice/],
    [['--price-model', 'heston'], 2, /--price-model must be auto, gbm or merton/],
    [['--lag', 'six'], 2, /--lag must be a whole number of months/],
    [['--price-column', 'Close'], 2, /--price-column needs --price FILE/],
    [['--bogus'], 2, /unknown option --bogus: this command's options are in its usage below/],
    [['--price', 'no-such-file.csv'], 1, /--price no-such-file.csv: no such file; pass the path of a CSV or Parquet file/],
    [['--from', '2030-01', '--to', '2030-12'], 1, /price: only 0 whole months inside 2030-01 .. 2030-12; widen --from\/--to/],
    [['--scenario', 'no-such-preset'], 1, /--scenario: 1 problem/],
    [['--out', '/no/such/folder/x.yaml'], 1, /--out \/no\/such\/folder\/x.yaml: the folder \/no\/such\/folder does not exist/],
    [['--out', 'package.json/x.yaml'], 1, /--out package\.json\/x\.yaml: \S*\/package\.json is a file, not a folder/],
    [['--out', 'fitted.json'], 2, /--out must name a \.yaml or \.yml file \(calibrate writes YAML, its standard errors as comments\), got "fitted\.json"/],
  ])('%j exits %i', async (args, status, message) => {
    const r = await runCommand(calibrateCommand, args);
    expect(r.status).toBe(status);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('a series that is not mean-reverting is a data error (exit 1) naming --series', async () => {
    const dir = freshDir();
    const file = join(dir, 'walk.csv');
    // An accelerating trend in logs (with a wobble): the AR(1) coefficient is above 1, no mean reversion.
    writeFileSync(file, monthlyCsv('date,usd', [Float64Array.from({ length: 120 }, (_, m) => Math.exp(0.001 * m * m + 0.01 * Math.sin(m)))]));
    const r = await runCommand(calibrateCommand, ['--series', `energy=${file}`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--series energy: fitLogOu: the AR\(1\) coefficient/);
  });
});

describe('calibration with guardrails: a scenario that runs as is, warnings, --shrink, rolling windows', () => {
  const dir = freshDir();

  it('calibrate --out fitted.yaml on 2012-2024 writes a scenario that loads as it is, and warns on the drift and the hashrate growth', async () => {
    const out = join(dir, 'fitted.yaml');
    const r = await runCommand(calibrateCommand, ['--out', out, '--rolling', '0']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/WARNING: market\.price\.driftPerYear fitted 1\.3 ± 0\.427 breaks the guardrail \(at most 0\.5\)/);
    expect(r.stdout).toMatch(/WARNING: market\.hashrate\.growthPerYear fitted -0\.264 ± 0\.437 breaks the guardrail \(at least 0\)/);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^extends: base$/m);
    expect(text).toMatch(/driftPerYear: 1\.30 # ± 0\.43; .*WARNING: beyond the guardrail \(at most 0\.5\), see the header/);
    // No merging by hand: the file is a scenario (base with the fitted market) that the loader reads.
    const scenario = loadScenario(out);
    expect(scenario.name).toBe('base-calibrated');
    expect(scenario.market.price.driftPerYear).toBe(1.3);
    expect(scenario.market.hashrate.growthPerYear).toBe(-0.26);
    expect(scenario.site).toEqual(BASE.site);
    expect(scenario.strategies).toEqual(BASE.strategies);
  });

  it('--out replaces a fragment calibrate wrote, but not a file of the user\'s (exit 1, left as it was)', async () => {
    const mine = join(dir, 'my-site.yaml');
    writeFileSync(mine, 'extends: base\nname: my-site\n');
    const refused = await runCommand(calibrateCommand, ['--out', mine, '--rolling', '0']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`--out ${mine}: exists and was not written by hashpivot calibrate (its first line does not start with "# hashpivot calibrate:"), so it is left as it is`);
    expect(readFileSync(mine, 'utf8')).toBe('extends: base\nname: my-site\n');
    const earlier = join(dir, 'earlier.yaml');
    writeFileSync(earlier, '# hashpivot calibrate: an earlier fit\nextends: base\n');
    expect((await runCommand(calibrateCommand, ['--out', earlier, '--rolling', '0'])).status).toBe(0);
    expect(loadScenario(earlier).name).toBe('base-calibrated');
  });

  it.each([
    // 2012-2015 (Mt. Gox, the 2013 bubble): a price volatility the 120-month horizon cannot carry.
    ['2012-01', '2015-12', /market\.price with horizonMonths: over 120 months the BTC price's relative SD would be/],
    // 2010-2011: a hashrate response beyond the stable limit for base's 6-month lag.
    ['2010-09', '2011-12', /market\.hashrate\.responsePerYear with responseLagMonths: a response of [\d.]+\/yr to the hashprice gap of 6 months ago overshoots/],
  ])('a fit of %s .. %s that breaks a limit across fields is refused (exit 1): nothing written, the fits and the reason shown', async (from, to, reason) => {
    const out = join(dir, `refused-${from}.yaml`);
    const r = await runCommand(calibrateCommand, ['--from', from, '--to', to, '--out', out, '--rolling', '0']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^price {5}/m); // the fits, as a written fragment would report them
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).toContain('so it is not written: fit another window (--from, --to), or write the values you want into a scenario of your own');
    expect(existsSync(out)).toBe(false);
  });

  it('--shrink W writes (1 - W) x fitted + W x the scenario\'s value for the values beyond a guardrail, and only those', async () => {
    const out = join(dir, 'shrunk.yaml');
    const r = await runCommand(calibrateCommand, ['--out', out, '--shrink', '0.8', '--rolling', '0']);
    expect(r.status).toBe(0);
    const plain = calibrate({ price: shippedPrice(), difficulty: shippedDifficulty(), scenario: BASE, scenarioName: 'base', rollingMonths: 0 });
    const fittedDrift = plain.guardrails.find((g) => g.field === 'driftPerYear')!.fitted;
    const fittedGrowth = plain.guardrails.find((g) => g.field === 'growthPerYear')!.fitted;
    const scenario = loadScenario(out);
    // Written to the precision of the standard error (two significant digits of ± 0.43): within 0.005.
    expect(Math.abs(scenario.market.price.driftPerYear - (0.2 * fittedDrift + 0.8 * BASE.market.price.driftPerYear))).toBeLessThan(0.005);
    expect(Math.abs(scenario.market.hashrate.growthPerYear - (0.2 * fittedGrowth + 0.8 * BASE.market.hashrate.growthPerYear))).toBeLessThan(0.005);
    // A value inside its bounds is written as fitted.
    expect(scenario.market.price.volatilityPerYear).toBe(0.736);
    expect(readFileSync(out, 'utf8')).toMatch(/driftPerYear: 0\.34 # ± 0\.43; .*fitted 1\.3, shrunk 80% towards base's 0\.1; was beyond the guardrail/);
  });

  it('a fit inside every bound gets no warning and nothing shrunk', () => {
    const scenario = scenarioWith((raw) => {
      raw.horizonMonths = 600;
      raw.market.price = { model: 'gbm', driftPerYear: 0.15, volatilityPerYear: 0.6, jumpsPerYear: 0, jumpMeanLog: 0, jumpSdLog: 0 };
    });
    const path = enginePath(scenario, 0);
    const dates = Array.from({ length: 600 }, (_, m) => `${1900 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-28`);
    const price = { daily: { dates, values: path.priceUsd }, source: 'engine', shipped: false };
    const result = calibrate({ price, difficulty: price, scenario: BASE, scenarioName: 'base', priceModel: 'gbm', shrink: 1, rollingMonths: 0 });
    expect(result.guardrails.filter((g) => g.process === 'price')).toEqual([]);
    expect(result.fragment).not.toMatch(/market\.price\.driftPerYear fitted/);
  });

  it('the fit repeated on rolling windows: each window is the fit of its own months, and on an engine GBM path every window drift is within 4 SE of the truth', () => {
    const scenario = scenarioWith((raw) => {
      raw.horizonMonths = 600;
      raw.market.price = { model: 'gbm', driftPerYear: 0.15, volatilityPerYear: 0.6, jumpsPerYear: 0, jumpMeanLog: 0, jumpSdLog: 0 };
    });
    const logPrices = Array.from(enginePath(scenario, 1).priceUsd, Math.log);
    const months = logPrices.map((_, m) => `${1900 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`);
    const rolling = rollingFits({ months, logPrices }, null, 48, 48);
    expect(rolling.windows).toHaveLength(12);
    expect(rolling.windows[1]).toMatchObject({ from: '1904-01', to: '1908-01' });
    expect(rolling.windows[1].price.driftPerYear).toBe(fitGbm(logPrices.slice(48, 97), MONTH).estimates.driftPerYear);
    for (const w of rolling.windows) expect(Math.abs(w.price.driftPerYear - 0.15) / w.price.driftStandardError, `${w.from}`).toBeLessThan(4);
    const drifts = rolling.windows.map((w) => w.price.driftPerYear).sort((a, b) => a - b);
    expect(rolling.spread.priceDrift).toEqual({ min: drifts[0], median: (drifts[5] + drifts[6]) / 2, max: drifts[11] });
  });

  it('on the shipped history the spread across 48-month windows is wider than the full fit\'s SE, and the fragment says so', () => {
    const result = calibrate({ price: shippedPrice(), difficulty: shippedDifficulty(), scenario: BASE, scenarioName: 'base' });
    const { priceDrift } = result.rolling!.spread;
    expect(result.rolling!.windows).toHaveLength(9);
    expect(priceDrift.max - priceDrift.min).toBeGreaterThan(2 * result.gbm.standardErrors.driftPerYear);
    expect(result.fragment).toMatch(/# Rolling 48-month windows every 12 months \(9, 2012-01 \.\. 2024-01; price by GBM\): price driftPerYear 0\.61 \.\. 1\.8/);
  });

  it('a scenario file elsewhere is extended by its path relative to the written file', async () => {
    const scenarios = join(dir, 'scenarios');
    const outDir = join(dir, 'out');
    mkdirSync(scenarios, { recursive: true });
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(scenarios, 'site.yaml'), 'extends: base\nname: my-site\n');
    const out = join(outDir, 'fitted.yaml');
    const r = await runCommand(calibrateCommand, ['--scenario', join(scenarios, 'site.yaml'), '--out', out, '--rolling', '0']);
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^extends: \.\.\/scenarios\/site\.yaml$/m);
    expect(loadScenario(out).name).toBe('my-site-calibrated');
  });

  it.each([
    [['--shrink', '1.5'], /--shrink must be a share from 0 to 1/],
    [['--shrink', 'half'], /--shrink must be a share from 0 to 1/],
    [['--rolling', '6'], /--rolling must be 0 \(no rolling fits\) or at least 12 months/],
  ])('%j is a usage error', async (args, message) => {
    const r = await runCommand(calibrateCommand, args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
