// `hashpivot run`: load and validate the scenario, check the output folder before any trial runs,
// run the trials with progress, and write every output all or nothing.
import { parseArgs } from 'node:util';
import { loadScenario } from '../../scenarios/load.js';
import { AtomicWrite, ensureWritableFolder } from '../../outputs/resultsFolder.js';
import { buildSummary, type Summary } from '../../outputs/summary.js';
import { strategyTable } from '../../outputs/table.js';
import { writeTrialsCsvOnThread } from '../../outputs/trialsCsvThread.js';
import { buildReportFiles, CHARTS_FOLDER, trialsParquetFile } from '../../outputs/report.js';
import { trialTableFromOutcomes } from '../../outputs/reportTrials.js';
import { startChartThread } from '../../outputs/chartThread.js';
import { createProgress } from '../progress.js';
import { runScenario } from '../run.js';
import { defaultWorkerCount } from '../pool.js';
import { positiveNumber, UsageError, wholeNumber } from '../cliArgs.js';

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

export async function runCommand(args: string[]): Promise<number> {
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
