// The benchmark: hashpivot against the NumPy peer a quant would otherwise write (bench/peer.py),
// on one scenario (default base), from one invocation. `npm run bench` builds, then runs this.
//
//   node dist/bench/bench.js [--quick] [--scenario NAME] [--python EXE]
//
// Every measurement runs in a fresh child process, one after another (never two at once: the
// machine's cores are the thing measured). Engine speeds are runScenario's wall time inside the
// child (no process start-up), the peer's its simulation time (no interpreter start-up or NumPy
// import); the default run is timed from spawn to exit, start-up included. Peak RSS comes from GNU
// time (`/usr/bin/time -v`) when present, else from the child's process.resourceUsage().maxRSS;
// with worker threads both cover the whole process, workers included.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadScenario, resolvedScenarioJson } from '../index.js';

interface Plan {
  label: string;
  /** Trials of the throughput runs (1 worker, all workers, NumPy). */
  throughputTrials: number;
  /** Trial counts of the flatness runs (all workers); peak RSS is reported for the last two. */
  scalingTrials: number[];
  /** Trials of each side of the NumPy-vs-engine agreement check. */
  agreementTrials: number;
  /** Repetitions of the default `hashpivot run` (median reported). */
  defaultRunRepeats: number;
  /** Interleaved repetitions of each throughput measurement (median reported). */
  throughputRounds: number;
}

const FULL: Plan = { label: 'full', throughputTrials: 100_000, scalingTrials: [10_000, 100_000, 1_000_000], agreementTrials: 20_000, defaultRunRepeats: 3, throughputRounds: 3 };
const QUICK: Plan = { label: 'quick', throughputTrials: 5_000, scalingTrials: [1_000, 5_000, 20_000], agreementTrials: 2_000, defaultRunRepeats: 1, throughputRounds: 1 };

/** Targets (the user's): all workers >= 3x NumPy; 2 workers >= 1.7x one; flat within 20%; default run < 3 s. */
const TARGET_VS_NUMPY = 3;
const TARGET_TWO_WORKERS = 1.7;
const TARGET_FLATNESS = 0.2;
const TARGET_DEFAULT_RUN_SECONDS = 3;
/** Engine and peer agree when their mean NPVs differ by less than this many SEs of the difference. */
const AGREEMENT_SES = 4;

const here = dirname(fileURLToPath(import.meta.url)); // dist/bench
const root = join(here, '..', '..');
const engineRunJs = join(here, 'engineRun.js');
const cliJs = join(root, 'dist', 'runners', 'cli.js');
const peerPy = join(root, 'bench', 'peer.py');

interface StrategyNpv {
  name: string;
  npvMean: number;
  npvSe: number;
}

interface Measured<T> {
  result: T;
  /** Spawn to exit, start-up included. */
  wallSeconds: number;
  peakRssKb: number | null;
}

interface EngineResult {
  trials: number;
  months: number;
  workers: number;
  seconds: number;
  cpuSeconds: number;
  strategies: StrategyNpv[];
  maxRssKb: number;
}

interface PeerResult {
  trials: number;
  months: number;
  seconds: number;
  cpuSeconds: number;
  importSeconds: number;
  numpy: string;
  python: string;
  strategies: StrategyNpv[];
}

/** GNU time's -v (BusyBox's time has no -v): checked once. */
const gnuTime = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8' }).stderr?.includes('Maximum resident set size');

/**
 * NumPy's BLAS starts threads of its own for the peer's 5x5 matrix products; the peer is the
 * one-core baseline (the issue's "NumPy about 10.5 M trial-months/s on one core"), so pin it.
 */
const ONE_THREAD = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

function runChild(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): { stdout: string; stderr: string; wallSeconds: number; peakRssKb: number | null } {
  const [file, argv] = gnuTime ? ['/usr/bin/time', ['-v', command, ...args]] : [command, args];
  const start = performance.now();
  const child = spawnSync(file, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, cwd: root, env });
  const wallSeconds = (performance.now() - start) / 1000;
  if (child.error) throw child.error;
  if (child.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${child.status ?? child.signal}:\n${child.stderr}`);
  }
  const rss = gnuTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr) : null;
  return { stdout: child.stdout, stderr: child.stderr, wallSeconds, peakRssKb: rss ? Number(rss[1]) : null };
}

function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

function engine(scenario: string, trials: number, workers: number, seed = 1, bands = true): Measured<EngineResult> {
  const child = runChild(process.execPath, [engineRunJs, scenario, String(trials), String(workers), String(seed), bands ? 'bands' : 'nobands']);
  const result = lastJsonLine<EngineResult>(child.stdout);
  return { result, wallSeconds: child.wallSeconds, peakRssKb: child.peakRssKb ?? result.maxRssKb };
}

function peer(python: string, scenarioJson: string, trials: number, seed = 1): Measured<PeerResult> {
  const child = runChild(python, [peerPy, scenarioJson, String(trials), String(seed)], { ...process.env, ...ONE_THREAD });
  return { result: lastJsonLine<PeerResult>(child.stdout), wallSeconds: child.wallSeconds, peakRssKb: child.peakRssKb };
}

/** The commit measured, and whether the engine and runners differ from it (others may be editing them). */
function gitState(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', cwd: root });
  if (head.status !== 0) return 'not a git checkout';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'engine', 'runners', 'scenarios', 'outputs', 'index.ts'], { encoding: 'utf8', cwd: root });
  const changed = dirty.stdout.trim().split('\n').filter(Boolean).length;
  return `commit ${head.stdout.trim()}${changed ? `, ${changed} uncommitted change${changed === 1 ? '' : 's'} in engine/runners/scenarios/outputs (measured as built)` : ', clean'}`;
}

/** Python with NumPy, or why not. */
function findNumpy(python: string): { ok: true; version: string } | { ok: false; why: string } {
  const probe = spawnSync(python, ['-c', 'import numpy, sys; print(numpy.__version__, sys.version.split()[0])'], { encoding: 'utf8' });
  if (probe.error) return { ok: false, why: `${python} not found (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message})` };
  if (probe.status !== 0) return { ok: false, why: `${python} has no NumPy` };
  const [numpy, py] = probe.stdout.trim().split(' ');
  return { ok: true, version: `Python ${py}, NumPy ${numpy}` };
}

// Formatting.
const mega = (x: number) => `${(x / 1e6).toFixed(2)} M`;
const secs = (x: number) => `${x.toFixed(2)} s`;
const usd = (x: number) => `$${(x / 1e6).toFixed(2)}M`;
const mb = (kb: number | null) => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
const times = (x: number) => `${x.toFixed(2)}x`;
const count = (n: number) => n.toLocaleString('en-US');
const verdict = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'MET' : 'not met');

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
      python: { type: 'string' },
    },
  });
  const plan = values.quick ? QUICK : FULL;
  const scenarioName = values.scenario ?? 'base';
  const python = values.python ?? process.env.HASHPIVOT_PYTHON ?? 'python3';
  const scenario = loadScenario(scenarioName);
  const months = scenario.horizonMonths;
  const allWorkers = availableParallelism();
  const numpy = findNumpy(python);
  const tmp = mkdtempSync(join(tmpdir(), 'hashpivot-bench-'));
  const scenarioJson = join(tmp, `${scenarioName}.json`);
  writeFileSync(scenarioJson, JSON.stringify(resolvedScenarioJson(scenario)));
  const loadBefore = loadavg();
  let exitCode = 0;

  try {
    say(`hashpivot benchmark (${plan.label}): scenario ${scenarioName}, ${months} months, ${scenario.strategies.length} strategies (${scenario.strategies.map((s) => s.name).join(', ')})`);
    say(`machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), availableParallelism ${allWorkers}; Node ${process.version}; ${numpy.ok ? numpy.version : `NumPy peer skipped: ${numpy.why}`}`);
    say(`code: ${gitState()}`);
    say(`load average before: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}; peak RSS from ${gnuTime ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS'}`);
    if (!numpy.ok) say('  To include the NumPy peer: apt-get install -y python3-numpy (Debian/Ubuntu), or pass --python /path/to/python3 with NumPy.');
    say();

    // 1. Throughput: 1 worker, all workers (and 2 if that differs), NumPy. On a shared machine one
    // process can run 20% slower than the next, so each is measured `throughputRounds` times,
    // interleaved (a slow spell hits every contender alike), and the median run is reported.
    const T = plan.throughputTrials;
    const runs = { one: [] as Measured<EngineResult>[], all: [] as Measured<EngineResult>[], two: [] as Measured<EngineResult>[], allNoBands: [] as Measured<EngineResult>[], np: [] as Measured<PeerResult>[] };
    for (let round = 1; round <= plan.throughputRounds; round++) {
      const of = `round ${round}/${plan.throughputRounds}`;
      progress(`hashpivot, ${count(T)} trials, 1 worker (${of})`);
      runs.one.push(engine(scenarioName, T, 1));
      progress(`hashpivot, ${count(T)} trials, ${allWorkers} workers (${of})`);
      runs.all.push(engine(scenarioName, T, allWorkers));
      if (allWorkers !== 2) {
        progress(`hashpivot, ${count(T)} trials, 2 workers (${of})`);
        runs.two.push(engine(scenarioName, T, 2));
      }
      // Like for like with the peer: per-trial outcomes only, no fan-chart band sketch (which the peer does not make).
      progress(`hashpivot, ${count(T)} trials, ${allWorkers} workers, no band sketch (${of})`);
      runs.allNoBands.push(engine(scenarioName, T, allWorkers, 1, false));
      if (numpy.ok) {
        progress(`NumPy peer, ${count(T)} trials (${of})`);
        runs.np.push(peer(python, scenarioJson, T));
      }
    }
    const median = <R extends { seconds: number }>(list: Measured<R>[]): Measured<R> => [...list].sort((a, b) => a.result.seconds - b.result.seconds)[Math.floor((list.length - 1) / 2)];
    const one = median(runs.one);
    const all = median(runs.all);
    const two = allWorkers === 2 ? all : median(runs.two);
    const allNoBands = median(runs.allNoBands);
    const np = numpy.ok ? median(runs.np) : null;
    const rate = (trials: number, seconds: number) => (trials * months) / seconds;
    const oneRate = rate(one.result.trials, one.result.seconds);
    const allRate = rate(all.result.trials, all.result.seconds);
    const twoRate = two ? rate(two.result.trials, two.result.seconds) : NaN;
    const npRate = np ? rate(np.result.trials, np.result.seconds) : NaN;
    const row = (label: string, r: { trials: number; seconds: number; cpuSeconds: number }, peakRssKb: number | null) => [
      label,
      count(r.trials),
      secs(r.seconds),
      secs(r.cpuSeconds),
      (r.cpuSeconds / r.seconds).toFixed(2),
      mega(rate(r.trials, r.seconds)),
      mb(peakRssKb),
    ];
    const allNoBandsRate = rate(allNoBands.result.trials, allNoBands.result.seconds);
    const throughputRows = [
      row('hashpivot, 1 worker', one.result, one.peakRssKb),
      row(`hashpivot, ${allWorkers} workers (all)`, all.result, all.peakRssKb),
      row(`hashpivot, ${allWorkers} workers, no band sketch`, allNoBands.result, allNoBands.peakRssKb),
    ];
    if (two && two !== all) throughputRows.push(row('hashpivot, 2 workers', two.result, two.peakRssKb));
    if (np) throughputRows.push(row('NumPy peer (1 process)', np.result, np.peakRssKb));
    say(`Throughput: trial-months per second = trials x ${months} / wall seconds, all ${scenario.strategies.length} strategies evaluated on each trial; median of ${plan.throughputRounds} interleaved run(s) each`);
    const spreadOf = (list: Measured<{ seconds: number }>[]) => list.map((m) => secs(m.result.seconds)).join(', ');
    say(`(all runs, wall: 1 worker ${spreadOf(runs.one)}; ${allWorkers} workers ${spreadOf(runs.all)}; no band sketch ${spreadOf(runs.allNoBands)}${runs.np.length ? `; NumPy ${spreadOf(runs.np)}` : ''})`);
    say('(hashpivot: runScenario in a fresh process, start-up excluded; NumPy: simulation loop, interpreter start-up and import excluded;');
    say(' cores used = CPU seconds / wall seconds: below the worker count means the cores were shared with other work)');
    say(table(['run', 'trials', 'wall', 'CPU', 'cores used', 'trial-months/s', 'peak RSS'], throughputRows));
    const vsNumpy = np ? allRate / npRate : NaN;
    const vsNumpyLikeForLike = np ? allNoBandsRate / npRate : NaN;
    const scaling = allRate / oneRate;
    const twoScaling = twoRate / oneRate;
    say(`ratios: all workers / NumPy = ${np ? times(vsNumpy) : 'n/a'} with the band sketch, ${np ? times(vsNumpyLikeForLike) : 'n/a'} like for like (same outputs as the peer); all workers / 1 worker = ${times(scaling)}${two !== all ? `; 2 workers / 1 worker = ${times(twoScaling)}` : ''}`);
    say();

    // 2. Flatness and peak RSS against trial count (all workers), each size in its own process.
    const scaling_: { trials: number; run: Measured<EngineResult> }[] = [];
    for (const trials of plan.scalingTrials) {
      if (trials === T) {
        scaling_.push({ trials, run: all });
        continue;
      }
      progress(`hashpivot, ${count(trials)} trials, ${allWorkers} workers`);
      scaling_.push({ trials, run: engine(scenarioName, trials, allWorkers) });
    }
    const nsPerTrialMonth = scaling_.map(({ run }) => (run.result.seconds * 1e9) / (run.result.trials * months));
    const first = nsPerTrialMonth[0];
    say(`Scaling with trial count (${allWorkers} workers; runScenario wall time incl. pool start, merging and band sketches)`);
    say(
      table(
        ['trials', 'wall', 'CPU', 'cores used', 'ns per trial-month', `vs ${count(plan.scalingTrials[0])}`, 'peak RSS'],
        scaling_.map(({ trials, run }, i) => [
          count(trials),
          secs(run.result.seconds),
          secs(run.result.cpuSeconds),
          (run.result.cpuSeconds / run.result.seconds).toFixed(2),
          nsPerTrialMonth[i].toFixed(0),
          times(nsPerTrialMonth[i] / first),
          mb(run.peakRssKb),
        ]),
      ),
    );
    const spread = Math.max(...nsPerTrialMonth) / Math.min(...nsPerTrialMonth) - 1;
    say(`spread (max/min - 1) of time per trial-month, start-up included: ${(spread * 100).toFixed(1)}%`);
    // Start-up (pool threads, module loading, V8 tiering up the kernel: ~0.1-0.3 s) is a fixed cost
    // that dominates 10^4 trials. The marginal cost of the next trials shows whether the work per
    // trial-month itself stays flat as runs grow (no superlinear merge, no memory pressure).
    const marginal = scaling_.slice(1).map(({ trials, run }, i) => {
      const previous = scaling_[i];
      return ((run.result.seconds - previous.run.result.seconds) * 1e9) / ((trials - previous.trials) * months);
    });
    const steady = [...marginal, nsPerTrialMonth[nsPerTrialMonth.length - 1]];
    const steadySpread = Math.max(...steady) / Math.min(...steady) - 1;
    say(
      `marginal ns per trial-month: ${marginal.map((ns, i) => `${count(scaling_[i].trials)} -> ${count(scaling_[i + 1].trials)}: ${ns.toFixed(0)}`).join('; ')}; ` +
        `spread of these and the ${count(scaling_[scaling_.length - 1].trials)}-trial average: ${(steadySpread * 100).toFixed(1)}%`,
    );
    say();

    // 3. The default run, as `npm start` runs it, start-up included.
    const defaultRuns: number[] = [];
    for (let i = 0; i < plan.defaultRunRepeats; i++) {
      progress(`default run ${i + 1}/${plan.defaultRunRepeats}: node dist/runners/cli.js run ${scenarioName} --quiet`);
      const out = join(tmp, `default-run-${i}`);
      defaultRuns.push(runChild(process.execPath, [cliJs, 'run', scenarioName, '--quiet', '--out', out]).wallSeconds);
    }
    const sorted = [...defaultRuns].sort((a, b) => a - b);
    const defaultRunSeconds = sorted[Math.floor((sorted.length - 1) / 2)];
    say(`Default run: node dist/runners/cli.js run ${scenarioName} --quiet --out <tmp> (10,000 trials, ${allWorkers} workers, every output file the CLI writes), spawn to exit`);
    say(`wall: ${defaultRuns.map(secs).join(', ')}; median ${secs(defaultRunSeconds)}`);
    say();

    // 4. Do the engine and the peer compute the same model? Mean NPVs within 4 SE of the difference.
    let agreement: boolean | null = null;
    if (numpy.ok) {
      const A = plan.agreementTrials;
      progress(`agreement: hashpivot ${count(A)} trials`);
      const e = engine(scenarioName, A, allWorkers, 1);
      progress(`agreement: NumPy peer ${count(A)} trials`);
      const p = peer(python, scenarioJson, A, 1);
      const rows: string[][] = [];
      agreement = true;
      for (const s of e.result.strategies) {
        const q = p.result.strategies.find((x) => x.name === s.name);
        if (!q) throw new Error(`the peer reported no strategy ${s.name}`);
        const seDiff = Math.hypot(s.npvSe, q.npvSe);
        const z = (s.npvMean - q.npvMean) / seDiff;
        const ok = Math.abs(z) < AGREEMENT_SES;
        agreement &&= ok;
        rows.push([s.name, `${usd(s.npvMean)} ± ${usd(s.npvSe)}`, `${usd(q.npvMean)} ± ${usd(q.npvSe)}`, usd(s.npvMean - q.npvMean), usd(seDiff), z.toFixed(2), ok ? 'agree' : 'DIFFER']);
      }
      say(`Agreement: mean NPV, hashpivot (sfc32 streams) vs NumPy peer (PCG64), ${count(A)} trials each, seed 1; |z| < ${AGREEMENT_SES} passes`);
      say(table(['strategy', 'hashpivot mean ± SE', 'NumPy mean ± SE', 'difference', 'SE of diff', 'z', 'verdict'], rows));
      say(`verdict: ${agreement ? 'the engine and the NumPy peer compute the same model (every strategy within 4 SE)' : 'MISMATCH: at least one strategy differs by 4 SE or more'}`);
      say();
      if (!agreement) exitCode = 1;
    }

    // 5. Targets.
    say('Targets');
    say(
      table(
        ['target', 'measured', 'verdict'],
        [
          [`all workers >= ${TARGET_VS_NUMPY}x NumPy, like for like (no band sketch)`, np ? times(vsNumpyLikeForLike) : 'n/a', verdict(np ? vsNumpyLikeForLike >= TARGET_VS_NUMPY : null)],
          [`all workers >= ${TARGET_VS_NUMPY}x NumPy, with the band sketch`, np ? times(vsNumpy) : 'n/a', verdict(np ? vsNumpy >= TARGET_VS_NUMPY : null)],
          [`2 workers >= ${TARGET_TWO_WORKERS}x 1 worker`, Number.isNaN(twoScaling) ? 'n/a' : times(twoScaling), verdict(Number.isNaN(twoScaling) ? null : twoScaling >= TARGET_TWO_WORKERS)],
          [
            `time per trial-month flat within ${TARGET_FLATNESS * 100}% (${count(plan.scalingTrials[0])} to ${count(plan.scalingTrials[plan.scalingTrials.length - 1])}), marginal`,
            `${(steadySpread * 100).toFixed(1)}%`,
            verdict(steadySpread <= TARGET_FLATNESS),
          ],
          [
            `time per trial-month flat within ${TARGET_FLATNESS * 100}%, start-up included`,
            `${(spread * 100).toFixed(1)}%`,
            verdict(spread <= TARGET_FLATNESS),
          ],
          [`default run < ${TARGET_DEFAULT_RUN_SECONDS} s`, secs(defaultRunSeconds), verdict(defaultRunSeconds < TARGET_DEFAULT_RUN_SECONDS)],
          ['NumPy peer agrees (4 SE)', agreement === null ? 'n/a' : agreement ? 'yes' : 'no', verdict(agreement)],
        ],
      ),
    );
    say(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}${plan === QUICK ? ' (quick run: sizes too small for the targets to mean much)' : ''}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return exitCode;
}

process.exitCode = main();
