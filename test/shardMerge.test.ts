// Shards and merge: `run --shard I/N` computes a documented trial range, and `merge` of the N shard
// folders writes the files of a single run byte for byte; mismatched or incomplete sets are refused.
import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseShardSpec, shardTrialRange, ShardSpecError } from '../runners/shard.js';
import { runScenario } from '../runners/run.js';
import { runIdentity } from '../runners/runIdentity.js';
import { loadScenario } from '../scenarios/load.js';
import { AtomicWrite } from '../outputs/resultsFolder.js';
import { shardFolderWrite, writeShardFolder } from '../outputs/shardFolder.js';
import { TRIALS_BIN_FILE } from '../outputs/trialsBin.js';
import { cli, freshDir } from './cliHarness.js';

const OUTPUT_FILES = ['summary.json', 'trials.csv', 'trials.parquet', 'report.html', 'paths.csv', 'paths.parquet'];

/** Every file of a results folder, charts included, by relative path; not .hashpivot/ (its manifest names each write). */
function folderFiles(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && !entry.parentPath.includes('.hashpivot')) {
      const path = join(entry.parentPath, entry.name);
      files.set(path.slice(dir.length + 1), readFileSync(path));
    }
  }
  return files;
}

function expectSameFolders(actual: string, expected: string): void {
  const a = folderFiles(actual);
  const e = folderFiles(expected);
  expect([...a.keys()].sort()).toEqual([...e.keys()].sort());
  for (const [name, bytes] of e) expect(a.get(name)!.equals(bytes), `${name} differs`).toBe(true);
}

describe('shard specs', () => {
  it.each([
    ['0/3', /numbered from 1 to 3, got 0/],
    ['4/3', /numbered from 1 to 3, got 4/],
    ['1/0', /shard count N must be from 1/],
    ['a/b', /must be I\/N with whole numbers/],
    ['1/2/3', /must be I\/N/],
    ['-1/3', /must be I\/N/],
    ['', /must be I\/N/],
  ])('refuses %s naming the flag and what it accepts', (text, message) => {
    expect(() => parseShardSpec(text)).toThrow(ShardSpecError);
    expect(() => parseShardSpec(text)).toThrow(message);
  });

  it('cuts N trials into n consecutive ranges that cover every trial once, sizes differing by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 5000 }), (trials, wanted) => {
        const count = Math.min(wanted, trials);
        let next = 0;
        let smallest = Infinity;
        let largest = 0;
        // Checking every shard of thousands is slow: the first, last and a spread between.
        for (let index = 1; index <= count; index++) {
          const { firstTrial, trialCount } = shardTrialRange(trials, { index, count });
          expect(firstTrial).toBe(next);
          next = firstTrial + trialCount;
          smallest = Math.min(smallest, trialCount);
          largest = Math.max(largest, trialCount);
        }
        expect(next).toBe(trials);
        expect(largest - smallest).toBeLessThanOrEqual(1);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses more shards than trials', () => {
    expect(() => shardTrialRange(3, { index: 1, count: 4 })).toThrow(/at most 3 shards/);
  });

  it('a bad --shard exits 2 with the reason and writes nothing', () => {
    for (const [spec, message] of [['0/3', /shards are numbered from 1 to 3, got 0/], ['4/3', /got 4/], ['1/0', /shard count/], ['a/b', /I\/N/], ['2/20', /at most 10 shards/]] as const) {
      const out = join(freshDir(), 'shard');
      const r = cli(['run', 'smoke', '--trials', '10', '--shard', spec, '--out', out, '--workers', '0']);
      expect(r.status, spec).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
    const target = cli(['run', 'smoke', '--trials', '10', '--shard', '1/2', '--target-se', '1000', '--workers', '0']);
    expect(target.status).toBe(2);
    expect(target.stderr).toMatch(/--target-se cannot be split into shards/);
  });
});

describe('merge', () => {
  const dir = freshDir();
  const shard = (scenario: string, spec: string, name: string, extra: string[] = []) => {
    const out = join(dir, name);
    const r = cli(['run', scenario, '--trials', '700', '--seed', '11', '--shard', spec, '--out', out, '--quiet', ...extra]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return out;
  };
  const whole = join(dir, 'whole');
  const single = cli(['run', 'smoke', '--trials', '700', '--seed', '11', '--out', whole, '--quiet', '--workers', '2']);
  // Shards on different worker counts and slice sizes, as different machines would run them.
  const s1 = shard('smoke', '1/3', 's1', ['--workers', '0']);
  const s2 = shard('smoke', '2/3', 's2', ['--workers', '2', '--chunk-trials', '37']);
  const s3 = shard('smoke', '3/3', 's3', ['--workers', '1']);

  it('writes a shard folder holding the documented trial range', () => {
    expect(single.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(s2, 'shard.json'), 'utf8'));
    expect(manifest.shard).toEqual({ index: 2, count: 3 });
    // 700 = 3 x 233 + 1: shard 1 takes the extra trial.
    expect([manifest.firstTrial, manifest.trialCount]).toEqual([234, 233]);
    expect(readdirSync(s2).sort()).toEqual(['.hashpivot', 'bands.parquet', 'shard.json', 'trials.parquet']);
  });

  it('gives every file of a single run byte for byte, charts and report included, in any order', () => {
    const out = join(dir, 'merged');
    const r = cli(['merge', s3, s1, s2, '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const name of OUTPUT_FILES) expect(existsSync(join(out, name))).toBe(true);
    expectSameFolders(out, whole);
  });

  it('merges one shard of 1 into the single run too', () => {
    const only = shard('smoke', '1/1', 'only', ['--workers', '0']);
    const out = join(dir, 'merged-one');
    expect(cli(['merge', only, '--out', out, '--quiet']).status).toBe(0);
    expectSameFolders(out, whole);
  });

  it('merges a bootstrap scenario, whose model inputs travel in the shards', () => {
    const file = join(dir, 'bootstrap.yaml');
    writeFileSync(file, readFileSync(join(__dirname, '..', 'scenarios', 'presets', 'smoke.yaml'), 'utf8').replace('horizonMonths: 24', 'horizonMonths: 24\nmarket:\n  price:\n    model: bootstrap'));
    const reference = join(dir, 'bootstrap-whole');
    expect(cli(['run', file, '--trials', '700', '--seed', '11', '--out', reference, '--quiet', '--workers', '0']).status).toBe(0);
    const parts = ['1/2', '2/2'].map((spec, k) => shard(file, spec, `b${k}`, ['--workers', '0']));
    const out = join(dir, 'bootstrap-merged');
    expect(cli(['merge', ...parts, '--out', out, '--quiet']).status).toBe(0);
    expectSameFolders(out, reference);
  });

  describe('a shard whose rows are raw columns (trials.bin, as a hashpivot worker leaves it in the store)', () => {
    const binShard = async (name: string) => {
      const folder = join(dir, name);
      const run = await runScenario(loadScenario('smoke'), { trials: 700, seed: 11, shard: { index: 2, count: 3 }, workers: 0 });
      const batch = new AtomicWrite(folder, { command: 'test', ...shardFolderWrite('trials', TRIALS_BIN_FILE) });
      writeShardFolder(batch, run, runIdentity(run.scenario, run.inputs, 11, 700, 3, 'trials'), TRIALS_BIN_FILE);
      return folder;
    };

    it('merges with Parquet shards into every file of the single run, byte for byte', async () => {
      const s2bin = await binShard('s2bin');
      expect(readdirSync(s2bin).sort()).toEqual(['.hashpivot', 'bands.parquet', 'shard.json', 'trials.bin']);
      expect(JSON.parse(readFileSync(join(s2bin, 'shard.json'), 'utf8')).rowsFile).toBe('trials.bin');
      const out = join(dir, 'merged-bin');
      const r = cli(['merge', s1, s2bin, s3, '--out', out, '--quiet']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expectSameFolders(out, whole);
    });

    it.each([
      ['cut short', (bytes: Buffer) => bytes.subarray(0, bytes.length - 8), /trials\.bin is \d+ bytes; 233 trials of \d+ columns take \d+: truncated or damaged/],
      ['of another trial range', (bytes: Buffer) => (bytes.writeUInt32LE(0, 8), bytes), /trials\.bin holds trials 0\.\.232; the shard holds 234\.\.466/],
      ['not one at all', () => Buffer.from('not a trials.bin'), /trials\.bin is not a trials\.bin \(no HPTR header\)/],
    ])('is refused when %s, naming the file', async (what, damage, message) => {
      const folder = await binShard(`s2bin-${what.replace(/ /g, '-')}`);
      const path = join(folder, 'trials.bin');
      writeFileSync(path, damage(readFileSync(path)));
      const out = join(freshDir(), 'merged');
      const r = cli(['merge', s1, folder, s3, '--out', out]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  });

  describe('refuses shards that do not belong together, naming the reason, and writes nothing', () => {
    const refused = (dirs: string[], message: RegExp) => {
      const out = join(freshDir(), 'merged');
      const r = cli(['merge', ...dirs, '--out', out]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    };

    it('a missing shard', () => refused([s1, s3], /shard 2\/3 is missing \(2 of 3 given\)/));
    it('a shard given twice', () => refused([s1, s2, s2, s3], /shard 2\/3 is given twice/));
    it('a shard of another seed', () => {
      const other = join(dir, 'seed12');
      expect(cli(['run', 'smoke', '--trials', '700', '--seed', '12', '--shard', '2/3', '--out', other, '--quiet', '--workers', '0']).status).toBe(0);
      refused([s1, other, s3], /not part of the same run .*: its seed is 12, not 11/);
      const swapped = join(dir, 'swapped');
      cpSync(s2, swapped, { recursive: true });
      copyFileSync(join(other, 'trials.parquet'), join(swapped, 'trials.parquet')); // the same trial indices
      refused([s1, swapped, s3], /swapped\/trials\.parquet belongs to another shard or run: its hashpivot\.seed is "12", shard\.json's is "11"/);
    });
    it('a shard of another scenario', () => {
      const other = shard('base', '2/3', 'base2', ['--workers', '0']);
      refused([s1, other, s3], /its scenario \(hash of the resolved scenario and its inputs\) is sha256:/);
    });
    it('a shard of another trial count or shard count', () => {
      const other = join(dir, 'n800');
      expect(cli(['run', 'smoke', '--trials', '800', '--seed', '11', '--shard', '2/3', '--out', other, '--quiet', '--workers', '0']).status).toBe(0);
      refused([s1, other, s3], /its trial count is 800, not 700/);
    });
    it('a shard of another engine version', () => {
      const old = join(dir, 'old');
      shard('smoke', '2/3', 'old', ['--workers', '0']);
      const manifest = JSON.parse(readFileSync(join(old, 'shard.json'), 'utf8'));
      manifest.run.engineVersion = '0.0.1';
      writeFileSync(join(old, 'shard.json'), JSON.stringify(manifest));
      refused([s1, old, s3], /computed by hashpivot 0\.0\.1; this is hashpivot \d+\.\d+\.\d+/);
    });
    it('a folder that is not a shard', () => refused([s1, s2, join(dir, 'whole')], /has no shard\.json/));
    it('a shard whose trials were damaged', () => {
      const damaged = shard('smoke', '3/3', 'damaged', ['--workers', '0']);
      writeFileSync(join(damaged, 'trials.parquet'), 'not parquet');
      refused([s1, s2, damaged], /trials\.parquet cannot be read/);
    });
    it('--out naming one of the shards (exit 2): its own files stay as they were', () => {
      const before = readFileSync(join(s2, 'trials.parquet'));
      for (const out of [s2, `${s2}/../s2/.`]) {
        const r = cli(['merge', s1, s2, s3, '--out', out]);
        expect(r.status).toBe(2);
        expect(r.stderr).toContain(`--out ${out} is the folder of ${s2}, one of the folders being merged: the merged files would replace its own; pass --out with another folder`);
      }
      expect(readFileSync(join(s2, 'trials.parquet')).equals(before)).toBe(true);
      expect(existsSync(join(s2, 'summary.json'))).toBe(false);
    });
    it('no folders at all (exit 2)', () => {
      const r = cli(['merge', '--out', join(freshDir(), 'x')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/merge takes the shard folders/);
    });
  });
});
