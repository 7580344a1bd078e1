// `hashpivot run`: load and validate the scenario, check the output folder before any trial runs,
// run the trials with progress, and write every output all or nothing. With --shard I/N it runs
// only that shard's trials and writes a shard folder for `hashpivot merge`; with --redis URL the
// trials run as shards on `hashpivot worker`s, merged here into the same outputs.
import { join } from 'node:path';
import { loadScenario } from '../../scenarios/load.js';
import { formatWarnings, scenarioWarnings } from '../../scenarios/scenarioWarnings.js';
import { AtomicWrite } from '../../outputs/resultsFolder.js';
import { RUN_OUTPUTS_WRITE, runReportText, writeRunOutputs } from '../../outputs/runOutputs.js';
import { shardFolderWrite, writeShardFolder } from '../../outputs/shardFolder.js';
import { startChartThread } from '../../outputs/chartThread.js';
import { createProgress, type Progress } from '../progress.js';
import { runScenario, type RunResult } from '../run.js';
import type { RedisTarget } from '../redisConnection.js';
import { runIdentity, type OutcomesMode } from '../runIdentity.js';
import { parseShardSpec, ShardSpecError, shardTrialRange, type ShardSpec } from '../shard.js';
import { inProcessExecutor, poolExecutor } from '../pool.js';
import { computeSwings, DEFAULT_SWING_TRIALS, type Swings } from '../swings.js';
import type { ModelInputs } from '../../engine/priceModel.js';
import { parseCommandLine, PDF_OPTIONS, pdfPaper, positiveNumber, UsageError, wholeNumber, workerCountArgument } from '../cliArgs.js';
import { writeErr, writeOut } from '../terminal.js';

function shardOption(text: string | undefined, trials: number, targetSe: number | undefined): ShardSpec | undefined {
  if (text === undefined) return undefined;
  try {
    const spec = parseShardSpec(text);
    shardTrialRange(trials, spec);
    if (targetSe !== undefined) throw new ShardSpecError('--target-se cannot be split into shards: the stopping point needs every trial before it. Give a fixed --trials instead');
    return spec;
  } catch (error) {
    if (error instanceof ShardSpecError) throw new UsageError(error.message);
    throw error;
  }
}

function outcomesOption(text: string | undefined, targetSe: number | undefined): OutcomesMode {
  if (text === undefined) return 'trials';
  if (text !== 'trials' && text !== 'sketch') throw new UsageError(`--outcomes must be trials (every trial's row: trials.csv, trials.parquet) or sketch (no rows: memory flat in the trial count), got "${text}"`);
  if (text === 'sketch' && targetSe !== undefined) throw new UsageError('--target-se needs the per-trial rows: leave out --outcomes sketch');
  return text;
}

/** The queue settings of `run --redis URL --store DIR [--shards N]`, or undefined for a run on this machine. */
function queuedOptions(values: { redis?: string; store?: string; shards?: string; 'process-module'?: string }, shard: ShardSpec | undefined, targetSe: number | undefined, trials: number, outcomes: OutcomesMode) {
  if (values.redis === undefined) {
    for (const flag of ['store', 'shards'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --redis URL (a run on hashpivot workers)`);
    return undefined;
  }
  if (shard) throw new UsageError('--redis splits the run into shards itself: leave out --shard (or run one shard here without --redis)');
  if (targetSe !== undefined) throw new UsageError('--target-se cannot be split into shards: give a fixed --trials with --redis');
  if (values['process-module'] !== undefined) {
    throw new UsageError('--process-module runs code of this machine: workers load no code from the queue, so a custom price process cannot run with --redis (run it here, or as --shard I/N on each machine)');
  }
  if (values.store === undefined && outcomes !== 'sketch') {
    throw new UsageError('--redis needs --store DIR: a folder every worker can reach at the same path (NFS, a mounted bucket), where finished shards are kept until merged (only --outcomes sketch, whose shards are small, can go through Redis alone)');
  }
  const shards = values.shards === undefined ? undefined : wholeNumber(values.shards, '--shards', 1, 1, Math.min(trials, 1_000_000));
  return { url: values.redis, store: values.store ?? null, shards };
}

/** BullMQ and the Redis client, loaded only for a run on workers: they take longer to import than a local run takes to start. */
const queueModules = async () => ({ ...(await import('../distributedRun.js')), ...(await import('../redisConnection.js')) });

export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: {
      trials: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      workers: { type: 'string' },
      'chunk-trials': { type: 'string' },
      'target-se': { type: 'string' },
      shard: { type: 'string' },
      outcomes: { type: 'string' },
      redis: { type: 'string' },
      store: { type: 'string' },
      shards: { type: 'string' },
      quiet: { type: 'boolean' },
      set: { type: 'string', multiple: true },
      'swing-trials': { type: 'string' },
      ...PDF_OPTIONS,
      'process-module': { type: 'string' },
      'fail-at-trial': { type: 'string' }, // test hook: inject a fault into the slice holding this trial
    },
  });
  if (positionals.length > 1) throw new UsageError(`run takes one scenario, got ${positionals.length}: ${positionals.join(' ')}`);
  const scenario = loadScenario(positionals[0] ?? 'base', { set: values.set });
  const warnings = scenarioWarnings(scenario);
  if (warnings.length > 0) writeErr(formatWarnings(positionals[0] ?? 'base', warnings));
  const trials = wholeNumber(values.trials, '--trials', 10_000, 1, 2 ** 30);
  const seed = wholeNumber(values.seed, '--seed', 1, 0);
  const workers = workerCountArgument(values.workers);
  const chunkTrials = values['chunk-trials'] === undefined ? undefined : wholeNumber(values['chunk-trials'], '--chunk-trials', 0, 1, 1_000_000);
  const targetSeUsd = positiveNumber(values['target-se'], '--target-se');
  const shard = shardOption(values.shard, trials, targetSeUsd);
  if (shard && values.pdf) throw new UsageError('--pdf makes no report in a shard: print it from the merged folder with hashpivot report DIR --pdf');
  const paper = pdfPaper(values);
  const swingTrials = wholeNumber(values['swing-trials'], '--swing-trials', DEFAULT_SWING_TRIALS, 0, 1_000_000);
  const outcomes = outcomesOption(values.outcomes, targetSeUsd);
  const failAtTrial = values['fail-at-trial'] === undefined ? undefined : wholeNumber(values['fail-at-trial'], '--fail-at-trial', 0, 0);
  const out = values.out ?? (shard ? `shard-${shard.index}-of-${shard.count}` : 'results');
  if (out.trim() === '') throw new UsageError('--out must name a folder, got an empty name');
  const queuedFlags = queuedOptions(values, shard, targetSeUsd, trials, outcomes);
  let queued: { target: RedisTarget; store: string | null; shards?: number; modules: Awaited<ReturnType<typeof queueModules>> } | undefined;
  if (queuedFlags) {
    const modules = await queueModules();
    const target = modules.parseRedisUrl(queuedFlags.url);
    await modules.checkRedis(target);
    queued = { target, store: queuedFlags.store, shards: queuedFlags.shards, modules };
  }

  const abort = new AbortController();
  let exitCode = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    exitCode = signal === 'SIGINT' ? 130 : 143;
    writeErr(`\n${signal}: stopping; no output written.\n`);
    abort.abort(new Error(signal));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  // Checks the folder and takes its lock before any trial runs (see outputs/resultsFolder.ts).
  const batch = new AtomicWrite(out, { command: 'run', ...(shard ? shardFolderWrite(outcomes) : RUN_OUTPUTS_WRITE) });
  const mode = values.quiet ? 'quiet' : process.stderr.isTTY ? 'bar' : 'lines';
  let progress = createProgress(mode);
  // Fitting an optimal strategy's policy comes first, counted in fitting paths.
  let fitProgress: Progress | null = null;
  let fitting = '';
  const endFitProgress = () => {
    if (!fitProgress) return;
    fitProgress.finish();
    fitProgress = null;
    progress = createProgress(mode); // the trials' rate counts from here, not from the fit's start
  };
  // The chart thread loads its libraries while the workers run trials, and draws the charts while
  // this thread writes the per-trial files. A shard draws no charts.
  const chartThread = shard ? null : startChartThread();
  // One pool for the run and its swings ("what drives the result").
  const executor = workers > 0 ? poolExecutor(workers) : inProcessExecutor();
  try {
    const onFitProgress = (done: number, total: number, strategy: string) => {
      if (strategy !== fitting) endFitProgress();
      fitting = strategy;
      (fitProgress ??= createProgress(mode, process.stderr, `paths fitting the policy of ${strategy}`, 'paths')).update(done, total);
    };
    const onProgress = (done: number, total: number) => {
      endFitProgress();
      progress.update(done, total);
    };
    const swingsOf = (inputs: ModelInputs) =>
      computeSwings(scenario, { seed, trials: Math.min(swingTrials, trials), executor, signal: abort.signal, processModule: values['process-module'], switchPolicies: inputs.switchPolicies });
    // On workers, the swings start once the last shards are taken, on this machine's cores that
    // would otherwise wait for them.
    let earlySwings: Promise<Swings> | undefined;
    const run: RunResult = queued
      ? await queued.modules.runOnQueue(scenario, {
          target: queued.target, store: queued.store, shards: queued.shards, outcomes, trials, seed, chunkTrials, executor, signal: abort.signal, onFitProgress, onProgress,
          onShardsTaken: swingTrials === 0 ? undefined : (inputs) => {
            earlySwings = swingsOf(inputs);
            earlySwings.catch(() => {}); // awaited below, or the run failed first
          },
          log: (line) => {
            if (!values.quiet) writeErr(`${line}\n`);
          },
        })
      : await runScenario(scenario, {
          trials, seed, executor, chunkTrials, targetSeUsd, shard, outcomes, failAtTrial, signal: abort.signal, processModule: values['process-module'], onFitProgress, onProgress,
        });
    progress.finish();
    const swings = shard || swingTrials === 0 ? undefined : await (earlySwings ?? swingsOf(run.inputs));
    if (!values.quiet) for (const note of run.inputNotes) writeErr(`${note}\n`);
    // From here on the work is writing files, much of it synchronous, where a handler could only
    // run once it is done: give the signals back their default (exit at once, 130/143). The
    // protocol of outputs/resultsFolder.ts keeps the folder whole whatever step is interrupted.
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (shard) {
      writeShardFolder(batch, run, runIdentity(scenario, run.inputs, seed, trials, shard.count, outcomes));
      if (!values.quiet) {
        const first = run.outcomes.firstTrial;
        writeOut(`${scenario.name}: shard ${shard.index}/${shard.count}, trials ${first}..${first + run.trials - 1} of ${trials.toLocaleString('en-US')}, seed ${seed}\n`);
        writeOut(`Wrote ${join(out, 'shard.json')}, ${outcomes === 'sketch' ? 'sketch.bin' : 'trials.parquet'} and bands.parquet; put the ${shard.count} shards together with hashpivot merge DIR... --out OUT\n`);
      }
      return 0;
    }
    const summary = await writeRunOutputs(run, batch, chartThread!, paper, swings);
    if (!values.quiet) writeOut(runReportText(run, summary, out, paper !== undefined));
    return 0;
  } catch (error) {
    endFitProgress();
    progress.finish();
    batch.abort();
    if (abort.signal.aborted) return exitCode;
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await chartThread?.close();
    await executor.close();
  }
}
