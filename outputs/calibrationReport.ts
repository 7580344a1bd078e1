// calibration.html: pictures of whether a fitted price model looks like the history it was fitted
// to, each chart with the statistic that summarises it (runners/calibrationDiagnostics.ts computes
// them). The page, the chart files and their rendering are the run report's (htmlPage.ts,
// chartsRender.ts, report.ts chartFiles): one self-contained file, charts as Vega-Lite specs with
// their data inline, SVG and PNG beside it.
import { probit } from 'simple-statistics';
import type { Diagnostics, ModelFit, PriceModelName } from '../runners/calibrationDiagnostics.js';
import type { CalibrateResult } from '../runners/calibrate.js';
import { CONFIG, VEGA_LITE_SCHEMA, type Chart } from './chartSpecs.js';
import { html, type Html } from './html.js';
import { chartFigure, htmlPage } from './htmlPage.js';

const WIDTH = 640;
const HEIGHT = 240;
const MODEL_LABELS: Record<PriceModelName, string> = { gbm: 'GBM', merton: 'Merton', regimes: 'Regimes', bootstrap: 'Bootstrap' };
const MODEL_COLORS = { domain: ['GBM', 'Merton', 'Regimes'], range: ['#4c78a8', '#f58518', '#54a24b'] };

const num = (x: number, digits = 3) => (Number.isFinite(x) ? Number(x.toPrecision(digits)).toString() : 'n/a');
const pValue = (p: number) => (p < 0.001 ? '< 0.001' : p.toFixed(3));
const share = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100)}%`);

/** Densities on a grid over the returns' range: what each fitted model says a month's return should look like. */
function densityRows(d: Diagnostics) {
  const min = Math.min(...d.returns);
  const max = Math.max(...d.returns);
  const span = max - min;
  const rows: { x: number; density: number; model: string }[] = [];
  const grid = 161;
  for (const m of d.models) {
    const cdf = m.cdf;
    if (cdf === null) continue;
    // Density by central differences of the model's distribution function, which KS used too.
    for (let i = 0; i < grid; i++) {
      const x = min - 0.1 * span + (1.2 * span * i) / (grid - 1);
      const h = 1e-4 * span;
      rows.push({ x, density: (cdf(x + h) - cdf(x - h)) / (2 * h), model: MODEL_LABELS[m.model] });
    }
  }
  return rows;
}

function histogramRows(returns: Float64Array) {
  const n = returns.length;
  // Twice the square root of the count (24 bins for 146 months): fine enough to show the tails.
  const bins = Math.max(10, Math.min(40, Math.round(2 * Math.sqrt(n))));
  const min = Math.min(...returns);
  const max = Math.max(...returns);
  const width = (max - min) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const r of returns) counts[Math.min(bins - 1, Math.floor((r - min) / width))]++;
  return counts.map((count, i) => ({ x0: min + i * width, x1: min + (i + 1) * width, density: count / (n * width) }));
}

function ksText(m: ModelFit): string {
  return m.ks === null ? '' : `${MODEL_LABELS[m.model]} KS D = ${num(m.ks.statistic)} (p ${pValue(m.ks.pValue)})`;
}

function histogramChart(d: Diagnostics): Chart {
  const stats = d.models.map(ksText).filter((t) => t !== '');
  return {
    name: 'calibration-returns-histogram',
    title: 'Monthly log returns against the fitted distributions',
    caption:
      `Histogram of the ${d.returns.length} monthly log returns ${d.months[0]} .. ${d.to} (density), with the one-month distribution of each fitted model. ` +
      `Kolmogorov-Smirnov: ${stats.join('; ')}. The parameters were fitted to these returns, so each p-value is an upper bound (Lilliefors 1967); a small one says the model's shape is wrong.`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'Monthly log returns', subtitle: stats.join(' · ') },
      width: WIDTH,
      height: HEIGHT,
      config: CONFIG,
      layer: [
        {
          data: { values: histogramRows(d.returns) },
          mark: { type: 'rect', color: '#bab0ac', opacity: 0.8 },
          encoding: {
            x: { field: 'x0', type: 'quantitative', title: 'monthly log return', axis: { format: '.2f' } },
            x2: { field: 'x1' },
            y: { field: 'density', type: 'quantitative', title: 'density' },
          },
        },
        {
          data: { values: densityRows(d) },
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'density', type: 'quantitative' },
            color: { field: 'model', type: 'nominal', title: 'fitted model', scale: MODEL_COLORS },
          },
        },
      ],
    },
  };
}

function qqChart(d: Diagnostics): Chart {
  const jb = d.jarqueBera;
  const gbm = d.models.find((m) => m.model === 'gbm')!;
  const drift = gbm.parameters.find((p) => p.name === 'driftPerYear')!.value;
  const volatility = gbm.parameters.find((p) => p.name === 'volatilityPerYear')!.value;
  const quantile = (p: number) => (drift - volatility ** 2 / 2) / 12 + (volatility / Math.sqrt(12)) * probit(p);
  const mean = d.returns.reduce((a, b) => a + b, 0) / d.returns.length;
  const sd = Math.sqrt(d.returns.reduce((a, b) => a + (b - mean) ** 2, 0) / d.returns.length);
  const sorted = Float64Array.from(d.returns).sort();
  const n = sorted.length;
  const rows = Array.from(sorted, (r, i) => ({ theoretical: quantile((i + 0.5) / n), sample: r }));
  const line = [sorted[0], sorted[n - 1]].map((r) => ({ theoretical: r, sample: r }));
  return {
    name: 'calibration-returns-qq',
    title: 'Quantiles of the monthly returns against the fitted normal (GBM)',
    caption:
      `Each point is one month: its return against the same quantile of the fitted GBM's normal distribution (plotting positions (i - 0.5) / n). On the line the normal fits; ` +
      `points above it at the right and below it at the left are fat tails. Jarque-Bera: skewness ${num(jb.skewness)}, kurtosis ${num(jb.kurtosis)} (3 for a normal), JB = ${num(jb.statistic)} (p ${pValue(jb.pValue)}). Sample sd ${num(sd)} a month.`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'QQ plot: returns against the fitted normal', subtitle: `Jarque-Bera ${num(jb.statistic)}, p ${pValue(jb.pValue)}` },
      width: 360,
      height: 360,
      config: CONFIG,
      layer: [
        { data: { values: line }, mark: { type: 'line', color: '#888', strokeDash: [4, 3] }, encoding: { x: { field: 'theoretical', type: 'quantitative' }, y: { field: 'sample', type: 'quantitative' } } },
        {
          data: { values: rows },
          mark: { type: 'point', filled: true, size: 28, color: '#4c78a8' },
          encoding: {
            x: { field: 'theoretical', type: 'quantitative', title: 'fitted normal quantile', axis: { format: '.2f' } },
            y: { field: 'sample', type: 'quantitative', title: 'monthly log return', axis: { format: '.2f' } },
          },
        },
      ],
    },
  };
}

function historyChart(d: Diagnostics): Chart {
  const label = (p: Diagnostics['paths'][number]) => `${MODEL_LABELS[p.model]}: ${p.comparison.coverage.inside90}/${p.comparison.coverage.monthsCompared} months in the 90% band`;
  const rows = d.paths.flatMap((p) => {
    return p.comparison.months.map((m) => ({ model: label(p), date: `${m.date}-01`, p5: m.p5, p25: m.p25, p50: m.p50, p75: m.p75, p95: m.p95, realised: m.realised }));
  });
  const stats = d.paths.map((p) => `${MODEL_LABELS[p.model]} ${share(p.comparison.coverage.share90)} in the 90% band, ${share(p.comparison.coverage.share50)} in the 50% band`);
  const x = { field: 'date', type: 'temporal' as const, title: null };
  const y = (field: string) => ({ field, type: 'quantitative' as const, scale: { type: 'log' as const }, axis: { format: '$~s' }, title: null });
  return {
    name: 'calibration-history-vs-models',
    title: 'History against paths of each price model at its fitted parameters',
    caption:
      `${d.pathTrials.toLocaleString('en-US')} paths per model, drawn by the engine's own price step from the price of ${d.from} at the parameters fitted on this window ` +
      `(regimes by maximum likelihood through Hamilton's filter; bootstrap resamples the window's own returns in 12-month blocks, not demeaned). ` +
      `Shaded: 5-95% and 25-75% by month; dashed: the median; black: what happened. ${stats.join('; ')}. In sample: a model that fits should hold ~90% and ~50% of months, but the months of one path move together.`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'History against the fitted price models', subtitle: 'BTC price (USD, log scale), bands by month' },
      config: CONFIG,
      data: { values: rows },
      facet: { field: 'model', type: 'nominal', sort: d.paths.map(label), header: { title: null } },
      columns: 2,
      spec: {
        width: 320,
        height: 200,
        layer: [
          { mark: { type: 'area', opacity: 0.2, color: '#4c78a8' }, encoding: { x, y: y('p5'), y2: { field: 'p95' } } },
          { mark: { type: 'area', opacity: 0.35, color: '#4c78a8' }, encoding: { x, y: y('p25'), y2: { field: 'p75' } } },
          { mark: { type: 'line', strokeDash: [4, 3], color: '#4c78a8' }, encoding: { x, y: y('p50') } },
          { mark: { type: 'line', color: 'black', strokeWidth: 1.5 }, encoding: { x, y: y('realised') } },
        ],
      },
    },
  };
}

function acfChart(d: Diagnostics): Chart {
  const rows = [
    ...Array.from(d.acf.returns, (r, i) => ({ series: 'returns', lag: i + 1, r })),
    ...Array.from(d.acf.squared, (r, i) => ({ series: 'squared returns', lag: i + 1, r })),
  ];
  const lb = d.ljungBox;
  const text = `Ljung-Box Q(${lb.returns.lags}) on returns ${num(lb.returns.statistic)} (p ${pValue(lb.returns.pValue)}); on squared returns ${num(lb.squared.statistic)} (p ${pValue(lb.squared.pValue)})`;
  return {
    name: 'calibration-autocorrelation',
    title: 'Autocorrelation of monthly returns and of squared returns',
    caption:
      `Sample autocorrelation at lags 1 .. ${d.acf.returns.length} months; dashed: ±1.96/sqrt(n), the 95% band of a series without autocorrelation. ${text}. ` +
      'GBM and Merton draw independent months: a small p on returns is momentum or reversal they miss; on squared returns, volatility that clusters (ARCH effects, McLeod and Li 1983), which the regimes model and the bootstrap carry and the others do not.',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'Autocorrelation', subtitle: text },
      config: CONFIG,
      data: { values: rows },
      facet: { row: { field: 'series', type: 'nominal', header: { title: null } } },
      spec: {
        width: WIDTH,
        height: 130,
        layer: [
          { mark: { type: 'bar', color: '#4c78a8', width: 8 }, encoding: { x: { field: 'lag', type: 'quantitative', title: 'lag (months)' }, y: { field: 'r', type: 'quantitative', title: 'autocorrelation' } } },
          { mark: { type: 'rule', strokeDash: [4, 3], color: '#b5433a' }, encoding: { y: { datum: d.acf.band } } },
          { mark: { type: 'rule', strokeDash: [4, 3], color: '#b5433a' }, encoding: { y: { datum: -d.acf.band } } },
          { mark: { type: 'rule', color: '#333' }, encoding: { y: { datum: 0 } } },
        ],
      },
    },
  };
}

function volatilityChart(d: Diagnostics): Chart {
  const gbm = d.models.find((m) => m.model === 'gbm')!;
  const fitted = gbm.parameters.find((p) => p.name === 'volatilityPerYear')!.value;
  const b = d.bartlett;
  const text = b === null ? 'fewer than two years with 6 or more returns: no test' : `Bartlett's test of one variance across the ${b.groups} years: T = ${num(b.statistic)} (p ${pValue(b.pValue)})`;
  return {
    name: 'calibration-volatility-by-year',
    title: 'Volatility by calendar year',
    caption:
      `Standard deviation of each year's monthly log returns, annualised (x sqrt 12); years with at least 6 returns. Dashed: the volatility of the GBM fit over the whole window (${num(fitted)}). ` +
      `${text}. Bartlett's test also reacts to fat tails; a small p says the volatility moved, which a constant-volatility model does not.`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'Volatility by year', subtitle: text },
      width: WIDTH,
      height: HEIGHT,
      config: CONFIG,
      layer: [
        {
          data: { values: d.volatilityByYear },
          mark: { type: 'bar', color: '#4c78a8' },
          encoding: {
            x: { field: 'year', type: 'ordinal', title: null },
            y: { field: 'volatilityPerYear', type: 'quantitative', title: 'volatility per year', axis: { format: '.0%' } },
            tooltip: [{ field: 'year' }, { field: 'volatilityPerYear', format: '.2f' }, { field: 'returns', title: 'months' }],
          },
        },
        { data: { values: [{}] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#b5433a' }, encoding: { y: { datum: fitted } } },
      ],
    },
  };
}

function holdoutChart(d: Diagnostics): Chart | null {
  const h = d.holdout;
  if (h === null) return null;
  const c = h.comparison.coverage;
  const rows = [
    { date: `${h.start}-01`, p5: h.startPriceUsd, p25: h.startPriceUsd, p50: h.startPriceUsd, p75: h.startPriceUsd, p95: h.startPriceUsd, realised: h.startPriceUsd },
    ...h.comparison.months.map((m) => ({ date: `${m.date}-01`, p5: m.p5, p25: m.p25, p50: m.p50, p75: m.p75, p95: m.p95, realised: m.realised })),
  ];
  const text = `${c.inside90}/${c.monthsCompared} months in the 90% band, ${c.inside50}/${c.monthsCompared} in the 50% band; the last month at the ${share(h.finalPercentile)} percentile`;
  const x = { field: 'date', type: 'temporal' as const, title: null };
  const y = (field: string) => ({ field, type: 'quantitative' as const, scale: { type: 'log' as const }, axis: { format: '$~s' }, title: 'BTC price (USD)' });
  return {
    name: 'calibration-holdout-backtest',
    title: 'Out of sample: simulated against realised prices over the held-out months',
    caption:
      `The ${MODEL_LABELS[h.model]} model fitted on ${h.fitFrom} .. ${h.fitTo} only, ${d.pathTrials.toLocaleString('en-US')} paths from the month-end price of ${h.start}, against what happened (black). ${text}. ` +
      'Nothing from the held-out months fed the fit.',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: `Held-out back-test from ${h.start}`, subtitle: text },
      width: WIDTH,
      height: HEIGHT,
      config: CONFIG,
      data: { values: rows },
      layer: [
        { mark: { type: 'area', opacity: 0.2, color: '#4c78a8' }, encoding: { x, y: y('p5'), y2: { field: 'p95' } } },
        { mark: { type: 'area', opacity: 0.35, color: '#4c78a8' }, encoding: { x, y: y('p25'), y2: { field: 'p75' } } },
        { mark: { type: 'line', strokeDash: [4, 3], color: '#4c78a8' }, encoding: { x, y: y('p50') } },
        { mark: { type: 'line', color: 'black', point: { color: 'black', filled: true, size: 20 } }, encoding: { x, y: y('realised') } },
      ],
    },
  };
}

function rollingChart(result: CalibrateResult, bound: number): Chart | null {
  const rolling = result.rolling;
  if (rolling === null || rolling.windows.length === 0) return null;
  const rows = rolling.windows.map((w) => ({
    window: `${w.from} .. ${w.to}`,
    drift: w.price.driftPerYear,
    low: w.price.driftPerYear - 2 * w.price.driftStandardError,
    high: w.price.driftPerYear + 2 * w.price.driftStandardError,
  }));
  const full = result.gbm.estimates.driftPerYear;
  const s = rolling.spread.priceDrift;
  const text = `drift ${num(s.min, 2)} .. ${num(s.max, 2)} per year across ${rolling.windows.length} windows (median ${num(s.median, 2)}); the whole window: ${num(full, 2)} ± ${num(result.gbm.standardErrors.driftPerYear, 2)}`;
  return {
    name: 'calibration-rolling-drift',
    title: `Price drift fitted on rolling ${rolling.windowMonths}-month windows`,
    caption:
      `GBM drift per window, ${rolling.stepMonths} months apart, with ±2 standard errors; grey: the whole window's fit; red: the guardrail (±${bound} per year). ${text}. ` +
      'Where the windows disagree by more than their error bars, the choice of window decides the answer.',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: `Rolling ${rolling.windowMonths}-month drift`, subtitle: text },
      width: WIDTH,
      height: HEIGHT,
      config: CONFIG,
      layer: [
        {
          data: { values: rows },
          layer: [
            { mark: { type: 'rule', color: '#4c78a8' }, encoding: { x: { field: 'window', type: 'ordinal', sort: null, title: null }, y: { field: 'low', type: 'quantitative', title: 'drift per year' }, y2: { field: 'high' } } },
            { mark: { type: 'point', filled: true, size: 60, color: '#4c78a8' }, encoding: { x: { field: 'window', type: 'ordinal', sort: null }, y: { field: 'drift', type: 'quantitative' } } },
          ],
        },
        { data: { values: [{}] }, mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { y: { datum: full } } },
        { data: { values: [{}] }, mark: { type: 'rule', color: '#b5433a', strokeDash: [2, 2] }, encoding: { y: { datum: bound } } },
      ],
    },
  };
}

/** Every chart of calibration.html, in page order. */
export function calibrationCharts(result: CalibrateResult, d: Diagnostics, driftBound: number): Chart[] {
  return [histogramChart(d), qqChart(d), historyChart(d), acfChart(d), volatilityChart(d), holdoutChart(d), rollingChart(result, driftBound)].filter((c): c is Chart => c !== null);
}

function parameterTable(d: Diagnostics): Html {
  const rows = d.models.map((m) => {
    const parameters =
      m.error !== undefined
        ? `not fitted: ${m.error}`
        : m.model === 'bootstrap'
          ? `the window's ${d.returns.length} monthly returns, resampled in 12-month blocks`
          : m.parameters.map((p) => `${p.name} ${num(p.value)}${p.standardError === undefined ? '' : ` ± ${num(p.standardError, 2)}`}`).join(', ');
    const aic = m.logLikelihood === null ? '' : num(2 * m.parameterCount - 2 * m.logLikelihood, 4);
    return html`<tr><td class="text">${MODEL_LABELS[m.model]}${m.model === d.chosen ? ' (written)' : ''}</td><td class="text">${parameters}</td><td>${m.logLikelihood === null ? '' : num(m.logLikelihood, 4)}</td><td>${aic}</td><td>${m.ks === null ? '' : `${num(m.ks.statistic)} (p ${pValue(m.ks.pValue)})`}</td></tr>\n`;
  });
  return html`<div class="scroll"><table id="models">
<thead><tr><th class="text">model</th><th class="text">fitted parameters ± SE</th><th>log-likelihood</th><th>AIC</th><th>KS D (p)</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function statisticsTable(d: Diagnostics): Html {
  const rows: [string, string, string, string][] = [
    ['Jarque-Bera (normal returns)', num(d.jarqueBera.statistic), pValue(d.jarqueBera.pValue), `skewness ${num(d.jarqueBera.skewness)}, kurtosis ${num(d.jarqueBera.kurtosis)}`],
    [`Ljung-Box Q(${d.ljungBox.returns.lags}), returns`, num(d.ljungBox.returns.statistic), pValue(d.ljungBox.returns.pValue), 'autocorrelation of returns'],
    [`Ljung-Box Q(${d.ljungBox.squared.lags}), squared returns`, num(d.ljungBox.squared.statistic), pValue(d.ljungBox.squared.pValue), 'volatility clustering'],
  ];
  if (d.bartlett !== null) rows.push(["Bartlett, variance by year", num(d.bartlett.statistic), pValue(d.bartlett.pValue), `${d.bartlett.groups} years`]);
  for (const m of d.models) if (m.ks !== null) rows.push([`Kolmogorov-Smirnov, ${MODEL_LABELS[m.model]}`, num(m.ks.statistic), pValue(m.ks.pValue), 'upper bound: parameters fitted to the same data']);
  return html`<table id="statistics"><thead><tr><th class="text">test</th><th>statistic</th><th>p-value</th><th class="text">note</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><td class="text">${r[0]}</td><td>${r[1]}</td><td>${r[2]}</td><td class="text">${r[3]}</td></tr>\n`)}</tbody></table>`;
}

export interface CalibrationPageOptions {
  scenarioName: string;
  /** Sentences for the user: guardrail warnings (already worded). */
  warnings: readonly string[];
  source: string;
}

/** The whole page: fits, warnings, the model table, the statistics and every chart with its caption. */
export function calibrationHtml(result: CalibrateResult, d: Diagnostics, charts: readonly Chart[], options: CalibrationPageOptions): string {
  const figure = (name: string) => {
    const chart = charts.find((c) => c.name === name);
    return chart === undefined ? null : chartFigure(chart);
  };
  const warnings = options.warnings.map((w) => html`<li class="warn">${w}</li>\n`);
  const body = html`
<header>
<p class="note">hashpivot calibration diagnostics</p>
<h1 id="title">Does the fitted price model look like its history?</h1>
<p class="lead">Monthly (month-end) BTC prices ${d.from} .. ${d.to}: ${d.returns.length} monthly log returns from ${options.source}. Written model: ${MODEL_LABELS[d.chosen]} (${result.priceModelReason}). Scenario: ${options.scenarioName}. Paths: seed ${d.seed}.</p>
<nav><a href="#fits">Fits</a><a href="#distribution">Distribution</a><a href="#paths">Paths</a><a href="#dependence">Dependence</a><a href="#out-of-sample">Out of sample</a><a href="#windows">Windows</a></nav>
</header>
<section id="fits">
<h2>Fits</h2>
${warnings.length === 0 ? html`<p>No fitted value breaks a guardrail.</p>` : html`<ul class="sentences" id="warnings">${warnings}</ul>`}
${parameterTable(d)}
<p class="caption">AIC = 2 k - 2 ln L (lower is better) on the same ${d.returns.length} returns; the regimes likelihood is Hamilton's filter, so it counts the months' dependence, which the KS of its one-month mixture does not.</p>
${statisticsTable(d)}
</section>
<section id="distribution">
<h2>Distribution of monthly returns</h2>
${figure('calibration-returns-histogram')}
${figure('calibration-returns-qq')}
</section>
<section id="paths">
<h2>History against the models</h2>
${figure('calibration-history-vs-models')}
</section>
<section id="dependence">
<h2>Dependence and changing volatility</h2>
${figure('calibration-autocorrelation')}
${figure('calibration-volatility-by-year')}
</section>
<section id="out-of-sample">
<h2>Out of sample</h2>
${d.holdout === null ? html`<p>The window is too short to hold months out.</p>` : figure('calibration-holdout-backtest')}
</section>
<section id="windows">
<h2>How much the window decides</h2>
${result.rolling === null ? html`<p>Rolling windows were switched off (--rolling 0).</p>` : figure('calibration-rolling-drift')}
</section>`;
  return htmlPage({ title: 'hashpivot calibration diagnostics', body, charts });
}
