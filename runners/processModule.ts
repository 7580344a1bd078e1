// Loading a price process of one's own (engine/priceProcess.ts) from the module a user names on the
// command line (--process-module FILE) or in the API call (RunOptions.processModule): a scenario
// alone never loads code. The module is checked when it is loaded, before any trial: its exports,
// that its name is the one the scenario asks for, its parameters, and, on probe trials, that it
// writes finite prices from the as-of price and gives the same bytes for the same draws whichever
// trial ran before (the condition for the same results on any number of workers). Each worker
// thread imports the module once (loadProcessModules) and compiles with it (loadedProcesses).
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ModelProcesses, PriceProcess } from '../engine/priceProcess.js';
import type { ModelInputs } from '../engine/priceModel.js';
import { CustomPriceRunner } from '../engine/priceProcess.js';
import { RandomStream } from '../engine/random.js';
import { packageRoot } from '../scenarios/packageRoot.js';
import type { Scenario } from '../scenarios/schema.js';

export class ProcessModuleError extends Error {
  override name = 'ProcessModuleError';
}

const loaded = new Map<string, PriceProcess>();

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isPriceProcess(value: unknown): value is PriceProcess {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.name === 'string' && typeof p.parameters === 'function' && typeof p.create === 'function';
}

/** Imports the module at `path` (absolute) and returns its price process, checked for shape. */
async function importProcess(path: string, flag: string): Promise<PriceProcess> {
  const cached = loaded.get(path);
  if (cached !== undefined) return cached;
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ERR_MODULE_NOT_FOUND' ? 'no such module' : `cannot be loaded: ${describeError(error)}`;
    throw new ProcessModuleError(`${flag} ${path}: ${reason}; pass an ES module (.mjs, or .js in a "type": "module" package) that exports priceProcess`);
  }
  const process = module.priceProcess ?? module.default;
  if (!isPriceProcess(process)) {
    throw new ProcessModuleError(
      `${flag} ${path}: exports no price process; export const priceProcess = { name, parameters(raw), create(parameters, context) } (README.md, "A process of one's own")`,
    );
  }
  loaded.set(path, process);
  return process;
}

/** The custom block of a scenario whose price model is custom, or undefined. */
function customBlock(scenario: Scenario): { process: string; parameters: Record<string, unknown> } | undefined {
  const price = scenario.market.price;
  return price.model === 'custom' ? price.custom : undefined;
}

/** Months and price the probe trials use: a year from the scenario's own as-of price. */
const PROBE_MONTHS = 12;
const PROBE_SEED = 20_240_420;

/**
 * Runs probe trials through the step: finite prices, month 0 at the as-of price, and the same bytes
 * for the same draws when another trial ran in between (no state kept between trials, no draws
 * from anything but what it is given).
 */
function probe(process: PriceProcess, parameters: unknown, logPrice0: number, where: string): void {
  const months = PROBE_MONTHS;
  const step = process.create(parameters, { months, logPrice0, dtYears: 1 / 12 });
  if (typeof step?.simulate !== 'function') throw new ProcessModuleError(`${where}: create() returned no step with a simulate(draws, logPriceOut) method`);
  const runner = new CustomPriceRunner(step, months);
  const stream = new RandomStream();
  const normals = new Float64Array(months);
  const uniforms = new Float64Array(months);
  const trial = (index: number): Float64Array => {
    stream.reseed(PROBE_SEED, index, 'market');
    stream.fillNormals(normals, months);
    stream.fillUniforms(uniforms, months);
    const out = new Float64Array(months).fill(NaN);
    runner.run(normals, 1, 0, uniforms, 1, 0, 1, stream, out);
    return out;
  };
  const first = trial(0);
  trial(1);
  const again = trial(0);
  for (let m = 0; m < months; m++) {
    if (!Number.isFinite(first[m])) throw new ProcessModuleError(`${where}: a probe trial wrote ${first[m]} as ln price of month ${m}; every month must get a finite ln price`);
  }
  if (first[0] !== logPrice0) throw new ProcessModuleError(`${where}: month 0 must be ln of the as-of price (${logPrice0}), the step wrote ${first[0]}`);
  for (let m = 0; m < months; m++) {
    if (!Object.is(first[m], again[m])) {
      throw new ProcessModuleError(
        `${where}: the same draws gave another path after another trial ran (month ${m}: ${first[m]} then ${again[m]}); a step must draw only from what it is given and keep nothing between trials, or results would depend on the number of workers`,
      );
    }
  }
}

/**
 * How long a module has to load and pass its checks (its import, parameters() and the probe trials,
 * a few microseconds' work for a price step). A module is a researcher's own code: one that loops
 * for ever there would otherwise hang `validate` and `run` before any progress is shown.
 */
export const PROCESS_MODULE_CHECK_LIMIT_MS = 30_000;

/**
 * Imports the module at `absolute` and checks it against the scenario: the name it provides, the
 * parameters, the probe trials. Run in a thread of its own (processModuleWorker.ts), under a time limit.
 * @throws ProcessModuleError naming what is wrong and the fix.
 */
export async function checkProcessModule(scenario: Scenario, absolute: string, path: string, flag: string): Promise<void> {
  const custom = customBlock(scenario);
  if (custom === undefined) return;
  const process = await importProcess(absolute, flag);
  const where = `${flag} ${path}`;
  if (process.name !== custom.process) {
    throw new ProcessModuleError(`${where}: provides the price process "${process.name}", but market.price.custom.process is "${custom.process}"; name the module written for this scenario`);
  }
  let parameters: unknown;
  try {
    parameters = process.parameters(custom.parameters);
  } catch (error) {
    throw new ProcessModuleError(`market.price.custom.parameters: ${describeError(error)} (checked by ${process.name} from ${path})`);
  }
  try {
    probe(process, parameters, Math.log(scenario.asOf.priceUsd), where);
  } catch (error) {
    if (error instanceof ProcessModuleError) throw error;
    throw new ProcessModuleError(`${where}: a probe trial failed: ${describeError(error)}`);
  }
}

/**
 * checkProcessModule in a worker thread that is ended after `limitMs`: a module whose import,
 * parameters() or step never returns is refused, naming the module and the limit, where the main
 * thread would have hung (its own code cannot be interrupted).
 */
function checkInThread(scenario: Scenario, absolute: string, path: string, flag: string, limitMs: number): Promise<void> {
  const worker = new Worker(join(packageRoot(), 'dist', 'runners', 'processModuleWorker.js'), { workerData: { scenario, absolute, path, flag } });
  let timer: NodeJS.Timeout | undefined;
  return new Promise<void>((resolvePromise, reject) => {
    // The first of these settles the promise; the others then change nothing.
    const fail = (message: string) => reject(new ProcessModuleError(message));
    timer = setTimeout(
      () => fail(`${flag} ${path}: did not finish loading and passing its checks (its import, parameters() and ${PROBE_MONTHS}-month probe trials) within ${limitMs / 1000} s, and was stopped; look for a loop that never ends in the module`),
      limitMs,
    );
    worker.once('message', (message: { error?: string }) => (message.error === undefined ? resolvePromise() : fail(message.error)));
    worker.once('error', (error) => fail(`${flag} ${path}: failed while being checked: ${describeError(error)}`));
    worker.once('exit', (code) => fail(`${flag} ${path}: ended its thread (exit code ${code}) before its checks finished; a module must not call process.exit`));
  }).finally(() => {
    clearTimeout(timer);
    void worker.terminate();
  });
}

/** Modules checked against a custom block and as-of price, so that swings and studies check each once. */
const checked = new Set<string>();

/**
 * Loads and checks the module for a scenario whose price model is custom. `path` as the user wrote
 * it (relative to the working directory); `flag` names it in messages ("--process-module").
 * The checks run in a thread of their own under `limitMs`; the module is then imported here too.
 * Returns the inputs entry the workers load it from (an absolute path).
 * @throws ProcessModuleError for a missing or unusable module, a scenario that needs none, bad
 * parameters, or checks that do not finish within the limit.
 */
export async function prepareProcessModule(scenario: Scenario, path: string | undefined, flag = '--process-module', limitMs = PROCESS_MODULE_CHECK_LIMIT_MS): Promise<{ priceProcessModule?: string }> {
  const custom = customBlock(scenario);
  if (custom === undefined) {
    if (path !== undefined) throw new ProcessModuleError(`${flag} ${path}: the scenario's price model is ${scenario.market.price.model}; a process module replaces the price only with market.price.model: custom`);
    return {};
  }
  if (path === undefined) {
    throw new ProcessModuleError(
      `market.price.model is custom (process "${custom.process}"), but no module is named: pass ${flag} FILE (a scenario never loads code; the module is named on the command line or in the API call)`,
    );
  }
  const absolute = isAbsolute(path) ? path : resolve(path);
  const key = JSON.stringify([absolute, custom, scenario.asOf.priceUsd]);
  if (!checked.has(key)) {
    await checkInThread(scenario, absolute, path, flag, limitMs);
    checked.add(key);
  }
  // The module passed there; an in-process run (workers: 0) compiles with it from this thread.
  await importProcess(absolute, flag);
  return { priceProcessModule: absolute };
}

/** Imports the modules a lane task names (once per thread); loadedProcesses then finds them. */
export async function loadProcessModules(inputs: ModelInputs): Promise<void> {
  if (inputs.priceProcessModule !== undefined) await importProcess(inputs.priceProcessModule, 'process module');
}

/** The processes of already loaded modules, for compileModel (synchronous, after loadProcessModules). */
export function loadedProcesses(inputs: ModelInputs): ModelProcesses {
  if (inputs.priceProcessModule === undefined) return {};
  const price = loaded.get(inputs.priceProcessModule);
  if (price === undefined) throw new Error(`the process module ${inputs.priceProcessModule} was not loaded in this thread (call loadProcessModules first)`);
  return { price };
}
