// The study's overhead over its trial work: a 20-point one-at-a-time study of a scenario (default
// base, 10,000 trials a point) against the same 20 points' runScenario calls alone on a warm pool
// (the trial work: no summaries, trial files, store, analysis or report). Rounds alternate the two,
// so a slow spell of the shared machine hits both; bench.ts reports the medians' ratio.
//
//   node dist/bench/studyOverhead.js [SCENARIO] [TRIALS] [WORKERS] [ROUNDS]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { overrideScenario } from '../scenarios/load.js';
import { parseStudy } from '../scenarios/loadStudy.js';
import { poolExecutor } from '../runners/pool.js';
import { runScenario } from '../runners/run.js';
import { runStudy } from '../runners/study.js';
import { planStudy } from '../runners/studyPlan.js';

const [scenarioName = 'base', trialsText = '10000', workersText = '2', roundsText = '3'] = process.argv.slice(2);
const trials = Number(trialsText);
const workers = Number(workersText);
const rounds = Number(roundsText);

// The base value and 9 inputs at their two ends, and one more lease rate: 20 points.
const study = parseStudy(
  {
    name: 'bench-overhead',
    scenario: scenarioName,
    trials,
    seed: 1,
    design: 'oneAtATime',
    inputs: [
      { path: 'hosting.leaseUsdPerKwMonth', low: 100, high: 160, values: [145] },
      { path: 'hosting.conversionUsdPerMwIt', low: 7e6, high: 11e6 },
      { path: 'discountRatePerYear', low: 0.08, high: 0.16 },
      { path: 'market.energy.meanUsdPerMwh', low: 35, high: 60 },
      { path: 'asOf.priceUsd', low: 70000, high: 110000 },
      { path: 'market.price.driftPerYear', low: 0, high: 0.2 },
      { path: 'market.price.volatilityPerYear', low: 0.4, high: 0.6 },
      { path: 'market.hashrate.growthPerYear', low: 0.2, high: 0.4 },
      { path: 'hosting.signingProbabilityPerMonth', low: 0.05, high: 0.2 },
    ],
  },
  'bench',
  process.cwd(),
);
const points = planStudy(study).points;
const scenarios = points.map((p) => overrideScenario(study.scenario, study.spec.scenario, p.sets, 'bench'));

interface Timing {
  wallSeconds: number;
  /** CPU of the whole process, worker threads included: what the work costs whatever else the machine runs. */
  cpuSeconds: number;
}

async function timed(work: () => Promise<void>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wallSeconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

async function trialWorkAlone(): Promise<Timing> {
  const pool = poolExecutor(workers);
  try {
    return await timed(async () => {
      for (const scenario of scenarios) await runScenario(scenario, { trials, seed: 1, executor: pool, collectBands: false });
    });
  } finally {
    await pool.close();
  }
}

async function wholeStudy(): Promise<Timing> {
  const dir = mkdtempSync(join(tmpdir(), 'hashpivot-bench-study-'));
  try {
    return await timed(async () => void (await runStudy(study, { dir: join(dir, 'study'), workers })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const alone: Timing[] = [];
const whole: Timing[] = [];
for (let round = 0; round < rounds; round++) {
  alone.push(await trialWorkAlone());
  whole.push(await wholeStudy());
}
const median = (list: Timing[], key: keyof Timing) => list.map((t) => t[key]).sort((a, b) => a - b)[Math.floor((list.length - 1) / 2)];
const result = {
  points: points.length,
  trials,
  workers,
  alone,
  whole,
  wallRatio: median(whole, 'wallSeconds') / median(alone, 'wallSeconds'),
  cpuRatio: median(whole, 'cpuSeconds') / median(alone, 'cpuSeconds'),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
