// The output-folder protocol (outputs/resultsFolder.ts): hashpivot never follows a link out of the
// folder and deletes only what it wrote (issue #10, cause 1); a commit is all or nothing whatever
// step a kill interrupts, and two writers never mix (cause 4).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicWrite, OutputFolderError, readManifest, settleFolder, writeFilesAtomically, type OutputFile } from '../outputs/resultsFolder.js';
import { cli, freshDir, ROOT } from './cliHarness.js';

const text = (name: string, content: string): OutputFile => ({ name, write: (write) => write(content) });
/** A generation of files: every file holds the generation's tag, so a mix shows. */
const generation = (tag: string, extra: string[] = []) => ['summary.json', 'trials.csv', 'charts/a.svg', ...extra].map((name) => text(name, `${tag}:${name}`));

function contents(dir: string, names: string[]): Record<string, string | null> {
  return Object.fromEntries(names.map((n) => [n, existsSync(join(dir, n)) ? readFileSync(join(dir, n), 'utf8') : null]));
}

describe('ownership: hashpivot deletes only what it wrote and never writes through a link', () => {
  it('charts/ as a link to another folder: refused before any work, and that folder keeps its files', () => {
    const dir = freshDir();
    const photos = join(dir, 'photos');
    mkdirSync(photos);
    writeFileSync(join(photos, 'holiday.png'), 'a photo');
    writeFileSync(join(photos, 'npv-distribution.svg'), 'not a chart');
    const out = join(dir, 'results');
    mkdirSync(out);
    symlinkSync(photos, join(out, 'charts'));
    const run = cli(['run', 'smoke', '--trials', '50', '--workers', '0', '--quiet', '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/charts is a symbolic link/);
    expect(readdirSync(photos).sort()).toEqual(['holiday.png', 'npv-distribution.svg']);
    expect(readFileSync(join(photos, 'npv-distribution.svg'), 'utf8')).toBe('not a chart');
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  });

  it('files and folders it did not write stay, even in charts/; files it wrote and no longer writes go', () => {
    const out = join(freshDir(), 'r');
    writeFilesAtomically(out, generation('A', ['charts/onlyA.svg']), { command: 'test', replaces: ['charts/'] });
    writeFileSync(join(out, 'charts', 'mine.svg'), 'a user file');
    mkdirSync(join(out, 'charts', 'sub'));
    writeFileSync(join(out, 'charts', 'sub', 'x.png'), 'user');
    writeFilesAtomically(out, generation('B'), { command: 'test', replaces: ['charts/'] });
    expect(readdirSync(join(out, 'charts')).sort()).toEqual(['a.svg', 'mine.svg', 'sub']);
    expect(readFileSync(join(out, 'charts', 'sub', 'x.png'), 'utf8')).toBe('user');
    expect(Object.keys(readManifest(out)!.files).sort()).toEqual(['charts/a.svg', 'summary.json', 'trials.csv']);
  });

  it("a report rebuilt beside another command's files leaves that command's charts (compare.html names them)", () => {
    const out = join(freshDir(), 'r');
    writeFilesAtomically(out, generation('A', ['charts/npv-old.svg']), { command: 'run', replaces: ['charts/'] });
    writeFilesAtomically(out, [text('compare.html', 'C'), text('charts/compare-npv.svg', 'C')], { command: 'compare' });
    writeFilesAtomically(out, [text('charts/a.svg', 'R')], { command: 'report', replaces: ['charts/'], replacesWritesOf: ['run', 'report'] });
    expect(readdirSync(join(out, 'charts')).sort()).toEqual(['a.svg', 'compare-npv.svg']);
  });

  it('a folder or link where a file goes, or a dangling --out link, is refused before the work, naming it', () => {
    const dir = freshDir();
    const out = join(dir, 'r');
    mkdirSync(join(out, 'summary.json'), { recursive: true });
    expect(() => new AtomicWrite(out, { command: 'test', names: ['summary.json'] })).toThrow(/summary\.json is a folder/);
    const elsewhere = join(dir, 'secret.txt');
    writeFileSync(elsewhere, 'keep');
    const out2 = join(dir, 'r2');
    mkdirSync(out2);
    symlinkSync(elsewhere, join(out2, 'trials.csv'));
    expect(() => writeFilesAtomically(out2, generation('A'), { command: 'test' })).toThrow(/trials\.csv is a symbolic link/);
    expect(readFileSync(elsewhere, 'utf8')).toBe('keep');
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    expect(() => new AtomicWrite(join(dir, 'dangling'), { command: 'test' })).toThrow(/does not exist/);
    expect(() => new AtomicWrite('', { command: 'test' })).toThrow(/empty/);
  });

  it('the root of the file system, named or through a link, is refused before anything is written there', () => {
    const dir = freshDir();
    symlinkSync('/', join(dir, 'root'));
    for (const out of ['/', join(dir, 'root'), `${dir}/../../..`]) {
      let write: AtomicWrite | undefined;
      try {
        expect(() => (write = new AtomicWrite(out, { command: 'test' }))).toThrow(/is the root of the file system: hashpivot does not scatter its files there; pass --out with a folder of their own, e.g\. --out results/);
      } finally {
        write?.abort(); // without the check: no trace of the attempt left in /
      }
    }
  });

  it('a failed first write leaves no trace: not even the folder it created', () => {
    const out = join(freshDir(), 'new', 'results');
    const write = new AtomicWrite(out, { command: 'test' });
    write.write([text('summary.json', 'x')]);
    write.abort();
    expect(existsSync(join(out, '..'))).toBe(false);
  });
});

describe('all or nothing: a kill at every step of the commit leaves one complete run', () => {
  const names = ['summary.json', 'trials.csv', 'charts/a.svg', 'charts/onlyA.svg'];
  const childScript = (out: string, killAt: number) => `
    import { writeFilesAtomically } from ${JSON.stringify(join(ROOT, 'dist', 'outputs', 'resultsFolder.js'))};
    const files = ['summary.json', 'trials.csv', 'charts/a.svg'].map((name) => ({ name, write: (w) => w('B:' + name) }));
    writeFilesAtomically(${JSON.stringify(out)}, files, { command: 'test', replaces: ['charts/'],
      onCommitStep: (step) => { if (step === ${killAt}) process.kill(process.pid, 'SIGKILL'); } });
  `;

  it('before the journal the old run stays; after it the next command completes the new one', async () => {
    const seen = new Set<string>();
    for (let killAt = 0; ; killAt++) {
      const out = join(freshDir(), 'r');
      writeFilesAtomically(out, generation('A', ['charts/onlyA.svg']), { command: 'test', replaces: ['charts/'] });
      writeFileSync(join(out, 'notes.txt'), 'the user kept notes here');
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', childScript(out, killAt)], { encoding: 'utf8' });
      const killed = child.signal === 'SIGKILL';
      await settleFolder(out); // what every reader and writer does first
      const state = contents(out, names);
      const tags = new Set(Object.values(state).filter((v) => v !== null).map((v) => v!.split(':')[0]));
      expect(tags.size, `kill at step ${killAt}: ${JSON.stringify(state)}`).toBe(1);
      const tag = [...tags][0];
      seen.add(tag);
      // Exactly the files of that run, all listed in the manifest with their checksums.
      const manifest = readManifest(out)!;
      const expected = tag === 'A' ? names : names.filter((n) => n !== 'charts/onlyA.svg');
      expect(Object.keys(manifest.files).sort()).toEqual([...expected].sort());
      for (const n of names) expect(state[n] !== null).toBe(expected.includes(n));
      expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('the user kept notes here');
      // A killed writer's lock and staging are cleared by the next writer (the lock is stale).
      new AtomicWrite(out, { command: 'next' }).abort();
      expect(readdirSync(join(out, '.hashpivot'))).toEqual(['manifest.json']);
      if (!killed) {
        expect(child.status, child.stderr).toBe(0);
        expect(tag).toBe('B');
        expect(killAt).toBeGreaterThan(5); // every step was interrupted once
        break;
      }
    }
    expect(seen).toEqual(new Set(['A', 'B']));
  });
});

describe('one writer at a time', () => {
  it('a second writer is refused while the first holds the folder, naming it; a dead writer\'s lock is taken over', () => {
    const out = join(freshDir(), 'r');
    const first = new AtomicWrite(out, { command: 'run' });
    expect(() => new AtomicWrite(out, { command: 'report' })).toThrow(OutputFolderError);
    expect(() => new AtomicWrite(out, { command: 'report' })).toThrow(new RegExp(`being written by another hashpivot run \\(process ${process.pid}`));
    first.write([text('summary.json', 'first')]);
    first.commit();
    // A lock left by a process that no longer exists (killed) is stale.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(out, '.hashpivot', 'lock'), JSON.stringify({ pid: Number(dead.stdout), host: hostname(), command: 'run', since: 'then' }));
    writeFilesAtomically(out, [text('summary.json', 'second')], { command: 'test' });
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe('second');
  });

  it('`hashpivot run` into a folder another run is writing exits 1 before any trial, with one line', () => {
    const out = join(freshDir(), 'r');
    const holder = new AtomicWrite(out, { command: 'run' });
    const run = cli(['run', 'smoke', '--trials', '50', '--workers', '0', '--quiet', '--out', out]);
    holder.abort();
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^hashpivot: .* is being written by another hashpivot run .*\n$/);
  });
});
