// `hashpivot report`: rebuild report.html (and with --pdf report.pdf), charts/ and paths.* from a
// results folder, no trials run.
import { join } from 'node:path';
import { rebuildReport } from '../../outputs/report.js';
import { parseCommandLine, PDF_OPTIONS, pdfPaper, UsageError } from '../cliArgs.js';
import { writeOut } from '../terminal.js';

export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({ args, allowPositionals: true, options: { out: { type: 'string' }, ...PDF_OPTIONS } });
  if (positionals.length !== 1) throw new UsageError('report takes one results folder');
  const out = values.out ?? positionals[0];
  const paper = pdfPaper(values);
  const build = await rebuildReport(positionals[0], out, paper);
  writeOut(`Wrote ${join(out, 'report.html')}, ${paper ? `report.pdf (${paper}), ` : ''}paths.csv, paths.parquet and ${build.rendered.length} charts from summary.json and ${build.source}\n`);
  return 0;
}
