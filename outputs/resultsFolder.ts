// The output-folder protocol: how every hashpivot command writes result files into a folder the
// user names (run, report, compare, backtest; study, merge, the PDF and calibrate's report write
// through it too). What it promises, in the README's words:
//
// - All or nothing, one run at a time. A reader (a person, `report`, `compare`, `merge`) finds the
//   previous complete set of files or the new one, never a mix and never half a file.
// - hashpivot owns only what it wrote. It deletes nothing it did not write (its manifest lists what
//   it wrote), never follows a symbolic link inside the folder, and never writes through one.
// - Problems it can see before the work starts (a folder it cannot write, another run writing
//   there, a folder or link where a file goes) are reported before the work starts.
//
// Layout: everything of the protocol lives in DIR/.hashpivot/ (a real folder, never a link):
//   lock              {pid, host, command, since}: one writer at a time; a lock whose process is gone
//                     (same host) is stale and taken over
//   staging-<id>/     the files of a write in progress, under their final relative names
//   commit.json       the journal of a commit: present only while files are being moved into place
//   manifest.json     the completion marker: every file hashpivot wrote here, with its size, SHA-256
//                     and the write that made it; written last
//
// A write: open (checks, lock) -> write/reserve files into staging -> commit. The commit writes the
// journal (from then on it rolls forward), removes the manifest, renames each file into place,
// removes the earlier files this write replaces (only files the manifest lists), writes the new
// manifest, and removes the journal, the staging folder and the lock. A process killed at any
// step leaves either the old complete set (before the journal) or a journal that the next hashpivot
// command opening the folder (to read or to write) completes. Readers (resultsReader.ts) trust a
// folder only with a manifest and no journal, or, without a manifest (a copied folder), by content.
// Out of scope: power loss (files are not fsync'ed) and another user racing renames inside the
// folder (a folder you share with an attacker is not yours).
//
// API:
//   const write = new AtomicWrite(dir, { command: 'run', names, folders: ['charts'] });   // before the work
//   write.write([{ name: 'summary.json', write: (w) => w(text) }]);   // as files become ready
//   const path = write.reserve('trials.csv');                         // a file another thread writes
//   write.commit({ replaces: ['charts/'] });                          // all or nothing, then unlocked
//   write.abort();                                                    // on failure: nothing stays
//   writeFilesAtomically(dir, files, options)                         // the three in one
// Every failure is an OutputFolderError whose message is one line naming the path and the fix.
import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { BoundedFileError, openBoundedFile, readAt, readBoundedText } from '../scenarios/boundedFile.js';

export class OutputFolderError extends Error {}
/** The folder's lock is held by another live hashpivot process. */
export class FolderBusyError extends OutputFolderError {}

export interface OutputFile {
  /** Relative name with '/' between folders, e.g. 'summary.json', 'charts/npv.svg'. */
  name: string;
  /** Writes the file's content by calling `write` with successive pieces. */
  write(write: (chunk: string | Uint8Array) => void): void;
}

export interface AtomicWriteOptions {
  /** The command writing (recorded in the lock and the manifest). */
  command: string;
  /** Names this write will (or may) produce: each must not already be a folder or a link. */
  names?: readonly string[];
  /** Subfolders this write puts files in (charts): each must be a real folder it can write, if it exists. */
  folders?: readonly string[];
  /**
   * Files that mark another kind of results (a study's study.json beside a run's files): the folder
   * is refused when it holds one, since this write's commit replaces charts/ and would take theirs.
   */
  notBeside?: readonly string[];
  /** Test hook: called at each step of the commit with its number and name (the kill-at-every-step test). */
  onCommitStep?: (step: number, name: string) => void;
}

export interface CommitOptions {
  /**
   * Name prefixes ('charts/') whose earlier files, as the manifest lists them, this write
   * supersedes: those it did not rewrite are removed. Files the manifest does not list are never
   * touched.
   */
  replaces?: readonly string[];
  /**
   * The commands whose files `replaces` covers (default: this write's own command). Another
   * command's files stay: a report rebuilt beside a comparison keeps the charts compare.html names.
   */
  replacesWritesOf?: readonly string[];
}

export const PROTOCOL_FOLDER = '.hashpivot';
export const MANIFEST_FORMAT = 'hashpivot-results/1';

export interface ManifestEntry {
  bytes: number;
  sha256: string;
  /** The id of the write that made the file. */
  write: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  files: Record<string, ManifestEntry>;
  /** The writes that made the files listed: command and when it committed. */
  writes: Record<string, { command: string; committedAt: string }>;
}

interface Journal {
  write: string;
  /** The staging folder's name inside .hashpivot/ (relative: a later command may run elsewhere). */
  staging: string;
  renames: string[];
  removes: string[];
  manifest: Manifest;
}

interface LockInfo {
  pid: number;
  host: string;
  command: string;
  since: string;
}

const LOCK_LIMIT = { maxBytes: 64 << 10, what: 'a lock file' };
const JOURNAL_LIMIT = { maxBytes: 64 << 20, what: 'a commit journal' };
const MANIFEST_LIMIT = { maxBytes: 64 << 20, what: 'a results manifest' };

const protocolPath = (dir: string, name: string) => join(dir, PROTOCOL_FOLDER, name);
const nativeName = (name: string) => name.split('/').join(sep);

/** One line for an fs error: what failed, the errno code in words, and the fix. */
export function folderErrorMessage(action: string, path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOSPC' ? 'no space left on the device (ENOSPC): free some space or write to another folder'
      : code === 'EDQUOT' ? 'the disk quota is used up (EDQUOT): free some space or write to another folder'
        : code === 'EACCES' || code === 'EPERM' ? `permission denied (${code}): pass --out with a folder you can write to`
          : code === 'EROFS' ? 'the file system is read-only (EROFS): pass --out with a folder you can write to'
            : code === 'ENOTDIR' ? 'a part of the path is a file, not a folder (ENOTDIR): pass --out with a folder'
              : code === 'EEXIST' ? 'something else is already there (EEXIST)'
                : `${code ?? (error instanceof Error ? error.message : String(error))}`;
  return `cannot ${action} ${path}: ${reason}`;
}

/** lstat, or null when nothing is there; other errors (EACCES, ENOTDIR) are thrown as they are. */
function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The folder's real path, links resolved; its absolute path when it does not exist (yet). */
function realFolder(dir: string): string {
  const path = resolve(dir);
  try {
    return realpathSync(path);
  } catch {
    return path; // not there yet, or a dangling link (refused when written, naming it)
  }
}

/** Whether two names (relative, with `..`, through links) are the same folder. */
export function sameFolder(a: string, b: string): boolean {
  return realFolder(a) === realFolder(b);
}

function isFileSystemRoot(dir: string): boolean {
  const path = realFolder(dir);
  return dirname(path) === path;
}

function kindOf(stat: Stats): string {
  return stat.isSymbolicLink() ? 'a symbolic link' : stat.isDirectory() ? 'a folder' : stat.isFile() ? 'a file' : 'a device, pipe or socket';
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Writes a file whole: to a hidden temporary name beside it, then renamed over the old one, so no
 * reader ever sees half of it (the temporary is removed if the write fails).
 */
export function writeFileWhole(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  try {
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function readJson<T>(path: string, limit: { maxBytes: number; what: string }): T | null {
  let text: string;
  try {
    text = readBoundedText(path, limit);
  } catch (error) {
    if (error instanceof BoundedFileError && error.code === 'ENOENT') return null;
    throw new OutputFolderError(error instanceof Error ? error.message : String(error));
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new OutputFolderError(`${path} is damaged (not JSON); remove the folder ${dirname(path)} if no hashpivot command is writing here`);
  }
}

/** The manifest of a results folder, or null when it has none (never written by this protocol, or copied without it). */
export function readManifest(dir: string): Manifest | null {
  const manifest = readJson<Manifest>(protocolPath(dir, 'manifest.json'), MANIFEST_LIMIT);
  if (manifest === null) return null;
  if (manifest.format !== MANIFEST_FORMAT || typeof manifest.files !== 'object' || manifest.files === null) {
    throw new OutputFolderError(`${protocolPath(dir, 'manifest.json')} is not a hashpivot manifest (format ${JSON.stringify(manifest.format)})`);
  }
  return manifest;
}

/** Whether a commit was interrupted (or is running) in this folder: its journal is there. */
export function hasJournal(dir: string): boolean {
  try {
    return lstatOrNull(protocolPath(dir, 'commit.json')) !== null;
  } catch (error) {
    throw new OutputFolderError(folderErrorMessage('read', dir, error));
  }
}

/** SHA-256 and size of a file, read in pieces. */
function digestOfFile(path: string): { bytes: number; sha256: string } {
  const { fd, bytes } = openBoundedFile(path, { maxBytes: Number.MAX_SAFE_INTEGER, what: 'an output file' });
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.alloc(Math.min(bytes, 4 << 20) || 1);
    for (let position = 0; position < bytes; ) {
      const n = readAt(fd, buffer, position, Math.min(buffer.length, bytes - position));
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      position += n;
    }
    return { bytes, sha256: hash.digest('hex') };
  } finally {
    closeSync(fd);
  }
}

/** Moves a journal's files into place, removes what it replaces, writes its manifest: safe to repeat. */
function rollForward(dir: string, journal: Journal, onStep: (name: string) => void): void {
  const staging = protocolPath(dir, journal.staging);
  for (const name of journal.renames) {
    const staged = join(staging, nativeName(name));
    if (lstatOrNull(staged) !== null) renameSync(staged, join(dir, nativeName(name)));
    onStep(`renamed ${name}`);
  }
  for (const name of journal.removes) {
    const stat = lstatOrNull(join(dir, nativeName(name)));
    // Only a regular file the manifest says we wrote; a link or folder put there since is the user's.
    if (stat?.isFile()) unlinkSync(join(dir, nativeName(name)));
  }
  onStep('removed replaced files');
  writeFileWhole(protocolPath(dir, 'manifest.json'), `${JSON.stringify(journal.manifest, null, 2)}\n`);
  onStep('manifest written');
  unlinkSync(protocolPath(dir, 'commit.json'));
  onStep('journal removed');
  rmSync(staging, { recursive: true, force: true });
}

/**
 * Takes the lock file `path` for this process, or throws `busy(holder)` when a live process holds
 * it. The file is written whole under a private name and then hard-linked to `path`, which fails
 * when `path` exists: a process that finds the lock never reads it half-written (with a plain
 * exclusive create it could read an empty file between the create and the write). A lock whose
 * process is gone (same host) is stale and taken over; on another host it cannot be checked, and
 * `busy` names the file to remove.
 */
function takeLockFile(path: string, command: string, busy: (holder: LockInfo, path: string) => Error): void {
  const mine: LockInfo = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  const text = `${JSON.stringify(mine)}\n`;
  // Written in place under a name of its own (no temporary file: recover() clears those, and may
  // run in another process while this one takes a study's lock).
  const draft = `${path}.new-${process.pid}-${randomUUID().slice(0, 8)}`;
  const fd = openSync(draft, 'wx');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (linkOrCreate(draft, path, text)) return;
      const holder = readJson<LockInfo>(path, LOCK_LIMIT);
      if (holder === null) continue; // released meanwhile
      if (holder.host !== hostname() || isRunning(holder.pid)) throw busy(holder, path);
      breakStaleLock(path, holder);
    }
  } finally {
    rmSync(draft, { force: true });
  }
  throw new OutputFolderError(`could not take the lock ${path}; try again`);
}

/** Puts the lock in place from its draft; false if `path` exists. A file system without hard links gets an exclusive create. */
function linkOrCreate(draft: string, path: string, text: string): boolean {
  try {
    linkSync(draft, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
  }
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Moves a dead process's lock aside. Two processes may find the same stale lock at once: the one
 * whose rename moved a live lock instead (the other's fresh one) puts it back.
 */
function breakStaleLock(path: string, stale: LockInfo): void {
  const aside = `${path}.stale-${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = readJson<LockInfo>(aside, LOCK_LIMIT);
  if (moved !== null && (moved.pid !== stale.pid || moved.since !== stale.since)) {
    try {
      linkSync(aside, path);
    } catch {
      // a third process holds the lock now; the moved one's owner will find its lock gone and fail its commit
    }
  }
  rmSync(aside, { force: true });
}

/**
 * A lock of its own for a task that spans several writes into a results folder (a study: its
 * points' trial files, the store, the report), `DIR/.hashpivot/NAME`: a second such task in the
 * folder is refused at once, naming the holder, before it touches anything. Call the returned
 * function when the task ends; a holder that dies leaves a stale lock, which the next task takes
 * over (same host) or whose busy message says to remove it (another host).
 */
export function takeTaskLock(dir: string, name: string, command: string): () => void {
  const folder = join(dir, PROTOCOL_FOLDER);
  const stat = lstatOrNull(folder);
  if (stat === null) mkdirSync(folder, { recursive: true });
  else if (!stat.isDirectory()) throw new OutputFolderError(`${folder} is ${kindOf(stat)}, not a folder: remove it`);
  const path = join(folder, name);
  takeLockFile(path, command, (holder, lockPath) =>
    new FolderBusyError(
      `${dir} is in use: another hashpivot ${holder.command} (process ${holder.pid} on ${holder.host}, since ${holder.since}) is writing it. ` +
        `Wait for it to finish or pass another --out; if no such process runs, remove ${lockPath}`,
    ),
  );
  return () => {
    const holder = readJson<LockInfo>(path, LOCK_LIMIT);
    if (holder !== null && holder.pid === process.pid && holder.host === hostname()) rmSync(path, { force: true });
  };
}

/**
 * An all-or-nothing write into a results folder (see the protocol above). The constructor makes
 * every check that can be made before the work and takes the folder's lock; commit() or abort()
 * releases it.
 */
export class AtomicWrite {
  readonly dir: string;
  readonly id: string;
  private readonly staging: string;
  private readonly files = new Map<string, { bytes: number; sha256: string } | null>();
  private readonly createdFolders: string[] = [];
  private open = true;

  constructor(dir: string, private readonly options: AtomicWriteOptions) {
    if (dir.trim() === '') throw new OutputFolderError('the output folder name is empty: pass --out with a folder name');
    // `--out /` (or a link to it) would put summary.json, charts/ and the rest at the top of the
    // file system; as root it would succeed.
    if (isFileSystemRoot(dir)) throw new OutputFolderError(`${dir} is the root of the file system: hashpivot does not scatter its files there; pass --out with a folder of their own, e.g. --out results`);
    this.dir = dir;
    this.id = `${Date.now().toString(36)}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.staging = protocolPath(dir, `staging-${this.id}`);
    try {
      this.makeFolder(dir);
      this.makeFolder(join(dir, PROTOCOL_FOLDER));
      this.lock();
    } catch (error) {
      this.removeCreatedFolders();
      throw error instanceof OutputFolderError ? error : new OutputFolderError(folderErrorMessage('write results to', dir, error));
    }
    try {
      this.recover();
      for (const name of options.notBeside ?? []) {
        if (lstatOrNull(join(dir, name)) !== null) {
          throw new OutputFolderError(`${dir} holds ${name}, the results of another kind of command: hashpivot ${options.command} there would replace their charts; pass --out with a folder of its own`);
        }
      }
      this.check(options.names ?? [], options.folders ?? []);
      mkdirSync(this.staging);
    } catch (error) {
      this.release();
      throw error instanceof OutputFolderError ? error : new OutputFolderError(folderErrorMessage('prepare', dir, error));
    }
  }

  /** Creates a folder (and its parents) if missing; refuses a link, a dangling link or a file. */
  private makeFolder(path: string): void {
    const stat = lstatOrNull(path);
    if (stat === null) {
      const missing: string[] = [];
      for (let p = resolve(path); lstatOrNull(p) === null && dirname(p) !== p; p = dirname(p)) missing.unshift(p);
      for (const p of missing) {
        mkdirSync(p);
        this.createdFolders.push(p);
      }
      return;
    }
    if (stat.isSymbolicLink()) {
      // The output folder itself may be a link the user made; inside it, links are never followed.
      if (path !== this.dir) throw new OutputFolderError(`${path} is a symbolic link; hashpivot does not write through links inside the output folder: remove it`);
      let target: Stats;
      try {
        target = statSync(path);
      } catch {
        throw new OutputFolderError(`${path} is a symbolic link to something that does not exist: remove the link or pass --out with another folder`);
      }
      if (!target.isDirectory()) throw new OutputFolderError(`${path} is a link to ${kindOf(target)}, not to a folder: pass --out with a folder`);
      return;
    }
    if (!stat.isDirectory()) throw new OutputFolderError(`${path} is ${kindOf(stat)}, not a folder: pass --out with a folder`);
  }

  private lock(): void {
    takeLockFile(protocolPath(this.dir, 'lock'), this.options.command, (holder, path) =>
      new FolderBusyError(
        `${this.dir} is being written by another hashpivot ${holder.command} (process ${holder.pid} on ${holder.host}, since ${holder.since}): ` +
          `wait for it to finish or pass --out with another folder; if no such process runs, remove ${path}`,
      ),
    );
  }

  /** With the lock held: completes an interrupted commit and clears dead writers' staging folders. */
  private recover(): void {
    const journal = readJson<Journal>(protocolPath(this.dir, 'commit.json'), JOURNAL_LIMIT);
    if (journal !== null) rollForward(this.dir, journal, () => {});
    for (const entry of readdirSync(join(this.dir, PROTOCOL_FOLDER))) {
      if (entry.startsWith('staging-') || /\.(tmp|stale)-/.test(entry)) rmSync(protocolPath(this.dir, entry), { recursive: true, force: true });
    }
  }

  private check(names: readonly string[], folders: readonly string[]): void {
    for (const folder of folders) {
      const path = join(this.dir, nativeName(folder));
      const stat = lstatOrNull(path);
      if (stat === null) continue;
      if (!stat.isDirectory() || stat.isSymbolicLink()) {
        throw new OutputFolderError(`${path} is ${kindOf(stat)}, not a folder; hashpivot writes ${folder}/ itself and does not write through links: remove or rename it`);
      }
      // A probe tells what permissions alone do not (ACLs, read-only mounts, root squash).
      const probe = join(path, `.hashpivot-probe-${this.id}`);
      try {
        closeSync(openSync(probe, 'wx'));
        unlinkSync(probe);
      } catch (error) {
        throw new OutputFolderError(folderErrorMessage('write in', path, error));
      }
    }
    for (const name of names) this.checkTarget(name);
  }

  /** A final name must be free or a regular file (which the write replaces): never a folder or link. */
  private checkTarget(name: string): void {
    const path = join(this.dir, nativeName(name));
    const stat = lstatOrNull(path);
    if (stat !== null && !stat.isFile()) {
      throw new OutputFolderError(`${path} is ${kindOf(stat)}; hashpivot writes a file of that name and never replaces a folder or a link: move it away`);
    }
  }

  private assertOpen(): void {
    if (!this.open) throw new Error('AtomicWrite: already committed or aborted');
  }

  private stagingPath(name: string): string {
    if (name === '' || name.startsWith('/') || name.split('/').some((part) => part === '' || part === '.' || part === '..' || part === PROTOCOL_FOLDER)) {
      throw new Error(`AtomicWrite: "${name}" is not a relative file name inside the folder`);
    }
    if (this.files.has(name)) throw new Error(`AtomicWrite: ${name} is written twice`);
    const path = join(this.staging, nativeName(name));
    mkdirSync(dirname(path), { recursive: true });
    return path;
  }

  /** Writes each file to the staging folder now; commit() moves them into place. */
  write(files: readonly OutputFile[]): void {
    this.assertOpen();
    for (const file of files) {
      const path = this.stagingPath(file.name);
      const hash = createHash('sha256');
      let bytes = 0;
      try {
        const fd = openSync(path, 'wx');
        try {
          file.write((chunk) => {
            const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
            hash.update(data);
            bytes += data.length;
            for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done);
          });
        } finally {
          closeSync(fd);
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === undefined) throw error;
        throw new OutputFolderError(folderErrorMessage('write', join(this.dir, nativeName(file.name)), error));
      }
      this.files.set(file.name, { bytes, sha256: hash.digest('hex') });
    }
  }

  /**
   * The staging path of a file that something else (a writer thread) writes; commit() moves it
   * into place with the others (its size and SHA-256 are read from it then).
   */
  reserve(name: string): string {
    this.assertOpen();
    const path = this.stagingPath(name);
    this.files.set(name, null);
    return path;
  }

  /** Moves every file into place, all or nothing, records them in the manifest and releases the lock. */
  commit(options: CommitOptions = {}): void {
    this.assertOpen();
    let step = 0;
    const onStep = (name: string) => this.options.onCommitStep?.(step++, name);
    let journal: Journal;
    try {
      const names = [...this.files.keys()];
      for (const name of names) {
        this.checkTarget(name);
        const folders = name.split('/').slice(0, -1);
        for (let depth = 1; depth <= folders.length; depth++) {
          const folder = folders.slice(0, depth).join('/');
          const path = join(this.dir, nativeName(folder));
          const stat = lstatOrNull(path);
          if (stat === null) mkdirSync(path);
          else if (!stat.isDirectory()) throw new OutputFolderError(`${path} is ${kindOf(stat)}, not a folder; hashpivot writes ${folder}/ itself and does not write through links: remove or rename it`);
        }
      }
      const entries: Record<string, ManifestEntry> = {};
      for (const name of names) {
        const digest = this.files.get(name) ?? digestOfFile(join(this.staging, nativeName(name)));
        entries[name] = { ...digest, write: this.id };
      }
      const old = readManifest(this.dir);
      const replaces = options.replaces ?? [];
      const commands = options.replacesWritesOf ?? [this.options.command];
      const superseded = (name: string) => {
        const command = old?.writes[old.files[name].write]?.command;
        return command !== undefined && commands.includes(command) && replaces.some((prefix) => name.startsWith(prefix));
      };
      const removes = Object.keys(old?.files ?? {}).filter((name) => !(name in entries) && superseded(name));
      const files: Record<string, ManifestEntry> = {};
      for (const [name, entry] of Object.entries(old?.files ?? {})) {
        if (!(name in entries) && !removes.includes(name) && lstatOrNull(join(this.dir, nativeName(name)))?.isFile()) files[name] = entry;
      }
      Object.assign(files, entries);
      const writes: Manifest['writes'] = {};
      for (const entry of Object.values(files)) {
        writes[entry.write] = entry.write === this.id ? { command: this.options.command, committedAt: new Date().toISOString() } : (old?.writes[entry.write] ?? { command: 'unknown', committedAt: 'unknown' });
      }
      journal = { write: this.id, staging: `staging-${this.id}`, renames: names, removes, manifest: { format: MANIFEST_FORMAT, files, writes } };
      this.assertStillLocked();
      onStep('staged');
      writeFileWhole(protocolPath(this.dir, 'commit.json'), `${JSON.stringify(journal)}\n`);
    } catch (error) {
      this.abort();
      throw error instanceof OutputFolderError ? error : new OutputFolderError(folderErrorMessage('write', this.dir, error));
    }
    // The commit point is passed: from here an interruption rolls forward, never back.
    try {
      onStep('journal written');
      rmSync(protocolPath(this.dir, 'manifest.json'), { force: true });
      onStep('manifest removed');
      rollForward(this.dir, journal, onStep);
    } catch (error) {
      this.open = false;
      throw new OutputFolderError(`${folderErrorMessage('finish writing', this.dir, error)}; the next hashpivot command in this folder completes it`);
    }
    this.open = false;
    this.release();
  }

  /** Removes what this write staged and releases the lock; the folder is as it was. */
  abort(): void {
    if (!this.open) return;
    this.open = false;
    rmSync(this.staging, { recursive: true, force: true });
    this.release();
  }

  /** A lock broken by another process (which judged us dead) means our write must not commit. */
  private assertStillLocked(): void {
    const holder = readJson<LockInfo>(protocolPath(this.dir, 'lock'), LOCK_LIMIT);
    if (holder === null || holder.pid !== process.pid || holder.host !== hostname()) {
      throw new OutputFolderError(`${this.dir}: another process took this folder's lock during the write; nothing was changed, run again`);
    }
  }

  private release(): void {
    rmSync(protocolPath(this.dir, 'lock'), { force: true });
    this.removeCreatedFolders();
  }

  /** .hashpivot/ and the folders this write created, when empty: a failed first write leaves no trace. */
  private removeCreatedFolders(): void {
    for (const path of [join(this.dir, PROTOCOL_FOLDER), ...[...this.createdFolders].reverse()]) {
      try {
        rmdirSync(path);
      } catch {
        // not empty (it holds results or a manifest) or already gone: keep it
      }
    }
  }
}

/**
 * Makes a folder safe to read: waits (up to `waitMs`) for a commit another live process is making,
 * and completes one whose process is gone. Readers call it before reading (resultsReader.ts).
 */
export async function settleFolder(dir: string, waitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (hasJournal(dir)) {
    const holder = readJson<LockInfo>(protocolPath(dir, 'lock'), LOCK_LIMIT);
    const live = holder !== null && (holder.host !== hostname() || isRunning(holder.pid));
    if (!live) {
      try {
        new AtomicWrite(dir, { command: 'recover' }).abort(); // taking the lock completes the commit
      } catch (error) {
        throw new OutputFolderError(`${dir} holds an interrupted write that cannot be completed here (${error instanceof Error ? error.message : String(error)}); run hashpivot where the folder can be written, or re-run`);
      }
      continue;
    }
    if (Date.now() - started > waitMs) {
      throw new OutputFolderError(`${dir} is being written by hashpivot ${holder.command} (process ${holder.pid} on ${holder.host}); try again when it has finished`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Writes `files` into `dir` all or nothing (see AtomicWrite). */
export function writeFilesAtomically(dir: string, files: readonly OutputFile[], options: AtomicWriteOptions & CommitOptions): void {
  const batch = new AtomicWrite(dir, { ...options, names: [...(options.names ?? []), ...files.map((f) => f.name)] });
  try {
    batch.write(files);
  } catch (error) {
    batch.abort();
    throw error;
  }
  batch.commit(options);
}
