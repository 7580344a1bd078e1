// History files a user brings, everywhere the shipped history is read: `backtest --price/--difficulty
// /--series`, `calibrate` (test/calibrateCommand.test.ts has its fits) and
// `market.price.bootstrap.file`. One reader (runners/userSeries.ts) for CSV and Parquet: bad files
// are errors naming the flag, the line and the fix; missing values are skipped and reported.
// Block heights from a user's difficulty file are checked against a made-up chain whose heights
// are known exactly (test/syntheticChain.ts), and the retarget count against Bitcoin's rule
// (a retarget every 2016 blocks) on the shipped difficulty.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import type { BacktestReport } from '../outputs/backtest.js';
import { blockHeightAt } from '../runners/blockHeight.js';
import { calibrateCommand } from '../runners/commands/calibrate.js';
import { backtestCommand } from '../runners/commands/backtest.js';
import { loadBtcPriceUsd, loadDifficulty, loadHalvings, loadHashrateThs, monthlySeries } from '../runners/history.js';
import { RunFailure, runScenario } from '../runners/run.js';
import { describeUserSeries, parseUserSeries, readUserSeries } from '../runners/userSeries.js';
import { loadScenario, parseScenario, resolvedScenarioJson } from '../scenarios/load.js';
import { freshDir } from './cliHarness.js';
import { runCommand } from './commandHarness.js';
import { dailyDifficultyCsv, retargetCsv, syntheticChain } from './syntheticChain.js';

const halvings = loadHalvings();
const chain = syntheticChain('2022-03-01');
const dir = freshDir();
const dailyFile = join(dir, 'my-difficulty.csv');
writeFileSync(dailyFile, dailyDifficultyCsv(chain));
const retargetFile = join(dir, 'node-retargets.csv');
writeFileSync(retargetFile, retargetCsv(chain));

describe('the user-series reader: CSV and Parquet, bad files refused with the line and the fix', () => {
  it.each([
    ['dates out of order', 'date,price\n2020-01-01,1\n2020-01-03,2\n2020-01-02,3', /line 4: date 2020-01-02 is out of order \(line 3 has 2020-01-03, and the file runs oldest first\); sort the file by date/],
    ['a date twice', 'date,price\n2020-01-01,1\n2020-01-01,2', /date 2020-01-01 appears twice \(lines 2 and 3\)/],
    ['a zero price', 'date,price\n2020-01-01,1\n2020-01-02,0', /line 3: "price" is 0; the values must be positive .*delete the row or leave the cell empty/],
    ['a negative price', 'date,price\n2020-01-01,-3\n2020-01-02,4', /line 2: "price" is -3; the values must be positive/],
    ['text where a number belongs', 'date,price\n2020-01-01,1\n2020-01-02,abc', /line 3: "price" is "abc", not a number; leave the cell empty to mark a missing value/],
    ['no values at all', 'date,price\n2020-01-01,null\n2020-01-02,', /column "price" has no values \(2 rows marked missing\)/],
    ['a bad date', 'date,price\n01/02/2020,1', /line 2: date "01\/02\/2020" is not YYYY-MM-DD/],
    ['no data rows', 'date,price\n', /no data rows after the header/],
  ])('%s', (_label, text, message) => {
    expect(() => parseUserSeries(text, '--price', 'p.csv', { column: 'price' })).toThrow(message);
  });

  it('skips and counts missing values, reverses newest-first files, and reports month gaps', () => {
    const user = parseUserSeries('Date,Close\n2020-06-02,5\n2020-06-01,null\n2020-03-01,4\n2020-02-01,\n2020-01-01,3', '--price', 'p.csv');
    expect(user.series.dates).toEqual(['2020-01-01', '2020-03-01', '2020-06-02']);
    expect(user.newestFirst).toBe(true);
    expect(user.skipped).toEqual([{ line: 3, cell: 'null' }, { line: 5, cell: '' }]);
    expect(user.gaps).toEqual([{ from: '2020-02', to: '2020-02' }, { from: '2020-04', to: '2020-05' }]);
    expect(describeUserSeries(user, '--price', 'p.csv')).toBe(
      '--price p.csv (CSV): 3 values 2020-01-01 .. 2020-06-02, dates from "Date", values from "Close" (named "Close"); ' +
        'the file runs newest first and was read in reverse; 2 of 5 rows skipped as missing values (lines 3, 5); no observation in 2020-02, 2020-04 .. 2020-05',
    );
  });

  it('reads Unix seconds (bitcoin-cli getblockheader time) as UTC dates and a height column when asked', () => {
    const user = parseUserSeries('height,time,difficulty\n630000,1589225023,16104807485529\n631008,1589803200,15138043247082', '--difficulty', 'n.csv', { heights: true });
    expect(user.series.dates).toEqual(['2020-05-11', '2020-05-18']);
    expect(Array.from(user.heights!)).toEqual([630000, 631008]);
    expect(user.valueColumn).toBe('difficulty');
    expect(() => parseUserSeries('height,time,difficulty\nx,1589225023,16e12', '--difficulty', 'n.csv', { heights: true })).toThrow(/line 2: "height" is "x", not a block height/);
  });

  it('a Parquet file (DATE and DOUBLE columns) gives the same series as the same data in CSV', async () => {
    const days = ['2021-01-01', '2021-01-02', '2021-01-04'];
    const prices = [29_374.15, 32_127.27, 31_971.91];
    const file = join(dir, 'prices.parquet');
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: 'date', data: days.map((d) => new Date(`${d}T00:00:00Z`)), type: 'TIMESTAMP' },
        { name: 'close', data: prices, type: 'DOUBLE' },
      ],
    });
    writeFileSync(file, new Uint8Array(bytes));
    const parquet = await readUserSeries(file, '--price');
    const csv = parseUserSeries(`date,close\n${days.map((d, i) => `${d},${prices[i]}`).join('\n')}`, '--price', 'p.csv');
    expect(parquet.format).toBe('Parquet');
    expect(parquet.series).toEqual(csv.series);
    // A file named .parquet that is not one is read as text, and fails as a CSV would.
    const fake = join(dir, 'fake.parquet');
    writeFileSync(fake, 'just text');
    await expect(readUserSeries(fake, '--price')).rejects.toThrow(/--price .*fake.parquet: the first line must be a header/);
    await expect(readUserSeries(dir, '--price')).rejects.toThrow(/is a folder, not a file/);
    await expect(readUserSeries('/dev/zero', '--price')).rejects.toThrow(/--price \/dev\/zero: is a device, not a regular file/);
  });
});

describe('block heights from a difficulty file', () => {
  it('retargets counted in a daily (blended) difficulty series give the true height within a day of blocks', () => {
    const difficulty = parseUserSeries(readFileSync(dailyFile, 'utf8'), '--difficulty', dailyFile).series;
    const source = { kind: 'retargets' as const, difficulty, file: dailyFile };
    let worst = 0;
    for (const day of chain.days.filter((d) => d.date >= '2020-05-12' && d.date < '2022-02-01')) {
      worst = Math.max(worst, Math.abs(blockHeightAt(day.date, source, halvings) - day.height));
    }
    // A retarget is dated to the day its change first shows: at most one day of blocks (~150 at this pace) off.
    expect(worst).toBeLessThan(160);
    expect(worst).toBeGreaterThan(0);
  });

  it('a height column (one row per retarget, from a node) is exact on its rows and within a day between', () => {
    const user = parseUserSeries(readFileSync(retargetFile, 'utf8'), '--difficulty', retargetFile, { heights: true });
    const source = { kind: 'heightColumn' as const, dates: user.series.dates, heights: user.heights!, file: retargetFile };
    let worst = 0;
    for (const day of chain.days.filter((d) => d.date >= '2020-05-12' && d.date < '2022-02-01')) {
      worst = Math.max(worst, Math.abs(blockHeightAt(day.date, source, halvings) - day.height));
    }
    expect(worst).toBeLessThan(160);
  });

  it('on the shipped difficulty, counting finds exactly the 104 retargets Bitcoin had between the 2012 and 2016 halvings, and agrees with the daily block counts', () => {
    const raw = loadDifficulty();
    const positive = { dates: raw.dates.filter((_, i) => raw.values[i] > 0), values: raw.values.filter((v) => v > 0) };
    const counted = { kind: 'retargets' as const, difficulty: positive, file: 'difficulty-daily.csv' };
    const hashrateThs = loadHashrateThs();
    const dailyBlocks = { kind: 'dailyBlocks' as const, hashrateThs, difficulty: raw, end: '2019-06-19' };
    // 2015-07-01 is counted from the 2012 halving and checked against the 2016 one inside the file.
    for (const date of ['2013-06-01', '2015-07-01', '2017-01-01', '2019-05-01']) {
      const difference = blockHeightAt(date, counted, halvings) - blockHeightAt(date, dailyBlocks, halvings);
      expect(Math.abs(difference), date).toBeLessThan(2 * 144 + 50);
    }
    // One retarget hidden (its period given the previous value): the count no longer matches.
    const edited = { dates: positive.dates, values: Float64Array.from(positive.values) };
    const i = edited.dates.indexOf('2014-03-01');
    let k = i;
    while (edited.values[k] === edited.values[i]) k++;
    // The next period, its blended first day included, keeps the value before it.
    const [blended, settled] = [edited.values[k], edited.values[k + 1]];
    for (; edited.values[k] === blended || edited.values[k] === settled; k++) edited.values[k] = edited.values[i];
    expect(() => blockHeightAt('2015-07-01', { ...counted, difficulty: edited }, halvings)).toThrow(/103 changes of the difficulty between .* where Bitcoin had 104 retargets/);
  });

  it('refuses what it cannot count: a hole of days, no halving to start from', () => {
    const days = chain.days.filter((d) => d.date < '2020-08-01' || d.date > '2020-08-06');
    const holed = { dates: days.map((d) => d.date), values: Float64Array.from(days, (d) => d.meanDifficulty) };
    expect(() => blockHeightAt('2021-01-01', { kind: 'retargets', difficulty: holed, file: 'h.csv' }, halvings)).toThrow(
      /--difficulty h.csv: no value from 2020-07-31 to 2020-08-07; counting retargets needs a value at least every 3 days, or give the file a height column/,
    );
    const late = chain.days.filter((d) => d.date >= '2020-07-01');
    const lateSeries = { dates: late.map((d) => d.date), values: Float64Array.from(late, (d) => d.meanDifficulty) };
    expect(() => blockHeightAt('2021-01-01', { kind: 'retargets', difficulty: lateSeries, file: 'l.csv' }, halvings)).toThrow(
      /no retarget to the difficulty of the 2020-05-11 halving \(1\.61e\+13, halvings.csv\).*must cover that halving/,
    );
  });
});

describe('backtest with your own history', () => {
  it('backtest --as-of 2021-01 --difficulty my-difficulty.csv runs past the shipped difficulty\'s end', async () => {
    const out = join(dir, 'bt');
    const r = await runCommand(backtestCommand, ['--as-of', '2021-01', '--difficulty', dailyFile, '--months', '12', '--trials', '300', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Read --difficulty ${dailyFile} (CSV): `);
    const report = JSON.parse(readFileSync(join(out, 'backtest.json'), 'utf8')) as BacktestReport;
    const w = report.windows[0];
    const truth = chain.days.find((d) => d.date === '2021-01-01')!;
    expect(Math.abs(w.state.blocksMined - truth.height)).toBeLessThan(160);
    expect(w.state.difficulty).toBe(truth.meanDifficulty);
    expect(w.state.sources.difficulty).toBe(`--difficulty ${dailyFile}`);
    expect(report.method.blockHeight).toMatch(/block height counted in .*my-difficulty.csv/);
    // Every month of the window is compared: price (shipped, to 2024-03) and difficulty (the file, to 2022-02).
    expect(w.priceUsd.coverage.monthsCompared).toBe(12);
    expect(w.difficulty.coverage.monthsCompared).toBe(12);
    expect(w.halving?.realisedDate).toBe('2024-04-20');
  });

  it('the node export (height, Unix time, difficulty per retarget) gives the same state within a day', async () => {
    const r = await runCommand(backtestCommand, ['--as-of', '2021-01', '--difficulty', retargetFile, '--months', '3', '--trials', '100']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('block heights from its height column');
  });

  it.each([
    [['--as-of', '2021-01', '--difficulty', 'no-such.csv'], /--difficulty no-such.csv: no such file/],
    [['--as-of', '2021-01', '--price-column', 'Close'], /--price-column needs --price FILE/],
    [['--as-of', '2019-01', '--difficulty', 'DIR/late.csv'], /--as-of 2019-01: --difficulty .*late.csv covers 2020-07-01 \.\. .*choose an as-of month inside it/],
    [['--as-of', '2021-01', '--series', 'fees=DIR/unsorted.csv'], /--series fees .*unsorted.csv line 4: date 2021-01-02 is out of order/],
  ])('%j fails with exit 1 or 2 and a message naming the file', async (args, message) => {
    writeFileSync(join(dir, 'late.csv'), `date,difficulty\n${chain.days.filter((d) => d.date >= '2020-07-01').map((d) => `${d.date},${d.meanDifficulty}`).join('\n')}\n`);
    writeFileSync(join(dir, 'unsorted.csv'), 'date,fees\n2021-01-01,0.5\n2021-01-03,0.6\n2021-01-02,0.7\n');
    const r = await runCommand(backtestCommand, args.map((a) => a.replace('DIR', dir)));
    expect(r.status).toBeGreaterThan(0);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('--series fees and energy set the as-of fees and energy price from the files', async () => {
    const fees = join(dir, 'fees.csv');
    writeFileSync(fees, 'date,btc\n2020-12-31,0.9\n2021-01-01,1.25\n2021-01-02,1.5\n');
    const energy = join(dir, 'energy.csv');
    writeFileSync(energy, 'date,usd_mwh\n2020-12-31,31\n2021-01-01,33.5\n2021-01-02,40\n');
    const out = join(dir, 'bt-series');
    const r = await runCommand(backtestCommand, ['--as-of', '2021-01', '--difficulty', dailyFile, '--series', `fees=${fees}`, '--series', `energy=${energy}`, '--months', '2', '--trials', '100', '--out', out]);
    expect(r.stderr).toBe('');
    const w = (JSON.parse(readFileSync(join(out, 'backtest.json'), 'utf8')) as BacktestReport).windows[0];
    expect(w.state.feesBtcPerBlock).toBe(1.25);
    expect(w.state.energyUsdPerMwh).toBe(33.5);
  });
});

describe('market.price.bootstrap.file', () => {
  const base = resolvedScenarioJson(loadScenario('smoke')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const bootstrap = (block: object) => parseScenario({ ...base, market: { ...base.market, price: { model: 'bootstrap', bootstrap: block } } }, 'userHistory.test.ts');
  // The shipped month-end prices written out as a user's monthly file: the same returns exactly.
  const monthly = monthlySeries(loadBtcPriceUsd());
  const pricesFile = join(dir, 'month-end-prices.csv');
  writeFileSync(pricesFile, `date,price\n${monthly.dates.map((m, i) => `${m},${monthly.values[i]}`).join('\n')}\n`);

  it('a file with the shipped month-end prices gives byte-identical outcomes to the shipped bootstrap', async () => {
    const window = { from: '2015-01', to: '2023-12', blockMonths: 6 };
    const shipped = await runScenario(bootstrap(window), { trials: 400, seed: 5, workers: 0 });
    const fromFile = await runScenario(bootstrap({ ...window, file: pricesFile }), { trials: 400, seed: 5, workers: 0 });
    expect(Buffer.from(fromFile.outcomes.strategy.buffer)).toEqual(Buffer.from(shipped.outcomes.strategy.buffer));
    expect(fromFile.inputNotes[0]).toMatch(/^Read market.price.bootstrap.file .*month-end-prices.csv \(CSV\): 164 values 2010-08-31 \.\. 2024-03-31/);
  });

  it('without from and to the window is the whole file, and validate does not need the file', async () => {
    const scenario = bootstrap({ file: pricesFile, blockMonths: 3 });
    expect(scenario.market.price.bootstrap).toEqual({ file: pricesFile, blockMonths: 3, demean: true });
    const run = await runScenario(scenario, { trials: 50, seed: 1, workers: 0 });
    expect(run.trials).toBe(50);
  });

  it.each([
    ['a missing file', { file: 'nope.csv' }, /market.price.bootstrap.file nope.csv: no such file/],
    ['a window past the file', { file: 'PRICES', from: '2020-01', to: '2025-06' }, /the window 2020-01 \.\. 2025-06 is not inside .*month-end-prices.csv's monthly returns \(2010-09 \.\. 2024-03\)/],
    ['blocks longer than the whole file', { file: 'SHORT', blockMonths: 12 }, /blockMonths is 12, longer than the window 2020-01 \.\. 2020-06 of .*short.csv: 6 months/],
    ['a gap inside the window', { file: 'GAPPED' }, /has no monthly return for 2016-03 \.\. 2016-04, .*set market\.price\.bootstrap\.from and \.to/],
  ])('%s is a RunFailure naming the field, before any trial', async (_label, block, message) => {
    const gapped = join(dir, 'gapped.csv');
    writeFileSync(gapped, readFileSync(pricesFile, 'utf8').replace(/\n2016-03,[^\n]*/, ''));
    const short = join(dir, 'short.csv');
    writeFileSync(short, `date,price\n${['2019-12', '2020-01', '2020-02', '2020-03', '2020-04', '2020-05', '2020-06'].map((m, i) => `${m},${7000 + 100 * i}`).join('\n')}\n`);
    const file = (block as { file: string }).file.replace('PRICES', pricesFile).replace('GAPPED', gapped).replace('SHORT', short);
    const run = runScenario(bootstrap({ ...block, file }), { trials: 10, workers: 0 });
    await expect(run).rejects.toThrow(RunFailure);
    await expect(run).rejects.toThrow(message);
  });
});

describe('calibrate reports what it skipped', () => {
  it('a price file with missing values says how many rows it skipped and where', async () => {
    const file = join(dir, 'with-nulls.csv');
    const lines = readFileSync(join(dir, 'month-end-prices.csv'), 'utf8').trimEnd().split('\n');
    lines[30] = `${lines[30].split(',')[0]},null`;
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await runCommand(calibrateCommand, ['--price', file, '--from', '2014-01', '--price-model', 'gbm']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/1 of 164 rows skipped as missing values \(line 31\)/);
  });
});
