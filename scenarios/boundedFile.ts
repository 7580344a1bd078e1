// Reading a file a user names, bounded: every reader of user input (scenarios, summary.json,
// trials.csv/parquet, the CSV series of calibrate and backtest) opens it through here, so none can
// be pointed at /dev/zero, a FIFO, a socket or a folder, or at a regular file larger than its limit.
//
// The file is opened without blocking (a FIFO would otherwise wait for a writer), its type and size
// are read from the open descriptor (fstat, so a symlink swapped after a check changes nothing),
// and only the bytes fstat reported are read: a file that grows meanwhile is not followed.
// A symbolic link to a regular file is fine (the user named it); to anything else it is refused.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** What a reader accepts: a size limit and the words for what the file is, for messages. */
export interface FileLimit {
  maxBytes: number;
  /** e.g. 'a scenario file', 'summary.json', 'a --price file'. */
  what: string;
}

export class BoundedFileError extends Error {
  override name = 'BoundedFileError';
  constructor(
    readonly file: string,
    /** What is wrong, without the file name ("is 2.0 GiB, over the 1 MiB limit for a scenario file"). */
    readonly problem: string,
    /** errno code or NOT_REGULAR / TOO_LARGE. */
    readonly code: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** Bytes as a person reads them: 512 B, 1 MiB, 2.3 GiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

function openProblem(error: unknown): { problem: string; code: string } {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  const problem =
    code === 'ENOENT' ? 'no such file'
      : code === 'EACCES' || code === 'EPERM' ? 'cannot be read: permission denied'
        : code === 'ELOOP' ? 'is a loop of symbolic links'
          : code === 'ENOTDIR' ? 'a part of the path is not a folder'
            : `cannot be opened (${code})`;
  return { problem, code };
}

/**
 * Opens a regular file for reading and checks its size; the caller reads `bytes` bytes from `fd`
 * and closes it. For readers that stream a large file in pieces (trials.csv).
 * @throws BoundedFileError naming the file, what is wrong, and the limit when it is the size.
 */
export function openBoundedFile(path: string, limit: FileLimit): { fd: number; bytes: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const { problem, code } = openProblem(error);
    throw new BoundedFileError(path, problem, code);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new BoundedFileError(path, 'is a folder, not a file', 'EISDIR');
    if (!stat.isFile()) {
      const kind = stat.isFIFO() ? 'a pipe (FIFO)' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : stat.isSocket() ? 'a socket' : 'not a regular file';
      throw new BoundedFileError(path, `is ${kind}, not a regular file`, 'NOT_REGULAR');
    }
    if (stat.size > limit.maxBytes) {
      throw new BoundedFileError(path, `is ${formatBytes(stat.size)}, over the ${formatBytes(limit.maxBytes)} limit for ${limit.what}`, 'TOO_LARGE');
    }
    return { fd, bytes: stat.size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Reads up to `length` bytes at `position` from an open file, fewer only at its end. */
export function readAt(fd: number, buffer: Uint8Array, position: number, length = buffer.length): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** The whole of a regular file within the limit, as bytes. */
export function readBoundedBytes(path: string, limit: FileLimit): Buffer {
  const { fd, bytes } = openBoundedFile(path, limit);
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readAt(fd, buffer, 0);
    return read === bytes ? buffer : buffer.subarray(0, read);
  } catch (error) {
    if (error instanceof BoundedFileError) throw error;
    throw new BoundedFileError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'EIO');
  } finally {
    closeSync(fd);
  }
}

/**
 * All of an already open stream (stdin: a pipe, a terminal or a redirected file) up to the limit:
 * a source that has not ended after `limit.maxBytes` bytes (`yes |`, `< /dev/zero`) is refused.
 */
export function readBoundedStream(fd: number, name: string, limit: FileLimit): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const buffer = Buffer.alloc(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // a non-blocking pipe with nothing yet
        continue;
      }
      if (code === 'EOF') break;
      throw new BoundedFileError(name, `cannot be read (${code ?? String(error)})`, code ?? 'EIO');
    }
    if (n === 0) break;
    total += n;
    if (total > limit.maxBytes) throw new BoundedFileError(name, `goes on past the ${formatBytes(limit.maxBytes)} limit for ${limit.what}`, 'TOO_LARGE');
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The whole of a regular file within the limit, as UTF-8 text (a byte-order mark is kept). */
export function readBoundedText(path: string, limit: FileLimit): string {
  return readBoundedBytes(path, limit).toString('utf8');
}
