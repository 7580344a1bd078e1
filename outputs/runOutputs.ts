// The files and the console text of a whole run: summary.json, trials.csv, trials.parquet and the
// report, written all or nothing. `hashpivot run` and `hashpivot merge` both come here with a
// RunResult (a merge rebuilds one from its shards), so the two give the same bytes and anything
// added to the outputs reaches both.
import { join } from 'node:path';
import type { RunResult } from '../runners/run.js';
import type { Swings } from '../runners/swings.js';
import type { ChartThread } from './chartThread.js';
import type { PaperFormat } from './pdf.js';
import { buildReportFiles, REPORT_COMMIT, REPORT_WRITE } from './report.js';
import { tableReportSource } from './reportData.js';
import { SKETCH_FILE, SKETCH_SOURCE_NOTE, sketchReportSource } from './sketchReport.js';
import { encodeSketchState } from '../engine/outcomeSketch.js';
import { trialsMetadata, trialTableFromOutcomes } from './reportTrials.js';
import { AtomicWrite } from './resultsFolder.js';
import { finiteJson } from './finiteJson.js';
import { buildSummary, type Summary } from './summary.js';
import { formatShare, terminalValueList, terminalValueMeaning } from './reportText.js';
import { strategyTable } from './table.js';
import { writeTrialsFileOnThread, type TrialsFileJob, type TrialsFileThread } from './trialsFileThread.js';
import { optimalConsoleLines } from './optimalReport.js';
import { switchPolicyFiles } from './switchPolicyFile.js';

/** The per-trial outcomes of a run: its rows, or with --outcomes sketch its outcome sketch instead. */
const OUTCOME_FILES = ['trials.csv', 'trials.parquet', SKETCH_FILE];
/** What a write of a run's outputs declares when it opens the folder, before the trials (see AtomicWrite). */
export const RUN_OUTPUTS_WRITE = { names: ['summary.json', ...OUTCOME_FILES, ...REPORT_WRITE.names], folders: REPORT_WRITE.folders, notBeside: REPORT_WRITE.notBeside };

/**
 * Writes every output of `run` through `batch` (opened with RUN_OUTPUTS_WRITE before the trials)
 * and commits it; nothing under a final name unless all of it is written. On failure the caller
 * aborts the batch. `swings` ("what drives the result", computed by the caller on its pool) go into
 * summary.json and the report.
 */
export async function writeRunOutputs(run: RunResult, batch: AtomicWrite, chartThread: ChartThread, pdf?: PaperFormat, swings?: Swings): Promise<Summary> {
  const names = run.scenario.strategies.map((s) => s.name);
  // trials.csv and trials.parquet, the slowest files, are written on threads of their own while
  // this one makes the rest. A run with --outcomes sketch has no rows to write.
  const threads: TrialsFileThread[] = [];
  const onThread = (name: string, format: TrialsFileJob['format']) => threads.push(writeTrialsFileOnThread({ block: run.outcomes, strategyNames: names, path: batch.reserve(name), format }));
  let summary: Summary;
  try {
    if (!run.sketch) onThread('trials.csv', { kind: 'csv' });
    summary = buildSummary(run, swings);
    if (!run.sketch) onThread('trials.parquet', { kind: 'parquet', metadata: trialsMetadata(summary) });
    const [source, note] = run.sketch
      ? [sketchReportSource(run.sketch, names, run.trials), SKETCH_SOURCE_NOTE]
      : [tableReportSource(trialTableFromOutcomes(run.outcomes, names)), 'the run (the same numbers as trials.parquet and trials.csv)'];
    const report = buildReportFiles(summary, source, note, {
      render: (charts) => chartThread.render(charts),
      pdf,
    });
    report.catch(() => {}); // awaited below; a failure must not surface as unhandled meanwhile
    batch.write([
      { name: 'summary.json', write: (write) => write(finiteJson(summary, 'summary.json')) },
      ...switchPolicyFiles(run),
    ]);
    batch.write((await report).files);
    // Last: encoding takes the counts out of the sketch the report was read from.
    if (run.sketch) batch.write([{ name: SKETCH_FILE, write: (write) => write(encodeSketchState(run.sketch!.take())) }]);
    for (const thread of threads) await thread.done;
  } catch (error) {
    for (const thread of threads) await thread.stop();
    throw error;
  }
  // Rows supersede a sketch an earlier run left in the folder, and a sketch rows (as its manifest lists them).
  batch.commit({ replaces: [...REPORT_COMMIT.replaces, ...OUTCOME_FILES], replacesWritesOf: REPORT_COMMIT.replacesWritesOf });
  return summary;
}

function summaryRows(summary: Summary) {
  return summary.strategies.map((s) => ({
    name: s.name,
    npv: s.metrics.npvUsd,
    irr: s.metrics.irr,
    payback: s.metrics.paybackMonth,
    btcMined: s.metrics.btcMined,
    revenuePerKwh: s.metrics.revenueUsdPerKwh,
    pNegative: s.pNpvNegative.p,
    pRuin: s.pRuin.p,
    funding: s.funding,
  }));
}

/** How much of each mean NPV lies after the horizon; nothing for a summary.json that does not say. */
function terminalValueLines(summary: Summary): string[] {
  const list = terminalValueList(summary, summary.strategies.map((s) => s.name));
  return list === null ? [] : [`Terminal value, ${terminalValueMeaning(summary)}, in the mean NPV: ${list}.`, ''];
}

function halvingSentence(summary: Summary): string {
  const { datePercentiles: dates, pWithinHorizon } = summary.halving;
  const within = pWithinHorizon.p ?? 0;
  if (within < 1) return `Next halving: within the ${summary.scenario.horizonMonths}-month horizon in ${formatShare(within)} of trials.`;
  return `Next halving: median ${dates.p50} (90% between ${dates.p5} and ${dates.p95}).`;
}

/** What `run` and `merge` print on stdout once the files are written. */
export function runReportText(run: RunResult, summary: Summary, out: string, pdf = false): string {
  const { scenario } = run;
  const lines = [
    `${scenario.name}: ${run.trials.toLocaleString('en-US')} trials, seed ${run.seed}, ${scenario.horizonMonths} months from ${scenario.asOf.date}`,
    '',
    strategyTable(summaryRows(summary)),
    '',
    ...terminalValueLines(summary),
    halvingSentence(summary),
    ...optimalConsoleLines(summary, out),
  ];
  if (run.targetSeUsd !== null) {
    lines.push(`Target SE $${run.targetSeUsd.toLocaleString('en-US')}: reached ${run.maxNpvStandardErrorUsd !== null && run.maxNpvStandardErrorUsd <= run.targetSeUsd ? 'yes' : 'no (trial cap)'} after ${run.trials} trials`);
  }
  const policies = (summary.optimal ?? []).map((o) => `, ${o.policyFile}`).join('');
  lines.push('', `Wrote ${join(out, 'summary.json')}, ${run.sketch ? 'sketch.bin, ' : 'trials.csv, trials.parquet, '}paths.csv, paths.parquet${policies}, report.html${pdf ? ', report.pdf' : ''} and charts/`);
  return `${lines.join('\n')}\n`;
}
