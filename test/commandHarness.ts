// Runs a command module's `<name>Command(args)` in this process, as cli.ts will dispatch it, and
// collects what it wrote to stdout and stderr. For commands not yet wired into runners/cli.ts.
export interface CommandResult {
  status: number;
  stdout: string;
  stderr: string;
}

export async function runCommand(command: (args: string[]) => Promise<number>, args: string[]): Promise<CommandResult> {
  const out: string[] = [];
  const err: string[] = [];
  const originalOut = process.stdout.write;
  const originalErr = process.stderr.write;
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  try {
    const status = await command(args);
    return { status, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = originalOut;
    process.stderr.write = originalErr;
  }
}
