// Putting shards back together. A run's result is its per-trial outcomes in trial order, its band
// counts (integer sums) and its scenario and seed; a merge rebuilds exactly these from the shards,
// so the whole run's outputs (summary.json, trials.*, the report) come out byte-identical to a
// single run's. Shards are taken only when they belong together: same engine version, scenario,
// seed, trial count and shard count, every shard once.
import { BandSketch } from '../engine/bandSketch.js';
import { compileModel } from '../engine/model.js';
import { createOutcomeBlock, MARKET_METRICS, STRATEGY_METRICS, type OutcomeBlock } from '../engine/outcomes.js';
import type { ModelInputs } from '../engine/priceModel.js';
import { parseScenario, ScenarioError } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';
import { OutcomeSketch, type OutcomeSketchState } from '../engine/outcomeSketch.js';
import type { SparseCounts } from '../engine/bandSketch.js';
import { readShardBands, readShardManifest, readShardSketch, readShardTrials, type ShardManifest } from '../outputs/shardFolder.js';
import { ENGINE_VERSION } from '../outputs/summary.js';
import { maxNpvStandardError, outcomeSketchShape, sketchMaxNpvStandardError, type RunResult } from './run.js';
import { identityDifference, modelInputsFromJson, scenarioHash, type RunIdentity } from './runIdentity.js';
import { shardLabel, shardTrialRange } from './shard.js';

export class MergeError extends Error {}

/**
 * Assembles a whole run from its shards as they arrive, in any order: each shard's trials land at
 * their own indices of the run's outcome block and its band counts are added (integers, so the
 * order cannot matter). A shard number already taken is refused, so nothing is counted twice.
 */
export class RunAssembler {
  readonly outcomes: OutcomeBlock;
  readonly bands: BandSketch;
  /** With --outcomes sketch: the merged outcome sketch (and `outcomes` holds no trials). */
  readonly sketch: OutcomeSketch | null;
  private readonly taken = new Set<number>();
  private readonly model;

  constructor(
    readonly identity: RunIdentity,
    readonly scenario: Scenario,
    readonly inputs: ModelInputs,
  ) {
    this.model = compileModel(scenario, inputs);
    this.bands = new BandSketch(this.model.bands, this.model.market.months);
    this.sketch = identity.outcomes === 'sketch' ? new OutcomeSketch(outcomeSketchShape(this.model, identity.trials)) : null;
    const rows = this.sketch ? 0 : identity.trials;
    const bytes = rows * (scenario.strategies.length * STRATEGY_METRICS.length + MARKET_METRICS.length) * 8;
    try {
      this.outcomes = createOutcomeBlock(0, rows, scenario.strategies.length, true);
    } catch (error) {
      throw new MergeError(`cannot hold the outcomes of ${identity.trials.toLocaleString('en-US')} trials in memory (${(bytes / 1e9).toFixed(1)} GB): ${(error as Error).message}`);
    }
  }

  has(index: number): boolean {
    return this.taken.has(index);
  }

  /** Shard numbers not yet added. */
  missing(): number[] {
    const out: number[] = [];
    for (let i = 1; i <= this.identity.shardCount; i++) if (!this.taken.has(i)) out.push(i);
    return out;
  }

  get complete(): boolean {
    return this.taken.size === this.identity.shardCount;
  }

  /** Adds a shard folder whose manifest has been checked against this run (checkShardSet). */
  async addFolder(dir: string, manifest: ShardManifest): Promise<void> {
    const { index } = manifest.shard;
    if (this.taken.has(index)) throw new MergeError(`shard ${shardLabel(manifest.shard)} is already merged; ${dir} would count its trials twice`);
    if (this.sketch) {
      const state = readShardSketch(dir);
      this.addState(index, await readShardBands(dir, this.bands.counts.length), state, dir);
      return;
    }
    await readShardTrials(dir, manifest, this.scenario.strategies.map((s) => s.name), this.outcomes);
    this.bands.mergeSparse(await readShardBands(dir, this.bands.counts.length));
    this.taken.add(index);
  }

  /** Adds shard `index` of a sketch run from its band counts and outcome sketch (a folder, or a job's result). */
  addState(index: number, bands: SparseCounts, state: OutcomeSketchState, source: string): void {
    if (!this.sketch) throw new MergeError(`${source} holds an outcome sketch, but this run keeps per-trial rows`);
    if (this.taken.has(index)) throw new MergeError(`shard ${index}/${this.identity.shardCount} is already merged; ${source} would count its trials twice`);
    for (let k = 0; k < bands.indices.length; k++) {
      if (bands.indices[k] >= this.bands.counts.length) throw new MergeError(`${source}: band bin ${bands.indices[k]} is beyond this scenario's sketch`);
    }
    const { trialCount } = shardTrialRange(this.identity.trials, { index, count: this.identity.shardCount });
    if (this.sketch.trialsInState(state) !== trialCount) {
      throw new MergeError(`${source}: its outcome sketch holds ${this.sketch.trialsInState(state)} trials; shard ${index}/${this.identity.shardCount} has ${trialCount}`);
    }
    try {
      this.sketch.merge(state);
    } catch (error) {
      throw new MergeError(`${source}: ${(error as Error).message}`);
    }
    this.bands.mergeSparse(bands);
    this.taken.add(index);
  }

  /** The whole run, as runScenario would have returned it. */
  result(): RunResult {
    const missing = this.missing();
    if (missing.length > 0) throw new MergeError(`shards missing: ${missing.map((i) => `${i}/${this.identity.shardCount}`).join(', ')}`);
    return {
      scenario: this.scenario,
      inputs: this.inputs,
      model: this.model,
      seed: this.identity.seed,
      trialsRequested: this.identity.trials,
      shard: { index: 1, count: 1 },
      trials: this.identity.trials,
      targetSeUsd: null,
      maxNpvStandardErrorUsd: this.sketch ? sketchMaxNpvStandardError(this.sketch) : maxNpvStandardError(this.outcomes),
      outcomes: this.outcomes,
      bands: this.bands,
      sketch: this.sketch,
      inputNotes: [],
    };
  }
}

/** The scenario and inputs of a shard, checked against the hash it was computed under. */
export function shardScenario(dir: string, manifest: ShardManifest): { scenario: Scenario; inputs: ModelInputs } {
  let scenario: Scenario;
  try {
    scenario = parseScenario(manifest.scenario, `${dir}/shard.json`);
  } catch (error) {
    if (error instanceof ScenarioError) throw new MergeError(`${dir}/shard.json holds an invalid scenario:\n${error.message}`);
    throw error;
  }
  const inputs = modelInputsFromJson(manifest.inputs);
  if (scenarioHash(scenario, inputs) !== manifest.run.scenarioHash) {
    throw new MergeError(`${dir}/shard.json: its scenario does not match its scenario hash (the file was edited or damaged)`);
  }
  return { scenario, inputs };
}

/**
 * Checks that a set of shard manifests is one whole run of this engine version: the same identity
 * throughout, each shard's documented trial range, every shard number exactly once.
 */
export function checkShardSet(shards: readonly { dir: string; manifest: ShardManifest }[]): void {
  if (shards.length === 0) throw new MergeError('no shards to merge');
  const first = shards[0];
  for (const { dir, manifest } of shards) {
    if (manifest.run.engineVersion !== ENGINE_VERSION) {
      throw new MergeError(`${dir} was computed by hashpivot ${manifest.run.engineVersion}; this is hashpivot ${ENGINE_VERSION}. Shards merge only with the engine version that computed them (numbers may differ between versions): recompute it, or merge with ${manifest.run.engineVersion}`);
    }
    const difference = identityDifference(first.manifest.run, manifest.run);
    if (difference) {
      throw new MergeError(`${dir} is not part of the same run as ${first.dir}: its ${difference.field} is ${difference.b}, not ${difference.a}. Nothing was merged.`);
    }
    const range = shardTrialRange(manifest.run.trials, manifest.shard);
    if (range.firstTrial !== manifest.firstTrial || range.trialCount !== manifest.trialCount) {
      throw new MergeError(`${dir}: shard ${shardLabel(manifest.shard)} of ${manifest.run.trials} trials holds trials ${range.firstTrial}..${range.firstTrial + range.trialCount - 1}, but shard.json says ${manifest.firstTrial}..${manifest.firstTrial + manifest.trialCount - 1}`);
    }
  }
  const byIndex = new Map<number, string>();
  for (const { dir, manifest } of shards) {
    const seen = byIndex.get(manifest.shard.index);
    if (seen !== undefined) throw new MergeError(`shard ${shardLabel(manifest.shard)} is given twice: ${seen} and ${dir}. Nothing was merged.`);
    byIndex.set(manifest.shard.index, dir);
  }
  const count = first.manifest.run.shardCount;
  const missing: string[] = [];
  for (let i = 1; i <= count; i++) if (!byIndex.has(i)) missing.push(`${i}/${count}`);
  if (missing.length > 0) {
    throw new MergeError(`shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (${shards.length} of ${count} given). Nothing was merged.`);
  }
}

/** A checked set of shard folders: one whole run, its scenario and inputs known before any trial is read. */
export interface ShardSet {
  shards: { dir: string; manifest: ShardManifest }[];
  identity: RunIdentity;
  scenario: Scenario;
  inputs: ModelInputs;
}

/** Reads and checks the manifests of shard folders (checkShardSet) and the run's scenario. */
export function readShardSet(dirs: readonly string[]): ShardSet {
  const shards = dirs.map((dir) => ({ dir, manifest: readShardManifest(dir) }));
  checkShardSet(shards);
  // The shards share one scenario hash (checkShardSet), and the first one's scenario is checked against it.
  const { scenario, inputs } = shardScenario(shards[0].dir, shards[0].manifest);
  return { shards, identity: shards[0].manifest.run, scenario, inputs };
}

/** Reads every shard's trials and counts into the whole run. */
export async function assembleShardSet(set: ShardSet): Promise<RunResult> {
  const assembler = new RunAssembler(set.identity, set.scenario, set.inputs);
  for (const { dir, manifest } of set.shards) await assembler.addFolder(dir, manifest);
  return assembler.result();
}

/** Reads, checks and merges shard folders into the whole run. */
export async function mergeShardFolders(dirs: readonly string[]): Promise<RunResult> {
  return assembleShardSet(readShardSet(dirs));
}
