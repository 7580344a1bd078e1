// `hashpivot compare`: results folders side by side in OUT/compare.html (and with --pdf compare.pdf).
import { join } from 'node:path';
import { compareRuns, MAX_COMPARED_RUNS } from '../../outputs/compare.js';
import { parseCommandLine, PDF_OPTIONS, pdfPaper, UsageError } from '../cliArgs.js';
import { writeOut } from '../terminal.js';

export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({ args, allowPositionals: true, options: { out: { type: 'string' }, ...PDF_OPTIONS } });
  if (positionals.length < 2 || positionals.length > MAX_COMPARED_RUNS) {
    throw new UsageError(`compare takes 2 to ${MAX_COMPARED_RUNS} results folders, the first the reference; got ${positionals.length}`);
  }
  const out = values.out ?? 'comparison';
  const paper = pdfPaper(values);
  await compareRuns(positionals, out, paper);
  writeOut(`Wrote ${join(out, 'compare.html')}${paper ? ` and compare.pdf (${paper})` : ''}\n`);
  return 0;
}
