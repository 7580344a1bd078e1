// A results folder is trusted only when it checks out (issue #10, cause 2): summary.json against
// its schema, the trials file against summary.json, both against the manifest; every value written
// into HTML escaped by construction; no CSV cell a spreadsheet would run.
import { copyFileSync, cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvText } from '../outputs/csvCell.js';
import { html, trustedHtml } from '../outputs/html.js';
import { cli, freshDir, ROOT } from './cliHarness.js';

const dir = freshDir();
const good = join(dir, 'good');
const other = join(dir, 'other');
for (const [out, seed] of [[good, '7'], [other, '8']]) {
  const r = cli(['run', 'smoke', '--trials', '200', '--seed', seed, '--out', out, '--workers', '0', '--quiet']);
  if (r.status !== 0) throw new Error(r.stderr);
}

/** A copy of the good folder, changed by `edit`, then `hashpivot report` on it. */
function reportOn(edit: (folder: string) => void) {
  const folder = join(freshDir(), 'r');
  cpSync(good, folder, { recursive: true });
  rmSync(join(folder, 'report.html'));
  edit(folder);
  const result = cli(['report', folder]);
  return { ...result, folder };
}

function editSummary(folder: string, change: (summary: Record<string, unknown>) => void) {
  const path = join(folder, 'summary.json');
  const summary = JSON.parse(readFileSync(path, 'utf8'));
  change(summary);
  writeFileSync(path, JSON.stringify(summary, null, 2));
  rmSync(join(folder, '.hashpivot'), { recursive: true }); // as if assembled by hand: content checks only
}

function expectRefused(result: { status: number | null; stderr: string; folder: string }, pattern: RegExp) {
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr.trim().split('\n')).toHaveLength(1); // one line, no stack trace
  expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
  expect(readdirSync(result.folder)).not.toContain('report.html');
}

describe('reading a results folder: summary.json', () => {
  it('the untouched folder reads back', () => {
    const r = cli(['report', join(freshDir(), 'none')]);
    expect(r.status).toBe(1);
    const ok = reportOn(() => {});
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
  });

  it('a shard folder or a study folder is named for what it is, with the command that reads it', () => {
    const shard = join(freshDir(), 's');
    expect(cli(['run', 'smoke', '--trials', '20', '--shard', '1/2', '--out', shard, '--workers', '0', '--quiet']).status).toBe(0);
    expect(cli(['report', shard]).stderr).toContain('has no summary.json (it is one shard of a run: put the shards together with hashpivot merge first)');
    const study = freshDir();
    writeFileSync(join(study, 'study.json'), '{}');
    expect(cli(['compare', good, study]).stderr).toContain("has no summary.json (it is a study's folder: its report is study.html)");
  });

  it('a summary.json saved again with a byte-order mark reads, as a scenario file does', () => {
    const ok = reportOn((f) => {
      editSummary(f, () => {});
      writeFileSync(join(f, 'summary.json'), `\uFEFF${readFileSync(join(f, 'summary.json'), 'utf8')}`);
    });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
  });

  it('a seed holding markup is refused, naming the file and the field', () => {
    expectRefused(reportOn((f) => editSummary(f, (s) => (s.seed = '<img src=x onerror=alert(1)>'))), /summary\.json: seed: .*number/);
  });

  it('a missing or mistyped field is one line naming the field, never a stack trace', () => {
    expectRefused(
      reportOn((f) => editSummary(f, (s) => delete (s.strategies as { metrics: { npvUsd: { mean?: number } } }[])[0].metrics.npvUsd.mean)),
      /summary\.json: strategies\[0\]\.metrics\.npvUsd\.mean: /,
    );
    expectRefused(reportOn((f) => editSummary(f, (s) => (s.bands = 'none'))), /summary\.json: bands: /);
    expectRefused(reportOn((f) => editSummary(f, (s) => ((s.scenario as { horizonMonths: unknown }).horizonMonths = 'long'))), /summary\.json: scenario\.horizonMonths: /);
    expectRefused(reportOn((f) => writeFileSync(join(f, 'summary.json'), '{"engine": ')), /summary\.json is not valid JSON/);
  });

  it('a repeated key is refused, as in a scenario', () => {
    expectRefused(
      reportOn((f) => {
        editSummary(f, () => {});
        const path = join(f, 'summary.json');
        writeFileSync(path, readFileSync(path, 'utf8').replace('"seed": 7,', '"seed": 7,\n  "seed": 8,'));
      }),
      /the key "seed" appears twice/,
    );
  });
});

describe('reading a results folder: the trials file must be the one summary.json was made with', () => {
  it('a trials.parquet of another run (another seed) is refused, naming what differs', () => {
    expectRefused(
      reportOn((f) => {
        rmSync(join(f, '.hashpivot'), { recursive: true });
        copyFileSync(join(other, 'trials.parquet'), join(f, 'trials.parquet'));
      }),
      /trials\.parquet belongs to another run: its hashpivot\.seed is "8", summary\.json's is "7"/,
    );
  });

  it('with the manifest, any file changed after the run is refused', () => {
    expectRefused(reportOn((f) => copyFileSync(join(other, 'trials.parquet'), join(f, 'trials.parquet'))), /trials\.parquet (was changed|belongs to another run)/);
    expectRefused(reportOn((f) => writeFileSync(join(f, 'summary.json'), readFileSync(join(f, 'summary.json'), 'utf8').replace('"trials": 200', '"trials": 200 '))), /summary\.json was changed after hashpivot wrote it/);
  });

  it('a trials.csv with other rows or cells is refused', () => {
    const withoutParquet = (f: string) => {
      rmSync(join(f, '.hashpivot'), { recursive: true });
      rmSync(join(f, 'trials.parquet'));
    };
    expectRefused(
      reportOn((f) => {
        withoutParquet(f);
        const lines = readFileSync(join(f, 'trials.csv'), 'utf8').split('\n');
        writeFileSync(join(f, 'trials.csv'), lines.slice(0, 150).join('\n'));
      }),
      /trials\.csv has 149 rows, summary\.json 200 trials/,
    );
    expectRefused(
      reportOn((f) => {
        withoutParquet(f);
        const path = join(f, 'trials.csv');
        writeFileSync(path, readFileSync(path, 'utf8').replace(/\n0,([^,]*),/, '\n0,=cmd|x,'));
      }),
      /trials\.csv line 2, column "nextHalvingMonth": "=cmd\|x" is not a number/,
    );
  });
});

describe('HTML: every interpolated value is escaped unless marked as markup', () => {
  it('html`` escapes text and numbers, keeps Html, joins lists, renders nothing for null/false', () => {
    const name = '<script>alert(1)</script>';
    expect(html`<td title="${name}">${name}</td>`.markup).toBe('<td title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(html`<p>${`"'&`}</p>`.markup).toBe('<p>&quot;&#39;&amp;</p>');
    expect(html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.markup).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.markup).toBe('0');
    expect(html`${trustedHtml('<b>ours</b>')}`.markup).toBe('<b>ours</b>');
    expect(() => html`${{ markup: '<script>' } as never}`).toThrow(TypeError);
  });

  it('no output module builds markup outside the html template (so none can forget to escape)', () => {
    const outputs = join(ROOT, 'outputs');
    for (const file of readdirSync(outputs).filter((f) => f.endsWith('.ts') && f !== 'html.ts')) {
      // Comments may show markup in backquotes; code may not.
      const source = readFileSync(join(outputs, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      // A template literal starting with a tag is markup; it must be preceded by `html`.
      const untagged = [...source.matchAll(/(^|[^\w])`\s*<[a-zA-Z!/]/gm)].map((m) => source.slice(Math.max(0, m.index - 20), m.index + 30));
      expect(untagged, file).toEqual([]);
    }
  });
});

describe('CSV: no cell a spreadsheet would run as a formula', () => {
  it('text starting with = + - @ tab or CR is quoted behind an apostrophe; other text as RFC 4180 says', () => {
    expect(csvText('=cmd|"/C calc"!A0')).toBe('"\'=cmd|""/C calc""!A0"');
    for (const start of ['+', '-', '@', '\t', '\r']) expect(csvText(`${start}1`)).toBe(`"'${start}1"`);
    expect(csvText('stay.npvUsd')).toBe('stay.npvUsd');
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
  });
});
