// What an optimal strategy gains from more fitting paths: base-optimal's optimal strategy fitted on
// each path count with each fit seed, every policy applied to the same trials (common random
// numbers), each mean NPV out of sample against the policy fitted on the most paths (the last
// count, first seed), paired trial by trial. A policy fitted on too few paths decides worse, and
// costs value on every trial it decides differently on; the paired difference shows how much.
//
//   node dist/bench/fitPathsQuality.js [TRIALS] [WORKERS] [PATHS,...] [SEED,...]
import { strategyColumn } from '../engine/outcomes.js';
import { meanAndStandardError } from '../outputs/statistics.js';
import { runScenario } from '../runners/run.js';
import { loadScenario } from '../scenarios/load.js';
import type { StrategySpec } from '../scenarios/schema.js';

const [trialsText = '100000', workersText = '2', pathsText = '5000,10000,40000', seedsText = '101,102,103'] = process.argv.slice(2);
const pathCounts = pathsText.split(',').map(Number);
const fitSeeds = seedsText.split(',').map(Number);

const base = loadScenario('base-optimal');
const optimal = base.strategies.find((s): s is Extract<StrategySpec, { kind: 'optimal' }> => s.kind === 'optimal')!;
const fits = pathCounts.flatMap((fitPaths) => fitSeeds.map((fitSeed) => ({ ...optimal, name: `${fitPaths}-paths-seed-${fitSeed}`, fitPaths, fitSeed })));
// The reference first among the fits (the most paths, first seed), so the table reads from it.
const reference = fits.findIndex((f) => f.fitPaths === pathCounts.at(-1) && f.fitSeed === fitSeeds[0]);
const scenario = { ...base, strategies: [...base.strategies.filter((s) => s.kind !== 'optimal'), ...fits] };
const firstFit = scenario.strategies.length - fits.length;

const run = await runScenario(scenario, { trials: Number(trialsText), workers: Number(workersText), seed: 1, collectBands: false });
const npv = (s: number) => strategyColumn(run.outcomes, s, 'npvUsd');
const referenceNpv = npv(firstFit + reference);
const millions = (x: number | null) => (x === null ? 'n/a' : (x / 1e6).toFixed(3));
console.log(`base-optimal's optimal strategy, ${run.trials.toLocaleString('en-US')} trials (seed 1), against the fit on ${pathCounts.at(-1)!.toLocaleString('en-US')} paths, seed ${fitSeeds[0]}; USD millions`);
console.log(['strategy', 'mean NPV', 'SE', 'difference', 'paired SE', 'in SE'].join('\t'));
scenario.strategies.forEach((spec, s) => {
  const values = npv(s);
  const { mean, standardError } = meanAndStandardError(values);
  const difference = values.map((x, t) => x - referenceNpv[t]);
  const paired = meanAndStandardError(difference);
  const inSe = paired.mean !== null && paired.standardError ? (paired.mean / paired.standardError).toFixed(1) : '';
  console.log([spec.name, millions(mean), millions(standardError), millions(paired.mean), millions(paired.standardError), inSe].join('\t'));
});
