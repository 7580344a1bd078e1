// A study cut into shards (`hashpivot study STUDY --shard I/N`), each computed on its own process
// or machine, put back together by `hashpivot merge`. The work of a study is its points times its
// trials per point; a shard's share is a list of pieces, each piece one run shard (runners/shard.ts)
// of one point, so a shard writes run-shard folders and the merge puts each point back together
// as `merge` does a run.
//
// The split (documented in the README), for P points and N shards:
//   - P >= N, by point: shard I holds the points of "shard I of N" of P (runners/shard.ts's ranges
//     applied to points: consecutive points, the first P mod N shards one more), each whole (run
//     shard 1/1 of the point);
//   - P < N, by trial range: the N shards are dealt out to the points the same way (point p gets
//     shards of "shard p+1 of P" of N, so M = floor(N/P) or one more), and shard I holds one run
//     shard J/M of one point: the J-th of its point's M trial ranges.
// Either way every shard holds within a factor (k+1)/k of the same trials (k = floor(P/N) or
// floor(N/P)), and each piece's trials are exactly those an unsharded study computes for it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolvedScenarioJson, type JsonValue } from '../scenarios/load.js';
import type { Study } from '../scenarios/loadStudy.js';
import type { Scenario } from '../scenarios/schema.js';
import { AtomicWrite, hasJournal } from '../outputs/resultsFolder.js';
import { readShardManifest, SHARD_MANIFEST_FILE, shardFolderWrite, writeShardFolder, type ShardManifest } from '../outputs/shardFolder.js';
import { readStudyShardManifest, STUDY_SHARD_FILE, studyShardManifestText, type StudyShardManifest } from '../outputs/studyShardFolder.js';
import { ENGINE_VERSION } from '../outputs/summary.js';
import { defaultWorkerCount, inProcessExecutor, poolExecutor, type LaneExecutor } from './pool.js';
import { RunFailure, runScenario } from './run.js';
import { modelInputsFromJson, runIdentity, scenarioHash } from './runIdentity.js';
import { shardLabel, ShardSpecError, shardTrialRange, WHOLE_RUN, type ShardSpec } from './shard.js';
import { checkedPlan, studyIdentity } from './study.js';

/** A run shard of one point. */
export interface StudyPiece {
  point: number;
  shard: ShardSpec;
}

/** The pieces of study shard `spec` of a study of `pointCount` points of `trials` trials (see the top). */
export function studyShardPieces(pointCount: number, trials: number, spec: ShardSpec): StudyPiece[] {
  if (pointCount >= spec.count) {
    const { firstTrial: firstPoint, trialCount: points } = shardTrialRange(pointCount, spec);
    return Array.from({ length: points }, (_, k) => ({ point: firstPoint + k, shard: WHOLE_RUN }));
  }
  const q = Math.floor(spec.count / pointCount);
  const r = spec.count % pointCount;
  // Shards 1 .. r*(q+1) go to the first r points, q + 1 each; the rest q each.
  const before = spec.index - 1;
  const point = before < r * (q + 1) ? Math.floor(before / (q + 1)) : r + Math.floor((before - r * (q + 1)) / q);
  const { firstTrial: firstShard, trialCount: shards } = shardTrialRange(spec.count, { index: point + 1, count: pointCount });
  if (shards > trials) {
    throw new ShardSpecError(`${spec.count} shards of ${pointCount} point${pointCount === 1 ? '' : 's'} cut each point's ${trials.toLocaleString('en-US')} trials into ${shards} ranges: every range needs at least one trial; use at most ${(pointCount * trials).toLocaleString('en-US')} shards`);
  }
  return [{ point, shard: { index: spec.index - firstShard, count: shards } }];
}

/** The run-shard folder of a piece inside its study shard's folder: point-000003.shard-1-of-2. */
export function pieceFolderName(piece: StudyPiece): string {
  return `point-${String(piece.point).padStart(6, '0')}.shard-${piece.shard.index}-of-${piece.shard.count}`;
}

/** Why a run shard does not hold piece `piece` of the study (the point's scenario, seed, trials, range), or null when it does. */
export function pieceDifference(manifest: ShardManifest, study: Study, scenario: Scenario, piece: StudyPiece): string | null {
  const run = manifest.run;
  if (run.engineVersion !== ENGINE_VERSION) return `it was computed by hashpivot ${run.engineVersion}, not ${ENGINE_VERSION}`;
  if (run.seed !== study.spec.seed || run.trials !== study.spec.trials) return `it is seed ${run.seed} x ${run.trials} trials, not seed ${study.spec.seed} x ${study.spec.trials}`;
  if (run.outcomes !== 'trials') return 'it keeps no per-trial rows';
  if (manifest.shard.index !== piece.shard.index || manifest.shard.count !== piece.shard.count) return `it is shard ${shardLabel(manifest.shard)}, not ${shardLabel(piece.shard)}`;
  if (scenarioHash(scenario, modelInputsFromJson(manifest.inputs)) !== run.scenarioHash) return `its scenario is not that of point ${piece.point}`;
  return null;
}

export interface StudyShardOptions {
  dir: string;
  /** Worker threads (0: this thread); default one per core. */
  workers?: number;
  processModule?: string;
  yes?: boolean;
  signal?: AbortSignal;
  onProgress?: (trialsDone: number, trialsPlanned: number) => void;
}

export interface StudyShardResult {
  pieces: StudyPiece[];
  /** Pieces found finished in the folder by an earlier, interrupted run of the same shard. */
  reused: number;
  trials: number;
}

/**
 * Computes study shard `spec` into options.dir: one run-shard folder per piece, committed as each
 * piece finishes (a piece found finished there is kept, so an interrupted shard resumes), then
 * study-shard.json.
 */
export async function runStudyShard(study: Study, spec: ShardSpec, options: StudyShardOptions): Promise<StudyShardResult> {
  if (study.spec.design === 'breakEven') {
    throw new RunFailure(`study ${study.spec.name}: a break-even search picks each point from the results of the points before it, so its points cannot be dealt out to shards in advance: run it whole, or with --redis URL (each point's trials cut into shards on the workers)`);
  }
  const { plan, scenarios } = checkedPlan(study, options);
  const { seed, trials } = study.spec;
  const pieces = studyShardPieces(plan.points.length, trials, spec);
  const identity = await studyIdentity(study);
  // The folder is checked and locked before any trial runs (outputs/resultsFolder.ts).
  const batch = new AtomicWrite(options.dir, { command: 'study --shard', names: [STUDY_SHARD_FILE] });
  const workers = options.workers ?? defaultWorkerCount();
  let executor: LaneExecutor | undefined;
  try {
    refuseOtherShard(options.dir, identity.fingerprint, spec, pieces);
    const planned = pieces.reduce((sum, piece) => sum + shardTrialRange(trials, piece.shard).trialCount, 0);
    let done = 0;
    let reused = 0;
    for (const piece of pieces) {
      const scenario = scenarios.get(piece.point) as Scenario;
      const folder = join(options.dir, pieceFolderName(piece));
      if (finishedPiece(folder, study, scenario, piece)) {
        reused++;
      } else {
        const write = new AtomicWrite(folder, { command: 'study --shard', ...shardFolderWrite('trials') });
        try {
          executor ??= workers > 0 ? poolExecutor(workers) : inProcessExecutor();
          const run = await runScenario(scenario, {
            trials, seed, shard: piece.shard, executor, collectBands: false, signal: options.signal, processModule: options.processModule,
            onProgress: (trialsDone) => options.onProgress?.(done + trialsDone, planned),
          });
          writeShardFolder(write, run, runIdentity(scenario, run.inputs, seed, trials, piece.shard.count, 'trials'));
        } catch (error) {
          write.abort();
          throw error;
        }
      }
      done += shardTrialRange(trials, piece.shard).trialCount;
      options.onProgress?.(done, planned);
    }
    const manifest = {
      study: { fingerprint: identity.fingerprint, engineVersion: ENGINE_VERSION, spec: JSON.parse(JSON.stringify(study.spec)) as JsonValue, origin: study.origin, scenario: resolvedScenarioJson(study.scenario) },
      shard: spec,
      points: plan.points.length,
      pieces: pieces.map((piece) => ({ ...piece, folder: pieceFolderName(piece) })),
    };
    batch.write([{ name: STUDY_SHARD_FILE, write: (write) => write(studyShardManifestText(manifest)) }]);
    batch.commit();
    return { pieces, reused, trials: planned };
  } catch (error) {
    batch.abort();
    throw error;
  } finally {
    await executor?.close();
  }
}

/**
 * The folder may hold this shard, finished or interrupted, but no other: another shard's (or
 * study's) study-shard.json would be overwritten, and its pieces left beside ours for a merge to
 * trip over. Checked before any trial.
 */
function refuseOtherShard(dir: string, fingerprint: string, spec: ShardSpec, pieces: readonly StudyPiece[]): void {
  const fix = `pass --out with a folder of its own for shard ${spec.index}/${spec.count}`;
  if (existsSync(join(dir, STUDY_SHARD_FILE))) {
    let found: StudyShardManifest;
    try {
      found = readStudyShardManifest(dir);
    } catch (error) {
      throw new RunFailure(`${(error as Error).message}: it is left as it is; ${fix}`);
    }
    if (found.study.fingerprint !== fingerprint) throw new RunFailure(`${dir} holds a shard of another study (${found.study.origin}, or other trials, seed or inputs): ${fix}`);
    if (found.shard.index !== spec.index || found.shard.count !== spec.count) throw new RunFailure(`${dir} holds study shard ${found.shard.index}/${found.shard.count} of this study: ${fix}`);
  }
  const ours = new Set(pieces.map(pieceFolderName));
  const other = readdirSync(dir).find((name) => /^point-\d+\.shard-\d+-of-\d+$/.test(name) && !ours.has(name));
  if (other !== undefined) throw new RunFailure(`${dir} holds ${other}, a piece of another study shard: ${fix}`);
}

/** A piece folder an earlier run of this shard committed, holding this piece. */
function finishedPiece(folder: string, study: Study, scenario: Scenario, piece: StudyPiece): boolean {
  if (!existsSync(join(folder, SHARD_MANIFEST_FILE))) return false;
  try {
    return !hasJournal(folder) && pieceDifference(readShardManifest(folder), study, scenario, piece) === null;
  } catch {
    return false; // damaged: computed again
  }
}
