// study.html: a study for a reader, offline like report.html (the same page shell, libraries inlined):
// the finding in plain words first, then the tornadoes, the spider, the grid's heatmap, the Sobol'
// indices, the break-even table, the points and the study as run. Every piece of text from the study
// or its scenario is escaped. Pure: builds a string.
import type { Chart } from './chartSpecs.js';
import { escapeHtml } from './html.js';
import { chartFigure, htmlPage } from './htmlPage.js';
import type { PointSummary } from './pointSummary.js';
import { formatNumber, formatShare, formatUsdM } from './reportText.js';
import type { InputDistribution } from '../scenarios/studySchema.js';
import { gridChart, sobolChart, spiderChart, strategyTornadoChart, tornadoChart } from './studyCharts.js';
import { meanDifference, probabilityBeats, valueWithUnit, type BreakEvenFinding, type Decision, type GridCell, type OneAtATimeAnalysis, type SobolMetricIndices } from './studyAnalysis.js';

export interface StudyReportInput {
  name: string;
  description: string;
  design: string;
  scenario: string;
  trials: number;
  seed: number;
  engineVersion: string;
  inputs: { path: string; label: string; unit: string; baseValue: number; low?: number; high?: number; values?: number[]; distribution?: InputDistribution }[];
  points: { point: number; label: string; values: number[]; summary: PointSummary }[];
  analysis: {
    decision: Decision;
    sentence: string;
    oneAtATime?: OneAtATimeAnalysis;
    grid?: { cells: GridCell[] };
    sobol?: SobolMetricIndices[];
    breakEven?: BreakEvenFinding[];
  };
  /** The study as resolved, shown at the end. */
  definition: unknown;
}

/** Rows of the points table shown in the page; the store holds them all. */
const SHOWN_POINTS = 200;

function breakEvenTable(findings: readonly BreakEvenFinding[], decision: Decision): string {
  const rows = findings.map((f) => {
    const r = f.result;
    const criterion = f.criterion === 'pBeats' ? `P(${decision.a} beats ${decision.b}) = 1/2` : `mean NPV(${decision.a}) - NPV(${decision.b}) = 0`;
    if (!r.found) {
      return `<tr><td class="text">${escapeHtml(f.label)}</td><td class="text">${escapeHtml(criterion)}</td><td colspan="4" class="text">no flip in the range: ${escapeHtml(decision.a)} ${r.sign > 0 ? 'ahead' : 'behind'} throughout (${r.probes} points)</td></tr>`;
    }
    const digits = (x: number) => valueWithUnit(x, '');
    return `<tr><td class="text">${escapeHtml(f.label)}</td><td class="text">${escapeHtml(criterion)}</td><td><b>${escapeHtml(valueWithUnit(r.x, f.unit, r.standardError))}</b></td><td>${escapeHtml(Number.isFinite(r.ci95[0]) ? `${digits(r.ci95[0])} to ${digits(r.ci95[1])}` : 'n/a')}</td><td>${escapeHtml(`${digits(r.bracket[0].x)} to ${digits(r.bracket[1].x)}`)}</td><td>${r.probes}</td></tr>`;
  });
  return `<div class="scroll"><table><tr><th class="text">input</th><th class="text">decision flips where</th><th>break-even ± SE</th><th>95% interval</th><th>last bracket</th><th>points</th></tr>${rows.join('\n')}</table></div>
<p class="caption">Bisection on common random numbers: each probe runs the same futures, the root is read off the last bracket by linear interpolation, and its standard error is the criterion's standard error over the slope (the delta method).</p>`;
}

function pointsTable(input: StudyReportInput): string {
  const { decision } = input.analysis;
  const shown = input.points.slice(0, SHOWN_POINTS);
  const header = input.inputs.map((i) => `<th>${escapeHtml(i.label)}</th>`).join('');
  const rows = shown.map((p) => {
    const difference = meanDifference(p.summary, decision);
    const beats = probabilityBeats(p.summary, decision);
    const cells = p.values.map((v) => `<td>${escapeHtml(valueWithUnit(v, ''))}</td>`).join('');
    return `<tr><td>${p.point}</td><td class="text">${escapeHtml(p.label)}</td>${cells}<td>${formatUsdM(difference.value)} ± ${formatUsdM(difference.standardError)}</td><td>${formatShare(beats.value)}</td></tr>`;
  });
  const more = input.points.length > shown.length ? `<p class="note">The first ${shown.length} of ${input.points.length} points; every point is in study.duckdb.</p>` : '';
  return `<details><summary>Every point (${input.points.length})</summary><div class="scroll"><table><tr><th>point</th><th class="text">label</th>${header}<th>mean ${escapeHtml(decision.a)} - ${escapeHtml(decision.b)} ± SE</th><th>P(${escapeHtml(decision.a)} beats)</th></tr>${rows.join('\n')}</table></div>${more}</details>`;
}

/** What a study tried of an input, in words: its range, its values, its distribution. */
function tried(input: StudyReportInput['inputs'][number]): string {
  const parts: string[] = [];
  if (input.low !== undefined && input.high !== undefined) parts.push(`${valueWithUnit(input.low, '')} to ${valueWithUnit(input.high, '')}`);
  if (input.values) parts.push(`values ${input.values.map((v) => valueWithUnit(v, '')).join(', ')}`);
  if (input.distribution) {
    const [kind, bounds] = Object.entries(input.distribution)[0] as [string, number[]];
    parts.push(`${kind} [${bounds.map((v) => valueWithUnit(v, '')).join(', ')}]`);
  }
  return parts.join('; ');
}

function inputsTable(input: StudyReportInput): string {
  const rows = input.inputs.map(
    (i) => `<tr><td class="text">${escapeHtml(i.label)}</td><td class="text"><code>${escapeHtml(i.path)}</code></td><td>${escapeHtml(valueWithUnit(i.baseValue, i.unit))}</td><td class="text">${escapeHtml(tried(i))}</td></tr>`,
  );
  return `<div class="scroll"><table><tr><th class="text">input</th><th class="text">field</th><th>base</th><th class="text">tried</th></tr>${rows.join('')}</table></div>`;
}

export function studyReportHtml(input: StudyReportInput): { html: string; charts: Chart[] } {
  const { analysis } = input;
  const charts: Chart[] = [];
  const sections: string[] = [];
  const add = (chart: Chart | null) => {
    if (!chart) return '';
    charts.push(chart);
    return chartFigure(chart);
  };
  if (analysis.oneAtATime) {
    sections.push(`<section id="tornado"><h2>What moves the decision</h2>${add(tornadoChart(analysis.oneAtATime))}${add(strategyTornadoChart(analysis.oneAtATime))}</section>`);
    sections.push(`<section id="spider"><h2>Spider</h2>${add(spiderChart(analysis.oneAtATime, input.inputs))}</section>`);
  }
  if (analysis.grid) sections.push(`<section id="grid"><h2>Grid</h2>${add(gridChart(analysis.grid.cells, input.inputs.map((i) => i.label), analysis.decision)) || '<p>One input: see the points below.</p>'}</section>`);
  if (analysis.sobol) sections.push(`<section id="sobol"><h2>Sobol' indices</h2>${add(sobolChart(analysis.sobol)) || '<p>No metric had a defined value at every point.</p>'}</section>`);
  if (analysis.breakEven) sections.push(`<section id="break-even"><h2>Break-even</h2>${breakEvenTable(analysis.breakEven, analysis.decision)}</section>`);
  const body = `
<header>
<p class="note">hashpivot study</p>
<h1 id="study-name">${escapeHtml(input.name)}</h1>
${input.description ? `<p class="lead">${escapeHtml(input.description)}</p>` : ''}
<p class="meta">${escapeHtml(input.design)} design · scenario ${escapeHtml(input.scenario)} · ${input.points.length.toLocaleString('en-US')} points × ${input.trials.toLocaleString('en-US')} trials · seed ${input.seed} (every point on the same futures) · hashpivot ${escapeHtml(input.engineVersion)}</p>
</header>
<section id="finding">
<h2>In plain words</h2>
<p class="lead" id="study-sentence">${escapeHtml(analysis.sentence)}</p>
<p class="note">Decision: ${escapeHtml(analysis.decision.a)} against ${escapeHtml(analysis.decision.b)} (mean paired NPV difference, ${escapeHtml(analysis.decision.a)} - ${escapeHtml(analysis.decision.b)}). Numbers are Monte Carlo means over ${input.trials.toLocaleString('en-US')} trials a point.</p>
<h3>Inputs varied</h3>
${inputsTable(input)}
</section>
${sections.join('\n')}
<section id="points">
<h2>Points</h2>
${pointsTable(input)}
</section>
<section id="definition">
<h2>The study as run</h2>
<details><summary>Resolved study (JSON)</summary><pre>${escapeHtml(JSON.stringify(input.definition, null, 2))}</pre></details>
<p class="note">Every number here is in study.duckdb (tables points, summary, pairs, tornado, sobol_indices, break_even; view decision) and study.json. ${escapeHtml(formatNumber(input.points.length, 0))} points.</p>
</section>`;
  return { html: htmlPage({ title: `hashpivot study: ${input.name}`, body, charts }), charts };
}
