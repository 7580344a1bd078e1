// The shard queue shared by `hashpivot run --redis` (the submitter) and `hashpivot worker`: a
// BullMQ queue of shard jobs on Redis, plus a few keys of hashpivot's own. What lives where:
//
//   BullMQ queue "hashpivot-shards" (keys hashpivot:hashpivot-shards:*): one job per shard, id
//     RUN-I (so adding a shard twice adds it once), its data the run identity and shard number,
//     its progress the trials done, its return value where the result is (a shard folder in the
//     store) or, in sketch mode without a store, the result itself (band counts and outcome
//     sketch, a few megabytes whatever the trial count).
//   hashpivot:run:RUN:spec       the resolved scenario and model inputs (JSON), read by workers
//   hashpivot:run:RUN:cancelled  set when the submitter stops: workers abandon the run's shards
//   hashpivot:run:RUN:refusals   one line per worker that refused a shard (another engine version)
//   hashpivot:worker:ID          each live worker's name, engine version and threads (expires)
//
// The store (--store DIR, a folder every machine mounts at the same path) holds STORE/RUN/
// shard-I-of-N.WORKER/: shard folders (outputs/shardFolder.ts), one per worker that computed the
// shard, so two workers never write the same files. They outlive a Redis restart.
import { existsSync, readdirSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { SparseCounts } from '../engine/bandSketch.js';
import type { JsonObject, JsonValue } from '../scenarios/load.js';
import { hasJournal, readManifest } from '../outputs/resultsFolder.js';
import { SHARD_MANIFEST_FILE } from '../outputs/shardFolder.js';
import type { RunIdentity } from './runIdentity.js';
import type { ShardSpec } from './shard.js';

export const QUEUE_NAME = 'hashpivot-shards';
/** BullMQ's key prefix: every key this queue uses starts with it. */
export const QUEUE_PREFIX = 'hashpivot';

export interface ShardJobData {
  runId: string;
  run: RunIdentity;
  shard: ShardSpec;
  /** Trials a lane claims at a time on the worker (results do not depend on it). */
  chunkTrials?: number;
  /** The store's folder of this run, or null when results travel through Redis (sketch mode). */
  store: string | null;
}

export interface ShardJobResult {
  /** The worker that computed it (host:pid). */
  worker: string;
  /** The shard folder written into the store. */
  folder: string | null;
  /** Without a store (sketch mode): the shard's band counts and outcome sketch themselves, base64. */
  state?: { bandIndices: string; bandCounts: string; sketch: string };
}

export interface RunSpec {
  scenario: JsonObject;
  inputs: JsonValue;
}

export const runSpecKey = (runId: string) => `hashpivot:run:${runId}:spec`;
export const runCancelledKey = (runId: string) => `hashpivot:run:${runId}:cancelled`;
export const runRefusalsKey = (runId: string) => `hashpivot:run:${runId}:refusals`;
export const WORKER_KEY_PATTERN = 'hashpivot:worker:*';
export const workerKey = (workerId: string) => `hashpivot:worker:${workerId}`;
/** How long a run's own keys live at most (a submitter that died leaves nothing forever). */
export const RUN_KEY_SECONDS = 7 * 24 * 3600;

/** A run id: the submitter's start (UTC, YYYYMMDDhhmmss) and 8 random hex digits. */
export function newRunId(now: Date, random: string): string {
  return `${now.toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${random}`;
}

/**
 * Where a worker writes a job's shard: in its own mount of the store (`--store`), or at the path
 * the submitter gave, always the run's folder named by its id. A job not made by a hashpivot
 * submitter (anyone who can write to the Redis can queue one) cannot point it elsewhere: an id of
 * another shape (`../..`) or a store path of another name is refused.
 */
export function jobRunFolder(data: Pick<ShardJobData, 'runId' | 'store'>, store: string | undefined): string | null {
  if (!/^\d{14}-[0-9a-f]{8}$/.test(data.runId)) throw new Error(`run id ${JSON.stringify(data.runId.slice(0, 80))} is not one a hashpivot submitter makes: job refused`);
  if (store) return join(store, data.runId);
  if (data.store !== null && (typeof data.store !== 'string' || !isAbsolute(data.store) || basename(data.store) !== data.runId)) {
    throw new Error(`store folder ${JSON.stringify(String(data.store).slice(0, 200))} is not the run's folder (an absolute path ending in ${data.runId}): job refused`);
  }
  return data.store;
}

/** BullMQ job ids may not contain ":"; a run id and a shard number never do. */
export const shardJobId = (runId: string, index: number) => `${runId}-${index}`;

export interface WorkerInfo {
  id: string;
  version: string;
  threads: number;
}

/**
 * Worker lock settings: a worker renews its lock on a shard every LOCK_MS / 2; a worker that dies
 * (SIGKILL, a lost machine) stops renewing, and within LOCK_MS + STALLED_CHECK_MS another worker's
 * stalled-job check puts the shard back on the queue.
 */
export const DEFAULT_LOCK_MS = 15_000;
export const STALLED_CHECK_MS = 5_000;
/** A shard lost this many times (its worker died each time) fails the run rather than loop. */
export const MAX_STALLED = 3;
/** A shard whose computation throws is tried this many times in all. */
export const SHARD_ATTEMPTS = 3;

/** The folder a worker writes its copy of a shard into. */
export function shardFolderPath(runFolder: string, shard: ShardSpec, workerId: string): string {
  return join(runFolder, `shard-${shard.index}-of-${shard.count}.${workerId.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
}

/**
 * Finished copies of a shard in the store: folders whose write committed (the output-folder
 * protocol's manifest lists shard.json and no commit is half done); a worker killed mid-write
 * leaves a folder without one, which is passed over.
 */
export function finishedShardFolders(runFolder: string, shard: ShardSpec): string[] {
  if (!existsSync(runFolder)) return [];
  const prefix = `shard-${shard.index}-of-${shard.count}.`;
  const committed = (folder: string) => {
    try {
      return !hasJournal(folder) && readManifest(folder)?.files[SHARD_MANIFEST_FILE] !== undefined;
    } catch {
      return false; // a damaged manifest: not a finished copy
    }
  };
  return readdirSync(runFolder)
    .filter((name) => name.startsWith(prefix))
    .sort()
    .map((name) => join(runFolder, name))
    .filter(committed);
}

const base64 = (a: Uint32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const words = (text: string) => {
  const bytes = Buffer.from(text, 'base64');
  const out = new Uint32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
};

/** A sketch shard's result for Redis. */
export function encodeShardState(bands: SparseCounts, sketch: Uint8Array): NonNullable<ShardJobResult['state']> {
  return { bandIndices: base64(bands.indices), bandCounts: base64(bands.counts), sketch: base64(sketch) };
}

export function decodeShardState(state: NonNullable<ShardJobResult['state']>): { bands: SparseCounts; sketch: Uint8Array } {
  const bands = { indices: words(state.bandIndices), counts: words(state.bandCounts) };
  if (bands.indices.length !== bands.counts.length) throw new Error('band counts of unequal lengths');
  return { bands, sketch: new Uint8Array(Buffer.from(state.sketch, 'base64')) };
}
