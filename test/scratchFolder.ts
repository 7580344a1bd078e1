// Every temporary folder the suite makes (os.tmpdir() in the tests, in the CLI they spawn, in
// the Redis servers and browsers those start) goes under one folder of this run, removed at the
// end: the tests' own folders are not removed one by one, and a day of runs left tens of GB.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const folder = mkdtempSync(join(tmpdir(), 'hashpivot-suite-'));
  // Set before the test workers start, which inherit it, as do the processes they spawn.
  process.env.TMPDIR = folder;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(folder, { recursive: true, force: true });
  };
}
