// The data files a scenario names (a `kind: policy` strategy's `file`, `market.price.bootstrap.file`)
// are relative to the scenario file that writes them, as an `extends:` is: a scenario and the files
// beside it run from any working folder. The loader rewrites such a path, as it reads that file, to
// the path from the working folder (where the runner then reads it, and which summary.json
// records); an absolute path is kept. A scenario from stdin or a `--set` writes paths relative to
// the working folder already. Only the data a file writes itself is rewritten, so a path inherited
// through `extends:` stays relative to the file that wrote it.
import { isAbsolute, relative, resolve } from 'node:path';
import { isRecord } from './fields.js';

/** `data` (a scenario file's or fragment's own fields) with its data files' paths taken from `dir` to the working folder. */
export function withDataFilesFrom(data: Record<string, unknown>, dir: string): Record<string, unknown> {
  const cwd = process.cwd();
  if (resolve(dir) === cwd) return data;
  const fromDir = (file: unknown) => (typeof file === 'string' && file !== '' && !isAbsolute(file) ? relative(cwd, resolve(dir, file)) : file);
  let result = data;
  if (Array.isArray(data.strategies)) {
    result = { ...result, strategies: data.strategies.map((spec: unknown) => (isRecord(spec) && spec.kind === 'policy' && Object.hasOwn(spec, 'file') ? { ...spec, file: fromDir(spec.file) } : spec)) };
  }
  const market = data.market;
  const price = isRecord(market) ? market.price : undefined;
  const bootstrap = isRecord(price) ? price.bootstrap : undefined;
  if (isRecord(market) && isRecord(price) && isRecord(bootstrap) && Object.hasOwn(bootstrap, 'file')) {
    result = { ...result, market: { ...market, price: { ...price, bootstrap: { ...bootstrap, file: fromDir(bootstrap.file) } } } };
  }
  return result;
}
