// Writing a results folder all or nothing: every file goes to a temporary name beside its final
// one and is renamed into place only when all are complete, so an interrupted or failed run
// leaves no half-written output (and an earlier run's files stay intact until replaced).
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export class OutputFolderError extends Error {}

export interface OutputFile {
  name: string;
  /** Writes the file's content by calling `write` with successive pieces. */
  write(write: (chunk: string | Uint8Array) => void): void;
}

/** Checks, before any trial runs, that the folder exists or can be made and is writable. */
export function ensureWritableFolder(dir: string): void {
  const probe = join(dir, `.hashpivot-probe-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    closeSync(openSync(probe, 'w'));
    rmSync(probe);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OutputFolderError(`cannot write results to ${dir}: ${reason}. Pass --out with a folder you can write to.`);
  }
}

export function writeFilesAtomically(dir: string, files: readonly OutputFile[]): void {
  mkdirSync(dir, { recursive: true });
  const temporary = files.map((f) => join(dir, dirname(f.name), `.${basename(f.name)}.tmp-${process.pid}`));
  try {
    files.forEach((file, i) => {
      mkdirSync(dirname(temporary[i]), { recursive: true });
      const fd = openSync(temporary[i], 'w');
      try {
        file.write((chunk) => {
          if (typeof chunk === 'string') writeSync(fd, chunk);
          else writeSync(fd, chunk);
        });
      } finally {
        closeSync(fd);
      }
    });
    files.forEach((file, i) => renameSync(temporary[i], join(dir, file.name)));
  } catch (error) {
    for (const path of temporary) rmSync(path, { force: true });
    throw error;
  }
}
