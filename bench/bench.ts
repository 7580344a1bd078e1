// The benchmark: hashpivot against its peers (bench/peers.ts: NumPy, tuned NumPy, Numba) on one
// scenario, from one invocation. `npm run bench` builds, then runs this.
// The default scenario is the `bench` preset: base as it stood before the deal mechanics of issue
// #11, frozen, which is the model bench/peer.py and the peers in ../shared/peers/ implement.
//
//   node dist/bench/bench.js [--quick] [--scenario NAME] [--rounds N] [--python EXE]
//                            [--peers DIR] [--numba-python EXE]
//
// It also times a 20-point study against its points' trial work alone (studyOverhead.ts).
// Then bench/scale.ts (beyond one machine; --rounds N also its --redis rounds): node dist/bench/scale.js
// [--quick] [--trials N] [--merge-shard-trials N] [--rounds N] alone.
//
// Every measurement runs in a fresh child process, one after another (never two at once: the
// machine's cores are the thing measured). The contenders take turns in rounds (a slow spell on a
// shared machine hits every contender alike) and each ratio is the median of its per-round ratios.
// Engine times are runScenario's inside the child (pool start included, process start-up not); a
// peer's are its simulation loop's (no interpreter start-up, import or Numba compilation).
//
// Per core means per CPU second: trial-months / CPU seconds of the whole process (every thread).
// Cores got = CPU seconds / wall seconds: a two-worker run that got 1.1 cores was not a two-core
// measurement, and the table says so.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadScenario, resolvedScenarioJson } from '../index.js';
import { gnuTime, lastJsonLine, runChild, type Measured } from './child.js';
import { findPeers, runPeer, type PeerLookup, type StrategyNpv } from './peers.js';
import { BAND_TRIALS } from '../engine/bandSketch.js';
import { MAX_FIT_PATHS } from '../scenarios/schema.js';

interface Plan {
  label: string;
  /** Trials of every throughput run (engine and peers). */
  throughputTrials: number;
  /** Rounds of throughput runs; every contender runs once per round. */
  rounds: number;
  /** Trial counts of the flatness runs (all workers, band sketch on); peak RSS is reported for each. */
  scalingTrials: number[];
  /** Repetitions of the default `hashpivot run` (median reported). */
  defaultRunRepeats: number;
  /** Trials per point of the study-overhead measurement (20 points), and its interleaved rounds. */
  studyTrials: number;
  studyRounds: number;
}

const FULL: Plan = { label: 'full', throughputTrials: 100_000, rounds: 5, scalingTrials: [10_000, 100_000, 1_000_000], defaultRunRepeats: 3, studyTrials: 10_000, studyRounds: 3 };
const QUICK: Plan = { label: 'quick', throughputTrials: 5_000, rounds: 1, scalingTrials: [1_000, 5_000, 20_000], defaultRunRepeats: 1, studyTrials: 1_000, studyRounds: 1 };

/** Targets (issue #15, and the earlier ones that stay). */
const TARGET_VS_NUMBA = 1; // one engine worker per CPU second >= the Numba peer, no band sketch
const TARGET_TWO_WORKERS = 1.8; // 2 workers' wall-clock rate >= 1.8x one worker's
const TARGET_BAND_COST = 0.1; // the band sketch adds at most 10% CPU per trial-month
const TARGET_FLATNESS = 0.2; // marginal cost per trial-month within 20% across the scaling sizes
const TARGET_PEAK_RSS_KB = 2 * 1024 * 1024; // the largest scaling run within 2 GB
const TARGET_DEFAULT_RUN_SECONDS = 3;
const TARGET_OPTIMAL_VS_FIXED = 3; // an optimal strategy costs at most 3 fixed strategies (CPU)
const TARGET_FIT_TWO_WORKERS = 1.5; // its fit on 2 workers runs >= 1.5x as fast as on 1 (wall clock), on the most fitting paths a scenario may ask for
/** A 20-point study within this factor of its points' trial work alone (#13). */
const TARGET_STUDY_OVERHEAD = 1.3;
/** Engine and peer agree when their mean NPVs differ by less than this many SEs of the difference. */
const AGREEMENT_SES = 4;

const here = dirname(fileURLToPath(import.meta.url)); // dist/bench
const root = join(here, '..', '..');
const engineRunJs = join(here, 'engineRun.js');
const studyOverheadJs = join(here, 'studyOverhead.js');
const cliJs = join(root, 'dist', 'runners', 'cli.js');

/** What every contender's child prints (engineRun.js, the peers), as far as the bench reads it. */
interface RunJson {
  trials: number;
  months: number;
  seconds: number;
  cpuSeconds: number;
  /** Wall seconds of fitting optimal strategies' policies within `seconds` (engine only; 0 without one). */
  fitSeconds?: number;
  strategies: StrategyNpv[];
}

interface Contender {
  key: string;
  label: string;
  /** Cores the contender is meant to use. */
  cores: number;
  measure(): Measured<RunJson>;
}

function engine(scenario: string, trials: number, workers: number, bands: boolean, seed = 1): Measured<RunJson> {
  const child = runChild(process.execPath, [engineRunJs, scenario, String(trials), String(workers), String(seed), bands ? 'bands' : 'nobands'], { cwd: root });
  const result = lastJsonLine<RunJson & { maxRssKb: number }>(child.stdout);
  return { result, wallSeconds: child.wallSeconds, peakRssKb: child.peakRssKb ?? result.maxRssKb };
}

/** The commit measured, and whether the engine and runners differ from it (others may be editing them). */
function gitState(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', cwd: root });
  if (head.status !== 0) return 'not a git checkout';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'engine', 'runners', 'scenarios', 'outputs', 'index.ts'], { encoding: 'utf8', cwd: root });
  const changed = dirty.stdout.trim().split('\n').filter(Boolean).length;
  return `commit ${head.stdout.trim()}${changed ? `, ${changed} uncommitted change${changed === 1 ? '' : 's'} in engine/runners/scenarios/outputs (measured as built)` : ', clean'}`;
}

// Per-run rates.
const trialMonths = (r: RunJson) => r.trials * r.months;
const perCore = (r: RunJson) => trialMonths(r) / r.cpuSeconds;
const wallRate = (r: RunJson) => trialMonths(r) / r.seconds;
const coresGot = (r: RunJson) => r.cpuSeconds / r.seconds;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** A ratio measured per round, summarised as its median and range. */
interface Ratio {
  median: number;
  min: number;
  max: number;
}
const ratioOf = (values: number[]): Ratio => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });

// Formatting.
const mega = (x: number) => `${(x / 1e6).toFixed(2)} M`;
const secs = (x: number) => `${x.toFixed(2)} s`;
const usd = (x: number) => `$${(x / 1e6).toFixed(2)}M`;
const mb = (kb: number | null) => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const times = (x: number) => `${x.toFixed(2)}x`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const count = (n: number) => n.toLocaleString('en-US');
const verdict = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'MET' : 'not met');
const range = (r: Ratio, f: (x: number) => string) => `${f(r.median)} (${f(r.min)}-${f(r.max)})`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`, ...rows.map(line)].join('\n');
}

const say = (text = '') => process.stdout.write(`${text}\n`);
const progress = (text: string) => process.stderr.write(`  ... ${text}\n`);

function main(): number {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      scenario: { type: 'string' },
      rounds: { type: 'string' },
      python: { type: 'string' },
      peers: { type: 'string' },
      'numba-python': { type: 'string' },
    },
  });
  const plan = { ...(values.quick ? QUICK : FULL) };
  if (values.rounds !== undefined) {
    plan.rounds = Number(values.rounds);
    if (!Number.isInteger(plan.rounds) || plan.rounds < 1 || plan.rounds > 100) throw new Error(`--rounds must be a whole number from 1 to 100, got ${values.rounds}`);
  }
  const scenarioName = values.scenario ?? 'bench';
  const scenario = loadScenario(scenarioName);
  const months = scenario.horizonMonths;
  const allWorkers = availableParallelism();
  // The peers implement the bench preset's model only: another scenario's fields they do not know.
  const found = findPeers({ root, peersDir: values.peers, python: values.python, numbaPython: values['numba-python'] });
  const peers: PeerLookup[] = scenarioName === 'bench'
    ? found
    : found.map(({ key, label }) => ({ ok: false, key, label, why: `it implements the bench preset's model, not ${scenarioName}'s` }));
  const tmp = mkdtempSync(join(tmpdir(), 'hashpivot-bench-'));
  const scenarioJson = join(tmp, `${scenarioName}.json`);
  writeFileSync(scenarioJson, JSON.stringify(resolvedScenarioJson(scenario)));
  const loadBefore = loadavg();
  let exitCode = 0;

  try {
    const T = plan.throughputTrials;
    say(`hashpivot benchmark (${plan.label}): scenario ${scenarioName}, ${months} months, ${scenario.strategies.length} strategies (${scenario.strategies.map((s) => s.name).join(', ')})`);
    say(`machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), availableParallelism ${allWorkers}; Node ${process.version}`);
    say(`code: ${gitState()}`);
    say(`load average before: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}; peak RSS from ${gnuTime ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS'}`);
    for (const p of peers) say(p.ok ? `peer: ${p.peer.label}: ${p.peer.python} ${p.peer.script} (${p.peer.versions})` : `peer skipped: ${p.label}: ${p.why}`);
    if (peers.some((p) => !p.ok)) say('  (README, Performance: where the peers and the Numba virtual environment come from; --peers DIR, --python EXE, --numba-python EXE)');
    say();

    // 1. Throughput, in interleaved rounds.
    const contenders: Contender[] = [
      { key: 'one', label: 'hashpivot, 1 worker, no band sketch', cores: 1, measure: () => engine(scenarioName, T, 1, false) },
      { key: 'oneBands', label: 'hashpivot, 1 worker, band sketch', cores: 1, measure: () => engine(scenarioName, T, 1, true) },
      { key: 'two', label: 'hashpivot, 2 workers, no band sketch', cores: 2, measure: () => engine(scenarioName, T, 2, false) },
      { key: 'twoBands', label: 'hashpivot, 2 workers, band sketch', cores: 2, measure: () => engine(scenarioName, T, 2, true) },
    ];
    if (allWorkers !== 2) {
      contenders.push({ key: 'allBands', label: `hashpivot, ${allWorkers} workers, band sketch`, cores: allWorkers, measure: () => engine(scenarioName, T, allWorkers, true) });
    }
    for (const p of peers) {
      if (p.ok) contenders.push({ key: p.peer.key, label: p.peer.label, cores: 1, measure: () => runPeer(p.peer, root, scenarioJson, T, 1) });
    }
    const runs = new Map<string, Measured<RunJson>[]>(contenders.map((c) => [c.key, []]));
    for (let round = 0; round < plan.rounds; round++) {
      // Each round starts one contender further on, so none always runs first or last.
      for (let i = 0; i < contenders.length; i++) {
        const c = contenders[(i + round) % contenders.length];
        progress(`${c.label}, ${count(T)} trials (round ${round + 1}/${plan.rounds})`);
        runs.get(c.key)?.push(c.measure());
      }
    }
    const of = (key: string) => runs.get(key) ?? [];
    /** f of the two contenders' runs in the same round, for every round. */
    const paired = (a: string, b: string, f: (x: RunJson, y: RunJson) => number): Ratio | null => {
      const xs = of(a), ys = of(b);
      if (xs.length === 0 || ys.length === 0) return null;
      return ratioOf(xs.map((x, i) => f(x.result, ys[i].result)));
    };

    say(`Throughput: ${count(T)} trials x ${months} months, every strategy evaluated on each trial; ${plan.rounds} interleaved round(s), medians`);
    say('(per core = trial-months per CPU second of the whole process; cores got = CPU / wall seconds; the range is over the rounds:');
    say(' for the engine it shows how differently V8 compiled the same code in fresh processes)');
    say(
      table(
        ['contender', 'cores', 'wall', 'CPU', 'cores got', 'trial-months/s', 'per core', 'per core, range', 'peak RSS'],
        contenders.map((c) => {
          const list = of(c.key);
          const rates = list.map((m) => perCore(m.result));
          return [
            c.label,
            String(c.cores),
            secs(median(list.map((m) => m.result.seconds))),
            secs(median(list.map((m) => m.result.cpuSeconds))),
            median(list.map((m) => coresGot(m.result))).toFixed(2),
            mega(median(list.map((m) => wallRate(m.result)))),
            mega(median(rates)),
            `${mega(Math.min(...rates))}-${mega(Math.max(...rates))}`,
            mb(Math.max(...list.map((m) => m.peakRssKb ?? 0)) || null),
          ];
        }),
      ),
    );
    const vsPeer = new Map(peers.flatMap((p) => (p.ok ? [[p.peer.key, paired('one', p.peer.key, (e, q) => perCore(e) / perCore(q))] as const] : [])));
    const twoOverOne = paired('two', 'one', (two, one) => wallRate(two) / wallRate(one));
    const twoOverOneBands = paired('twoBands', 'oneBands', (two, one) => wallRate(two) / wallRate(one));
    const twoCores = ratioOf(of('two').map((m) => coresGot(m.result)));
    const bandCost = paired('one', 'oneBands', (plain, bands) => perCore(plain) / perCore(bands) - 1);
    const bandCostTwo = paired('two', 'twoBands', (plain, bands) => perCore(plain) / perCore(bands) - 1);
    say();
    say('Ratios, each the median of its per-round ratios (range over the rounds in brackets):');
    for (const p of peers) {
      const r = p.ok ? vsPeer.get(p.peer.key) : null;
      say(`  hashpivot 1 worker / ${p.label}, per core, no band sketch: ${r ? range(r, times) : 'n/a (peer skipped)'}`);
    }
    say(`  2 workers / 1 worker, wall-clock rate: ${twoOverOne ? range(twoOverOne, times) : 'n/a'} without the band sketch, ${twoOverOneBands ? range(twoOverOneBands, times) : 'n/a'} with it; the 2-worker runs got ${range(twoCores, (x) => x.toFixed(2))} cores`);
    const bandTrials = Math.min(T, BAND_TRIALS);
    say(`  band sketch cost, CPU per trial-month: ${bandCost ? range(bandCost, pct) : 'n/a'} on 1 worker, ${bandCostTwo ? range(bandCostTwo, pct) : 'n/a'} on 2 (bands from the first ${count(bandTrials)} of the ${count(T)} trials)`);
    say();

    // 2. Flatness and peak RSS against trial count (all workers, band sketch on: a user's run), each size in its own process.
    const fullRunKey = allWorkers === 2 ? 'twoBands' : 'allBands';
    const fullRunMedian = (() => {
      const list = of(fullRunKey);
      return [...list].sort((a, b) => a.result.seconds - b.result.seconds)[Math.floor((list.length - 1) / 2)];
    })();
    const scaling: { trials: number; run: Measured<RunJson> }[] = [];
    for (const trials of plan.scalingTrials) {
      if (trials === T) {
        scaling.push({ trials, run: fullRunMedian });
        continue;
      }
      progress(`hashpivot, ${count(trials)} trials, ${allWorkers} workers, band sketch`);
      scaling.push({ trials, run: engine(scenarioName, trials, allWorkers, true) });
    }
    const nsPerTrialMonth = scaling.map(({ run }) => (run.result.seconds * 1e9) / trialMonths(run.result));
    say(`Scaling with trial count (${allWorkers} workers, band sketch; runScenario wall time incl. pool start, merging and band sketches)`);
    say(
      table(
        ['trials', 'wall', 'CPU', 'cores got', 'ns per trial-month', `vs ${count(plan.scalingTrials[0])}`, 'peak RSS'],
        scaling.map(({ trials, run }, i) => [
          count(trials),
          secs(run.result.seconds),
          secs(run.result.cpuSeconds),
          coresGot(run.result).toFixed(2),
          nsPerTrialMonth[i].toFixed(0),
          times(nsPerTrialMonth[i] / nsPerTrialMonth[0]),
          mb(run.peakRssKb),
        ]),
      ),
    );
    const spread = Math.max(...nsPerTrialMonth) / Math.min(...nsPerTrialMonth) - 1;
    say(`spread (max/min - 1) of time per trial-month, start-up included: ${pct(spread)}`);
    // Start-up (pool threads, module loading, V8 tiering up the kernel: ~0.1-0.3 s) is a fixed cost
    // that dominates 10^4 trials. The marginal cost of the next trials shows whether the work per
    // trial-month itself stays flat as runs grow (no superlinear merge, no memory pressure).
    const marginal = scaling.slice(1).map(({ trials, run }, i) => {
      const previous = scaling[i];
      return ((run.result.seconds - previous.run.result.seconds) * 1e9) / ((trials - previous.trials) * months);
    });
    const steady = [...marginal, nsPerTrialMonth[nsPerTrialMonth.length - 1]];
    const steadySpread = Math.max(...steady) / Math.min(...steady) - 1;
    say(
      `marginal ns per trial-month: ${marginal.map((ns, i) => `${count(scaling[i].trials)} -> ${count(scaling[i + 1].trials)}: ${ns.toFixed(0)}`).join('; ')}; ` +
        `spread of these and the ${count(scaling[scaling.length - 1].trials)}-trial average: ${pct(steadySpread)}`,
    );
    const largest = scaling[scaling.length - 1];
    say();

    // 3. The default run, as `npm start` runs it, start-up included.
    const defaultRuns: number[] = [];
    for (let i = 0; i < plan.defaultRunRepeats; i++) {
      progress(`default run ${i + 1}/${plan.defaultRunRepeats}: node dist/runners/cli.js run ${scenarioName} --quiet`);
      const out = join(tmp, `default-run-${i}`);
      defaultRuns.push(runChild(process.execPath, [cliJs, 'run', scenarioName, '--quiet', '--out', out], { cwd: root }).wallSeconds);
    }
    const defaultRunSeconds = median(defaultRuns);
    say(`Default run: node dist/runners/cli.js run ${scenarioName} --quiet --out <tmp> (10,000 trials, ${allWorkers} workers, every output file the CLI writes), spawn to exit`);
    say(`wall: ${defaultRuns.map(secs).join(', ')}; median ${secs(defaultRunSeconds)}`);
    say();

    // 4. Do the engine and each peer compute the same model? Every round ran seed 1, so round 1's
    // results stand for all: mean NPVs within 4 SE of the difference.
    let agreement: boolean | null = null;
    const engineRun = of('one')[0]?.result;
    for (const p of peers) {
      if (!p.ok || !engineRun) continue;
      const peerRun = of(p.peer.key)[0].result;
      const rows: string[][] = [];
      let ok = true;
      for (const s of engineRun.strategies) {
        const q = peerRun.strategies.find((x) => x.name === s.name);
        if (!q) throw new Error(`${p.peer.label} reported no strategy ${s.name}`);
        const seDiff = Math.hypot(s.npvSe, q.npvSe);
        const z = (s.npvMean - q.npvMean) / seDiff;
        const agrees = Math.abs(z) < AGREEMENT_SES;
        ok &&= agrees;
        rows.push([s.name, `${usd(s.npvMean)} ± ${usd(s.npvSe)}`, `${usd(q.npvMean)} ± ${usd(q.npvSe)}`, usd(s.npvMean - q.npvMean), usd(seDiff), z.toFixed(2), agrees ? 'agree' : 'DIFFER']);
      }
      agreement = (agreement ?? true) && ok;
      say(`Agreement with ${p.label}: mean NPV, ${count(T)} trials each, seed 1 (different random streams); |z| < ${AGREEMENT_SES} passes`);
      say(table(['strategy', 'hashpivot mean ± SE', 'peer mean ± SE', 'difference', 'SE of diff', 'z', 'verdict'], rows));
      say();
    }
    if (agreement === false) exitCode = 1;

    // 5. The optimal strategy, on base whatever the scenario.
    const optimalTargets = optimalSection(T, plan, tmp);
    // 6. A study's overhead over its trial work: the same 20 points with and without the store,
    // trial files, summaries, analysis and report, on one pool each (studyOverhead.ts).
    progress(`study overhead: 20 points x ${count(plan.studyTrials)} trials, ${allWorkers} workers, ${plan.studyRounds} round(s)`);
    const study = lastJsonLine<{ points: number; alone: { wallSeconds: number; cpuSeconds: number }[]; whole: { wallSeconds: number; cpuSeconds: number }[]; wallRatio: number; cpuRatio: number }>(
      runChild(process.execPath, [studyOverheadJs, scenarioName, String(plan.studyTrials), String(allWorkers), String(plan.studyRounds)], { cwd: root }).stdout,
    );
    say(`Study overhead: a ${study.points}-point oneAtATime study of ${scenarioName} at ${count(plan.studyTrials)} trials a point (runStudy: pool, summaries, points/*.parquet, study.duckdb, analysis, study.html and charts) against the same points' runScenario calls alone on a warm pool; median of ${plan.studyRounds} interleaved round(s)`);
    say(`trial work alone, wall: ${study.alone.map((t) => secs(t.wallSeconds)).join(', ')} (CPU ${study.alone.map((t) => secs(t.cpuSeconds)).join(', ')}); whole study, wall: ${study.whole.map((t) => secs(t.wallSeconds)).join(', ')} (CPU ${study.whole.map((t) => secs(t.cpuSeconds)).join(', ')})`);
    say(`ratio study / trial work: ${times(study.wallRatio)} wall, ${times(study.cpuRatio)} CPU (process CPU, worker threads included: what the load of other processes changes least)`);
    say();

    // 7. Targets.
    const numba = vsPeer.get('numba') ?? null;
    say('Targets');
    say(
      table(
        ['target', 'measured', 'verdict'],
        [
          [`1 worker per core >= ${TARGET_VS_NUMBA}x the Numba peer, no band sketch`, numba ? range(numba, times) : 'n/a (Numba peer skipped)', verdict(numba ? numba.median >= TARGET_VS_NUMBA : null)],
          [
            `2 workers >= ${TARGET_TWO_WORKERS}x 1 worker (wall clock, no band sketch)`,
            twoOverOne ? `${range(twoOverOne, times)}, ${twoCores.median.toFixed(2)} cores got` : 'n/a',
            verdict(twoOverOne ? twoOverOne.median >= TARGET_TWO_WORKERS : null),
          ],
          [`band sketch adds <= ${pct(TARGET_BAND_COST)} CPU per trial-month (1 worker)`, bandCost ? range(bandCost, pct) : 'n/a', verdict(bandCost ? bandCost.median <= TARGET_BAND_COST : null)],
          [
            `time per trial-month flat within ${pct(TARGET_FLATNESS)} (${count(plan.scalingTrials[0])} to ${count(largest.trials)}), marginal`,
            pct(steadySpread),
            verdict(steadySpread <= TARGET_FLATNESS),
          ],
          [`time per trial-month flat within ${pct(TARGET_FLATNESS)}, start-up included`, pct(spread), verdict(spread <= TARGET_FLATNESS)],
          [`${count(largest.trials)} trials within ${mb(TARGET_PEAK_RSS_KB)} peak RSS`, mb(largest.run.peakRssKb), verdict(largest.run.peakRssKb === null ? null : largest.run.peakRssKb <= TARGET_PEAK_RSS_KB)],
          [`default run < ${TARGET_DEFAULT_RUN_SECONDS} s`, secs(defaultRunSeconds), verdict(defaultRunSeconds < TARGET_DEFAULT_RUN_SECONDS)],
          [`20-point study <= ${TARGET_STUDY_OVERHEAD}x its trial work (wall)`, times(study.wallRatio), verdict(study.wallRatio <= TARGET_STUDY_OVERHEAD)],
          [`every peer agrees (${AGREEMENT_SES} SE)`, agreement === null ? 'n/a' : agreement ? 'yes' : 'no', verdict(agreement)],
          ...optimalTargets,
        ],
      ),
    );
    if (twoOverOne && twoCores.median < 1.9) say(`note: the 2-worker runs got ${twoCores.median.toFixed(2)} cores (median): the machine was shared, so 2 workers / 1 worker is not a two-core measurement`);
    say(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}${values.quick ? ' (quick run: sizes too small for the targets to mean much)' : ''}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return exitCode;
}

/**
 * The optimal strategy's cost, in CPU seconds, read in fixed strategies: base-optimal (base plus an
 * optimal strategy) against base; one fixed strategy, the mean of base's, from base with its fixed
 * strategies twice (the second time under other names) less base: four strategies' worth of CPU in
 * one difference of two runs, so a round's noise moves it a quarter as much as a difference of one
 * strategy would; the
 * fit alone (a 1-trial run of the optimal strategy) on 1 and 2 workers, to see it parallelise: on
 * base-optimal's fitting paths, where each thread's warming up (V8 compiling the fit's code of its
 * own) is much of a fit, and on the most a scenario may ask for (MAX_FIT_PATHS), where the fit's
 * work is. Interleaved rounds, per-round ratios.
 */
function optimalSection(T: number, plan: Plan, tmp: string): string[][] {
  const optimal = resolvedScenarioJson(loadScenario('base-optimal'));
  const strategies = optimal.strategies as unknown as { name: string; kind: string; fitPaths?: number }[];
  const withOptimal = join(tmp, 'base-optimal.json');
  const base = join(tmp, 'base-fixed.json');
  const twice = join(tmp, 'base-fixed-twice.json');
  const fitOnly = join(tmp, 'base-optimal-fit.json');
  writeFileSync(withOptimal, JSON.stringify(optimal));
  const fixed = strategies.filter((x) => x.kind !== 'optimal');
  writeFileSync(base, JSON.stringify({ ...optimal, strategies: fixed }));
  writeFileSync(twice, JSON.stringify({ ...optimal, strategies: [...fixed, ...fixed.map((x) => ({ ...x, name: `${x.name}-again` }))] }));
  writeFileSync(fitOnly, JSON.stringify({ ...optimal, strategies: strategies.filter((x) => x.kind === 'optimal') }));
  const fitMost = join(tmp, 'base-optimal-fit-most.json');
  writeFileSync(fitMost, JSON.stringify({ ...optimal, strategies: strategies.filter((x) => x.kind === 'optimal').map((x) => ({ ...x, fitPaths: MAX_FIT_PATHS })) }));
  const runs = { base: [] as RunJson[], optimal: [] as RunJson[], twice: [] as RunJson[], fitOne: [] as RunJson[], fitTwo: [] as RunJson[], fitMostOne: [] as RunJson[], fitMostTwo: [] as RunJson[] };
  for (let round = 0; round < plan.rounds; round++) {
    const of = `round ${round + 1}/${plan.rounds}`;
    progress(`base, ${count(T)} trials, 2 workers (${of})`);
    runs.base.push(engine(base, T, 2, true).result);
    progress(`base-optimal, ${count(T)} trials, 2 workers (${of})`);
    runs.optimal.push(engine(withOptimal, T, 2, true).result);
    progress(`base with its ${fixed.length} fixed strategies twice, ${count(T)} trials, 2 workers (${of})`);
    runs.twice.push(engine(twice, T, 2, true).result);
    progress(`the optimal strategy's fit alone, 1 worker (${of})`);
    runs.fitOne.push(engine(fitOnly, 1, 1, true).result);
    progress(`the optimal strategy's fit alone, 2 workers (${of})`);
    runs.fitTwo.push(engine(fitOnly, 1, 2, true).result);
    progress(`the optimal strategy's fit alone on ${count(MAX_FIT_PATHS)} paths, 1 worker (${of})`);
    runs.fitMostOne.push(engine(fitMost, 1, 1, true).result);
    progress(`the optimal strategy's fit alone on ${count(MAX_FIT_PATHS)} paths, 2 workers (${of})`);
    runs.fitMostTwo.push(engine(fitMost, 1, 2, true).result);
  }
  const rounds = runs.optimal.map((opt, i) => {
    const fixedCpu = (runs.twice[i].cpuSeconds - runs.base[i].cpuSeconds) / fixed.length;
    const optimalCpu = opt.cpuSeconds - runs.base[i].cpuSeconds;
    const fitCpu = runs.fitTwo[i].cpuSeconds;
    const scaling = (one: RunJson, two: RunJson) => (one.fitSeconds ?? NaN) / (two.fitSeconds ?? NaN);
    return { fixedCpu, optimalCpu, fitCpu, applyCpu: optimalCpu - fitCpu, fitScaling: scaling(runs.fitOne[i], runs.fitTwo[i]), fitMostScaling: scaling(runs.fitMostOne[i], runs.fitMostTwo[i]) };
  });
  const med = (f: (r: (typeof rounds)[number]) => number) => median(rounds.map(f));
  const ratio = (f: (r: (typeof rounds)[number]) => number) => ratioOf(rounds.map(f));
  const all = ratio((r) => r.optimalCpu / r.fixedCpu);
  const apply = ratio((r) => r.applyCpu / r.fixedCpu);
  const fitScaling = ratio((r) => r.fitScaling);
  const fitMostScaling = ratio((r) => r.fitMostScaling);
  const fitPaths = strategies.find((x) => x.kind === 'optimal')?.fitPaths ?? 0;
  say(`Optimal strategy: base-optimal = base plus an optimal strategy fitted on ${count(fitPaths)} paths (2 actions, 120 decision months); ${count(T)} trials, 2 workers, band sketch; ${plan.rounds} interleaved round(s), medians`);
  say(
    table(
      ['run', 'wall', 'CPU', 'of which fitting (wall)'],
      [
        [`base (${fixed.length} fixed strategies)`, secs(median(runs.base.map((r) => r.seconds))), secs(median(runs.base.map((r) => r.cpuSeconds))), '-'],
        [`base with its fixed strategies twice (${2 * fixed.length})`, secs(median(runs.twice.map((r) => r.seconds))), secs(median(runs.twice.map((r) => r.cpuSeconds))), '-'],
        [`base-optimal (${fixed.length} fixed + optimal)`, secs(median(runs.optimal.map((r) => r.seconds))), secs(median(runs.optimal.map((r) => r.cpuSeconds))), secs(median(runs.optimal.map((r) => r.fitSeconds ?? 0)))],
        ['the fit alone, 1 worker', secs(median(runs.fitOne.map((r) => r.seconds))), secs(median(runs.fitOne.map((r) => r.cpuSeconds))), secs(median(runs.fitOne.map((r) => r.fitSeconds ?? 0)))],
        ['the fit alone, 2 workers', secs(median(runs.fitTwo.map((r) => r.seconds))), secs(median(runs.fitTwo.map((r) => r.cpuSeconds))), secs(median(runs.fitTwo.map((r) => r.fitSeconds ?? 0)))],
        [`the fit alone on ${count(MAX_FIT_PATHS)} paths, 1 worker`, secs(median(runs.fitMostOne.map((r) => r.seconds))), secs(median(runs.fitMostOne.map((r) => r.cpuSeconds))), secs(median(runs.fitMostOne.map((r) => r.fitSeconds ?? 0)))],
        [`the fit alone on ${count(MAX_FIT_PATHS)} paths, 2 workers`, secs(median(runs.fitMostTwo.map((r) => r.seconds))), secs(median(runs.fitMostTwo.map((r) => r.cpuSeconds))), secs(median(runs.fitMostTwo.map((r) => r.fitSeconds ?? 0)))],
      ],
    ),
  );
  say(
    `CPU: one fixed strategy (the mean of base's) ${secs(med((r) => r.fixedCpu))}; the optimal ${secs(med((r) => r.optimalCpu))} = ${range(all, times)} a fixed strategy, ` +
      `of which fitting ${secs(med((r) => r.fitCpu))} and applying the policy to the trials ${secs(med((r) => r.applyCpu))} = ${range(apply, times)}; ` +
      `the fit on 2 workers runs ${range(fitScaling, times)} as fast as on 1 (${range(fitMostScaling, times)} on ${count(MAX_FIT_PATHS)} paths)`,
  );
  return [
    [`optimal strategy, applying the policy, <= ${TARGET_OPTIMAL_VS_FIXED}x one fixed strategy (CPU)`, range(apply, times), verdict(apply.median <= TARGET_OPTIMAL_VS_FIXED)],
    [`optimal strategy, fitting included, <= ${TARGET_OPTIMAL_VS_FIXED}x one fixed strategy (CPU)`, range(all, times), verdict(all.median <= TARGET_OPTIMAL_VS_FIXED)],
    [`its fit on 2 workers >= ${TARGET_FIT_TWO_WORKERS}x 1 worker (wall clock), on ${count(MAX_FIT_PATHS)} paths`, range(fitMostScaling, times), verdict(fitMostScaling.median >= TARGET_FIT_TWO_WORKERS)],
    [`its fit on 2 workers, on base-optimal's ${count(fitPaths)} paths (each thread's warming up is much of it)`, range(fitScaling, times), '-'],
  ];
}

process.exitCode = main();
// Beyond one machine (bench/scale.ts): sketches, --redis, merges and the scale model, in its own process.
if (process.exitCode === 0) {
  // --rounds also sets the rounds of its --redis measurement (local and --redis in turn).
  const { rounds } = parseArgs({ options: { rounds: { type: 'string' } }, strict: false }).values;
  const scaleArgs = [...(process.argv.includes('--quick') ? ['--quick'] : []), ...(typeof rounds === 'string' ? ['--rounds', rounds] : [])];
  const scale = spawnSync(process.execPath, [join(here, 'scale.js'), ...scaleArgs], { stdio: 'inherit', cwd: root });
  if (scale.status !== 0) process.exitCode = scale.status ?? 1;
}
