// Issue #10, root cause 6: output that a terminal or a pipe survives. Text from a user reaches the
// terminal with its control characters made visible, and a reader that closes the pipe early ends
// nothing with a stack trace.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../runners/terminal.js';
import { CLI, cli, freshDir } from './cliHarness.js';

/** Runs `hashpivot ARGS | true`: the reader is gone before the command writes. Returns the command's exit code and stderr. */
function intoClosedPipe(args: string): { status: number; stderr: string } {
  const result = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" ${args} 2>"$ERR" | true; echo "\${PIPESTATUS[0]}"; cat "$ERR"`], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ERR: join(freshDir(), 'stderr') },
  });
  const [status, ...stderr] = result.stdout.split('\n');
  return { status: Number(status), stderr: stderr.join('\n').trim() };
}

describe('terminal-safe output (issue #10, root cause 6)', () => {
  it('writes control characters and bidirectional overrides as visible escapes, keeping newlines, tabs and other text', () => {
    expect(terminalSafe('evil\u001b[2J\u001b[31mFAKE\u0007\r\u009b\u202e done\n\tcafé – ok')).toBe('evil\\u001b[2J\\u001b[31mFAKE\\u0007\\u000d\\u009b\\u202e done\n\tcafé – ok');
  });

  it('validate and run print a scenario name with escape sequences without them', () => {
    const dir = freshDir();
    const file = join(dir, 'evil.yaml');
    writeFileSync(file, 'extends: smoke\nname: "evil\\e[2J\\e[31mFAKE"\n');
    const validated = cli(['validate', file]);
    expect(validated.status).toBe(0);
    expect(validated.stdout).toContain('evil\\u001b[2J\\u001b[31mFAKE');
    const ran = cli(['run', file, '--trials', '4', '--workers', '0', '--out', join(dir, 'out')]);
    expect(ran.status).toBe(0);
    for (const text of [validated.stdout, validated.stderr, ran.stdout, ran.stderr]) expect(text).not.toContain('\u001b');
    expect(ran.stdout).toContain('evil\\u001b[2J');
  });

  it('presets and validate into a pipe whose reader has gone: exit 0, nothing on stderr', () => {
    for (const args of ['presets', 'validate base']) {
      expect(intoClosedPipe(args), args).toEqual({ status: 0, stderr: '' });
    }
  });
});
