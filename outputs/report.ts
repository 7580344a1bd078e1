// The report files of a results folder: report.html, charts/*.vl.json|svg|png, paths.csv and
// paths.parquet, built from summary.json's numbers and the per-trial outcomes, either straight
// after a run (added to the run's all-or-nothing write) or later from the folder itself
// (`hashpivot report DIR`), without running a trial.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { reportCharts, type Chart } from './chartSpecs.js';
import { optimalCharts } from './optimalReport.js';
import { renderCharts, type RenderedChart } from './chartsRender.js';
import { htmlToPdf, type PaperFormat } from './pdf.js';
import { buildReportData, optionalReportColumns, reportColumns, tableReportSource, type ReportSource } from './reportData.js';
import { reportHtml } from './reportHtml.js';
import { coverLine } from './reportText.js';
import { pathsCsv, writePathsParquet } from './reportPaths.js';
import { AtomicWrite, OutputFolderError, sameFolder, type OutputFile } from './resultsFolder.js';
import { readReportFolder, ResultsInputError, SUMMARY_LIMIT } from './resultsReader.js';
import { readBoundedBytes } from '../scenarios/boundedFile.js';
import { SKETCH_SOURCE_NOTE, sketchReportSource } from './sketchReport.js';
import type { Summary } from './summary.js';

/** The subfolder of a results folder that holds the charts; a write replaces the charts an earlier one made there. */
export const CHARTS_FOLDER = 'charts';

/**
 * The report's files with fixed names, checked before the work starts; the charts' names depend on
 * the run and are checked when the write commits (see AtomicWrite).
 */
export const REPORT_FILE_NAMES: readonly string[] = ['report.html', 'report.pdf', 'paths.csv', 'paths.parquet'];

/** What a write of report files into a folder declares up front (see AtomicWrite). */
/** A run's files and a study's share charts/: each refuses the other's folder (the marks below). */
export const REPORT_WRITE = { names: REPORT_FILE_NAMES, folders: [CHARTS_FOLDER], notBeside: ['study.json', 'study.duckdb'] } as const;
/** A write of a run's report files supersedes the charts an earlier one made (not compare's or calibrate's). */
export const REPORT_COMMIT = { replaces: [`${CHARTS_FOLDER}/`], replacesWritesOf: ['run', 'merge', 'report'] } as const;

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

export async function buildReportFiles(summary: Summary, trials: ReportSource, trialsSource: string, options: ReportBuildOptions = {}): Promise<ReportBuild> {
  const data = buildReportData(summary, trials);
  const charts = [...reportCharts(summary, data), ...optimalCharts(summary)];
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


/** `hashpivot report DIR [--out OUT] [--pdf]`: rebuilds the report files from a results folder. */
/**
 * A report written into another results folder would sit beside that run's summary.json and trials
 * and contradict them: refused, unless the folder holds the same summary (a copy of DIR).
 */
function refuseAnotherRun(dir: string, out: string): void {
  const theirs = join(out, 'summary.json');
  if (!existsSync(theirs) || sameFolder(out, dir)) return;
  let same = false;
  try {
    same = readBoundedBytes(theirs, SUMMARY_LIMIT).equals(readBoundedBytes(join(dir, 'summary.json'), SUMMARY_LIMIT));
  } catch {
    // unreadable either side: refused below, or by the read of DIR that follows
  }
  if (!same) {
    throw new OutputFolderError(`${out} holds the results of another run (its summary.json is not ${dir}'s): a report of ${dir} there would contradict them; pass --out a folder without results, or leave --out out to rebuild ${dir}'s own report`);
  }
}

export async function rebuildReport(dir: string, out: string = dir, pdf?: PaperFormat): Promise<ReportBuild & { source: string }> {
  // DIR named a file: said of DIR, before the output check would say it of --out (which defaults to DIR).
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new ResultsInputError(`${dir} is not a results folder but a file; pass the folder a run wrote`);
  // Lock and check the output first: reading 10^6 trials only to find the folder unwritable wastes time.
  const batch = new AtomicWrite(out, { command: 'report', ...REPORT_WRITE });
  try {
    refuseAnotherRun(dir, out);
    const { summary, trials, sketch, source } = await readReportFolder(dir, reportColumns, optionalReportColumns);
    const from = sketch ? sketchReportSource(sketch, summary.strategies.map((s) => s.name), summary.trials) : tableReportSource(trials);
    const build = await buildReportFiles(summary, from, sketch ? SKETCH_SOURCE_NOTE : source, { pdf });
    batch.write(build.files);
    batch.commit(REPORT_COMMIT);
    return { ...build, source };
  } catch (error) {
    batch.abort();
    throw error;
  }
}
