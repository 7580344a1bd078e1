// A study shard's folder (`hashpivot study STUDY --shard I/N --out DIR`):
//
//   study-shard.json                  the study (its fingerprint, the engine version, its fields as
//                                     resolved, its origin and its scenario resolved), this shard's
//                                     number, the study's point count and the pieces this shard holds
//   point-NNNNNN.shard-J-of-M/        one run-shard folder per piece (outputs/shardFolder.ts): the
//                                     point's trials J of M, as `run --shard J/M` of the point's
//                                     scenario writes them
//
// Each piece folder is committed on its own as soon as its trials are done (so a shard of many
// points holds one point's trials in memory at a time); study-shard.json is committed last, so a
// folder with one is complete.
import { join } from 'node:path';
import type { JsonObject, JsonValue } from '../scenarios/load.js';
import { BoundedFileError, readBoundedText } from '../scenarios/boundedFile.js';
import type { ShardSpec } from '../runners/shard.js';
import type { StudyPiece } from '../runners/studyShard.js';
import { ShardFolderError } from './shardFolder.js';

export const STUDY_SHARD_FILE = 'study-shard.json';
const FORMAT = 'hashpivot-study-shard';
const FORMAT_VERSION = 1;
/** A study and a list of pieces: anything far larger is not one of ours. */
const MAX_MANIFEST_BYTES = 64 << 20;

export interface StudyShardManifest {
  format: typeof FORMAT;
  formatVersion: typeof FORMAT_VERSION;
  study: {
    /** The study store's fingerprint (runners/study.ts studyIdentity): what every number depends on. */
    fingerprint: string;
    engineVersion: string;
    /** The study's fields as resolved (trials and seed overrides applied). */
    spec: JsonValue;
    origin: string;
    /** The study's scenario, resolved (the scenario file need not be where the merge runs). */
    scenario: JsonObject;
  };
  shard: ShardSpec;
  /** Points the study plans. */
  points: number;
  pieces: (StudyPiece & { folder: string })[];
}

export function studyShardManifestText(manifest: Omit<StudyShardManifest, 'format' | 'formatVersion'>): string {
  return `${JSON.stringify({ format: FORMAT, formatVersion: FORMAT_VERSION, ...manifest }, null, 2)}\n`;
}

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
const isShard = (x: unknown): x is ShardSpec => isObject(x) && isCount(x.index) && isCount(x.count) && x.index >= 1 && x.index <= x.count;

/** Reads and checks the shape of DIR/study-shard.json (not whether it fits with other shards). */
export function readStudyShardManifest(dir: string): StudyShardManifest {
  const path = join(dir, STUDY_SHARD_FILE);
  let text: string;
  try {
    text = readBoundedText(path, { maxBytes: MAX_MANIFEST_BYTES, what: STUDY_SHARD_FILE });
  } catch (error) {
    if (!(error instanceof BoundedFileError)) throw error;
    const why = error.code === 'ENOENT' ? `has no ${STUDY_SHARD_FILE} (not a study shard, or one that never finished)` : `${STUDY_SHARD_FILE} ${error.problem}`;
    throw new ShardFolderError(`${dir} ${why}`);
  }
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ShardFolderError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(m) || m.format !== FORMAT) throw new ShardFolderError(`${path} is not a hashpivot study shard (no "format": "${FORMAT}")`);
  if (m.formatVersion !== FORMAT_VERSION) throw new ShardFolderError(`${path} is study shard format ${String(m.formatVersion)}; this hashpivot reads format ${FORMAT_VERSION}`);
  const study = m.study as Record<string, unknown> | undefined;
  const ok =
    isObject(study) &&
    typeof study.fingerprint === 'string' &&
    typeof study.engineVersion === 'string' &&
    typeof study.origin === 'string' &&
    isObject(study.spec) &&
    isObject(study.scenario) &&
    isShard(m.shard) &&
    isCount(m.points) &&
    Array.isArray(m.pieces) &&
    m.pieces.every((p: unknown) => isObject(p) && isCount(p.point) && isShard(p.shard) && typeof p.folder === 'string');
  if (!ok) throw new ShardFolderError(`${path} is damaged: a field of study, shard, points or pieces is missing or out of range`);
  return m as unknown as StudyShardManifest;
}
