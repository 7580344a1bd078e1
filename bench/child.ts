// One measurement = one child process, run to completion before the next starts (the machine's
// cores are the thing measured). Peak RSS comes from GNU time (`/usr/bin/time -v`) when present;
// with worker threads it covers the whole process, workers included.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export interface Measured<T> {
  result: T;
  /** Spawn to exit, start-up included. */
  wallSeconds: number;
  peakRssKb: number | null;
}

/** GNU time's -v (BusyBox's time has no -v): checked once. */
export const gnuTime =
  existsSync('/usr/bin/time') && (spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8' }).stderr?.includes('Maximum resident set size') ?? false);

export function runChild(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): { stdout: string; stderr: string; wallSeconds: number; peakRssKb: number | null } {
  const [file, argv] = gnuTime ? ['/usr/bin/time', ['-v', command, ...args]] : [command, args];
  const start = performance.now();
  const child = spawnSync(file, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, cwd: options.cwd, env: options.env ?? process.env });
  const wallSeconds = (performance.now() - start) / 1000;
  if (child.error) throw child.error;
  if (child.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${child.status ?? child.signal}:\n${child.stderr}`);
  }
  const rss = gnuTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr) : null;
  return { stdout: child.stdout, stderr: child.stderr, wallSeconds, peakRssKb: rss ? Number(rss[1]) : null };
}

/** The child's result: the last line of its stdout, one JSON object. */
export function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}
