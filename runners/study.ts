// A study: every point of its design run on one worker pool (started once, kept up across points),
// each point's trial outcomes written to points/point-NNNNNN.parquet and its summary committed to
// the store, then the analysis (tornado, Sobol' indices, break-evens) into the store, study.json and
// study.html. Every point runs the same seed and trial indices (common random numbers), so
// differences between points are paired. Started again with the same study, it runs only the
// points the store does not hold; a store of another study is refused before anything is written.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setMaxListeners } from 'node:events';
import { overrideScenario, ScenarioError, type ScenarioProblem } from '../scenarios/load.js';
import type { Study } from '../scenarios/loadStudy.js';
import type { Scenario } from '../scenarios/schema.js';
import { breakEvenStep, type BreakEvenProbe } from '../outputs/breakEven.js';
import { trialsParquetColumns, writeParquet } from '../outputs/parquet.js';
import { summarizePoint } from '../outputs/pointSummary.js';
import { finiteJson } from '../outputs/finiteJson.js';
import { AtomicWrite, FolderBusyError, takeTaskLock, writeFilesAtomically } from '../outputs/resultsFolder.js';
import {
  analyseGrid,
  analyseOneAtATime,
  analyseSobol,
  meanDifference,
  probabilityBeats,
  studyMetrics,
  studySentence,
  type BreakEvenFinding,
  type Estimate,
  type GridCell,
  type OneAtATimeAnalysis,
  type SobolMetricIndices,
} from '../outputs/studyAnalysis.js';
import { STORE_FILE, StudyStore, type StoreIdentity, type StoredPoint } from '../outputs/studyStore.js';
import { preloadChartLibraries, renderCharts } from '../outputs/chartsRender.js';
import { CHARTS_FOLDER, chartFiles } from '../outputs/report.js';
import { studyReportHtml } from '../outputs/studyReport.js';
import { analysisTables } from '../outputs/studyTables.js';
import { ENGINE_VERSION } from '../outputs/summary.js';
import type { ModelInputs } from '../engine/priceModel.js';
import { modelInputsFor } from './modelInputs.js';
import { defaultWorkerCount, inProcessExecutor, poolExecutor, type LaneExecutor } from './pool.js';
import { RunFailure, runScenario, type RunResult } from './run.js';
import { scenarioHash } from './runIdentity.js';
import { breakEvenPoint, breakEvenTolerance, planStudy, type StudyPlan, type StudyPoint } from './studyPlan.js';

export const STUDY_JSON = 'study.json';
export const STUDY_HTML = 'study.html';
/** The study's own lock in DIR/.hashpivot/, held from its first check of the folder to its report. */
const STUDY_LOCK = 'study.lock';

/** Points a study may run without --yes. */
export const DEFAULT_POINT_LIMIT = 1000;
/** Points whose scenario errors are listed when several are invalid. */
const LISTED_POINT_ERRORS = 5;

export interface StudyProgress {
  /** Points done, those found in the store included. */
  pointsDone: number;
  pointsPlanned: number;
  trialsDone: number;
  trialsPlanned: number;
}

export interface StudyRunOptions {
  dir: string;
  /** Worker threads (0: this thread); default one per core. Ignored with `executor`. */
  workers?: number;
  /** Lanes to run on (kept open); default a pool started here and closed at the end. */
  executor?: LaneExecutor;
  /** The price process module of a scenario with market.price.model custom (--process-module). */
  processModule?: string;
  /** Run a design with more points than `pointLimit`. */
  yes?: boolean;
  pointLimit?: number;
  signal?: AbortSignal;
  onProgress?: (progress: StudyProgress) => void;
  /**
   * Where a point's trials come from, instead of the worker pool: BullMQ workers (study --redis),
   * or the shards of a sharded study (merge). Whatever the source, the trials are those of the
   * point's scenario, the study's seed and trial count, so the study's files come out the same.
   */
  runPoint?: (scenario: Scenario, point: StudyPoint, onProgress: (trialsDone: number) => void) => Promise<RunResult>;
}

export interface StudyAnalysisResult {
  decision: { a: string; b: string };
  sentence: string;
  oneAtATime?: OneAtATimeAnalysis;
  grid?: { inputs: string[]; cells: GridCell[] };
  sobol?: SobolMetricIndices[];
  breakEven?: BreakEvenFinding[];
}

export interface StudyResult {
  study: Study;
  plan: StudyPlan;
  identity: StoreIdentity;
  /** Every point of the study, in order. */
  points: StoredPoint[];
  /** Points computed by this call (the rest came from the store). */
  computed: number;
  analysis: StudyAnalysisResult;
}

/** The trial file of a point, under DIR. */
const POINTS_FOLDER = 'points';
/**
 * A point file is one row group of a few thousand trials: column statistics would let no reader
 * skip anything, and they cost 4 of a point file's 13 ms of main-thread CPU (base, 10,000 trials).
 * Snappy stays: it halves the file (2.8 MB instead of 5.0) for 5 ms.
 */
const POINT_FILE_ENCODING = { statistics: false };

/**
 * A point's write, retried while another process holds the folder's lock for a moment: a second
 * `hashpivot study` checking the folder before DuckDB refuses it must not make this study fail.
 */
async function writeWhenFree(write: () => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return write();
    } catch (error) {
      if (!(error instanceof FolderBusyError) || attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export function pointFileName(point: number): string {
  return `${POINTS_FOLDER}/point-${String(point).padStart(6, '0')}.parquet`;
}

/** Everything a point's numbers depend on, hashed: the study as resolved, its scenario and inputs, the engine. */
export async function studyIdentity(study: Study): Promise<StoreIdentity> {
  let inputs: ModelInputs;
  try {
    inputs = await modelInputsFor(study.scenario);
  } catch (error) {
    throw new RunFailure(error instanceof Error ? error.message : String(error));
  }
  const definition = {
    engineVersion: ENGINE_VERSION,
    scenarioHash: scenarioHash(study.scenario, inputs),
    ...study.spec,
  };
  const text = JSON.stringify(definition);
  return {
    fingerprint: `sha256:${createHash('sha256').update(text).digest('hex')}`,
    name: study.spec.name,
    design: study.spec.design,
    engineVersion: ENGINE_VERSION,
    definition: text,
    inputs: study.inputs.map((input) => input.path),
    decision: study.compare,
  };
}

/** The scenario of a point; its errors name the study, the point and the field. */
export function pointScenario(study: Study, point: StudyPoint): Scenario {
  return overrideScenario(study.scenario, study.spec.scenario, point.sets, `study ${study.spec.name}, point ${point.index} (${point.label})`);
}

/** Every point's scenario, built (and so validated) before anything is written. */
function validatePoints(study: Study, points: readonly StudyPoint[]): Map<number, Scenario> {
  const scenarios = new Map<number, Scenario>();
  const failures: ScenarioError[] = [];
  for (const point of points) {
    try {
      scenarios.set(point.index, pointScenario(study, point));
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    const problems: ScenarioProblem[] = failures.slice(0, LISTED_POINT_ERRORS).flatMap((e) => e.problems.map((p) => ({ ...p, path: `${e.origin}: ${p.path}` })));
    const more = failures.length > LISTED_POINT_ERRORS ? ` (the first ${LISTED_POINT_ERRORS} of ${failures.length} invalid points)` : '';
    throw new ScenarioError(`${study.origin}${more}`, problems);
  }
  return scenarios;
}

/** The ends of every break-even search, validated like the points of a fixed design. */
function breakEvenEnds(study: Study): StudyPoint[] {
  return study.inputs.flatMap((input, i) => [breakEvenPoint(study, -1, i, input.low as number), breakEvenPoint(study, -1, i, input.high as number)]);
}

function sameValues(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The study's plan, within the point limit, and every point's scenario, each validated before anything runs. */
export function checkedPlan(study: Study, options: { yes?: boolean; pointLimit?: number }): { plan: StudyPlan; scenarios: Map<number, Scenario> } {
  const plan = planStudy(study);
  const limit = options.pointLimit ?? DEFAULT_POINT_LIMIT;
  if (plan.maxPoints > limit && !options.yes) {
    const fix = study.spec.design === 'sobol' ? 'lower sobol.rows' : study.spec.design === 'breakEven' ? 'lower breakEven.maxPointsPerInput' : 'list fewer values';
    throw new RunFailure(`study ${study.spec.name}: the ${study.spec.design} design needs ${plan.maxPoints.toLocaleString('en-US')} points, more than the limit of ${limit.toLocaleString('en-US')}. Pass --yes to run them all, or ${fix}.`);
  }
  const scenarios = validatePoints(study, plan.points);
  if (study.spec.design === 'breakEven') validatePoints(study, breakEvenEnds(study));
  return { plan, scenarios };
}

export async function runStudy(study: Study, options: StudyRunOptions): Promise<StudyResult> {
  const { plan, scenarios } = checkedPlan(study, options);
  const identity = await studyIdentity(study);
  // The folder is checked (writable, no link or folder where a file goes) before any point runs;
  // each write below then takes its lock for its own commit (outputs/resultsFolder.ts).
  new AtomicWrite(options.dir, { command: 'study', names: [STUDY_JSON, STUDY_HTML], folders: [CHARTS_FOLDER, POINTS_FOLDER], notBeside: ['summary.json'] }).abort();
  mkdirSync(options.dir, { recursive: true });
  // One study in a folder at a time, from before its store exists to its report: a second one is
  // refused at once, naming the first, even in the moment when DuckDB has created study.duckdb
  // but not yet locked it.
  const unlock = takeTaskLock(options.dir, STUDY_LOCK, 'study');
  try {
    return await runStudyInFolder(study, options, plan, scenarios, identity);
  } finally {
    unlock();
  }
}

async function runStudyInFolder(study: Study, options: StudyRunOptions, plan: StudyPlan, scenarios: Map<number, Scenario>, identity: StoreIdentity): Promise<StudyResult> {
  const workers = options.workers ?? defaultWorkerCount();
  if (options.signal) setMaxListeners(0, options.signal);
  let executor: LaneExecutor | undefined = options.executor;
  const ownExecutor = executor === undefined;
  /** The lanes, started with the first point that needs them: a complete study starts no threads. */
  const lanes = (): LaneExecutor => {
    if (executor === undefined) {
      executor = workers > 0 ? poolExecutor(workers) : inProcessExecutor();
      // The report's chart libraries (~300 ms to import) load while the workers run the trials,
      // not after the last point when this thread alone has work left.
      preloadChartLibraries().catch(() => {});
    }
    return executor;
  };
  const names = study.scenario.strategies.map((s) => s.name);
  const trials = study.spec.trials;
  let computed = 0;
  let pointsDone = 0;
  const pointsPlanned = plan.maxPoints;
  const reportProgress = (trialsInPoint: number) =>
    options.onProgress?.({ pointsDone, pointsPlanned, trialsDone: pointsDone * trials + trialsInPoint, trialsPlanned: pointsPlanned * trials });

  /** Starts a point's trials on the lanes. */
  const start = (point: StudyPoint): Promise<RunResult> => {
    const scenario = scenarios.get(point.index) ?? pointScenario(study, point);
    if (options.runPoint) return options.runPoint(scenario, point, reportProgress);
    return runScenario(scenario, { trials, seed: study.spec.seed, executor: lanes(), collectBands: false, signal: options.signal, processModule: options.processModule, onProgress: (done) => reportProgress(done) });
  };

  // In a folder without a store every point will run: the first two points' trials (as many as the
  // loop below keeps in flight) start now, while the store is created (DuckDB's import and open,
  // ~0.2 s), instead of after it. Only on lanes of our own, which we can stop if the store cannot
  // be opened.
  const early = new Map<StudyPoint, Promise<RunResult>>();
  if (ownExecutor && !options.runPoint && !existsSync(join(options.dir, STORE_FILE))) {
    for (const point of plan.points.slice(0, 2)) {
      const run = start(point);
      run.catch(() => {}); // awaited below; a failure must not surface as unhandled meanwhile
      early.set(point, run);
    }
  }
  let store: StudyStore;
  try {
    store = await StudyStore.open(options.dir, identity);
  } catch (error) {
    if (ownExecutor) await executor?.close();
    throw error;
  }
  try {
    const stored = await store.points();

    /** A point the store holds, checked against the plan. */
    const reuse = (point: StudyPoint, found: StoredPoint): StoredPoint => {
      if (!sameValues(found.values, point.values)) {
        throw new RunFailure(`the store in ${options.dir} holds point ${point.index} with other input values than this study plans: it was not made by this version of the study. Pass another --out.`);
      }
      pointsDone++;
      reportProgress(0);
      return found;
    };

    /** A point's summary and trial file, then its commit: a point in the store is complete. */
    const finish = async (point: StudyPoint, run: RunResult): Promise<StoredPoint> => {
      const summary = summarizePoint(run.outcomes, names);
      if (study.spec.trialFiles) {
        const columns = [{ name: 'point', type: 'INT32' as const, values: () => point.index }, ...trialsParquetColumns(run.outcomes, names)];
        const metadata = { 'hashpivot.version': ENGINE_VERSION, 'hashpivot.study': study.spec.name, 'hashpivot.point': String(point.index), 'hashpivot.seed': String(study.spec.seed), 'hashpivot.trials': String(trials) };
        await writeWhenFree(() => writeFilesAtomically(options.dir, [{ name: pointFileName(point.index), write: (write) => writeParquet(columns, run.outcomes.trialCount, write, { metadata, ...POINT_FILE_ENCODING }) }], { command: 'study' }));
      }
      const record: StoredPoint = { point: point.index, label: point.label, sets: JSON.stringify(point.sets), values: point.values, summary };
      await store.commit(record);
      computed++;
      pointsDone++;
      reportProgress(0);
      return record;
    };

    const ensurePoint = async (point: StudyPoint): Promise<StoredPoint> => {
      const found = stored.get(point.index);
      return found ? reuse(point, found) : finish(point, await start(point));
    };

    // A fixed design's points are known in advance: point k's summary, trial file and commit are
    // made while point k + 1's trials run, so the workers do not wait for the bookkeeping.
    const points: StoredPoint[] = [];
    let previous: { point: StudyPoint; run: Promise<RunResult> } | undefined;
    const finishPrevious = async () => {
      if (previous) points[previous.point.index] = await finish(previous.point, await previous.run);
      previous = undefined;
    };
    for (const point of plan.points) {
      const found = stored.get(point.index);
      if (found) {
        points[point.index] = reuse(point, found);
        continue;
      }
      const run = early.get(point) ?? start(point);
      run.catch(() => {}); // awaited in finishPrevious; a failure must not surface as unhandled meanwhile
      // Let the lanes be handed to the workers before this thread turns to the previous point.
      await new Promise((resolve) => setImmediate(resolve));
      await finishPrevious();
      previous = { point, run };
    }
    await finishPrevious();
    let breakEven: BreakEvenFinding[] | undefined;
    if (study.spec.design === 'breakEven') {
      breakEven = [];
      const { criterion, maxPointsPerInput } = study.spec.breakEven;
      for (let i = 0; i < study.inputs.length; i++) {
        const input = study.inputs[i];
        const search = { low: input.low as number, high: input.high as number, tolerance: breakEvenTolerance(input), maxProbes: maxPointsPerInput };
        const probes: BreakEvenProbe[] = [];
        for (;;) {
          const step = breakEvenStep(search, probes);
          if ('result' in step) {
            breakEven.push({ input: input.path, label: input.label, unit: input.unit, criterion, result: step.result });
            break;
          }
          const point = breakEvenPoint(study, points.length, i, step.next);
          const record = await ensurePoint(point);
          points.push(record);
          const estimate: Estimate = criterion === 'pBeats' ? probabilityBeats(record.summary, study.compare) : meanDifference(record.summary, study.compare);
          if (estimate.value === null) throw new RunFailure(`study ${study.spec.name}, point ${point.index}: the ${study.compare.a} - ${study.compare.b} difference is undefined`);
          probes.push({ x: point.values[i], value: criterion === 'pBeats' ? estimate.value - 0.5 : estimate.value, standardError: estimate.standardError ?? 0 });
        }
        // A search that ends early leaves its unused points to the next input's numbering.
        pointsDone = points.length;
      }
    }
    const analysis = analyse(study, plan, points, breakEven);
    await store.writeAnalysis(analysisTables(analysis));
    const definition: unknown = JSON.parse(identity.definition);
    const report = studyReportHtml({
      name: study.spec.name,
      description: study.spec.description,
      design: study.spec.design,
      scenario: study.spec.scenario,
      trials: study.spec.trials,
      seed: study.spec.seed,
      engineVersion: ENGINE_VERSION,
      inputs: study.inputs,
      points,
      analysis,
      definition,
    });
    const [rendered] = await Promise.all([renderCharts(report.charts), store.checkpoint()]);
    writeFilesAtomically(
      options.dir,
      [
        { name: STUDY_JSON, write: (write) => write(finiteJson({ engine: { name: 'hashpivot', version: ENGINE_VERSION }, study: definition, analysis }, STUDY_JSON)) },
        { name: STUDY_HTML, write: (write) => write(report.html) },
        ...chartFiles(rendered),
      ],
      { command: 'study', folders: [CHARTS_FOLDER], replaces: [`${CHARTS_FOLDER}/`] },
    );
    return { study, plan, identity, points, computed, analysis };
  } finally {
    store.close();
    if (ownExecutor && executor) await executor.close();
  }
}

function analyse(study: Study, plan: StudyPlan, points: readonly StoredPoint[], breakEven: BreakEvenFinding[] | undefined): StudyAnalysisResult {
  const at = (point: number) => points[point].summary;
  const decision = study.compare;
  const metrics = studyMetrics(study.scenario.strategies.map((s) => s.name), decision);
  const inputs = study.inputs.map(({ path, label, unit, baseValue }) => ({ path, label, unit, baseValue }));
  const result: StudyAnalysisResult = { decision, sentence: '' };
  if (plan.oneAtATime) result.oneAtATime = analyseOneAtATime(inputs, plan.oneAtATime, metrics, at);
  if (study.spec.design === 'grid') result.grid = { inputs: study.inputs.map((i) => i.path), cells: analyseGrid(plan.points, decision, at) };
  if (plan.sobol) result.sobol = analyseSobol(inputs, plan.sobol, metrics, at, { resamples: study.spec.sobol.resamples, seed: study.spec.seed });
  if (breakEven) result.breakEven = breakEven;
  result.sentence = studySentence(decision, { oneAtATime: result.oneAtATime, sobol: result.sobol, breakEven: result.breakEven, grid: result.grid?.cells });
  return result;
}
