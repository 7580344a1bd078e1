// `npm run validate` (dist/runners/validateReport.js): the table of what the engine is checked
// against runs from the build without the test framework, every judged check passes, and the
// known limitation (base's hashrate process in 2015-16) is reported, not hidden.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validationTable } from '../runners/validation.js';
import { ROOT } from './cliHarness.js';

describe('validate report', () => {
  it('runs from dist/, prints one row per check, no FAIL, exit code 0', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'runners', 'validateReport.js')], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const rows = result.stdout.split('\n').filter((line) => /^\| (?!check |-)/.test(line));
    expect(rows.length).toBe(59);
    expect(rows.filter((r) => /\| PASS +\|$/.test(r))).toHaveLength(52);
    // Every row of Longstaff & Schwartz's Table 1, and the dual bound on three of them.
    expect(rows.filter((r) => /^\| LS 2001 Table 1 put: .*\| PASS +\|$/.test(r))).toHaveLength(20);
    expect(rows.filter((r) => /^\| dual upper bound: .*\| PASS +\|$/.test(r))).toHaveLength(3);
    // The mining policy: brute force on a certain site, and never worse than the best fixed strategy.
    expect(rows.filter((r) => /^\| optimal conversion.*\| PASS +\|$/.test(r))).toHaveLength(2);
    expect(rows.some((r) => /\| FAIL +\|$/.test(r))).toBe(false);
    expect(result.stdout).toMatch(/\| 2016 halving, base's hashrate process +\|.*\| outside: .*\| INFO +\|/);
    expect(result.stdout).toMatch(/\| TeraWulf\/Fluidstack: contract value over the term +\|.*\| PASS +\|/);
    expect(result.stdout).toMatch(/52 passed, 0 failed, 7 reported \(INFO\)/);
    // ~30 s of one core (mostly the 20 Bermudan puts at 2 x 100,000 paths), several times that on a busy machine.
  }, 600_000);

  it('does not import the test framework', () => {
    for (const file of ['validation.ts', 'validateReport.ts', 'backtest.ts', 'calibrate.ts', 'realOptionChecks.ts']) {
      expect(readFileSync(join(ROOT, 'runners', file), 'utf8')).not.toMatch(/from 'vitest'/);
    }
  });

  it('formats a Markdown table with aligned columns', () => {
    const text = validationTable([
      { check: 'a', against: 'b', result: 'c', status: 'PASS' },
      { check: 'longer check', against: 'x', result: 'y', status: 'FAIL' },
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('| check        | against | result | status |');
    expect(lines[1]).toBe('|--------------|---------|--------|--------|');
    expect(lines[3]).toBe('| longer check | x       | y      | FAIL   |');
  });
});
