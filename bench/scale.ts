// Beyond one machine, measured: --outcomes sketch (memory against trials, error against exact order
// statistics), run --redis against a local run (2 workers of 1 thread against 2 threads), merges
// of shard sets, and a scale model built from those measurements (per-shard start-up, per-trial
// cost, per-shard merge cost) predicting 10^8 and 10^9 trials on 10, 100 and 1,000 workers.
// `npm run bench` runs it after bench.js; alone: node dist/bench/scale.js [--quick] [--trials N]
// [--merge-shard-trials N] [--rounds N] (rounds of the --redis measurement, local and --redis in turn).
//
// Every measurement is a fresh process, one after another, timed spawn to exit unless stated.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadScenario } from '../index.js';
import { runScenario } from '../runners/run.js';
import { poolExecutor } from '../runners/pool.js';
import { runIdentity } from '../runners/runIdentity.js';
import { shardFolderWrite, writeShardFolder } from '../outputs/shardFolder.js';
import { AtomicWrite } from '../outputs/resultsFolder.js';
import { mergeShardFolders } from '../runners/merge.js';
import { OUTCOME_SUB_BITS } from '../engine/outcomeSketch.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'runners', 'cli.js');
const engineRun = join(here, 'engineRun.js');
const { values } = parseArgs({ options: { quick: { type: 'boolean' }, trials: { type: 'string' }, 'merge-shard-trials': { type: 'string' }, rounds: { type: 'string' } } });
const quick = values.quick === true;
/** Rounds of the --redis measurement, each a local run and a --redis run back to back (rows, then sketch). */
const ROUNDS = values.rounds ? Number(values.rounds) : 1;
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 100) throw new Error(`--rounds must be a whole number from 1 to 100, got ${values.rounds}`);
const SCENARIO = 'base';
/** Trials of the sketch error and memory runs and of the --redis throughput runs. */
const T = values.trials ? Number(values.trials) : quick ? 20_000 : 1_000_000;
const MERGE_SHARDS = quick ? 10 : 100;
const MERGE_SHARD_TRIALS = values['merge-shard-trials'] ? Number(values['merge-shard-trials']) : quick ? 1000 : 10_000;
const say = (text = '') => process.stdout.write(`${text}\n`);
const progress = (text: string) => process.stderr.write(`  ... ${text}\n`);
const secs = (x: number) => `${x.toFixed(2)} s`;
const count = (n: number) => n.toLocaleString('en-US');
const gnuTime = existsSync('/usr/bin/time') && (spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8' }).stderr ?? '').includes('Maximum resident set size');

function timed(args: string[], env: NodeJS.ProcessEnv = process.env): { seconds: number; stdout: string; rssKb: number | null; cpuSeconds: number | null } {
  const [file, argv] = gnuTime ? ['/usr/bin/time', ['-v', process.execPath, ...args]] : [process.execPath, args];
  const start = performance.now();
  const child = spawnSync(file, argv, { encoding: 'utf8', env, maxBuffer: 64 << 20 });
  const seconds = (performance.now() - start) / 1000;
  if (child.status !== 0) throw new Error(`${args.join(' ')} exited with ${child.status}:\n${child.stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr ?? '');
  const user = /User time \(seconds\): ([\d.]+)/.exec(child.stderr ?? '');
  const system = /System time \(seconds\): ([\d.]+)/.exec(child.stderr ?? '');
  return { seconds, stdout: child.stdout, rssKb: rss ? Number(rss[1]) : null, cpuSeconds: user && system ? Number(user[1]) + Number(system[1]) : null };
}

/** CPU seconds a live process has used so far (Linux: /proc, in USER_HZ = 100 ticks a second), or null. */
function processCpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime and stime: fields 14 and 15 of stat
  } catch {
    return null;
  }
}

interface EngineLine {
  seconds: number;
  maxRssKb: number;
  strategies: { name: string; npvPercentiles?: Record<string, number | null> }[];
}

function engine(trials: number, outcomes: 'trials' | 'sketch', percentiles = false): EngineLine & { rssKb: number } {
  const r = timed([engineRun, SCENARIO, String(trials), String(availableParallelism()), '1', 'bands', outcomes, percentiles ? 'percentiles' : '']);
  const line = JSON.parse(r.stdout.trim().split('\n').pop()!) as EngineLine;
  return { ...line, rssKb: r.rssKb ?? line.maxRssKb };
}

/** Shards of a run written straight into folders (one warm pool for all), as workers would leave them. */
async function makeShards(dir: string, shards: number, shardTrials: number, outcomes: 'trials' | 'sketch'): Promise<string[]> {
  const scenario = loadScenario(SCENARIO);
  const trials = shards * shardTrials;
  const executor = poolExecutor(availableParallelism());
  const folders: string[] = [];
  try {
    for (let index = 1; index <= shards; index++) {
      const run = await runScenario(scenario, { trials, seed: 1, shard: { index, count: shards }, outcomes, executor });
      const folder = join(dir, `shard-${index}`);
      const batch = new AtomicWrite(folder, { command: 'bench', ...shardFolderWrite(outcomes) });
      writeShardFolder(batch, run, runIdentity(scenario, run.inputs, 1, trials, shards, outcomes));
      folders.push(folder);
    }
  } finally {
    await executor.close();
  }
  return folders;
}

function redisServer(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

/** One local run and one --redis run, back to back: wall seconds, and CPU seconds of every process (null where unknown). */
interface RedisRound {
  local: number;
  queued: number;
  localCpu: number | null;
  /** The submitter's and the workers' CPU during the --redis run. */
  queuedCpu: number | null;
}

async function redisThroughput(tmp: string): Promise<{ rows: RedisRound[]; sketch: RedisRound[] } | string> {
  const binary = redisServer();
  if (!binary) return 'redis-server not installed (apt-get install -y redis-server)';
  const port = 20000 + Math.floor(Math.random() * 20000);
  const password = `bench-${process.pid}`;
  const env = { ...process.env, HASHPIVOT_REDIS_PASSWORD: password };
  const server = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp, '--requirepass', password], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const url = `redis://127.0.0.1:${port}`;
  const workers = [0, 1].map(() => spawn(process.execPath, [cli, 'worker', '--redis', url, '--concurrency', '1', '--quiet'], { stdio: 'ignore', env }));
  const workersCpu = () => {
    const each = workers.map((w) => processCpuSeconds(w.pid));
    return each.every((x) => x !== null) ? each.reduce((a, b) => a! + b!, 0) : null;
  };
  const round = (outcomes: 'trials' | 'sketch', k: number): RedisRound => {
    const mode = outcomes === 'sketch' ? ['--outcomes', 'sketch'] : [];
    const local = timed([cli, 'run', SCENARIO, '--trials', String(T), '--workers', '2', ...mode, '--quiet', '--out', join(tmp, `local-${outcomes}-${k}`)]);
    // Rows go through a store; sketches through Redis itself.
    const via = outcomes === 'sketch' ? [] : ['--store', join(tmp, 'store')];
    const before = workersCpu();
    const queued = timed([cli, 'run', SCENARIO, '--trials', String(T), ...mode, '--redis', url, ...via, '--quiet', '--out', join(tmp, `queued-${outcomes}-${k}`)], env);
    const after = workersCpu();
    rmSync(join(tmp, `local-${outcomes}-${k}`), { recursive: true, force: true });
    rmSync(join(tmp, `queued-${outcomes}-${k}`), { recursive: true, force: true });
    const queuedCpu = queued.cpuSeconds !== null && before !== null && after !== null ? queued.cpuSeconds + after - before : null;
    return { local: local.seconds, queued: queued.seconds, localCpu: local.cpuSeconds, queuedCpu };
  };
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const rows: RedisRound[] = [];
    const sketch: RedisRound[] = [];
    for (let k = 1; k <= ROUNDS; k++) {
      progress(`round ${k} of ${ROUNDS}: local and --redis runs (2 hashpivot workers of 1 thread), ${count(T)} trials, rows (store ${tmp}) then --outcomes sketch`);
      rows.push(round('trials', k));
      sketch.push(round('sketch', k));
    }
    return { rows, sketch };
  } finally {
    // The workers first, while Redis can still see them off; then the server.
    await Promise.all(workers.map((w) => new Promise((resolve) => (w.exitCode !== null || w.signalCode !== null ? resolve(null) : (w.once('exit', resolve), w.kill('SIGTERM'))))));
    server.kill('SIGTERM');
  }
}

/** The --redis rounds as one line: median walls and ratio, each round's ratio, CPU seconds. */
function redisLine(label: string, rounds: RedisRound[]): string {
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return (sorted[Math.floor((sorted.length - 1) / 2)] + sorted[Math.ceil((sorted.length - 1) / 2)]) / 2;
  };
  const ratios = rounds.map((r) => (100 * r.local) / r.queued);
  const cpu = rounds.every((r) => r.localCpu !== null && r.queuedCpu !== null)
    ? `; CPU seconds (every process) local ${median(rounds.map((r) => r.localCpu!)).toFixed(1)}, --redis ${median(rounds.map((r) => r.queuedCpu!)).toFixed(1)}`
    : '';
  const each = rounds.length > 1 ? ` (rounds: ${ratios.map((x) => `${x.toFixed(1)}%`).join(', ')})` : '';
  return `  ${label}: local ${secs(median(rounds.map((r) => r.local)))}, --redis ${secs(median(rounds.map((r) => r.queued)))}: ${median(ratios).toFixed(1)}% of the local throughput${each}${cpu}`;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'hashpivot-scale-'));
  try {
    say(`Beyond one machine (${quick ? 'quick' : 'full'}): scenario ${SCENARIO}, ${availableParallelism()} cores`);
    say();

    // 1. --outcomes sketch: memory against trials, and the error of NPV percentiles against exact ones.
    const small = T / 10;
    progress(`sketch run, ${count(small)} trials`);
    const sketchSmall = engine(small, 'sketch');
    progress(`sketch run, ${count(T)} trials`);
    const sketchLarge = engine(T, 'sketch', true);
    progress(`rows run, ${count(T)} trials (exact order statistics)`);
    const exact = engine(T, 'trials', true);
    say(`--outcomes sketch: peak RSS ${count(Math.round(sketchSmall.rssKb / 1024))} MB at ${count(small)} trials, ${count(Math.round(sketchLarge.rssKb / 1024))} MB at ${count(T)} (rows: ${count(Math.round(exact.rssKb / 1024))} MB); run time ${secs(sketchLarge.seconds)} against ${secs(exact.seconds)} with rows`);
    say(`NPV percentiles, sketch against exact order statistics at ${count(T)} trials (stated bound: (|x| + $1) x 2^-${OUTCOME_SUB_BITS} = ${(100 * 2 ** -OUTCOME_SUB_BITS).toFixed(3)}% of |x|):`);
    for (const [i, s] of exact.strategies.entries()) {
      const got = sketchLarge.strategies[i].npvPercentiles!;
      const cells = ['p1', 'p5', 'p50', 'p95'].map((k) => {
        const e = s.npvPercentiles![k]!;
        return `${k} ${((100 * Math.abs(got[k]! - e)) / Math.abs(e)).toFixed(4)}%`;
      });
      say(`  ${s.name.padEnd(14)} relative error ${cells.join(', ')}`);
    }
    say();

    // 2. --redis against a local run.
    const queued = await redisThroughput(tmp);
    if (typeof queued === 'string') say(`--redis throughput: skipped, ${queued}`);
    else {
      say(`--redis, 2 workers of 1 thread, against a local run on 2 threads, ${count(T)} trials, spawn to exit, every output written (target >= 85%; medians of ${ROUNDS} round${ROUNDS === 1 ? '' : 's'}):`);
      say(redisLine('rows (store)', queued.rows));
      say(redisLine('--outcomes sketch (through Redis)', queued.sketch));
    }
    say();

    // 3. Merges: rows and sketches, few and many shards of the same total.
    progress(`writing ${MERGE_SHARDS} row shards of ${count(MERGE_SHARD_TRIALS)} trials`);
    const rowShards = await makeShards(join(tmp, 'rows'), MERGE_SHARDS, MERGE_SHARD_TRIALS, 'trials');
    const rowMerge = timed([cli, 'merge', ...rowShards, '--quiet', '--out', join(tmp, 'rows-merged')]).seconds;
    const total = MERGE_SHARDS * MERGE_SHARD_TRIALS;
    progress('writing sketch shards');
    const fewSketch = await makeShards(join(tmp, 'sketch-few'), MERGE_SHARDS / 10, MERGE_SHARD_TRIALS * 10, 'sketch');
    const manySketch = await makeShards(join(tmp, 'sketch-many'), MERGE_SHARDS, MERGE_SHARD_TRIALS, 'sketch');
    // Reading and adding the shards, in this process (median of 3), apart from writing the outputs.
    const assemble = async (dirs: string[]) => {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        await mergeShardFolders(dirs);
        times.push((performance.now() - start) / 1000);
      }
      return times.sort((a, b) => a - b)[1];
    };
    const fewAssemble = await assemble(fewSketch);
    const manyAssemble = await assemble(manySketch);
    const rowAssemble = await assemble(rowShards);
    const perShardMerge = Math.max(0, (manyAssemble - fewAssemble) / (MERGE_SHARDS - MERGE_SHARDS / 10));
    const sketchMerge = timed([cli, 'merge', ...manySketch, '--quiet', '--out', join(tmp, 'many-merged')]).seconds;
    const mergeFixed = Math.max(0, sketchMerge - perShardMerge * MERGE_SHARDS);
    say(`merge, spawn to exit, every output: ${MERGE_SHARDS} row shards of ${count(MERGE_SHARD_TRIALS)} trials (${count(total)} trials, trials.csv and trials.parquet included) ${secs(rowMerge)}; the same as sketch shards ${secs(sketchMerge)}`);
    say(`  reading and adding the shards alone (in process): rows ${secs(rowAssemble)} (${((rowAssemble / total) * 1e6).toFixed(1)} us a trial); sketches ${secs(fewAssemble)} for ${MERGE_SHARDS / 10} shards, ${secs(manyAssemble)} for ${MERGE_SHARDS}: ${(1000 * perShardMerge).toFixed(1)} ms a sketch shard`);
    say();

    // 4. The scale model.
    const startups = [0, 1, 2].map(() => timed([cli, 'run', SCENARIO, '--trials', '1', '--shard', '1/1', '--outcomes', 'sketch', '--workers', '1', '--quiet', '--out', join(tmp, 'startup')]).seconds);
    const startup = startups.sort((a, b) => a - b)[1];
    const perTrialCore = (sketchLarge.seconds * availableParallelism()) / T;
    say(`Scale model (--outcomes sketch, one shard per worker of one core, as an Indexed Job or Slurm array runs it):`);
    say(`  per-shard start-up ${secs(startup)} (a 1-trial shard, spawn to exit); per-trial cost ${(perTrialCore * 1e6).toFixed(1)} us of one core (the ${count(T)}-trial sketch run x cores);`);
    say(`  merge ${secs(mergeFixed)} + ${(1000 * perShardMerge).toFixed(1)} ms a shard: linear in the shard count (1,000 shards: ${secs(mergeFixed + 1000 * perShardMerge)}), flat in the trials`);
    say('  | trials | workers | shard time | merge | predicted wall |');
    say('  |---:|---:|---:|---:|---:|');
    for (const trials of [1e8, 1e9]) {
      for (const workers of [10, 100, 1000]) {
        const shard = startup + (trials / workers) * perTrialCore;
        const merge = mergeFixed + workers * perShardMerge;
        const hours = (x: number) => (x >= 3600 ? `${(x / 3600).toFixed(1)} h` : x >= 60 ? `${(x / 60).toFixed(1)} min` : `${x.toFixed(1)} s`);
        say(`  | ${trials.toExponential(0)} | ${count(workers)} | ${hours(shard)} | ${hours(merge)} | ${hours(shard + merge)} |`);
      }
    }
    say('  (assumes shards of equal cost and workers as fast as this machine\'s cores; rows instead of sketches add a merge of ~' + `${((rowMerge / total) * 1e6).toFixed(0)} us a trial and ~300 bytes of memory a trial, so beyond ~10^7 trials use sketch)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
