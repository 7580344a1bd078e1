#!/usr/bin/env node
// The hashpivot command line. Parses arguments, loads and validates the scenario, checks the
// output folder before any trial runs, runs, and writes every output all or nothing.
import { parseArgs } from 'node:util';
import { listPresets, loadScenario, ScenarioError } from '../scenarios/load.js';
import { AtomicWrite, ensureWritableFolder, OutputFolderError } from '../outputs/resultsFolder.js';
import { buildSummary, type Summary } from '../outputs/summary.js';
import { strategyTable } from '../outputs/table.js';
import { writeTrialsCsvOnThread } from '../outputs/trialsCsvThread.js';
import { buildReportFiles, CHARTS_FOLDER, rebuildReport, ReportInputError, trialsParquetFile } from '../outputs/report.js';
import { compareRuns } from '../outputs/compare.js';
import { trialTableFromOutcomes } from '../outputs/reportTrials.js';
import { backtestCommand } from './backtestCommand.js';
import { calibrateCommand } from './calibrateCommand.js';
import { startChartThread } from '../outputs/chartThread.js';
import { createProgress } from './progress.js';
import { RunFailure, runScenario } from './run.js';
import { defaultWorkerCount } from './pool.js';
import { positiveNumber, UsageError, wholeNumber } from './cliArgs.js';

const USAGE = `Usage:
  hashpivot run [SCENARIO] [--trials N] [--seed S] [--out DIR] [--workers W] [--chunk-trials C] [--target-se USD] [--quiet]
      SCENARIO: a preset name or a .yaml/.json file (default: base). Defaults: 10000 trials, seed 1,
      ./results, one worker per core, each claiming --chunk-trials trials at a time (500).
      --target-se runs until every strategy's mean NPV has a standard error at or below USD, with
      --trials as the cap.
      Writes summary.json, trials.csv, trials.parquet, paths.csv, paths.parquet, report.html and
      charts/ (Vega-Lite specs, SVG, PNG).
  hashpivot report DIR [--out OUT]              rebuild report.html, charts/ and paths.* from a results folder
  hashpivot compare DIR_A DIR_B [--out OUT]     compare two results folders in OUT/compare.html (default ./comparison)
  hashpivot validate FILE      check a scenario and list every problem
  hashpivot presets            list the built-in scenarios
  hashpivot calibrate [--price FILE] [--difficulty FILE] [--from YYYY-MM] [--to YYYY-MM] [--out FILE.yaml] [--series fees|energy=FILE[:COLUMN]]
      fit the market processes to history (default: the shipped history) into a scenario fragment
  hashpivot backtest --as-of YYYY-MM [--as-of ...] [--months N] [--trials N] [--seed S] [--hashrate-trend MONTHS] [--out DIR]
      start the engine from a historical date and compare the simulated distribution with what happened
  (each command answers --help)
`;

function summaryRows(summary: Summary) {
  return summary.strategies.map((s) => ({
    name: s.name,
    npv: s.metrics.npvUsd,
    irr: s.metrics.irr,
    payback: s.metrics.paybackMonth,
    btcMined: s.metrics.btcMined,
    revenuePerKwh: s.metrics.revenueUsdPerKwh,
    pNegative: s.pNpvNegative.p,
    pRuin: s.pRuin.p,
  }));
}

function halvingSentence(summary: Summary): string {
  const { datePercentiles: dates, pWithinHorizon } = summary.halving;
  const within = pWithinHorizon.p ?? 0;
  if (within < 1) return `Next halving: within the ${summary.scenario.horizonMonths}-month horizon in ${(within * 100).toFixed(1)}% of trials.`;
  return `Next halving: median ${dates.p50} (90% between ${dates.p5} and ${dates.p95}).`;
}

async function commandRun(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      trials: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      workers: { type: 'string' },
      'chunk-trials': { type: 'string' },
      'target-se': { type: 'string' },
      quiet: { type: 'boolean' },
      'fail-at-trial': { type: 'string' }, // test hook: inject a fault into the slice holding this trial
    },
  });
  if (positionals.length > 1) throw new UsageError(`run takes one scenario, got ${positionals.length}: ${positionals.join(' ')}`);
  const scenario = loadScenario(positionals[0] ?? 'base');
  const trials = wholeNumber(values.trials, '--trials', 10_000, 1, 2 ** 30);
  const seed = wholeNumber(values.seed, '--seed', 1, 0);
  const workers = wholeNumber(values.workers, '--workers', defaultWorkerCount(), 0);
  const chunkTrials = values['chunk-trials'] === undefined ? undefined : wholeNumber(values['chunk-trials'], '--chunk-trials', 0, 1, 1_000_000);
  const targetSeUsd = positiveNumber(values['target-se'], '--target-se');
  const failAtTrial = values['fail-at-trial'] === undefined ? undefined : wholeNumber(values['fail-at-trial'], '--fail-at-trial', 0, 0);
  const out = values.out ?? 'results';
  ensureWritableFolder(out);

  const abort = new AbortController();
  let exitCode = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    exitCode = signal === 'SIGINT' ? 130 : 143;
    process.stderr.write(`\n${signal}: stopping; no output written.\n`);
    abort.abort(new Error(signal));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const progress = createProgress(values.quiet ? 'quiet' : process.stderr.isTTY ? 'bar' : 'lines');
  // The chart thread loads its libraries while the workers run trials, and draws the charts while
  // this thread writes the per-trial files.
  const chartThread = startChartThread();
  try {
    const run = await runScenario(scenario, {
      trials, seed, workers, chunkTrials, targetSeUsd, failAtTrial, signal: abort.signal,
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.finish();
    // From here on the work is writing files, much of it synchronous, where a handler could only
    // run once it is done: give the signals back their default (exit at once, 130/143). Every file
    // is still written under a temporary name first, so an interruption leaves no output of ours
    // under a final name.
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const names = scenario.strategies.map((s) => s.name);
    const batch = new AtomicWrite(out);
    // trials.csv, the slowest file, is written on its own thread while this one makes the rest.
    const csv = writeTrialsCsvOnThread({ block: run.outcomes, strategyNames: names, path: batch.reserve('trials.csv') });
    let summary: Summary;
    try {
      summary = buildSummary(run);
      const report = buildReportFiles(summary, trialTableFromOutcomes(run.outcomes, names), 'the run (the same numbers as trials.parquet and trials.csv)', (charts) => chartThread.render(charts));
      report.catch(() => {}); // awaited below; a failure must not surface as unhandled meanwhile
      batch.write([
        { name: 'summary.json', write: (write) => write(`${JSON.stringify(summary, null, 2)}\n`) },
        trialsParquetFile(summary, run.outcomes),
      ]);
      batch.write((await report).files);
      await csv.done;
    } catch (error) {
      await csv.stop();
      batch.abort();
      throw error;
    }
    batch.commit([CHARTS_FOLDER]);
    if (!values.quiet) {
      process.stdout.write(`${scenario.name}: ${run.trials.toLocaleString('en-US')} trials, seed ${seed}, ${scenario.horizonMonths} months from ${scenario.asOf.date}\n\n`);
      process.stdout.write(`${strategyTable(summaryRows(summary))}\n`);
      process.stdout.write(`\n${halvingSentence(summary)}\n`);
      if (run.targetSeUsd !== null) {
        process.stdout.write(`Target SE $${run.targetSeUsd.toLocaleString('en-US')}: reached ${run.maxNpvStandardErrorUsd <= run.targetSeUsd ? 'yes' : 'no (trial cap)'} after ${run.trials} trials\n`);
      }
      process.stdout.write(`\nWrote ${out}/summary.json, trials.csv, trials.parquet, paths.csv, paths.parquet, report.html and charts/\n`);
    }
    return 0;
  } catch (error) {
    progress.finish();
    if (abort.signal.aborted) return exitCode;
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await chartThread.close();
  }
}

async function commandReport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('report takes one results folder');
  const out = values.out ?? positionals[0];
  const build = await rebuildReport(positionals[0], out);
  process.stdout.write(`Wrote ${out}/report.html and ${build.rendered.length} charts from summary.json and ${build.source}\n`);
  return 0;
}

async function commandCompare(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length !== 2) throw new UsageError('compare takes two results folders');
  const out = values.out ?? 'comparison';
  await compareRuns(positionals[0], positionals[1], out);
  process.stdout.write(`Wrote ${out}/compare.html\n`);
  return 0;
}

function commandValidate(args: string[]): number {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError('validate takes one scenario file');
  const scenario = loadScenario(positionals[0]);
  process.stdout.write(`${positionals[0]}: valid (${scenario.name}, ${scenario.strategies.length} strategies)\n`);
  return 0;
}

function commandPresets(): number {
  const presets = listPresets();
  const width = Math.max(...presets.map((p) => p.name.length));
  for (const p of presets) process.stdout.write(`${p.name.padEnd(width)}  ${p.description}\n`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await commandRun(rest);
      case 'report':
        return await commandReport(rest);
      case 'compare':
        return await commandCompare(rest);
      case 'validate':
        return commandValidate(rest);
      case 'calibrate':
        return await calibrateCommand(rest);
      case 'backtest':
        return await backtestCommand(rest);
      case 'presets':
        return commandPresets();
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof ScenarioError) {
      process.stderr.write(`Scenario has ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}:\n${error.message}\n`);
      return 1;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`hashpivot: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof OutputFolderError || error instanceof RunFailure || error instanceof ReportInputError) {
      process.stderr.write(`hashpivot: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

const exitCode = await main(process.argv.slice(2));
process.exitCode = exitCode;
