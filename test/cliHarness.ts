// Runs the compiled CLI in a child process, as a user would, and collects what it printed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'dist', 'runners', 'cli.js');

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function cli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true', ...options.env } });
  // A child that could not be started (EAGAIN under load), outgrew the output buffer or died of a
  // signal (a native crash) has no exit status: say which, rather than leave a test a bare null.
  if (result.error || result.signal) throw new Error(`hashpivot ${args.join(' ')}: ${result.error?.message ?? 'killed'} (signal ${result.signal ?? 'none'}; stderr: ${result.stderr?.slice(-2000) ?? ''})`);
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

export function freshDir(prefix = 'hashpivot-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
