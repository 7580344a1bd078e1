// What the command line prints, made safe for a terminal and a pipe. Text that came from a user
// (scenario and strategy names, file names, field paths, values echoed in errors) can hold escape
// sequences that clear the screen or print fake text, or bidirectional overrides that reorder it:
// every control character but tab and newline, and every bidi control, is written as a visible
// \uXXXX instead. A reader that closes the pipe early (`hashpivot presets | head -1`) is not an
// error: the rest of the output is dropped and the command finishes with its own exit code.

/** C0 controls but tab and newline, DEL, C1 controls, and the bidirectional embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const closed = new Set<NodeJS.WriteStream>();

/** After this, a stream whose reader went away (EPIPE) takes no more writes and raises nothing. */
export function toleratePipeClose(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      closed.add(stream);
      return;
    }
    throw error;
  });
}

function write(stream: NodeJS.WriteStream, text: string): void {
  if (!closed.has(stream)) stream.write(terminalSafe(text));
}

/** Text for stdout (results, listings). */
export function writeOut(text: string): void {
  write(process.stdout, text);
}

/** Text for stderr (errors, warnings, notes). */
export function writeErr(text: string): void {
  write(process.stderr, text);
}
