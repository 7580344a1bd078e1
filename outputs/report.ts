// The report files of a results folder: report.html, charts/*.vl.json|svg|png, paths.csv and
// paths.parquet, built from summary.json's numbers and the per-trial outcomes, either straight
// after a run (added to the run's all-or-nothing write) or later from the folder itself
// (`hashpivot report DIR`), without running a trial.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutcomeBlock } from '../engine/outcomes.js';
import { reportCharts, type Chart } from './chartSpecs.js';
import { renderCharts, type RenderedChart } from './chartsRender.js';
import { writeTrialsParquet } from './parquet.js';
import { htmlToPdf, type PaperFormat } from './pdf.js';
import { buildReportData, optionalReportColumns, reportColumns } from './reportData.js';
import { reportHtml } from './reportHtml.js';
import { coverLine } from './reportText.js';
import { pathsCsv, writePathsParquet } from './reportPaths.js';
import { readTrialColumns, type TrialTable } from './reportTrials.js';
import { ensureWritableFolder, writeFilesAtomically, type OutputFile } from './resultsFolder.js';
import type { Summary } from './summary.js';

export class ReportInputError extends Error {}

/** The subfolder of a results folder that holds the charts; hashpivot owns it (see writeFilesAtomically). */
export const CHARTS_FOLDER = 'charts';

/** Files for a set of rendered charts: NAME.vl.json, NAME.svg, NAME.png under charts/. */
export function chartFiles(rendered: readonly RenderedChart[]): OutputFile[] {
  return rendered.flatMap((r): OutputFile[] => [
    { name: `${CHARTS_FOLDER}/${r.name}.vl.json`, write: (write) => write(r.vegaLite) },
    { name: `${CHARTS_FOLDER}/${r.name}.svg`, write: (write) => write(r.svg) },
    { name: `${CHARTS_FOLDER}/${r.name}.png`, write: (write) => write(r.png) },
  ]);
}

export interface ReportBuild {
  files: OutputFile[];
  charts: Chart[];
  rendered: RenderedChart[];
  html: string;
}

/** A page printed to PDF (pdf.ts) as a file of the batch, e.g. report.pdf; `footer` goes on every page. */
export async function pdfFile(name: string, html: string, format: PaperFormat, footer: string): Promise<OutputFile> {
  const bytes = await htmlToPdf(html, { format, footer });
  return { name, write: (write) => write(bytes) };
}

export interface ReportBuildOptions {
  /** Draws the charts: in this thread by default, or on a chart thread (chartThread.ts). */
  render?: (charts: readonly Chart[]) => Promise<RenderedChart[]>;
  /** Also print report.pdf on this paper. */
  pdf?: PaperFormat;
}

export async function buildReportFiles(summary: Summary, trials: TrialTable, trialsSource: string, options: ReportBuildOptions = {}): Promise<ReportBuild> {
  const data = buildReportData(summary, trials);
  const charts = reportCharts(summary, data);
  const rendered = await (options.render ?? renderCharts)(charts);
  const html = reportHtml(summary, data, charts, { trialsSource });
  const files: OutputFile[] = [
    { name: 'report.html', write: (write) => write(html) },
    ...chartFiles(rendered),
    { name: 'paths.csv', write: (write) => write(pathsCsv(summary)) },
    { name: 'paths.parquet', write: (write) => writePathsParquet(summary, write) },
  ];
  if (options.pdf) files.push(await pdfFile('report.pdf', html, options.pdf, coverLine(summary)));
  return { files, charts, rendered, html };
}

/** trials.parquet of a run: the columns of trials.csv, typed, with the run's identity as metadata. */
export function trialsParquetFile(summary: Summary, outcomes: OutcomeBlock): OutputFile {
  const names = summary.strategies.map((s) => s.name);
  const metadata = {
    'hashpivot.version': summary.engine.version,
    'hashpivot.scenario': String(summary.scenario.name ?? ''),
    'hashpivot.seed': String(summary.seed),
    'hashpivot.trials': String(summary.trials),
  };
  return { name: 'trials.parquet', write: (write) => writeTrialsParquet(outcomes, names, write, metadata) };
}

/** Reads and sanity-checks a results folder's summary.json. */
export function readSummary(dir: string): Summary {
  const path = join(dir, 'summary.json');
  if (!existsSync(path)) throw new ReportInputError(`${dir} is not a results folder: it has no summary.json`);
  let summary: Summary;
  try {
    summary = JSON.parse(readFileSync(path, 'utf8')) as Summary;
  } catch (error) {
    throw new ReportInputError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const ok =
    summary?.engine?.name === 'hashpivot' &&
    Array.isArray(summary.strategies) &&
    summary.strategies.length > 0 &&
    Array.isArray(summary.pairs) &&
    typeof summary.scenario === 'object' &&
    Array.isArray(summary.bands?.months);
  if (!ok) throw new ReportInputError(`${path} is not a hashpivot summary (no engine, strategies, pairs or bands)`);
  return summary;
}

/** Loads what a report needs from a results folder: summary.json and the needed trial columns. */
export async function readResults(dir: string): Promise<{ summary: Summary; trials: TrialTable; source: string }> {
  const summary = readSummary(dir);
  try {
    const { table, file } = await readTrialColumns(dir, reportColumns(summary), optionalReportColumns(summary));
    return { summary, trials: table, source: file };
  } catch (error) {
    throw new ReportInputError(`cannot read the trials of ${dir}: ${(error as Error).message}`);
  }
}

/** `hashpivot report DIR [--out OUT] [--pdf]`: rebuilds the report files from a results folder. */
export async function rebuildReport(dir: string, out: string = dir, pdf?: PaperFormat): Promise<ReportBuild & { source: string }> {
  const { summary, trials, source } = await readResults(dir);
  ensureWritableFolder(out);
  const build = await buildReportFiles(summary, trials, source, { pdf });
  writeFilesAtomically(out, build.files, [CHARTS_FOLDER]);
  return { ...build, source };
}
