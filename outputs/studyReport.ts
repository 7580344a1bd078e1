// study.html: a study for a reader, offline like report.html (the same page shell, libraries inlined):
// the finding in plain words first, then the tornadoes, the spider, the grid's heatmap, the Sobol'
// indices, the break-even table, the points and the study as run. Every piece of text from the study
// or its scenario is escaped (the html template). Pure: builds markup.
import type { Chart } from './chartSpecs.js';
import { html, type Html } from './html.js';
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

function breakEvenTable(findings: readonly BreakEvenFinding[], decision: Decision): Html {
  const rows = findings.map((f) => {
    const r = f.result;
    const criterion = f.criterion === 'pBeats' ? `P(${decision.a} beats ${decision.b}) = 1/2` : `mean NPV(${decision.a}) - NPV(${decision.b}) = 0`;
    if (!r.found) {
      return html`<tr><td class="text">${f.label}</td><td class="text">${criterion}</td><td colspan="4" class="text">no flip in the range: ${decision.a} ${r.sign > 0 ? 'ahead' : 'behind'} throughout (${r.probes} points)</td></tr>\n`;
    }
    const digits = (x: number) => valueWithUnit(x, f.unit);
    return html`<tr><td class="text">${f.label}</td><td class="text">${criterion}</td><td><b>${valueWithUnit(r.x, f.unit, r.standardError)}</b></td><td>${Number.isFinite(r.ci95[0]) ? `${digits(r.ci95[0])} to ${digits(r.ci95[1])}` : 'n/a'}</td><td>${`${digits(r.bracket[0].x)} to ${digits(r.bracket[1].x)}`}</td><td>${r.probes}</td></tr>\n`;
  });
  return html`<div class="scroll"><table><tr><th class="text">input</th><th class="text">decision flips where</th><th>break-even ± SE</th><th>95% interval</th><th>last bracket</th><th>points</th></tr>${rows}</table></div>
<p class="caption">Bisection on common random numbers: each probe runs the same futures, the root is read off the last bracket by linear interpolation, and its standard error is the criterion's standard error over the slope (the delta method).</p>`;
}

function pointsTable(input: StudyReportInput): Html {
  const { decision } = input.analysis;
  const shown = input.points.slice(0, SHOWN_POINTS);
  const header = input.inputs.map((i) => html`<th>${i.label}</th>`);
  const rows = shown.map((p) => {
    const difference = meanDifference(p.summary, decision);
    const beats = probabilityBeats(p.summary, decision);
    const cells = p.values.map((v, j) => html`<td>${valueWithUnit(v, input.inputs[j].unit)}</td>`);
    return html`<tr><td>${p.point}</td><td class="text">${p.label}</td>${cells}<td>${formatUsdM(difference.value)} ± ${formatUsdM(difference.standardError)}</td><td>${formatShare(beats.value)}</td></tr>\n`;
  });
  const more = input.points.length > shown.length && html`<p class="note">The first ${shown.length} of ${input.points.length} points; every point is in study.duckdb.</p>`;
  return html`<details><summary>Every point (${input.points.length})</summary><div class="scroll"><table><tr><th>point</th><th class="text">label</th>${header}<th>mean ${decision.a} - ${decision.b} ± SE</th><th>P(${decision.a} beats)</th></tr>${rows}</table></div>${more}</details>`;
}

/** What a study tried of an input, in words: its range, its values, its distribution. */
function tried(input: StudyReportInput['inputs'][number]): string {
  const parts: string[] = [];
  const value = (x: number) => valueWithUnit(x, input.unit);
  if (input.low !== undefined && input.high !== undefined) parts.push(`${value(input.low)} to ${value(input.high)}`);
  if (input.values) parts.push(`values ${input.values.map(value).join(', ')}`);
  if (input.distribution) {
    const [kind, bounds] = Object.entries(input.distribution)[0] as [string, number[]];
    parts.push(`${kind} [${bounds.map(value).join(', ')}]`);
  }
  return parts.join('; ');
}

function inputsTable(input: StudyReportInput): Html {
  const rows = input.inputs.map(
    (i) => html`<tr><td class="text">${i.label}</td><td class="text"><code>${i.path}</code></td><td>${valueWithUnit(i.baseValue, i.unit)}</td><td class="text">${tried(i)}</td></tr>`,
  );
  return html`<div class="scroll"><table><tr><th class="text">input</th><th class="text">field</th><th>base</th><th class="text">tried</th></tr>${rows}</table></div>`;
}

export function studyReportHtml(input: StudyReportInput): { html: string; charts: Chart[] } {
  const { analysis } = input;
  const charts: Chart[] = [];
  const sections: Html[] = [];
  const add = (chart: Chart | null): Html | null => {
    if (!chart) return null;
    charts.push(chart);
    return chartFigure(chart);
  };
  if (analysis.oneAtATime) {
    sections.push(html`<section id="tornado"><h2>What moves the decision</h2>${add(tornadoChart(analysis.oneAtATime))}${add(strategyTornadoChart(analysis.oneAtATime))}</section>\n`);
    sections.push(html`<section id="spider"><h2>Spider</h2>${add(spiderChart(analysis.oneAtATime, input.inputs))}</section>\n`);
  }
  if (analysis.grid) sections.push(html`<section id="grid"><h2>Grid</h2>${add(gridChart(analysis.grid.cells, input.inputs.map((i) => i.label), analysis.decision)) ?? html`<p>One input: see the points below.</p>`}</section>\n`);
  if (analysis.sobol) sections.push(html`<section id="sobol"><h2>Sobol' indices</h2>${add(sobolChart(analysis.sobol)) ?? html`<p>No metric had a defined value at every point.</p>`}</section>\n`);
  if (analysis.breakEven) sections.push(html`<section id="break-even"><h2>Break-even</h2>${breakEvenTable(analysis.breakEven, analysis.decision)}</section>\n`);
  const body = html`
<header>
<p class="note">hashpivot study</p>
<h1 id="study-name">${input.name}</h1>
${input.description && html`<p class="lead">${input.description}</p>`}
<p class="meta">${input.design} design · scenario ${input.scenario} · ${input.points.length.toLocaleString('en-US')} points × ${input.trials.toLocaleString('en-US')} trials · seed ${input.seed} (every point on the same futures) · hashpivot ${input.engineVersion}</p>
</header>
<section id="finding">
<h2>In plain words</h2>
<p class="lead" id="study-sentence">${analysis.sentence}</p>
<p class="note">Decision: ${analysis.decision.a} against ${analysis.decision.b} (mean paired NPV difference, ${analysis.decision.a} - ${analysis.decision.b}). Numbers are Monte Carlo means over ${input.trials.toLocaleString('en-US')} trials a point.</p>
<h3>Inputs varied</h3>
${inputsTable(input)}
</section>
${sections}<section id="points">
<h2>Points</h2>
${pointsTable(input)}
</section>
<section id="definition">
<h2>The study as run</h2>
<details><summary>Resolved study (JSON)</summary><pre>${JSON.stringify(input.definition, null, 2)}</pre></details>
<p class="note">Every number here is in study.duckdb (tables points, summary, pairs, tornado, sobol_indices, break_even; view decision) and study.json. ${formatNumber(input.points.length, 0)} points.</p>
</section>`;
  return { html: htmlPage({ title: `hashpivot study: ${input.name}`, body, charts }), charts };
}
