// Unbounded reads (issue #10, cause 5): every file a user names is read through one bounded reader
// (scenarios/boundedFile.ts): regular files only, within a size limit the message names. A scenario,
// summary.json, trials.csv or --price file that is a link to /dev/zero, or a FIFO, is refused at
// once instead of growing memory without bound or waiting forever.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoundedFileError, readBoundedText } from '../scenarios/boundedFile.js';
import { CLI, freshDir, ROOT } from './cliHarness.js';

/** The CLI with a deadline: a read that does not stop fails the test instead of hanging it. */
function cliWithin(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, CI: 'true' } });
  expect(r.signal, 'the command did not finish').toBeNull();
  return r;
}

const oneLine = (stderr: string) => expect(stderr.trim().split('\n')).toHaveLength(1);

describe('the bounded reader', () => {
  const dir = freshDir();
  const fifo = join(dir, 'fifo.yaml');
  execFileSync('mkfifo', [fifo]);
  symlinkSync('/dev/zero', join(dir, 'zero.yaml'));

  it('refuses devices, FIFOs, folders and files over the limit, naming the limit; reads a regular file (through a link too)', () => {
    const problem = (path: string, maxBytes = 1000) => {
      try {
        readBoundedText(path, { maxBytes, what: 'a test file' });
      } catch (error) {
        return (error as BoundedFileError).problem;
      }
      return 'read';
    };
    expect(problem(join(dir, 'zero.yaml'))).toMatch(/is a device, not a regular file/);
    expect(problem(fifo)).toMatch(/is a pipe \(FIFO\)/);
    expect(problem(dir)).toMatch(/is a folder/);
    const big = join(dir, 'big.yaml');
    writeFileSync(big, 'x'.repeat(2048));
    expect(problem(big)).toBe('is 2 KiB, over the 1000 B limit for a test file');
    symlinkSync(big, join(dir, 'link.yaml'));
    expect(problem(join(dir, 'link.yaml'), 4096)).toBe('read');
    expect(problem(join(dir, 'missing.yaml'))).toBe('no such file');
  });

  it('a scenario that is /dev/zero, a FIFO or 2 MiB is one line and exit 1, at once', () => {
    for (const file of ['zero.yaml', 'fifo.yaml']) {
      const r = cliWithin(['validate', join(dir, file)]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/not a regular file/);
    }
    const large = join(dir, 'large.yaml');
    writeFileSync(large, '');
    truncateSync(large, 2 << 20);
    const r = cliWithin(['validate', large]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is 2 MiB, over the 1 MiB limit for a scenario file/);
  });

  it('summary.json or trials.csv linked to /dev/zero, and a --price file linked to it, are refused', () => {
    const results = join(dir, 'results');
    const run = cliWithin(['run', 'smoke', '--trials', '100', '--workers', '0', '--quiet', '--out', results]);
    expect(run.status).toBe(0);
    const summaryZero = join(dir, 'summary-zero');
    cpSync(results, summaryZero, { recursive: true });
    rmSync(join(summaryZero, 'summary.json'));
    symlinkSync('/dev/zero', join(summaryZero, 'summary.json'));
    let r = cliWithin(['report', summaryZero, '--out', join(dir, 'x')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/summary\.json: is a device, not a regular file/);
    oneLine(r.stderr);

    const trialsZero = join(dir, 'trials-zero');
    cpSync(results, trialsZero, { recursive: true });
    rmSync(join(trialsZero, 'trials.parquet'));
    rmSync(join(trialsZero, 'trials.csv'));
    symlinkSync('/dev/zero', join(trialsZero, 'trials.csv'));
    r = cliWithin(['report', trialsZero, '--out', join(dir, 'y')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/trials\.csv: is a device/);
    oneLine(r.stderr);

    mkdirSync(join(dir, 'in'));
    symlinkSync('/dev/zero', join(dir, 'in', 'price.csv'));
    r = cliWithin(['calibrate', '--price', join(dir, 'in', 'price.csv')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--price .*price\.csv: is a device, not a regular file/);
  });
});
