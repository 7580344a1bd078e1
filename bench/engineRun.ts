// One engine run in a fresh process, for the benchmark: bench.ts spawns it per measurement so that
// every size starts from a clean heap (peak RSS is the run's own) and a fresh V8 (LIBRARIES.md: V8
// can compile the same code differently from one process to the next).
//
//   node dist/bench/engineRun.js SCENARIO TRIALS WORKERS SEED [bands|nobands]
//
// Prints one JSON line: wall and CPU seconds of runScenario (no process start-up) and of fitting any
// optimal strategy's policy within it, trial count, horizon,
// per-strategy mean NPV with its standard error, and this process's peak RSS (kB; with worker
// threads it covers every thread, since they share the process).
import { loadScenario, runScenario, strategyColumn } from '../index.js';
import { meanAndStandardError } from '../outputs/statistics.js';

const [scenarioName = 'bench', trialsText = '10000', workersText = '1', seedText = '1', bandsText = 'bands'] = process.argv.slice(2);
const scenario = loadScenario(scenarioName);
const trials = Number(trialsText);
const workers = Number(workersText);
const seed = Number(seedText);

const start = performance.now();
const cpuStart = process.cpuUsage(); // the whole process: every worker thread included
// An optimal strategy's policy is fitted before the first trial: the first progress report marks
// its end (to the 0.1 s the progress is polled at).
let fitSeconds = 0;
let fitting = false;
const run = await runScenario(scenario, {
  trials, workers, seed, collectBands: bandsText !== 'nobands',
  onFitProgress: () => {
    fitting = true;
    fitSeconds = (performance.now() - start) / 1000;
  },
});
const cpu = process.cpuUsage(cpuStart);
const seconds = (performance.now() - start) / 1000;

const strategies = scenario.strategies.map((s, i) => {
  const { mean, standardError } = meanAndStandardError(strategyColumn(run.outcomes, i, 'npvUsd'));
  return { name: s.name, npvMean: mean, npvSe: standardError };
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
