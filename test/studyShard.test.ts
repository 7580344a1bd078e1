// A study cut into shards (`study --shard I/N`) and merged (`merge`): the split covers every trial of
// every point exactly once, and the merge writes the files of the unsharded study (study.json,
// study.html, points/*.parquet, charts/ byte for byte; the store's tables row for row), by point
// and by trial range; mismatched, missing and repeated shards are refused.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStudy, type Study } from '../scenarios/loadStudy.js';
import { runStudy } from '../runners/study.js';
import { pieceFolderName, runStudyShard, studyShardPieces } from '../runners/studyShard.js';
import { mergeStudyShards } from '../runners/studyMerge.js';
import { shardTrialRange } from '../runners/shard.js';
import { cli, freshDir } from './cliHarness.js';
import { readStore } from './studyStoreTables.js';

describe('the split of a study into shards', () => {
  it('gives every trial of every point to exactly one shard, by point when points >= shards, else by trial range', () => {
    const trials = 10;
    for (const [points, shards] of [[3, 7], [5, 2], [7, 7], [2, 5], [1, 4], [10, 3], [4, 9], [6, 6], [3, 30]]) {
      const held = Array.from({ length: points }, () => new Array<number>(trials).fill(0));
      for (let index = 1; index <= shards; index++) {
        const pieces = studyShardPieces(points, trials, { index, count: shards });
        expect(pieces.length).toBeGreaterThan(0);
        if (points < shards) expect(pieces).toHaveLength(1);
        else expect(pieces.every((p) => p.shard.count === 1)).toBe(true);
        for (const { point, shard } of pieces) {
          const { firstTrial, trialCount } = shardTrialRange(trials, shard);
          for (let t = firstTrial; t < firstTrial + trialCount; t++) held[point][t]++;
        }
      }
      expect(held.flat().every((n) => n === 1), `${points} points in ${shards} shards`).toBe(true);
    }
  });

  it('refuses more trial ranges than a point has trials', () => {
    expect(() => studyShardPieces(1, 2, { index: 1, count: 3 })).toThrow(/every range needs at least one trial; use at most 2 shards/);
  });
});

const TRIALS = 200;

function tinyStudy(fields: Record<string, unknown>, dir = freshDir()): Study {
  return parseStudy({ name: 'shards', scenario: 'smoke', trials: TRIALS, seed: 4, compare: { a: 'convert-now', b: 'stay' }, ...fields }, 'shards.yaml', dir);
}

const ONE_AT_A_TIME = { design: 'oneAtATime', inputs: [{ path: 'hosting.leaseUsdPerKwMonth', low: 100, high: 160 }] };
const SOBOL = { design: 'sobol', sobol: { rows: 2, resamples: 20 }, inputs: [{ path: 'hosting.leaseUsdPerKwMonth', low: 100, high: 160 }] };

/** Every file of a study folder but its store, relative names, sorted. */
function studyFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile() && !e.parentPath.includes('.hashpivot') && e.name !== 'study.duckdb')
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function expectSameStudy(actual: string, expected: string): Promise<void> {
  const files = studyFiles(expected);
  expect(files).toContain('study.html');
  expect(files.some((f) => f.startsWith('points/'))).toBe(true);
  expect(studyFiles(actual)).toEqual(files);
  for (const name of files) expect(readFileSync(join(actual, name)).equals(readFileSync(join(expected, name))), `${name} differs from the unsharded study's`).toBe(true);
  expect(await readStore(actual)).toEqual(await readStore(expected));
}

async function shardAll(study: Study, count: number): Promise<string[]> {
  const root = freshDir();
  const dirs: string[] = [];
  for (let index = 1; index <= count; index++) {
    const dir = join(root, `shard-${index}`);
    await runStudyShard(study, { index, count }, { dir, workers: 0 });
    dirs.push(dir);
  }
  return dirs;
}

describe('a sharded study merged', () => {
  it('by trial range (3 points in 7 shards): the files of the unsharded study, through hashpivot merge', async () => {
    const study = tinyStudy(ONE_AT_A_TIME);
    const whole = freshDir();
    await runStudy(study, { dir: whole, workers: 0 });
    const dirs = await shardAll(study, 7);
    expect(readdirSync(dirs[0])).toContain('point-000000.shard-1-of-3');
    const merged = join(freshDir(), 'merged');
    const result = cli(['merge', ...dirs, '--out', merged]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Merged 7 study shards');
    await expectSameStudy(merged, whole);
  });

  it('by point (6 Sobol points in 4 shards): the same files; a shard run again reuses its finished pieces', async () => {
    const study = tinyStudy(SOBOL);
    const whole = freshDir();
    await runStudy(study, { dir: whole, workers: 1 });
    const dirs = await shardAll(study, 4);
    const again = await runStudyShard(study, { index: 1, count: 4 }, { dir: dirs[0], workers: 0 });
    expect(again.reused).toBe(again.pieces.length);
    const merged = join(freshDir(), 'merged');
    await mergeStudyShards(dirs, { dir: () => merged });
    await expectSameStudy(merged, whole);
  });

  it('refuses shards of another study, a missing or repeated shard, a piece that is not what it is named, and --shard on a break-even search', async () => {
    const study = tinyStudy(ONE_AT_A_TIME);
    const dirs = await shardAll(study, 2);
    const other = await shardAll(tinyStudy({ ...ONE_AT_A_TIME, seed: 5 }), 2);
    const out = join(freshDir(), 'out');
    const merge = (args: string[]) => cli(['merge', ...args, '--out', out]);
    expect(merge([dirs[0], other[1]]).stderr).toMatch(/is not a shard of the same study as .* its fingerprint differs\)\. Nothing was merged/);
    expect(merge([dirs[0]]).stderr).toContain('study shard 2/2 is missing (1 of 2 given). Nothing was merged.');
    expect(merge([dirs[0], dirs[0]]).stderr).toMatch(/study shard 1\/2 is given twice/);
    // Another shard started into a shard's folder is refused before any trial, the folder left as it was.
    const manifest = readFileSync(join(dirs[0], 'study-shard.json'));
    await expect(runStudyShard(study, { index: 2, count: 2 }, { dir: dirs[0], workers: 0 })).rejects.toThrow(`${dirs[0]} holds study shard 1/2 of this study: pass --out with a folder of its own for shard 2/2`);
    await expect(runStudyShard(tinyStudy({ ...ONE_AT_A_TIME, seed: 5 }), { index: 1, count: 2 }, { dir: dirs[0], workers: 0 })).rejects.toThrow(/holds a shard of another study/);
    expect(readFileSync(join(dirs[0], 'study-shard.json')).equals(manifest)).toBe(true);
    expect(readdirSync(dirs[0]).filter((name) => name.startsWith('point-'))).toEqual(['point-000000.shard-1-of-1', 'point-000001.shard-1-of-1']);
    const interrupted = freshDir(); // shard 1's pieces, its study-shard.json not yet written
    cpSync(join(dirs[0], 'point-000000.shard-1-of-1'), join(interrupted, 'point-000000.shard-1-of-1'), { recursive: true });
    await expect(runStudyShard(study, { index: 2, count: 2 }, { dir: interrupted, workers: 0 })).rejects.toThrow(`${interrupted} holds point-000000.shard-1-of-1, a piece of another study shard`);
    // Shard 1 holds points 0 and 1: point 1's folder replaced by point 0's.
    rmSync(join(dirs[0], pieceFolderName({ point: 1, shard: { index: 1, count: 1 } })), { recursive: true });
    cpSync(join(dirs[0], pieceFolderName({ point: 0, shard: { index: 1, count: 1 } })), join(dirs[0], pieceFolderName({ point: 1, shard: { index: 1, count: 1 } })), { recursive: true });
    const swapped = merge(dirs);
    expect(swapped.status).toBe(1);
    expect(swapped.stderr).toMatch(/point-000001\.shard-1-of-1 is not the piece it is named for \(point 1, shard 1\/1\): its scenario is not that of point 1/);
    // Every piece is checked before the store is touched: point 0, merged first, is not left behind.
    expect(existsSync(out)).toBe(false);
    rmSync(join(other[1], pieceFolderName({ point: 2, shard: { index: 1, count: 1 } })), { recursive: true });
    const missing = merge(other);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/point-000002\.shard-1-of-1 has no shard\.json/);
    expect(existsSync(out)).toBe(false);

    const dir = freshDir();
    const file = join(dir, 'be.yaml');
    writeFileSync(file, 'name: be\nscenario: smoke\ntrials: 50\ndesign: breakEven\ninputs:\n  - { path: hosting.leaseUsdPerKwMonth, low: 60, high: 200 }\n');
    const breakEven = cli(['study', file, '--shard', '1/2', '--out', join(dir, 'out')]);
    expect(breakEven.status).toBe(1);
    expect(breakEven.stderr).toContain('a break-even search picks each point from the results of the points before it');
    for (const spec of ['0/3', '4/3', '1/0', 'a/b']) expect(cli(['study', file, '--shard', spec]).status, spec).toBe(2);
  });
});
