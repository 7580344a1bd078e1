// One engine run in a fresh process, for the benchmark: bench.ts spawns it per measurement so that
// every size starts from a clean heap (peak RSS is the run's own) and a fresh V8 (LIBRARIES.md: V8
// can compile the same code differently from one process to the next).
//
//   node dist/bench/engineRun.js SCENARIO TRIALS WORKERS SEED [bands|nobands] [trials|sketch [percentiles]]
//
// Prints one JSON line: wall and CPU seconds of runScenario (no process start-up) and of fitting any
// optimal strategy's policy within it, trial count, horizon,
// per-strategy mean NPV with its standard error, and this process's peak RSS (kB; with worker
// threads it covers every thread, since they share the process). With `sketch` the run keeps no
// per-trial rows (--outcomes sketch); with `percentiles` each strategy also gets NPV p1/p5/p50/p95
// from its summary (after the timing): exact order statistics, or the sketch's.
import { buildSummary, loadScenario, runScenario, strategyColumn } from '../index.js';
import { meanAndStandardError } from '../outputs/statistics.js';
import { sketchMetric } from '../outputs/sketchStatistics.js';

const [scenarioName = 'bench', trialsText = '10000', workersText = '1', seedText = '1', bandsText = 'bands', outcomesText = 'trials', percentilesText = ''] = process.argv.slice(2);
const outcomes = outcomesText === 'sketch' ? 'sketch' : 'trials';
const scenario = loadScenario(scenarioName);
const trials = Number(trialsText);
const workers = Number(workersText);
const seed = Number(seedText);

const start = performance.now();
const cpuStart = process.cpuUsage(); // the whole process: every worker thread included
// An optimal strategy's policy is fitted before the first trial: its last progress report, which
// comes after the regressions, marks the fit's end (to the 0.1 s the progress is polled at).
let fitSeconds = 0;
let fitting = false;
const run = await runScenario(scenario, {
  trials, workers, seed, collectBands: bandsText !== 'nobands', outcomes,
  onFitProgress: () => {
    fitting = true;
    fitSeconds = (performance.now() - start) / 1000;
  },
});
const cpu = process.cpuUsage(cpuStart);
const seconds = (performance.now() - start) / 1000;

const summary = percentilesText === 'percentiles' ? buildSummary(run) : null;
const strategies = scenario.strategies.map((s, i) => {
  const npv = run.sketch ? sketchMetric(run.sketch, i, 'npvUsd') : null;
  const { mean, standardError } = npv ? { mean: npv.mean!, standardError: npv.standardError! } : meanAndStandardError(strategyColumn(run.outcomes, i, 'npvUsd'));
  const p = summary?.strategies[i].metrics.npvUsd.percentiles;
  return { name: s.name, npvMean: mean, npvSe: standardError, ...(p ? { npvPercentiles: { p1: p.p1, p5: p.p5, p50: p.p50, p95: p.p95 } } : {}) };
});
process.stdout.write(
  `${JSON.stringify({
    engine: 'hashpivot',
    trials: run.trials,
    months: scenario.horizonMonths,
    workers,
    seed,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    fitSeconds: fitting ? fitSeconds : 0,
    trialMonthsPerSecond: (run.trials * scenario.horizonMonths) / seconds,
    strategies,
    maxRssKb: process.resourceUsage().maxRSS,
  })}\n`,
);
