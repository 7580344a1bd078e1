// `hashpivot study`: run a batch of scenario variants (a study preset or file) into a queryable
// store, resuming where an interrupted run of the same study stopped.
import { parseArgs } from 'node:util';
import { ScenarioError } from '../../scenarios/load.js';
import { UsageError, wholeNumber, workerCountArgument } from '../cliArgs.js';
import { createProgress } from '../progress.js';
import { writeErr, writeOut } from '../terminal.js';

export async function studyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      trials: { type: 'string' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      yes: { type: 'boolean' },
      'process-module': { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`study takes one study (a preset name or a file), got ${positionals.length}`);
  const trials = values.trials === undefined ? undefined : wholeNumber(values.trials, '--trials', 0, 1, 1_000_000);
  const seed = values.seed === undefined ? undefined : wholeNumber(values.seed, '--seed', 0, 0);
  const workers = workerCountArgument(values.workers);
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
  const [{ loadStudy }, { runStudy, STUDY_HTML, STUDY_JSON }, { StudyStoreError, STORE_FILE }] = await Promise.all([
    import('../../scenarios/loadStudy.js'),
    import('../study.js'),
    import('../../outputs/studyStore.js'),
  ]);
  let out = values.out;
  try {
    const study = loadStudy(positionals[0], { trials, seed });
    out ??= `study-${study.spec.name.replace(/[^A-Za-z0-9._-]+/g, '-')}`;
    const result = await runStudy(study, {
      dir: out, workers, yes: values.yes, signal: abort.signal, processModule: values['process-module'],
      onProgress: (p) => progress.update(p.trialsDone, p.trialsPlanned, `point ${Math.min(p.pointsDone + 1, p.pointsPlanned)}/${p.pointsPlanned}`),
    });
    progress.finish();
    if (!values.quiet) {
      const reused = result.points.length - result.computed;
      writeOut(`${study.spec.name}: ${study.spec.design}, ${result.points.length} points x ${study.spec.trials.toLocaleString('en-US')} trials, seed ${study.spec.seed}${reused > 0 ? ` (${reused} points from an earlier run)` : ''}\n\n`);
      writeOut(`${result.analysis.sentence}\n\n`);
      writeOut(`Wrote ${out}/${STUDY_HTML}, ${STORE_FILE}, ${STUDY_JSON}${study.spec.trialFiles ? ' and points/*.parquet' : ''}\n`);
    }
    return 0;
  } catch (error) {
    progress.finish();
    if (abort.signal.aborted) {
      say(`${abort.signal.reason instanceof Error ? abort.signal.reason.message : 'signal'}: stopped. The points finished so far are in ${out}/${STORE_FILE}; the same command finishes the rest.`);
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
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
