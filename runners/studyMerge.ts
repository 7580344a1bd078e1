// Putting a sharded study back together (`hashpivot merge DIR... --out OUT` on the folders of
// `hashpivot study STUDY --shard I/N`). The shards must be one study (the same fingerprint: study,
// scenario, engine version), cut the same way, every shard once; each holds exactly the pieces the
// documented split gives it (runners/studyShard.ts). The study is rebuilt from the shards'
// study-shard.json, and runStudy then takes each point's trials from its pieces (merged like a
// run's shards) instead of running them, so the store, trial files, study.json and study.html are
// written by the same code as an unsharded study's, from the same numbers.
import { join } from 'node:path';
import { parseScenario, ScenarioError } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';
import { parseStudySpec, resolveStudy } from '../scenarios/loadStudy.js';
import { readStudyShardManifest, STUDY_SHARD_FILE, type StudyShardManifest } from '../outputs/studyShardFolder.js';
import { readShardManifest } from '../outputs/shardFolder.js';
import { ENGINE_VERSION } from '../outputs/summary.js';
import { MergeError, mergeShardFolders } from './merge.js';
import { shardLabel } from './shard.js';
import { checkedPlan, runStudy, studyIdentity, type StudyProgress, type StudyResult } from './study.js';
import { pieceDifference, pieceFolderName, studyShardPieces, type StudyPiece } from './studyShard.js';

export interface StudyMergeOptions {
  /** The merged study's folder (its store, trial files, study.json, study.html). */
  dir: (studyName: string) => string;
  onProgress?: (progress: StudyProgress) => void;
}

/** Checks that study shard folders are one whole study, cut one way, each shard once. */
function checkStudyShardSet(shards: readonly { dir: string; manifest: StudyShardManifest }[]): void {
  if (shards.length === 0) throw new MergeError('no shards to merge');
  const first = shards[0];
  const byIndex = new Map<number, string>();
  for (const { dir, manifest } of shards) {
    if (manifest.study.engineVersion !== ENGINE_VERSION) {
      throw new MergeError(`${dir} was computed by hashpivot ${manifest.study.engineVersion}; this is hashpivot ${ENGINE_VERSION}. Shards merge only with the engine version that computed them: recompute it, or merge with ${manifest.study.engineVersion}`);
    }
    if (manifest.study.fingerprint !== first.manifest.study.fingerprint) {
      throw new MergeError(`${dir} is not a shard of the same study as ${first.dir} (another study, scenario, trial count or seed: its fingerprint differs). Nothing was merged.`);
    }
    if (manifest.shard.count !== first.manifest.shard.count) {
      throw new MergeError(`${dir} is shard ${shardLabel(manifest.shard)}, ${first.dir} shard ${shardLabel(first.manifest.shard)}: the study was cut two ways. Nothing was merged.`);
    }
    const seen = byIndex.get(manifest.shard.index);
    if (seen !== undefined) throw new MergeError(`study shard ${shardLabel(manifest.shard)} is given twice: ${seen} and ${dir}. Nothing was merged.`);
    byIndex.set(manifest.shard.index, dir);
  }
  const count = first.manifest.shard.count;
  const missing: string[] = [];
  for (let i = 1; i <= count; i++) if (!byIndex.has(i)) missing.push(`${i}/${count}`);
  if (missing.length > 0) {
    throw new MergeError(`study shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (${shards.length} of ${count} given). Nothing was merged.`);
  }
}

/** Merges the folders of a sharded study into the files of the whole study. */
export async function mergeStudyShards(dirs: readonly string[], options: StudyMergeOptions): Promise<{ result: StudyResult; dir: string }> {
  const shards = dirs.map((dir) => ({ dir, manifest: readStudyShardManifest(dir) }));
  checkStudyShardSet(shards);
  const { dir: firstDir, manifest } = shards[0];
  const where = join(firstDir, STUDY_SHARD_FILE);
  let study;
  try {
    study = resolveStudy(parseStudySpec(manifest.study.spec, where), manifest.study.origin, parseScenario(manifest.study.scenario, where));
  } catch (error) {
    if (error instanceof ScenarioError) throw new MergeError(`${where} holds an invalid study:\n${error.message}`);
    throw error;
  }
  if ((await studyIdentity(study)).fingerprint !== manifest.study.fingerprint) {
    throw new MergeError(`${where}: its study does not match its fingerprint (the file was edited, or the scenario's data files differ on this machine)`);
  }
  // Each point's piece folders, as the documented split deals them out.
  const folders = new Map<number, { folder: string; piece: StudyPiece }[]>();
  for (const { dir, manifest: m } of shards) {
    const expected = studyShardPieces(manifest.points, study.spec.trials, m.shard).map((piece) => ({ ...piece, folder: pieceFolderName(piece) }));
    const listed = m.pieces.map((p) => `${p.point}:${shardLabel(p.shard)}:${p.folder}`).join(' ');
    if (listed !== expected.map((p) => `${p.point}:${shardLabel(p.shard)}:${p.folder}`).join(' ')) {
      throw new MergeError(`${dir}: study shard ${shardLabel(m.shard)} should hold ${expected.map((p) => `point ${p.point} (${shardLabel(p.shard)})`).join(', ')}; its ${STUDY_SHARD_FILE} lists other pieces`);
    }
    for (const piece of expected) folders.set(piece.point, [...(folders.get(piece.point) ?? []), { folder: join(dir, piece.folder), piece }]);
  }
  // Every piece checked against its point before the store is touched: a bad one found midway
  // would leave a study with some points merged.
  const { plan, scenarios } = checkedPlan(study, { yes: true });
  for (const point of plan.points) {
    const pieces = folders.get(point.index);
    if (!pieces) throw new MergeError(`point ${point.index} of study ${study.spec.name} is in none of the shards (${STUDY_SHARD_FILE} says the study has ${manifest.points} points)`);
    for (const { folder, piece } of pieces) {
      const difference = pieceDifference(readShardManifest(folder), study, scenarios.get(point.index) as Scenario, piece);
      if (difference) throw new MergeError(`${folder} is not the piece it is named for (point ${point.index}, shard ${shardLabel(piece.shard)}): ${difference}`);
    }
  }
  const out = options.dir(study.spec.name);
  const result = await runStudy(study, {
    dir: out,
    onProgress: options.onProgress,
    runPoint: async (_scenario, point) => mergeShardFolders((folders.get(point.index) ?? []).map((p) => p.folder)),
  });
  return { result, dir: out };
}
