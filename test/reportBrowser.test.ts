// report.html and compare.html in a real browser: Debian's headless Chromium, driven by
// playwright-core, with the network off (an offline context, and every request that is not the
// file itself aborted and recorded). Every chart must be drawn (one SVG per chart), with no console
// error, no page error and no dialog; a hostile scenario name must show as text.
// Without /usr/bin/chromium the suite is skipped with a message, except in CI (CI=true), where it
// fails: .ci/run installs Debian's chromium.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM, skipWithout } from './chromium.js';
import { cli, freshDir, ROOT } from './cliHarness.js';

const HOSTILE_NAME = '<script>alert(1)</script>';
const SKIP = skipWithout('reportBrowser.test.ts', [{ name: `Chromium at ${CHROMIUM}`, present: HAVE_CHROMIUM, install: 'apt-get install -y chromium, or set HASHPIVOT_CHROMIUM' }]);

interface PageCheck {
  expected: number;
  rendered: number | null;
  failed: number | null;
  svgCharts: number;
  problems: string[];
  requests: string[];
  h1: string;
  title: string;
  /** The page's scroll width and the window's width: equal when nothing overflows sideways. */
  scrollWidth: number;
  clientWidth: number;
  /** Bottom edges (CSS px from the top of the page) of the decision's headline and of its "How sure" line. */
  headlineBottom: number | null;
  certaintyBottom: number | null;
}

/** The window's height: what a reader sees before scrolling (the fold). */
const WINDOW_HEIGHT_PX = 900;
/** Set to a folder to keep the screenshots the tests look at (the README's images are made so). */
const SCREENSHOTS = process.env.HASHPIVOT_SCREENSHOTS;

describe.skipIf(SKIP)('reports in headless Chromium, offline', () => {
  let browser: Browser;
  const dir = freshDir();

  beforeAll(async () => {
    expect(HAVE_CHROMIUM, `Chromium is required in CI but ${CHROMIUM} is missing: .ci/run should install Debian's chromium`).toBe(true);
    const { chromium } = await import('playwright-core');
    // playwright starts Chromium with a fresh temporary profile (--user-data-dir) of its own.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS] });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(file: string, width = 1280, screenshot?: string): Promise<PageCheck> {
    const context = await browser.newContext({ offline: true, viewport: { width, height: WINDOW_HEIGHT_PX } });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    const url = pathToFileURL(file).href;
    await page.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      requests.push(route.request().url());
      return route.abort();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    try {
      await page.goto(url);
      await page.waitForFunction(() => document.body.hasAttribute('data-charts-rendered') || document.body.hasAttribute('data-charts-failed'), null, { timeout: 60_000 });
      const state = await page.evaluate(() => ({
        expected: Number(document.body.dataset.chartsExpected),
        rendered: document.body.dataset.chartsRendered === undefined ? null : Number(document.body.dataset.chartsRendered),
        failed: document.body.dataset.chartsFailed === undefined ? null : Number(document.body.dataset.chartsFailed),
        // vega-embed draws each chart as one <svg class="marks"> inside its container.
        svgCharts: document.querySelectorAll('.chart > svg.marks, .chart svg.marks').length,
        h1: document.querySelector('h1')?.textContent ?? '',
        title: document.title,
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        headlineBottom: document.getElementById('decision-headline')?.getBoundingClientRect().bottom ?? null,
        certaintyBottom: document.getElementById('decision-certainty')?.getBoundingClientRect().bottom ?? null,
      }));
      if (SCREENSHOTS && screenshot) await page.screenshot({ path: join(SCREENSHOTS, screenshot) });
      return { ...state, problems, requests };
    } finally {
      await context.close();
    }
  }

  it('draws every chart of report.html with no console error and no network request', async () => {
    const out = join(dir, 'results');
    const run = cli(['run', 'smoke', '--trials', '300', '--seed', '3', '--out', out, '--workers', '0', '--quiet']);
    expect(run.status).toBe(0);
    const page = await open(join(out, 'report.html'), 1400, 'report-1400.png');
    expect(page.problems).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.expected).toBe(15);
    expect(page.failed).toBeNull();
    expect(page.rendered).toBe(page.expected);
    expect(page.svgCharts).toBe(page.expected);
    expect(page.h1).toBe('smoke');
    expect(page.scrollWidth).toBe(page.clientWidth);

    // A narrow window: the charts are drawn to fit and wide tables scroll inside themselves.
    const narrow = await open(join(out, 'report.html'), 800, 'report-800.png');
    expect(narrow.problems).toEqual([]);
    expect(narrow.rendered).toBe(narrow.expected);
    expect(narrow.clientWidth).toBe(800);
    expect(narrow.scrollWidth, 'report.html scrolls sideways at 800 px').toBe(800);

    // The first screen is the decision: its headline (the leader, its mean NPV ± SE, its 5% worst
    // case) is above the fold at both widths, and at 1400 px the "How sure" line too.
    expect(page.headlineBottom).not.toBeNull();
    expect(page.headlineBottom!, 'decision headline below the fold at 1400 px').toBeLessThanOrEqual(WINDOW_HEIGHT_PX);
    expect(narrow.headlineBottom!, 'decision headline below the fold at 800 px').toBeLessThanOrEqual(WINDOW_HEIGHT_PX);
    expect(page.certaintyBottom!, '"How sure" below the fold at 1400 px').toBeLessThanOrEqual(WINDOW_HEIGHT_PX);

    const comparison = join(dir, 'comparison');
    expect(cli(['compare', out, out, '--out', comparison]).status).toBe(0);
    const compare = await open(join(comparison, 'compare.html'));
    expect(compare.problems).toEqual([]);
    expect(compare.requests).toEqual([]);
    expect(compare.rendered).toBe(1);
    expect(compare.svgCharts).toBe(1);
    const compareNarrow = await open(join(comparison, 'compare.html'), 800);
    expect(compareNarrow.scrollWidth, 'compare.html scrolls sideways at 800 px').toBe(800);
  });

  it('draws every chart of calibration.html (calibrate --report) with no console error and no network request', async () => {
    const out = join(dir, 'calibration');
    const run = cli(['calibrate', '--report', out, '--out', join(dir, 'fitted.yaml')]);
    expect(run.status).toBe(0);
    const page = await open(join(out, 'calibration.html'));
    expect(page.problems).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.expected).toBe(7);
    expect(page.failed).toBeNull();
    expect(page.rendered).toBe(7);
    expect(page.svgCharts).toBe(7);
    expect(page.title).toBe('hashpivot calibration diagnostics');
  });

  it('draws every chart of study.html for each design, and shows a hostile study name and input label as text', async () => {
    const inputs = `inputs:\n  - { path: hosting.leaseUsdPerKwMonth, label: ${JSON.stringify(HOSTILE_NAME)}, low: 100, high: 160, values: [120, 140] }\n  - { path: discountRatePerYear, low: 0.08, high: 0.16 }\n`;
    const designs: [string, string, number][] = [
      ['oneAtATime', '', 3],
      ['grid', '', 1],
      ['sobol', 'sobol: { rows: 4, resamples: 20 }\n', 1],
      ['breakEven', 'breakEven: { maxPointsPerInput: 4 }\n', 0],
    ];
    for (const [design, extra, charts] of designs) {
      const file = join(dir, `${design}.yaml`);
      writeFileSync(file, `name: ${JSON.stringify(HOSTILE_NAME)}\nscenario: smoke\ntrials: 100\ndesign: ${design}\ntrialFiles: false\n${extra}${inputs}`);
      const out = join(dir, `study-${design}`);
      const study = cli(['study', file, '--out', out, '--workers', '0', '--quiet']);
      expect(study.status, study.stderr).toBe(0);
      const page = await open(join(out, 'study.html'));
      expect(page.problems, design).toEqual([]);
      expect(page.requests).toEqual([]);
      expect([page.expected, page.rendered, page.svgCharts, page.failed], design).toEqual([charts, charts, charts, null]);
      expect(page.h1).toBe(HOSTILE_NAME);
    }
  });

  it('shows a scenario named <script>alert(1)</script> as text and runs none of it', async () => {
    const smoke = readFileSync(join(ROOT, 'scenarios', 'presets', 'smoke.yaml'), 'utf8');
    const hostile = join(dir, 'hostile.yaml');
    writeFileSync(
      hostile,
      smoke
        .replace(/^name: .*$/m, `name: ${JSON.stringify(HOSTILE_NAME)}`)
        .replace(/^description: .*$/m, `description: ${JSON.stringify('</script><img src=x onerror=alert(2)><script>alert(3)</script>')}`),
    );
    const out = join(dir, 'hostile');
    const run = cli(['run', hostile, '--trials', '200', '--seed', '3', '--out', out, '--workers', '0', '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const page = await open(join(out, 'report.html'), 1400, 'report-1400.png');
    expect(page.problems).toEqual([]); // no alert dialog, no error
    expect(page.requests).toEqual([]); // the <img src=x> was not created
    expect(page.h1).toBe(HOSTILE_NAME);
    expect(page.title).toBe(`hashpivot report: ${HOSTILE_NAME}`);
    expect(page.rendered).toBe(page.expected);
  });
});
