// Shards: a run of N trials cut into n consecutive trial ranges that separate processes (or
// machines) compute on their own and `hashpivot merge` puts back together. Each trial owns its
// random streams (seed, trial index), so a shard computes exactly the trials a single run would.
//
// The ranges (documented in the README): shard i of n (1-based) holds q + 1 trials when i <= r,
// else q, where q = floor(N / n) and r = N mod n; shard 1 starts at trial 0 and each shard starts
// where the one before ended. Integer arithmetic throughout, so the ranges are exact for any N.

export interface ShardSpec {
  /** 1-based: shard 1 of `count` holds the first trials. */
  index: number;
  count: number;
}

/** The whole run as one shard: a single run is the merge of this one shard. */
export const WHOLE_RUN: ShardSpec = { index: 1, count: 1 };

/** Shard counts above this are refused: each shard costs a process start and a file set. */
export const MAX_SHARDS = 1_000_000;

export class ShardSpecError extends Error {}

/** Parses "I/N" (e.g. "2/8", the second of eight shards), refusing everything else with the reason. */
export function parseShardSpec(text: string, flag = '--shard'): ShardSpec {
  const match = /^(\d{1,9})\/(\d{1,9})$/.exec(text.trim());
  if (!match) {
    throw new ShardSpecError(`${flag} must be I/N with whole numbers 1 <= I <= N (e.g. 2/8: the second of 8 shards), got "${text}"`);
  }
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) {
    throw new ShardSpecError(`${flag} ${text}: the shard count N must be from 1 to ${MAX_SHARDS.toLocaleString('en-US')}, got ${count}`);
  }
  if (index < 1 || index > count) {
    throw new ShardSpecError(`${flag} ${text}: shards are numbered from 1 to ${count}, got ${index}`);
  }
  return { index, count };
}

export interface TrialRange {
  firstTrial: number;
  trialCount: number;
}

/** The trials of shard `spec` of a run of `trials` trials (see the comment at the top). */
export function shardTrialRange(trials: number, spec: ShardSpec): TrialRange {
  if (spec.count > trials) {
    throw new ShardSpecError(`${spec.count} shards of ${trials.toLocaleString('en-US')} trials: every shard needs at least one trial; use at most ${trials.toLocaleString('en-US')} shards`);
  }
  const q = Math.floor(trials / spec.count);
  const r = trials % spec.count;
  const before = spec.index - 1;
  return { firstTrial: before * q + Math.min(before, r), trialCount: q + (spec.index <= r ? 1 : 0) };
}

/** "2/8". */
export const shardLabel = (spec: ShardSpec): string => `${spec.index}/${spec.count}`;
