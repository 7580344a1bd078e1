// Two builds of the engine's trial kernel, side by side in one process: for judging a change to the
// hot path on a shared machine, where separate runs minutes apart see different loads. Each round
// runs the same trials on A, then on B (the order alternating), timed by this thread's CPU time;
// the ratio reported is the median over rounds of B's rate / A's rate. Before timing it checks that
// both builds give the same outcome bytes.
//
//   node dist/bench/kernelAB.js DIST_A DIST_B [--scenario bench] [--trials 2000] [--rounds 15] [--bands]
//
// DIST_A / DIST_B are `dist` folders (e.g. a copy of main's build inside the checkout, so that its
// imports find node_modules). The scenario is loaded once, by this build, and given to both.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadScenario } from '../index.js';
import type { Scenario } from '../scenarios/schema.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scenario: { type: 'string', default: 'bench' },
    trials: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '15' },
    bands: { type: 'boolean', default: false },
  },
});
if (positionals.length !== 2) {
  process.stderr.write('usage: node dist/bench/kernelAB.js DIST_A DIST_B [--scenario NAME] [--trials N] [--rounds N] [--bands]\n');
  process.exit(2);
}
const trials = Number(values.trials);
const rounds = Number(values.rounds);
const scenario = loadScenario(values.scenario);

interface Side {
  label: string;
  /** Runs the trials from firstTrial on; returns the outcome block's bytes. */
  run(firstTrial: number): { strategy: Float64Array; market: Float64Array };
}

async function side(dist: string): Promise<Side> {
  const at = (file: string) => import(pathToFileURL(resolve(dist, file)).href);
  const [{ TrialKernel }, { compileModel }, { createOutcomeBlock }] = await Promise.all([at('engine/trial.js'), at('engine/model.js'), at('engine/outcomes.js')]);
  const kernel = new TrialKernel(compileModel(scenario as Scenario));
  const bands = values.bands ? kernel.createBandCollector() : null;
  return {
    label: dist,
    run(firstTrial: number) {
      const block = createOutcomeBlock(firstTrial, trials, scenario.strategies.length);
      kernel.run(1, block, bands);
      return block;
    },
  };
}

const sameBytes = (x: Float64Array, y: Float64Array) => Buffer.compare(Buffer.from(x.buffer, x.byteOffset, x.byteLength), Buffer.from(y.buffer, y.byteOffset, y.byteLength)) === 0;

const a = await side(positionals[0]);
const b = await side(positionals[1]);
const outA = a.run(0);
const outB = b.run(0);
const identical = sameBytes(outA.strategy, outB.strategy) && sameBytes(outA.market, outB.market);
process.stdout.write(`outcomes of trials 0..${trials - 1}: ${identical ? 'identical bytes' : 'DIFFERENT'}\n`);

const cpuSeconds = (f: () => void) => {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};
const ratios: number[] = [];
const nsA: number[] = [];
const nsB: number[] = [];
const trialMonths = trials * scenario.horizonMonths;
for (let round = 0; round < rounds; round++) {
  const first = (round + 1) * trials;
  let secondsA = 0;
  let secondsB = 0;
  if (round % 2 === 0) {
    secondsA = cpuSeconds(() => a.run(first));
    secondsB = cpuSeconds(() => b.run(first));
  } else {
    secondsB = cpuSeconds(() => b.run(first));
    secondsA = cpuSeconds(() => a.run(first));
  }
  nsA.push((secondsA / trialMonths) * 1e9);
  nsB.push((secondsB / trialMonths) * 1e9);
  ratios.push(secondsA / secondsB);
}
const median = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
process.stdout.write(
  `${rounds} rounds of ${trials} trials (${values.scenario}${values.bands ? ', bands' : ''}), CPU time:\n` +
    `  A ${median(nsA).toFixed(1)} ns per trial-month (median)\n` +
    `  B ${median(nsB).toFixed(1)} ns per trial-month (median)\n` +
    `  B / A speed ${median(ratios).toFixed(3)}x (median; range ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})\n`,
);
