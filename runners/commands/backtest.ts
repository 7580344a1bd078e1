// `hashpivot backtest`: start the engine from historical dates, simulate, and compare with what
// happened (runners/backtest.ts, outputs/backtest.ts). Prints the coverage table; with --out,
// writes backtest.json, backtest.csv and backtest.vl.json all or nothing.
import { backtestChartSpec, backtestCsv, backtestTable, pooledCoverage, type BacktestReport } from '../../outputs/backtest.js';
import { AtomicWrite, OutputFolderError } from '../../outputs/resultsFolder.js';
import { ENGINE_VERSION } from '../../outputs/summary.js';
import { loadScenario } from '../../scenarios/load.js';
import { backtestMethod, BacktestInputError, loadBacktestHistory, runBacktests, type BacktestFiles } from '../backtest.js';
import { ModelInputError } from '../modelInputs.js';
import { UserSeriesError } from '../userSeries.js';
import { ProcessModuleError } from '../processModule.js';
import { columnNeedsFile, parseCommandLine, parseSeriesFlags, reportCommandError, UsageError, wholeNumber, yearMonth } from '../cliArgs.js';
import { writeOut } from '../terminal.js';

export const BACKTEST_USAGE = `Usage:
  hashpivot backtest --as-of YYYY-MM [--as-of YYYY-MM ...] [--months N] [--trials N] [--seed S]
                     [--scenario NAME|FILE] [--hashrate-trend MONTHS] [--out DIR]
                     [--price FILE] [--price-column C] [--difficulty FILE] [--difficulty-column C]
                     [--series fees=FILE[:COLUMN]] [--series energy=FILE[:COLUMN]]
      Starts the engine from the market on each as-of date (price, difficulty, block height,
      subsidy), simulates N months (default 12) with the scenario's processes (default base; 2000
      paths, seed 1), and reports where the realised BTC price, difficulty and next halving date
      fall in the simulated distribution, and the share of months inside the 50% and 90% bands.
      --hashrate-trend MONTHS takes the hashrate growth and volatility from the difficulty trend of
      the MONTHS months before each as-of date. The shipped difficulty ends 2019-06-19 and the price
      2024-03-31: as-of dates must have both; --price and --difficulty bring your own history (CSV
      or Parquet; a difficulty file gives block heights by a height column or by its retargets:
      README.md), --series fees|energy=FILE the fees and energy price at the as-of date. Months past
      an end are reported and not compared. --process-module FILE: the module of a scenario's price
      process of one's own (market.price.model: custom). --out DIR writes backtest.json, backtest.csv and
      backtest.vl.json.
`;

export async function backtestCommand(args: string[]): Promise<number> {
  try {
    let values;
    try {
      values = parseCommandLine({
        args,
        allowPositionals: false,
        options: {
          'as-of': { type: 'string', multiple: true },
          months: { type: 'string' },
          trials: { type: 'string' },
          seed: { type: 'string' },
          scenario: { type: 'string' },
          'hashrate-trend': { type: 'string' },
          out: { type: 'string' },
          price: { type: 'string' },
          'price-column': { type: 'string' },
          difficulty: { type: 'string' },
          'difficulty-column': { type: 'string' },
          series: { type: 'string', multiple: true },
          'process-module': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      }).values;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (values.help) {
      writeOut(BACKTEST_USAGE);
      return 0;
    }
    const asOf = values['as-of'] ?? [];
    if (asOf.length === 0) throw new UsageError('--as-of YYYY-MM is required (e.g. --as-of 2015-07 --as-of 2019-05)');
    for (const month of asOf) yearMonth(month, '--as-of');
    const duplicate = asOf.find((month, i) => asOf.indexOf(month) !== i);
    if (duplicate !== undefined) throw new UsageError(`--as-of ${duplicate} is given twice; give each date once`);
    const months = wholeNumber(values.months, '--months', 12, 1, 240);
    const trials = wholeNumber(values.trials, '--trials', 2000, 20, 1_000_000);
    const seed = wholeNumber(values.seed, '--seed', 1, 0, Number.MAX_SAFE_INTEGER);
    const hashrateTrendMonths = wholeNumber(values['hashrate-trend'], '--hashrate-trend', 0, 0, 120);
    if (hashrateTrendMonths === 1) throw new UsageError('--hashrate-trend needs at least 2 months (a volatility from one step is not defined); 12 is a good start');
    columnNeedsFile(values.price, values['price-column'], 'price');
    columnNeedsFile(values.difficulty, values['difficulty-column'], 'difficulty');
    const files: BacktestFiles = {};
    if (values.price !== undefined) files.price = { path: values.price, column: values['price-column'] };
    if (values.difficulty !== undefined) files.difficulty = { path: values.difficulty, column: values['difficulty-column'] };
    for (const s of parseSeriesFlags(values.series)) files[s.process] = { path: s.path, column: s.column };
    const scenarioName = values.scenario ?? 'base';
    const scenario = loadScenario(scenarioName);
    if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out must name a folder, got an empty name');
    // Checked and locked before the history is read and the simulations run (outputs/resultsFolder.ts).
    const batch = values.out === undefined ? null : new AtomicWrite(values.out, { command: 'backtest', names: ['backtest.json', 'backtest.csv', 'backtest.vl.json'] });
    try {
      const history = await loadBacktestHistory(files);
      const windows = await runBacktests({ asOf, months, trials, seed, scenario, scenarioName, hashrateTrendMonths, history, processModule: values['process-module'] });
      const report: BacktestReport = {
        engine: { name: 'hashpivot', version: ENGINE_VERSION },
        scenario: scenarioName,
        trials,
        seed,
        method: backtestMethod(history),
        read: history.notes,
        windows,
        coverage: pooledCoverage(windows),
      };
      if (batch !== null) {
        batch.write([
          { name: 'backtest.json', write: (write) => write(`${JSON.stringify({ ...report, chart: 'backtest.vl.json' }, null, 2)}\n`) },
          { name: 'backtest.csv', write: (write) => write(backtestCsv(report)) },
          { name: 'backtest.vl.json', write: (write) => write(`${JSON.stringify(backtestChartSpec(report), null, 2)}\n`) },
        ]);
        batch.commit();
      }
      for (const note of history.notes) writeOut(`Read ${note}.\n`);
      writeOut(backtestTable(report));
      if (batch !== null) writeOut(`\nWrote ${values.out}/backtest.json, backtest.csv and backtest.vl.json\n`);
      return 0;
    } catch (error) {
      batch?.abort();
      throw error;
    }
  } catch (error) {
    const exitCode = reportCommandError('backtest', BACKTEST_USAGE, error, [BacktestInputError, OutputFolderError, UserSeriesError, ModelInputError, ProcessModuleError]);
    if (exitCode === undefined) throw error;
    return exitCode;
  }
}
