// calibrate --report: the diagnostics of a fit (runners/calibrationDiagnostics.ts) and the page
// that draws them (outputs/calibrationReport.ts). On data the engine draws from GBM the tests of a
// GBM fit do not reject; on the shipped history the fat tails and the changing volatility show;
// the held-out back-test fits only months before its window; every chart compiles and renders
// without a warning; the files are written together or not at all. The page in Chromium:
// test/reportBrowser.test.ts.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MarketPath, marketParams } from '../engine/market.js';
import { RandomStream } from '../engine/random.js';
import { renderCharts } from '../outputs/chartsRender.js';
import { calibrationCharts } from '../outputs/calibrationReport.js';
import { calibrate, shippedDifficulty, shippedPrice } from '../runners/calibrate.js';
import { DRIFT_BOUND_PER_YEAR } from '../runners/calibrationGuardrails.js';
import { calibrationDiagnostics } from '../runners/calibrationDiagnostics.js';
import { calibrateCommand } from '../runners/commands/calibrate.js';
import { loadScenario, parseScenario, resolvedScenarioJson } from '../scenarios/load.js';
import { freshDir } from './cliHarness.js';
import { runCommand } from './commandHarness.js';

const BASE = loadScenario('base');
const shipped = calibrate({ price: shippedPrice(), difficulty: shippedDifficulty(), scenario: BASE, scenarioName: 'base' });
const diagnostics = calibrationDiagnostics(shipped, { trials: 400 });

describe('diagnostics of the shipped 2012-2024 fit', () => {
  it('reads the fit window\'s 146 monthly returns and fits all four price models', () => {
    expect(diagnostics.returns.length).toBe(146);
    expect(diagnostics.models.map((m) => [m.model, m.error])).toEqual([
      ['gbm', undefined],
      ['merton', undefined],
      ['regimes', undefined],
      ['bootstrap', undefined],
    ]);
    expect(diagnostics.paths.map((p) => p.model)).toEqual(['gbm', 'merton', 'regimes', 'bootstrap']);
    for (const p of diagnostics.paths) expect(p.comparison.months).toHaveLength(146);
  });

  it('sees what a GBM misses: fat tails (Jarque-Bera) and a volatility that moves from year to year (Bartlett)', () => {
    expect(diagnostics.jarqueBera.kurtosis).toBeGreaterThan(5);
    expect(diagnostics.jarqueBera.pValue).toBeLessThan(1e-6);
    expect(diagnostics.bartlett!.pValue).toBeLessThan(0.001);
    // The jump model's likelihood is the higher (the likelihood-ratio test chose it).
    const [gbm, merton] = diagnostics.models;
    expect(merton.logLikelihood!).toBeGreaterThan(gbm.logLikelihood!);
  });

  it('the held-out back-test is fitted only on the months before its window', () => {
    const h = diagnostics.holdout!;
    const months = shipped.data.price.months;
    expect(h.start).toBe(months[months.length - 25]);
    expect(h.fitTo).toBe(h.start);
    expect(h.comparison.months).toHaveLength(24);
    expect(h.comparison.months[23].date).toBe(months[months.length - 1]);
    expect(Math.exp(shipped.data.price.logPrices[months.length - 25])).toBeCloseTo(h.startPriceUsd, 9);
  });

  it('every chart compiles and renders without a warning', async () => {
    const charts = calibrationCharts(shipped, diagnostics, DRIFT_BOUND_PER_YEAR);
    expect(charts.map((c) => c.name)).toEqual([
      'calibration-returns-histogram',
      'calibration-returns-qq',
      'calibration-history-vs-models',
      'calibration-autocorrelation',
      'calibration-volatility-by-year',
      'calibration-holdout-backtest',
      'calibration-rolling-drift',
    ]);
    for (const chart of await renderCharts(charts)) expect(chart.warnings, chart.name).toEqual([]);
    // Each caption states its statistic.
    expect(charts[0].caption).toMatch(/Kolmogorov-Smirnov: GBM KS D = 0\.\d+ \(p /);
    expect(charts[3].caption).toMatch(/Ljung-Box Q\(12\) on returns [\d.]+ \(p [\d.<]+/);
    expect(charts[4].caption).toMatch(/Bartlett's test of one variance across the 12 years/);
  });
});

describe('diagnostics of GBM data drawn by the engine', () => {
  it('do not reject the model that made the data: KS of the GBM fit and Ljung-Box on returns and squares, all p > 0.01', () => {
    const raw = resolvedScenarioJson(BASE) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    raw.horizonMonths = 240;
    raw.market.price = { model: 'gbm', driftPerYear: 0.2, volatilityPerYear: 0.6 };
    const path = new MarketPath(marketParams(parseScenario(raw, 'gbm data')));
    path.simulate(new RandomStream().reseed(99, 0, 'market'));
    const dates = Array.from({ length: 240 }, (_, m) => `${1990 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-28`);
    const series = { daily: { dates, values: path.priceUsd }, source: 'engine', shipped: false };
    const result = calibrate({ price: series, difficulty: series, scenario: BASE, scenarioName: 'base', priceModel: 'gbm', rollingMonths: 0 });
    const d = calibrationDiagnostics(result, { trials: 200 });
    expect(d.models[0].ks!.pValue).toBeGreaterThan(0.01);
    expect(d.ljungBox.returns.pValue).toBeGreaterThan(0.01);
    expect(d.ljungBox.squared.pValue).toBeGreaterThan(0.01);
  });
});

describe('calibrate --report DIR', () => {
  it('writes calibration.html and its charts, and says so', async () => {
    const dir = join(freshDir(), 'diagnostics');
    const r = await runCommand(calibrateCommand, ['--report', dir, '--out', join(dir, '..', 'fitted.yaml')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Wrote .*diagnostics\/calibration\.html and 21 chart files in .*diagnostics\/charts/);
    expect(readdirSync(join(dir, 'charts')).filter((f) => f.endsWith('.png'))).toHaveLength(7);
    const html = readFileSync(join(dir, 'calibration.html'), 'utf8');
    expect(html).toContain('Does the fitted price model look like its history?');
    expect(html).toMatch(/<li class="warn">WARNING: market\.price\.driftPerYear fitted 1\.3/);
    expect(html).toMatch(/Ljung-Box Q\(12\), squared returns/);
  });

  it('leaves the rest of a folder alone: a results folder\'s own charts stay', async () => {
    const dir = freshDir();
    const charts = join(dir, 'charts');
    await import('node:fs').then((fs) => fs.mkdirSync(charts));
    writeFileSync(join(charts, 'npv-distribution.svg'), '<svg/>');
    const r = await runCommand(calibrateCommand, ['--report', dir, '--rolling', '0']);
    expect(r.status).toBe(0);
    expect(existsSync(join(charts, 'npv-distribution.svg'))).toBe(true);
    expect(existsSync(join(charts, 'calibration-rolling-drift.svg'))).toBe(false);
  });

  it('an unwritable folder fails before any fit (exit 1), and --report needs a folder (exit 2)', async () => {
    const blocker = join(freshDir(), 'file');
    writeFileSync(blocker, 'x');
    const r = await runCommand(calibrateCommand, ['--report', join(blocker, 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--report .*\/file\/out: this folder cannot be written .*pass --report a folder you can write to/);
    expect(r.stdout).toBe('');
    expect((await runCommand(calibrateCommand, ['--report', ''])).stderr).toMatch(/--report needs a folder/);
  });
});
