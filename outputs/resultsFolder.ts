// Writing a results folder all or nothing: every file goes to a temporary name beside its final
// one and is renamed into place only when all are complete, so an interrupted or failed run
// leaves no half-written output (and an earlier run's files stay intact until replaced).
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

export class OutputFolderError extends Error {}

export interface OutputFile {
  name: string;
  /** Writes the file's content by calling `write` with successive pieces. */
  write(write: (chunk: string | Uint8Array) => void): void;
}

/**
 * Checks, before any trial runs, that the folder can be written: inside it if it exists,
 * otherwise in its nearest existing ancestor (where it would be created). Creates nothing that
 * stays: a run that fails later leaves no trace.
 */
export function ensureWritableFolder(dir: string): void {
  let existing = resolve(dir);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    if (!statSync(existing).isDirectory()) throw new Error(`${existing} is a file, not a folder`);
    const probe = mkdtempSync(join(existing, '.hashpivot-probe-'));
    rmSync(probe, { recursive: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OutputFolderError(`cannot write results to ${dir}: ${reason}. Pass --out with a folder you can write to.`);
  }
}

const temporaryName = (name: string, pid: number) => join(dirname(name), `.${basename(name)}.tmp-${pid}`);
const TEMPORARY = /^\.(.+)\.tmp-(\d+)$/;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files an interrupted earlier run left beside these outputs (a signal
 * during the writes ends the process before it can clean up); another live process's are kept.
 */
function removeStaleTemporaries(dir: string, fileNames: readonly string[]): void {
  const names = new Set(fileNames);
  for (const folder of new Set(fileNames.map((name) => join(dir, dirname(name))))) {
    let entries: string[];
    try {
      entries = readdirSync(folder);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const match = TEMPORARY.exec(entry);
      if (!match || isRunning(Number(match[2]))) continue;
      const name = relative(dir, join(folder, match[1]));
      if (names.has(name)) rmSync(join(folder, entry), { force: true });
    }
  }
}

/**
 * An all-or-nothing write of a results folder, file by file: each file goes to a temporary name
 * as soon as it is ready (so a caller can write some while others are still being made), and
 * commit() renames them all into place. abort() removes what was written.
 */
export class AtomicWrite {
  private readonly written: { temporary: string; final: string }[] = [];

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  write(files: readonly OutputFile[]): void {
    for (const file of files) {
      const fd = openSync(this.reserve(file.name), 'w');
      try {
        file.write((chunk) => {
          if (typeof chunk === 'string') writeSync(fd, chunk);
          else writeSync(fd, chunk);
        });
      } finally {
        closeSync(fd);
      }
    }
  }

  /**
   * The temporary path of a file that something else (a writer thread) writes; commit() renames
   * it into place with the others and abort() removes it.
   */
  reserve(name: string): string {
    removeStaleTemporaries(this.dir, [name]);
    const temporary = join(this.dir, temporaryName(name, process.pid));
    mkdirSync(dirname(temporary), { recursive: true });
    this.written.push({ temporary, final: join(this.dir, name) });
    return temporary;
  }

  /**
   * Renames every file into place. `ownedFolders` are subfolders the writer owns entirely
   * (charts/): files there that this write did not produce are then removed, so a folder never
   * mixes charts of two runs.
   */
  commit(ownedFolders: readonly string[] = []): void {
    try {
      for (const { temporary, final } of this.written) renameSync(temporary, final);
    } catch (error) {
      this.abort();
      throw error;
    }
    const finals = new Set(this.written.map((w) => w.final));
    for (const folder of ownedFolders) {
      const path = join(this.dir, folder);
      if (!existsSync(path)) continue;
      for (const entry of readdirSync(path)) {
        if (!finals.has(join(path, entry))) rmSync(join(path, entry), { force: true });
      }
    }
  }

  abort(): void {
    for (const { temporary } of this.written) rmSync(temporary, { force: true });
  }
}

/** Writes `files` into `dir`, all or nothing (see AtomicWrite). */
export function writeFilesAtomically(dir: string, files: readonly OutputFile[], ownedFolders: readonly string[] = []): void {
  const batch = new AtomicWrite(dir);
  try {
    batch.write(files);
  } catch (error) {
    batch.abort();
    throw error;
  }
  batch.commit(ownedFolders);
}
