// Two builds of an optimal strategy's fit and decisions, side by side in one process: for judging a
// change to them on a shared machine, where a slow spell lasting seconds moves separate runs by
// more than the change (kernelAB.ts does the same for the trial kernel). Each round, on A then on
// B (the order alternating), it fits the scenario's first optimal strategy in this thread (its
// fitting paths, then the regressions) and applies the fitted policy to paths of another seed,
// each path's decisions repeated so that they, not the paths' market, are timed. Phases are timed
// by wall clock (one thread, nothing else running in the process); each ratio reported is the
// median over rounds of B's time / A's, after a first round that only warms both up. It says
// whether the two builds fitted the same policy (its in-sample value to the bit).
//
//   node dist/bench/fitAB.js DIST_A DIST_B [--scenario base-optimal] [--rounds 10] [--decision-paths 4000]
//
// DIST_A / DIST_B are `dist` folders (e.g. an earlier build in a worktree whose node_modules
// resolve). The scenario is loaded once, by this build, and given to both.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadScenario } from '../index.js';
import type { Scenario } from '../scenarios/schema.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scenario: { type: 'string', default: 'base-optimal' },
    rounds: { type: 'string', default: '10' },
    'decision-paths': { type: 'string', default: '4000' },
  },
});
if (positionals.length !== 2) {
  process.stderr.write('usage: node dist/bench/fitAB.js DIST_A DIST_B [--scenario NAME] [--rounds N] [--decision-paths N]\n');
  process.exit(2);
}
const rounds = Number(values.rounds);
const decisionPaths = Number(values['decision-paths']);
/** Each path's decisions are made this many times (the market is drawn once a path). */
const DECISION_REPEATS = 50;
const FIT_SEED = 1;
const DECISION_SEED = 7;
const scenario = loadScenario(values.scenario);
const optimal = scenario.strategies.find((s) => s.kind === 'optimal');
if (!optimal || optimal.kind !== 'optimal') {
  process.stderr.write(`scenario ${values.scenario} has no optimal strategy\n`);
  process.exit(2);
}

interface Timings {
  pathsMs: number;
  inductionMs: number;
  /** Per decision, with the state read. */
  decisionNs: number;
  inSampleNpvUsd: number;
}

interface Side {
  label: string;
  round(): Timings;
}

async function side(dist: string): Promise<Side> {
  const at = (file: string) => import(pathToFileURL(resolve(dist, file)).href);
  const [{ TrialKernel }, { compileModel }, fitting, { switchPlan, SwitchDecider }] = await Promise.all([
    at('engine/trial.js'), at('engine/model.js'), at('engine/switchFitting.js'), at('engine/switchPolicy.js'),
  ]);
  const kernel = new TrialKernel(compileModel(scenario as Scenario));
  const spec = optimal as Extract<Scenario['strategies'][number], { kind: 'optimal' }>;
  const plan = switchPlan(spec, scenario.horizonMonths);
  return {
    label: dist,
    round() {
      const arrays = fitting.createSwitchFitArrays(plan, spec.fitPaths, false);
      let start = performance.now();
      fitting.simulateSwitchFitPaths(kernel, plan, FIT_SEED, 0, spec.fitPaths, arrays);
      const pathsMs = performance.now() - start;
      start = performance.now();
      const induction = fitting.createSwitchInduction(plan, arrays, false);
      new fitting.SwitchInductionLane(plan, arrays, induction).run();
      const inductionMs = performance.now() - start;
      const policy = fitting.fitSwitchPolicy(plan, arrays, induction, { engineVersion: 'fitAB', strategy: spec.name, scenario: scenario.name, seed: FIT_SEED });
      const decider = new SwitchDecider(policy, spec.name);
      let decideMs = 0;
      let decisions = 0;
      for (let p = 0; p < decisionPaths; p++) {
        kernel.drawFitPath(DECISION_SEED, p);
        start = performance.now();
        let month = Infinity;
        for (let r = 0; r < DECISION_REPEATS; r++) month = decider.decide(kernel.market).convertAtMonth;
        decideMs += performance.now() - start;
        // Decided at each month up to the one it converts in (every month if it never does).
        decisions += DECISION_REPEATS * (month === Infinity ? plan.decisionMonths.length : plan.decisionMonths.indexOf(month) + 1);
      }
      return { pathsMs, inductionMs, decisionNs: (decideMs * 1e6) / decisions, inSampleNpvUsd: policy.fit.inSampleNpvUsd };
    },
  };
}

const a = await side(positionals[0]);
const b = await side(positionals[1]);
const warmA = a.round();
const warmB = b.round();
process.stdout.write(
  `${optimal.name} of ${values.scenario}, ${optimal.fitPaths} fitting paths: ${Object.is(warmA.inSampleNpvUsd, warmB.inSampleNpvUsd) ? 'the same policy (in-sample value to the bit)' : `DIFFERENT policies (in sample ${warmA.inSampleNpvUsd} against ${warmB.inSampleNpvUsd})`}\n`,
);
const runsA: Timings[] = [];
const runsB: Timings[] = [];
for (let round = 0; round < rounds; round++) {
  if (round % 2 === 0) {
    runsA.push(a.round());
    runsB.push(b.round());
  } else {
    runsB.push(b.round());
    runsA.push(a.round());
  }
}
const median = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const line = (name: string, unit: string, of: (t: Timings) => number) => {
  const ratios = runsA.map((t, i) => of(runsB[i]) / of(t));
  return `  ${name}: A ${median(runsA.map(of)).toFixed(1)} ${unit}, B ${median(runsB.map(of)).toFixed(1)} ${unit} (medians); B / A ${median(ratios).toFixed(3)} (median; range ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})\n`;
};
process.stdout.write(
  `${rounds} rounds after a warm-up round, wall clock:\n` +
    line('fitting paths', 'ms', (t) => t.pathsMs) +
    line('regressions', 'ms', (t) => t.inductionMs) +
    line(`a decision (${decisionPaths} paths of seed ${DECISION_SEED}, each decided ${DECISION_REPEATS} times)`, 'ns', (t) => t.decisionNs),
);
