// `hashpivot study`: run a batch of scenario variants (a study preset or file) into a queryable
// store, resuming where an interrupted run of the same study stopped. With --shard I/N it computes
// only that shard's pieces of the study (runners/studyShard.ts) for `hashpivot merge`; with
// --redis URL the points' trials run as shards on `hashpivot worker`s.
import { join } from 'node:path';
import { ScenarioError } from '../../scenarios/load.js';
import type { Study } from '../../scenarios/loadStudy.js';
import type { Scenario } from '../../scenarios/schema.js';
import { parseCommandLine, UsageError, wholeNumber, workerCountArgument } from '../cliArgs.js';
import type { LaneExecutor } from '../pool.js';
import { createProgress } from '../progress.js';
import { parseShardSpec, ShardSpecError, type ShardSpec } from '../shard.js';
import type { StudyResult, StudyRunOptions } from '../study.js';
import { writeErr, writeOut } from '../terminal.js';

/** What a finished study (run here, on workers, or merged from shards) tells the user. */
export async function studyResultText(result: StudyResult, out: string): Promise<string> {
  const [{ STUDY_HTML, STUDY_JSON }, { STORE_FILE }] = await Promise.all([import('../study.js'), import('../../outputs/studyStore.js')]);
  const { spec } = result.study;
  const reused = result.points.length - result.computed;
  return (
    `${spec.name}: ${spec.design}, ${result.points.length} points x ${spec.trials.toLocaleString('en-US')} trials, seed ${spec.seed}${reused > 0 ? ` (${reused} points from an earlier run)` : ''}\n\n` +
    `${result.analysis.sentence}\n\n` +
    `Wrote ${join(out, STUDY_HTML)}, ${STORE_FILE}, ${STUDY_JSON}${spec.trialFiles ? ', points/*.parquet' : ''} and charts/\n`
  );
}

type QueueModules = typeof import('../distributedRun.js') & typeof import('../redisConnection.js');

/** Each point's trials as a run on the queue, cut into shards that `hashpivot worker`s compute. */
function pointsOnQueue(
  modules: QueueModules,
  target: ReturnType<QueueModules['parseRedisUrl']>,
  queue: { store: string; shards?: number; workers: number; signal: AbortSignal; log: (line: string) => void },
  study: Study,
): { runPoint: NonNullable<StudyRunOptions['runPoint']>; close: () => Promise<void> } {
  // An optimal strategy's policy is fitted here, once per point, before its shards are queued.
  let executor: LaneExecutor | undefined;
  let announced = false;
  return {
    runPoint: async (scenario: Scenario, point, onProgress) => {
      if (scenario.strategies.some((s) => s.kind === 'optimal')) {
        const { poolExecutor, inProcessExecutor } = await import('../pool.js');
        executor ??= queue.workers > 0 ? poolExecutor(queue.workers) : inProcessExecutor();
      }
      const announce = !announced;
      announced = true;
      return modules.runOnQueue(scenario, {
        target, store: queue.store, shards: queue.shards, outcomes: 'trials', trials: study.spec.trials, seed: study.spec.seed, executor, signal: queue.signal, announce,
        onProgress: (done) => onProgress(done),
        log: (line) => queue.log(`point ${point.index}: ${line}`),
      });
    },
    close: async () => {
      await executor?.close();
    },
  };
}

export async function studyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      trials: { type: 'string' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      yes: { type: 'boolean' },
      'process-module': { type: 'string' },
      shard: { type: 'string' },
      redis: { type: 'string' },
      store: { type: 'string' },
      shards: { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`study takes one study (a preset name or a file), got ${positionals.length}`);
  const trials = values.trials === undefined ? undefined : wholeNumber(values.trials, '--trials', 0, 1, 1_000_000);
  const seed = values.seed === undefined ? undefined : wholeNumber(values.seed, '--seed', 0, 0);
  const workers = workerCountArgument(values.workers);
  let shard: ShardSpec | undefined;
  try {
    shard = values.shard === undefined ? undefined : parseShardSpec(values.shard);
  } catch (error) {
    throw error instanceof ShardSpecError ? new UsageError(error.message) : error;
  }
  if (values.redis === undefined) {
    for (const flag of ['store', 'shards'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --redis URL (a study on hashpivot workers)`);
  } else {
    if (shard) throw new UsageError('--redis cuts each point into shards itself: leave out --shard (or run one study shard here without --redis)');
    if (values['process-module'] !== undefined) throw new UsageError('--process-module runs code of this machine: workers load no code from the queue, so it cannot go with --redis (use --shard I/N on each machine)');
    if (values.store === undefined) throw new UsageError('study --redis needs --store DIR: a folder every worker can reach at the same path, where each point\'s finished shards are kept until merged');
  }
  const shardsPerPoint = values.shards === undefined ? undefined : wholeNumber(values.shards, '--shards', 1, 1, 1_000_000);
  const say = (text: string) => writeErr(`hashpivot study: ${text}\n`);

  const abort = new AbortController();
  let exitCode = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    exitCode = signal === 'SIGINT' ? 130 : 143;
    abort.abort(new Error(signal));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = createProgress(values.quiet ? 'quiet' : process.stderr.isTTY ? 'bar' : 'lines');
  // Loaded here, not by cli.ts: the study code would slow the start of every other command.
  const [{ loadStudy }, { runStudy }, { StudyStoreError, STORE_FILE }] = await Promise.all([
    import('../../scenarios/loadStudy.js'),
    import('../study.js'),
    import('../../outputs/studyStore.js'),
  ]);
  let out = values.out;
  let queued: ReturnType<typeof pointsOnQueue> | undefined;
  try {
    const study = loadStudy(positionals[0], { trials, seed });
    if (shard) {
      out ??= `study-shard-${shard.index}-of-${shard.count}`;
      const { runStudyShard } = await import('../studyShard.js');
      const result = await runStudyShard(study, shard, {
        dir: out, workers, yes: values.yes, signal: abort.signal, processModule: values['process-module'],
        onProgress: (done, planned) => progress.update(done, planned),
      }).catch((error: unknown) => {
        throw error instanceof ShardSpecError ? new UsageError(error.message) : error;
      });
      progress.finish();
      if (!values.quiet) {
        const points = [...new Set(result.pieces.map((p) => p.point))];
        const what = result.pieces.length === 1 && result.pieces[0].shard.count > 1
          ? `point ${points[0]}, trial range ${result.pieces[0].shard.index}/${result.pieces[0].shard.count}`
          : `points ${points[0]}..${points[points.length - 1]}`;
        writeOut(`${study.spec.name}: study shard ${shard.index}/${shard.count}, ${what} (${result.trials.toLocaleString('en-US')} trials${result.reused > 0 ? `, ${result.reused} pieces from an earlier run` : ''})\n`);
        writeOut(`Wrote ${join(out, 'study-shard.json')} and ${result.pieces.length} shard folder${result.pieces.length === 1 ? '' : 's'}; put the ${shard.count} study shards together with hashpivot merge DIR... --out OUT\n`);
      }
      return 0;
    }
    if (values.redis !== undefined) {
      const modules: QueueModules = { ...(await import('../distributedRun.js')), ...(await import('../redisConnection.js')) };
      const target = modules.parseRedisUrl(values.redis);
      await modules.checkRedis(target);
      queued = pointsOnQueue(modules, target, { store: values.store as string, shards: shardsPerPoint, workers, signal: abort.signal, log: (line) => values.quiet || writeErr(`${line}\n`) }, study);
    }
    out ??= `study-${study.spec.name.replace(/[^A-Za-z0-9._-]+/g, '-')}`;
    const result = await runStudy(study, {
      dir: out, workers, yes: values.yes, signal: abort.signal, processModule: values['process-module'], runPoint: queued?.runPoint,
      onProgress: (p) => progress.update(p.trialsDone, p.trialsPlanned, `point ${Math.min(p.pointsDone + 1, p.pointsPlanned)}/${p.pointsPlanned}`),
    });
    progress.finish();
    if (!values.quiet) writeOut(await studyResultText(result, out));
    return 0;
  } catch (error) {
    progress.finish();
    if (abort.signal.aborted) {
      say(`${abort.signal.reason instanceof Error ? abort.signal.reason.message : 'signal'}: stopped. ${shard ? `The pieces finished so far are in ${out}; the same command finishes the rest.` : `The points finished so far are in ${out}/${STORE_FILE}; the same command finishes the rest.`}`);
      return exitCode;
    }
    if (error instanceof ScenarioError) {
      say(`${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}:\n${error.message}`);
      return 1;
    }
    if (error instanceof StudyStoreError) {
      say(error.message);
      return 1;
    }
    throw error;
  } finally {
    await queued?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
