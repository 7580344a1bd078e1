// `hashpivot compare DIR_A DIR_B`: two results folders side by side in one page. What changed in
// the scenario (the resolved scenarios diffed field by field, strategies matched by name), and how
// each strategy's NPV distribution moved (mean, p5, p50, p95, P(NPV<0); overlaid histograms on
// shared bins).
import { basename, resolve } from 'node:path';
import type { JsonObject, JsonValue } from '../scenarios/load.js';
import { VEGA_LITE_SCHEMA, type Chart } from './chartSpecs.js';
import { renderCharts } from './chartsRender.js';
import { escapeHtml } from './html.js';
import { chartFigure, htmlPage } from './htmlPage.js';
import { chartFiles, readResults } from './report.js';
import { sharedHistogram, type Histogram } from './reportData.js';
import { formatShare, formatUsdM } from './reportText.js';
import { trialColumnName } from './reportTrials.js';
import { ensureWritableFolder, writeFilesAtomically, type OutputFile } from './resultsFolder.js';
import type { StrategySummary, Summary } from './summary.js';

export interface FieldChange {
  path: string;
  /** undefined: the field is absent on that side. */
  a: JsonValue | undefined;
  b: JsonValue | undefined;
}

/** Arrays of named objects (strategies) are keyed by name, so reordering is not a change. */
function flatten(value: JsonValue, path: string, out: Map<string, JsonValue>): void {
  if (Array.isArray(value)) {
    const named = value.length > 0 && value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as JsonObject).name === 'string');
    value.forEach((v, i) => flatten(v, `${path}[${named ? (v as JsonObject).name : i}]`, out));
    if (value.length === 0) out.set(path, []);
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    for (const key of keys) flatten(value[key], path ? `${path}.${key}` : key, out);
    if (keys.length === 0) out.set(path, {});
  } else {
    out.set(path, value);
  }
}

/** Field-by-field differences of two JSON documents, in the order fields appear (A's, then B's new ones). */
export function diffJson(a: JsonValue, b: JsonValue): FieldChange[] {
  const fa = new Map<string, JsonValue>();
  const fb = new Map<string, JsonValue>();
  flatten(a, '', fa);
  flatten(b, '', fb);
  const changes: FieldChange[] = [];
  for (const [path, va] of fa) {
    const vb = fb.get(path);
    if (!fb.has(path)) changes.push({ path, a: va, b: undefined });
    else if (JSON.stringify(va) !== JSON.stringify(vb)) changes.push({ path, a: va, b: vb });
  }
  for (const [path, vb] of fb) if (!fa.has(path)) changes.push({ path, a: undefined, b: vb });
  return changes;
}

export interface StrategyMove {
  name: string;
  a: StrategySummary;
  b: StrategySummary;
}

export interface ComparedMetric {
  label: string;
  a: number | null;
  b: number | null;
  format: 'usd' | 'share';
}

export function comparedMetrics(move: StrategyMove): ComparedMetric[] {
  const na = move.a.metrics.npvUsd;
  const nb = move.b.metrics.npvUsd;
  return [
    { label: 'mean NPV', a: na.mean, b: nb.mean, format: 'usd' },
    { label: 'p5 NPV', a: na.percentiles.p5, b: nb.percentiles.p5, format: 'usd' },
    { label: 'p50 NPV', a: na.percentiles.p50, b: nb.percentiles.p50, format: 'usd' },
    { label: 'p95 NPV', a: na.percentiles.p95, b: nb.percentiles.p95, format: 'usd' },
    { label: 'P(NPV<0)', a: move.a.pNpvNegative.p, b: move.b.pNpvNegative.p, format: 'share' },
    { label: 'P(ruin)', a: move.a.pRuin.p, b: move.b.pRuin.p, format: 'share' },
  ];
}

function signed(text: string, x: number): string {
  return x > 0 ? `+${text}` : text;
}

function formatDelta(m: ComparedMetric): string {
  if (m.a === null || m.b === null) return 'n/a';
  const d = m.b - m.a;
  if (m.format === 'usd') return signed(formatUsdM(d), d);
  return `${d > 0 ? '+' : ''}${(d * 100).toFixed(1)} pts`;
}

function formatValue(m: ComparedMetric, x: number | null): string {
  return m.format === 'usd' ? formatUsdM(x) : formatShare(x);
}

export function moveSentence(move: StrategyMove): string {
  const [mean, , , , pNeg] = comparedMetrics(move);
  return `${move.name}: mean NPV ${formatValue(mean, mean.a)} -> ${formatValue(mean, mean.b)} (${formatDelta(mean)}); 5% worst case ${formatUsdM(move.a.metrics.npvUsd.var5)} -> ${formatUsdM(move.b.metrics.npvUsd.var5)}; P(NPV<0) ${formatShare(pNeg.a)} -> ${formatShare(pNeg.b)}.`;
}

function displayValue(v: JsonValue | undefined): string {
  if (v === undefined) return '(absent)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function relativeChange(a: JsonValue | undefined, b: JsonValue | undefined): string {
  if (typeof a !== 'number' || typeof b !== 'number' || a === 0) return '';
  const r = (b - a) / Math.abs(a);
  return `${r > 0 ? '+' : ''}${(r * 100).toFixed(Math.abs(r) < 0.1 ? 1 : 0)}%`;
}

export interface CompareInputs {
  label: string;
  dir: string;
  summary: Summary;
  npv: Map<string, Float64Array>;
}

function overlayChart(a: CompareInputs, b: CompareInputs, common: string[]): { chart: Chart; histogram: Histogram } | null {
  if (common.length === 0) return null;
  const series = common.flatMap((name) => [
    { name: `${a.label}\u0000${name}`, values: a.npv.get(name)! },
    { name: `${b.label}\u0000${name}`, values: b.npv.get(name)! },
  ]);
  const histogram = sharedHistogram(series);
  const rows = histogram.series.flatMap((s) => {
    const [run, strategy] = s.name.split('\u0000');
    return s.counts.map((count, i) => ({
      run,
      strategy,
      x: (histogram.lo + (i + 0.5) * histogram.step) / 1e6,
      share: s.defined > 0 ? count / s.defined : 0,
    }));
  });
  const chart: Chart = {
    name: 'compare-npv',
    title: 'NPV distribution per strategy, A against B',
    caption: `Share of trials per $${formatUsdM(histogram.step).slice(1)} bin of NPV; the same bins for both runs.`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'NPV distribution per strategy: A against B', subtitle: 'share of trials per bin' },
      config: {
        background: 'white',
        font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
        view: { stroke: null },
        legend: { orient: 'bottom', direction: 'horizontal' },
        title: { anchor: 'start', fontSize: 14, subtitleColor: '#555' },
        header: { labelFontSize: 12, labelAnchor: 'start', labelOrient: 'top', title: null },
      },
      data: { values: rows },
      facet: { row: { field: 'strategy', type: 'nominal', sort: common, header: { title: null } } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 640,
        height: 140,
        layer: [
          {
            mark: { type: 'line', interpolate: 'step', strokeWidth: 2 },
            encoding: {
              x: { field: 'x', type: 'quantitative', title: 'NPV ($M)', axis: { format: ',.0f' } },
              y: { field: 'share', type: 'quantitative', title: 'share', axis: { format: '.0%' } },
              color: { field: 'run', type: 'nominal', title: null, scale: { domain: [a.label, b.label], range: ['#4c78a8', '#f58518'] } },
            },
          },
          { mark: { type: 'rule', color: '#333', strokeDash: [4, 3] }, encoding: { x: { datum: 0 } } },
        ],
      },
    },
  };
  return { chart, histogram };
}

export function compareHtml(a: CompareInputs, b: CompareInputs, charts: readonly Chart[]): string {
  const scenarioChanges = diffJson(a.summary.scenario, b.summary.scenario);
  const runChanges = diffJson(
    { seed: a.summary.seed, trials: a.summary.trials, engineVersion: a.summary.engine.version },
    { seed: b.summary.seed, trials: b.summary.trials, engineVersion: b.summary.engine.version },
  );
  const namesA = a.summary.strategies.map((s) => s.name);
  const namesB = b.summary.strategies.map((s) => s.name);
  const moves: StrategyMove[] = namesA
    .filter((n) => namesB.includes(n))
    .map((name) => ({ name, a: a.summary.strategies.find((s) => s.name === name)!, b: b.summary.strategies.find((s) => s.name === name)! }));
  const onlyA = namesA.filter((n) => !namesB.includes(n));
  const onlyB = namesB.filter((n) => !namesA.includes(n));

  const changeRows = (changes: FieldChange[]) =>
    changes
      .map((c) => `<tr><td class="text"><code>${escapeHtml(c.path)}</code></td><td class="text">${escapeHtml(displayValue(c.a))}</td><td class="text">${escapeHtml(displayValue(c.b))}</td><td>${escapeHtml(relativeChange(c.a, c.b))}</td></tr>`)
      .join('\n');
  const head = '<tr><th class="text">field</th><th class="text">A</th><th class="text">B</th><th>change</th></tr>';
  const moveRows = moves
    .flatMap((move) =>
      comparedMetrics(move).map(
        (m, i) =>
          `<tr>${i === 0 ? `<td class="text" rowspan="6"><b>${escapeHtml(move.name)}</b></td>` : ''}<td class="text">${escapeHtml(m.label)}</td><td>${formatValue(m, m.a)}</td><td>${formatValue(m, m.b)}</td><td>${formatDelta(m)}</td></tr>`,
      ),
    )
    .join('\n');
  const runLine = (x: CompareInputs) =>
    `<li><b>${escapeHtml(x.label)}</b>: <code>${escapeHtml(x.dir)}</code>, scenario <b>${escapeHtml(String(x.summary.scenario.name ?? ''))}</b>, as of ${escapeHtml(String((x.summary.scenario.asOf as JsonObject | undefined)?.date ?? '?'))}, ${x.summary.trials.toLocaleString('en-US')} trials, seed ${x.summary.seed}</li>`;
  const body = `
<header>
<p class="note">hashpivot comparison</p>
<h1>${escapeHtml(String(a.summary.scenario.name ?? 'A'))} against ${escapeHtml(String(b.summary.scenario.name ?? 'B'))}</h1>
<ul>${runLine(a)}${runLine(b)}</ul>
</header>
<section id="summary">
<h2>In plain words</h2>
<ul class="sentences">${moves.map((m) => `<li>${escapeHtml(moveSentence(m))}</li>`).join('\n')}</ul>
${onlyA.length ? `<p>Only in A: ${onlyA.map(escapeHtml).join(', ')}.</p>` : ''}
${onlyB.length ? `<p>Only in B: ${onlyB.map(escapeHtml).join(', ')}.</p>` : ''}
</section>
<section id="scenario-changes">
<h2>What changed in the scenario</h2>
${scenarioChanges.length ? `<div class="scroll"><table class="changes">${head}\n${changeRows(scenarioChanges)}</table></div><p class="caption">${scenarioChanges.length} field${scenarioChanges.length === 1 ? '' : 's'} of the resolved scenarios differ (every default filled in; strategies matched by name).</p>` : '<p>The resolved scenarios are identical.</p>'}
${runChanges.length ? `<h3>Run settings</h3><table class="changes">${head}\n${changeRows(runChanges)}</table>` : '<p class="note">Same seed, trial count and engine version.</p>'}
</section>
<section id="strategy-moves">
<h2>How each strategy moved</h2>
${moves.length ? `<div class="scroll"><table class="moves"><tr><th class="text">strategy</th><th class="text">metric</th><th>A</th><th>B</th><th>B - A</th></tr>\n${moveRows}</table></div>` : '<p>No strategy appears in both runs.</p>'}
${charts.map(chartFigure).join('\n')}
</section>`;
  return htmlPage({ title: `hashpivot comparison: ${String(a.summary.scenario.name ?? 'A')} against ${String(b.summary.scenario.name ?? 'B')}`, body, charts });
}

async function loadForCompare(dir: string, label: string): Promise<CompareInputs> {
  const { summary, trials } = await readResults(dir);
  const npv = new Map(summary.strategies.map((s) => [s.name, trials.column(trialColumnName(s.name, 'npvUsd'))]));
  return { label, dir, summary, npv };
}

/** Writes OUT/compare.html and OUT/charts/compare-npv.{vl.json,svg,png}. */
export async function compareRuns(dirA: string, dirB: string, out: string): Promise<{ files: OutputFile[]; html: string; charts: Chart[] }> {
  const labelOf = (tag: string, dir: string) => `${tag}: ${basename(resolve(dir))}`;
  const [a, b] = await Promise.all([loadForCompare(dirA, labelOf('A', dirA)), loadForCompare(dirB, labelOf('B', dirB))]);
  if (a.label.slice(3) === b.label.slice(3)) {
    a.label = 'A';
    b.label = 'B';
  }
  ensureWritableFolder(out);
  const common = a.summary.strategies.map((s) => s.name).filter((n) => b.npv.has(n));
  const overlay = overlayChart(a, b, common);
  const charts = overlay ? [overlay.chart] : [];
  const rendered = await renderCharts(charts);
  const html = compareHtml(a, b, charts);
  const files: OutputFile[] = [{ name: 'compare.html', write: (write) => write(html) }, ...chartFiles(rendered)];
  writeFilesAtomically(out, files);
  return { files, html, charts };
}
