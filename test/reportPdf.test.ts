// report.pdf, printed by headless Chromium and read back with poppler-utils: the decision and the
// cover line on the first page, every section on a page of its own, every chart present as vector
// text (its title extractable, no raster image in the file), the footer on every page, A4 or
// Letter. Without Chromium or pdftotext the suite is skipped with a message, except in CI
// (CI=true), where it fails (.ci/run installs both). A missing browser is a clear error whatever
// the machine: that part always runs.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide } from '../outputs/decision.js';
import { CHROMIUM, HAVE_CHROMIUM, skipWithout } from './chromium.js';
import { cli, freshDir } from './cliHarness.js';

const HAVE_POPPLER = spawnSync('pdftotext', ['-v']).error === undefined;
const SKIP = skipWithout('reportPdf.test.ts', [
  { name: `Chromium at ${CHROMIUM}`, present: HAVE_CHROMIUM, install: 'apt-get install -y chromium' },
  { name: 'pdftotext', present: HAVE_POPPLER, install: 'apt-get install -y poppler-utils' },
]);

function poppler(tool: string, args: string[]): string {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  expect(result.error, `${tool} could not run`).toBeUndefined();
  expect(result.status, `${tool} ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

/** The text of each page (pdftotext separates pages with a form feed), whitespace collapsed. */
function pagesOf(pdf: string): string[] {
  const pages = poppler('pdftotext', [pdf, '-']).split('\f');
  if (pages[pages.length - 1].trim() === '') pages.pop();
  return pages.map((page) => page.replace(/\s+/g, ' ').trim());
}

function pageInfo(pdf: string): { pages: number; widthPt: number; heightPt: number } {
  const info = poppler('pdfinfo', [pdf]);
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
  return { pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1]), widthPt: Number(size?.[1]), heightPt: Number(size?.[2]) };
}

describe.skipIf(SKIP)('report.pdf', () => {
  const out = join(freshDir(), 'results');

  it('`run --pdf` prints the report: the decision above the fold on page 1, each section on its own page, every chart as vectors, a footer on every page', () => {
    const run = cli(['run', 'smoke', '--trials', '300', '--seed', '3', '--out', out, '--workers', '0', '--pdf']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('report.html, report.pdf and charts/');
    const pdf = join(out, 'report.pdf');
    const { pages, widthPt, heightPt } = pageInfo(pdf);
    // A4 is 210 x 297 mm = 595 x 842 pt.
    expect(widthPt).toBeCloseTo(595, -1);
    expect(heightPt).toBeCloseTo(842, -1);
    const text = pagesOf(pdf);
    expect(text).toHaveLength(pages);

    const cover = 'Scenario smoke · as of 2025-11 · horizon 24 months · 300 trials · seed 3 · hashpivot';
    expect(text[0]).toContain(cover);
    const leader = decide(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).leader.name;
    expect(text[0]).toContain(`The decision ${leader} ranks first by the highest mean NPV among the strategies the site can fund`);
    expect(text[0]).toMatch(/How sure: Monte Carlo error: each mean NPV above is within ±\$[\d.]+M of its long-run value/);
    expect(text[0]).toContain('What would flip it:');
    text.forEach((page, i) => expect(page, `footer of page ${i + 1}`).toContain(`${cover}`));
    text.forEach((page, i) => expect(page, `page number of page ${i + 1}`).toContain(`page ${i + 1} of ${pages}`));

    // Page breaks between sections: each of these headings opens a page.
    const openers = text.map((page) => page.slice(0, 60));
    for (const heading of ['NPV', 'The worst 5% of futures', 'Revenue per kWh', 'Market paths', 'Cash and ruin', 'Next halving', 'Appendix: key assumptions and sources']) {
      expect(openers.some((start) => start.startsWith(heading)), `a page starting with "${heading}" in ${JSON.stringify(openers)}`).toBe(true);
    }
    expect(pages).toBeGreaterThanOrEqual(7);
    expect(pages).toBeLessThanOrEqual(20);

    // Every chart of the report, found by its title: drawn as SVG, so its text is in the PDF.
    const all = text.join(' ');
    const charts = readdirSync(join(out, 'charts')).filter((f) => f.endsWith('.vl.json'));
    expect(charts).toHaveLength(15);
    for (const file of charts) {
      const title = JSON.parse(readFileSync(join(out, 'charts', file), 'utf8')).title.text as string;
      expect(all, file).toContain(title);
    }
    // What the screen folds away prints open: every pair, and the scenario as run.
    expect(all).toContain('P(A beats B)');
    expect(all).toContain('"horizonMonths": 24');
    // ... and as vectors: the file holds no raster image at all.
    const images = poppler('pdfimages', ['-list', pdf]).trim().split('\n').slice(2);
    expect(images).toEqual([]);
  });

  it('`compare A B --pdf --paper letter` prints the comparison on Letter', () => {
    const comparison = join(freshDir(), 'comparison');
    const result = cli(['compare', out, out, '--out', comparison, '--pdf', '--paper', 'letter']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('compare.pdf (Letter)');
    const pdf = join(comparison, 'compare.pdf');
    const { widthPt, heightPt } = pageInfo(pdf);
    expect(widthPt).toBeCloseTo(612, -1); // 8.5 x 11 in
    expect(heightPt).toBeCloseTo(792, -1);
    const text = pagesOf(pdf);
    expect(text[0]).toContain('The ranking held.');
    expect(text.join(' ')).toContain('NPV distribution per strategy in each run');
    text.forEach((page, i) => {
      expect(page).toContain('hashpivot comparison: smoke against smoke');
      expect(page).toContain(`page ${i + 1} of ${text.length}`);
    });
  });
});

describe('--pdf without a browser', () => {
  it('fails before any trial runs, naming the package to install, and writes nothing', () => {
    const out = join(freshDir(), 'results');
    const result = cli(['run', 'smoke', '--trials', '50', '--out', out, '--pdf', '--quiet'], { env: { HASHPIVOT_CHROMIUM: '/nonexistent/chromium' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--pdf needs a headless Chromium, and there is none at /nonexistent/chromium');
    expect(result.stderr).toContain('apt-get install chromium');
    expect(existsSync(out)).toBe(false);
  });

  it('rejects --paper without --pdf and an unknown paper', () => {
    expect(cli(['report', '.', '--paper', 'a4']).stderr).toContain('--paper goes with --pdf');
    const bad = cli(['report', '.', '--pdf', '--paper', 'a3'], { env: { HASHPIVOT_CHROMIUM: process.execPath } });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--paper must be a4 or letter, got "a3"');
  });
});
