// `hashpivot compare A B [C ...]`: results folders side by side in one page, the first (A) the
// reference. It leads with what changed in the results (did the ranking flip? which strategies
// moved by more than their Monte Carlo error?), then what changed in the inputs (numbers first,
// text notes folded), then each strategy's NPV distribution in every run, overlaid on shared bins.
import { basename, resolve } from 'node:path';
import type { JsonObject, JsonValue } from '../scenarios/load.js';
import { VEGA_LITE_SCHEMA, type Chart } from './chartSpecs.js';
import { renderCharts } from './chartsRender.js';
import { decide } from './decision.js';
import { html, type Html } from './html.js';
import { chartFigure, htmlPage } from './htmlPage.js';
import type { PaperFormat } from './pdf.js';
import { CHARTS_FOLDER, chartFiles, pdfFile } from './report.js';
import { sharedHistogramOf, sortedDistribution, type Distribution } from './reportData.js';
import { formatShare, formatUsdM } from './reportText.js';
import { trialColumnName } from './reportTrials.js';
import { AtomicWrite, type OutputFile } from './resultsFolder.js';
import { readReportFolder } from './resultsReader.js';
import { sketchReportSource } from './sketchReport.js';
import { pairedDifference } from './statistics.js';
import type { StrategySummary, Summary } from './summary.js';

/** Runs one comparison takes: the page stays readable, and every run gets its own line style. */
export const MAX_COMPARED_RUNS = 8;

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

/** Every leaf of a JSON document by its path (`market.price.driftPerYear`, `strategies[stay].kind`). */
export function flattenJson(value: JsonValue): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  flatten(value, '', out);
  return out;
}

/** Field-by-field differences of two JSON documents, in the order fields appear (A's, then B's new ones). */
export function diffJson(a: JsonValue, b: JsonValue): FieldChange[] {
  const fa = flattenJson(a);
  const fb = flattenJson(b);
  const changes: FieldChange[] = [];
  for (const [path, va] of fa) {
    const vb = fb.get(path);
    if (!fb.has(path)) changes.push({ path, a: va, b: undefined });
    else if (JSON.stringify(va) !== JSON.stringify(vb)) changes.push({ path, a: va, b: vb });
  }
  for (const [path, vb] of fb) if (!fa.has(path)) changes.push({ path, a: undefined, b: vb });
  return changes;
}

/** A field that differs between runs: its value in each run (undefined where absent). */
export interface FieldAcrossRuns {
  path: string;
  values: (JsonValue | undefined)[];
  /** Prose (a source note, a description): folded away below the numbers. */
  note: boolean;
}

/** Free text that documents a scenario rather than sets it: source notes, descriptions, long strings. */
function isNote(path: string, values: readonly (JsonValue | undefined)[]): boolean {
  if (/(^|\.)sources(\.|$)/.test(path) || /(^|\.)(description|note|notes)$/.test(path)) return true;
  return values.every((v) => v === undefined || typeof v === 'string') && values.some((v) => typeof v === 'string' && v.length > 40 && /\s/.test(v));
}

/** Fields that differ in any run from the first, numbers and settings first, notes last. */
export function fieldsAcrossRuns(documents: readonly JsonValue[]): FieldAcrossRuns[] {
  const flat = documents.map(flattenJson);
  const paths: string[] = [];
  const seen = new Set<string>();
  for (let k = 1; k < documents.length; k++) {
    for (const change of diffJson(documents[0], documents[k])) {
      if (!seen.has(change.path)) {
        seen.add(change.path);
        paths.push(change.path);
      }
    }
  }
  const fields = paths.map((path) => {
    const values = flat.map((f) => f.get(path));
    return { path, values, note: isNote(path, values) };
  });
  const numeric = (f: FieldAcrossRuns) => f.values.some((v) => typeof v === 'number');
  return [...fields.filter((f) => !f.note && numeric(f)), ...fields.filter((f) => !f.note && !numeric(f)), ...fields.filter((f) => f.note)];
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
    { label: 'P(runs out of cash)', a: move.a.pRuin.p, b: move.b.pRuin.p, format: 'share' },
    // Never a ruin figure without the money that would prevent it (absent in older summaries).
    { label: 'new money needed, median', a: move.a.funding?.externalUsd.percentiles.p50 ?? null, b: move.b.funding?.externalUsd.percentiles.p50 ?? null, format: 'usd' },
  ];
}

function signedUsd(x: number): string {
  return x > 0 ? `+${formatUsdM(x)}` : formatUsdM(x);
}

function formatDelta(m: ComparedMetric): string {
  if (m.a === null || m.b === null) return 'n/a';
  const d = m.b - m.a;
  if (m.format === 'usd') return signedUsd(d);
  return `${d > 0 ? '+' : ''}${(d * 100).toFixed(1)} pts`;
}

function formatMetric(m: ComparedMetric, x: number | null): string {
  return m.format === 'usd' ? formatUsdM(x) : formatShare(x);
}

export function moveSentence(move: StrategyMove): string {
  const [mean, , , , pNeg] = comparedMetrics(move);
  return `${move.name}: mean NPV ${formatMetric(mean, mean.a)} -> ${formatMetric(mean, mean.b)} (${formatDelta(mean)}); 5% worst case ${formatUsdM(move.a.metrics.npvUsd.var5)} -> ${formatUsdM(move.b.metrics.npvUsd.var5)}; P(NPV<0) ${formatShare(pNeg.a)} -> ${formatShare(pNeg.b)}.`;
}

function displayValue(v: JsonValue | undefined): string {
  if (v === undefined) return '(absent)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function relativeChange(a: JsonValue | undefined, b: JsonValue | undefined): string {
  if (typeof a !== 'number' || typeof b !== 'number' || a === 0 || a === b) return '';
  const r = (b - a) / Math.abs(a);
  return `${r > 0 ? '+' : ''}${(r * 100).toFixed(Math.abs(r) < 0.1 ? 1 : 0)}%`;
}

export interface CompareInputs {
  /** "A", "B", ...: the run's letter. */
  tag: string;
  /** "A: results-base": the letter and the folder's name (just the letter when names repeat). */
  label: string;
  dir: string;
  summary: Summary;
  /** Each strategy's NPV distribution: of the rows, or read off the outcome sketch. */
  npv: Map<string, Distribution>;
  /** Each strategy's NPV per trial; null for a folder made with --outcomes sketch (no rows). */
  rows: Map<string, Float64Array> | null;
}

/** A strategy's mean NPV in a run against the reference run, with the Monte Carlo error of the change. */
export interface MeanMove {
  strategy: string;
  run: string;
  meanUsd: number;
  referenceMeanUsd: number;
  changeUsd: number;
  standardErrorUsd: number;
  /**
   * Same seed and trial count, both with rows: the runs share their random numbers trial by trial,
   * so the change is the mean of per-trial differences and its SE the paired one (far smaller);
   * otherwise SE = sqrt(SE_A^2 + SE_B^2), that of independent runs (for two runs on the same random
   * numbers of which one keeps only a sketch, usually larger than the paired SE one cannot compute).
   */
  paired: boolean;
  /**
   * |change| > 1.96 SE: more than the Monte Carlo error of the two means explains (5% level); any
   * change when SE is 0; false when SE is unknown (a run of one trial has none).
   */
  beyondError: boolean;
}

const Z_975 = 1.959963984540054;

/** Same seed and trial count: the same random numbers, trial by trial. */
const sameNumbers = (a: CompareInputs, b: CompareInputs) => a.summary.seed === b.summary.seed && a.summary.trials === b.summary.trials;

export function meanMoves(reference: CompareInputs, other: CompareInputs): MeanMove[] {
  const referenceRows = reference.rows;
  const otherRows = other.rows;
  const paired = sameNumbers(reference, other) && referenceRows !== null && otherRows !== null;
  return other.summary.strategies.flatMap((s): MeanMove[] => {
    const ref = reference.summary.strategies.find((r) => r.name === s.name);
    const mean = s.metrics.npvUsd.mean;
    const refMean = ref?.metrics.npvUsd.mean ?? null;
    if (!ref || mean === null || refMean === null) return [];
    let change = mean - refMean;
    let se = Math.hypot(ref.metrics.npvUsd.standardError ?? NaN, s.metrics.npvUsd.standardError ?? NaN);
    if (paired) {
      const d = pairedDifference(otherRows.get(s.name)!, referenceRows.get(s.name)!);
      if (d.meanDifference !== null && d.standardError !== null) {
        change = d.meanDifference;
        se = d.standardError;
      }
    }
    // NaN > 0 is false: an unknown error must not fall to the zero-error rule, which flags any change.
    const beyondError = se > 0 ? Math.abs(change) > Z_975 * se : se === 0 && change !== 0;
    return [{ strategy: s.name, run: other.tag, meanUsd: mean, referenceMeanUsd: refMean, changeUsd: change, standardErrorUsd: se, paired, beyondError }];
  });
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}

function meanOrder(summary: Summary): string[] {
  return [...summary.strategies].sort((a, b) => (b.metrics.npvUsd.mean ?? -Infinity) - (a.metrics.npvUsd.mean ?? -Infinity)).map((s) => s.name);
}

/** Moves in place between two orders, for the strategies in both: "convert-now 1st -> 4th". */
function placeChanges(before: readonly string[], after: readonly string[]): string[] {
  const common = before.filter((n) => after.includes(n));
  const b = before.filter((n) => common.includes(n));
  const a = after.filter((n) => common.includes(n));
  return b.flatMap((name, i) => (a.indexOf(name) === i ? [] : [`${name} ${ordinal(i + 1)} -> ${ordinal(a.indexOf(name) + 1)}`]));
}

export interface RankingChange {
  /** Whether any run orders the strategies differently from A, by the decision or by mean NPV. */
  flipped: boolean;
  /** Plain sentences, most important first. */
  sentences: string[];
}

/** Did the ranking flip between the runs? By the decision's criterion, and by mean NPV alone; most important first. */
export function rankingChange(runs: readonly CompareInputs[]): RankingChange {
  const decisions = runs.map((r) => decide(r.summary));
  const leaders = decisions.map((d) => d.leader.name);
  const orders = decisions.map((d) => d.ranked.map((s) => s.name));
  const byMean = runs.map((r) => meanOrder(r.summary));
  const meanLeaders = byMean.map((o) => o[0]);
  const sameLeader = leaders.every((l) => l === leaders[0]);
  const sentences: string[] = [];
  if (!sameLeader) sentences.push(`The decision flipped: ${runs.map((r, k) => `${r.tag} ranks ${leaders[k]} first`).join(', ')}.`);
  const meanFlipped = meanLeaders.some((l) => l !== meanLeaders[0]);
  if (meanFlipped) {
    const falls = runs.slice(1).flatMap((r, i) => {
      const place = byMean[i + 1].indexOf(meanLeaders[0]);
      return place > 0 ? [`${meanLeaders[0]} falls to ${ordinal(place + 1)} of ${byMean[i + 1].length} in ${r.tag}`] : [];
    });
    sentences.push(`By mean NPV the ranking flipped: ${runs.map((r, k) => `${r.tag} ranks ${meanLeaders[k]} first`).join(', ')}${falls.length ? ` (${falls.join('; ')})` : ''}.`);
  }
  const reordered = runs.slice(1).flatMap((r, i) => {
    const moves = placeChanges(orders[0], orders[i + 1]);
    return moves.length ? [`in ${r.tag} ${moves.join(', ')}`] : [];
  });
  if (sameLeader) {
    const below = reordered.length ? `, but the order below it changed: ${reordered.join('; ')}` : ', and the order below it is the same';
    sentences.push(`The decision holds: ${leaders[0]} ranks first in every run by the report's criterion (fundable strategies first, then mean NPV)${below}.`);
  }
  if (!meanFlipped && runs.slice(1).every((_, i) => placeChanges(byMean[0], byMean[i + 1]).length === 0)) {
    sentences.push(`By mean NPV the order is the same in every run: ${byMean[0].join(' > ')}.`);
  }
  return { flipped: !sameLeader || meanFlipped || reordered.length > 0, sentences };
}

/** Line styles per run, so lines that coincide stay visible: A solid, later runs dashed on top. */
const RUN_COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#9d755d', '#bab0ac'];
const RUN_DASHES = [[1, 0], [7, 4], [2, 3], [10, 3, 2, 3], [4, 2], [1, 4], [12, 4], [6, 2, 2, 2]];

export function overlayChart(runs: readonly CompareInputs[], strategies: readonly string[]): Chart | null {
  if (strategies.length === 0) return null;
  const series = strategies.flatMap((name) => runs.filter((r) => r.npv.has(name)).map((r) => ({ name: `${r.label}\u0000${name}`, distribution: r.npv.get(name)! })));
  const histogram = sharedHistogramOf(series);
  const rows = histogram.series.flatMap((s) => {
    const [run, strategy] = s.name.split('\u0000');
    return s.counts.map((count, i) => ({
      run,
      strategy,
      x: (histogram.lo + (i + 0.5) * histogram.step) / 1e6,
      share: s.defined > 0 ? count / s.defined : 0,
    }));
  });
  const labels = runs.map((r) => r.label);
  const styles = <T,>(values: readonly T[]): T[] => labels.map((_, k) => values[k % values.length]);
  return {
    name: 'compare-npv',
    title: 'NPV distribution per strategy in each run',
    caption: `Share of trials per $${formatUsdM(histogram.step).slice(1)} bin of NPV; the same bins for every run. ${runs[0].tag} is drawn solid, the others dashed on top of it in their own colours, so a line that coincides with another still shows.`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'NPV distribution per strategy in each run', subtitle: 'share of trials per bin' },
      config: {
        background: 'white',
        font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
        view: { stroke: null },
        legend: { orient: 'bottom', direction: 'horizontal', symbolStrokeWidth: 2, symbolSize: 300 },
        title: { anchor: 'start', fontSize: 14, subtitleColor: '#555' },
        header: { labelFontSize: 12, labelAnchor: 'start', labelOrient: 'top', title: null },
      },
      data: { values: rows },
      facet: { row: { field: 'strategy', type: 'nominal', sort: [...strategies], header: { title: null } } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 640,
        height: 130,
        layer: [
          {
            mark: { type: 'line', interpolate: 'step', strokeWidth: 2 },
            encoding: {
              x: { field: 'x', type: 'quantitative', title: 'NPV ($M)', axis: { format: ',.0f' } },
              y: { field: 'share', type: 'quantitative', title: 'share', axis: { format: '.0%', tickCount: 3 } },
              color: { field: 'run', type: 'nominal', title: null, scale: { domain: labels, range: styles(RUN_COLORS) } },
              strokeDash: { field: 'run', type: 'nominal', title: null, scale: { domain: labels, range: styles(RUN_DASHES) } },
            },
          },
          { mark: { type: 'rule', color: '#333', strokeDash: [4, 3] }, encoding: { x: { datum: 0 } } },
        ],
      },
    },
  };
}
function movesTable(runs: readonly CompareInputs[]): Html {
  const [reference, ...others] = runs;
  const moves = others.map((r) => meanMoves(reference, r));
  const names = reference.summary.strategies.map((s) => s.name);
  const cell = (m: MeanMove | undefined) =>
    m
      ? html`<td${m.beyondError && html` class="warn"`}>${formatUsdM(m.meanUsd)}<br><span class="note">${signedUsd(m.changeUsd)} ± ${formatUsdM(m.standardErrorUsd)}${m.beyondError ? ' moved' : ''}</span></td>`
      : html`<td>-</td>`;
  const rows = names.map((name) => {
    const ref = reference.summary.strategies.find((s) => s.name === name)!.metrics.npvUsd;
    return html`<tr><td class="text"><b>${name}</b></td><td>${formatUsdM(ref.mean)} ± ${formatUsdM(ref.standardError)}</td>${moves.map((list) => cell(list.find((m) => m.strategy === name)))}</tr>\n`;
  });
  const pairedNote = others
    .map((r, k) => {
      if (moves[k][0]?.paired) return `${r.tag}: paired with ${reference.tag} (same seed and trial count, so the same random numbers trial by trial)`;
      if (!sameNumbers(reference, r)) return `${r.tag}: independent of ${reference.tag} (another seed or trial count)`;
      return `${r.tag}: the same random numbers as ${reference.tag}, but ${[reference, r].filter((x) => x.rows === null).map((x) => x.tag).join(' and ')} kept no per-trial rows (--outcomes sketch), so the change cannot be paired trial by trial: its SE is that of independent runs, usually larger than the paired one`;
    })
    .join('; ');
  return html`<div class="scroll"><table class="mean-moves">
<tr><th class="text">strategy</th><th>${reference.label}: mean NPV ± SE</th>${others.map((r) => html`<th>${r.label}: mean NPV<br>change ± SE</th>`)}</tr>
${rows}</table></div>
<p class="caption">"moved": the change in mean NPV exceeds 1.96 times its Monte Carlo standard error, so more trials would not make it vanish. Errors: ${pairedNote}.</p>`;
}

function movedSentence(runs: readonly CompareInputs[]): string {
  const [reference, ...others] = runs;
  const parts = others.map((r) => {
    const moved = meanMoves(reference, r).filter((m) => m.beyondError);
    return moved.length
      ? `in ${r.tag}, ${moved.map((m) => `${m.strategy} ${signedUsd(m.changeUsd)} ± ${formatUsdM(m.standardErrorUsd)}`).join(', ')}`
      : `in ${r.tag}, none`;
  });
  return `Strategies whose mean NPV moved by more than its Monte Carlo error (1.96 SE) against ${reference.tag}: ${parts.join('; ')}.`;
}

function rankingTable(runs: readonly CompareInputs[]): Html {
  const ranked = runs.map((r) => decide(r.summary).ranked);
  const depth = Math.max(...ranked.map((list) => list.length));
  const rows = Array.from({ length: depth }, (_, i) => {
    const cells = ranked.map((list, k) => {
      const s = list[i];
      if (!s) return html`<td class="text">-</td>`;
      const changed = k > 0 && ranked[0][i]?.name !== s.name;
      return html`<td class="text${changed ? ' warn' : ''}">${s.name} <span class="note">${formatUsdM(s.meanNpvUsd)}${s.funded ? '' : ', needs funding'}</span></td>`;
    });
    return html`<tr><td>${i + 1}</td>${cells}</tr>\n`;
  });
  return html`<div class="scroll"><table class="ranking"><tr><th>#</th>${runs.map((r) => html`<th class="text">${r.label}</th>`)}</tr>
${rows}</table></div>
<p class="caption">Each run's strategies ranked as its report ranks them (${decide(runs[0].summary).criterion}), with mean NPV; places that differ from ${runs[0].tag} are marked.</p>`;
}

function fieldTable(fields: readonly FieldAcrossRuns[], runs: readonly CompareInputs[], relative = true): Html {
  const head = html`<tr><th class="text">field</th>${runs.map((r, k) => html`<th class="text">${r.label}</th>${k > 0 && html`<th>change</th>`}`)}</tr>\n`;
  const rows = fields.map(
    (f) =>
      html`<tr><td class="text"><code>${f.path}</code></td>${f.values.map((v, k) => html`<td class="text">${displayValue(v)}</td>${k > 0 && html`<td>${relative ? relativeChange(f.values[0], v) : ''}</td>`}`)}</tr>\n`,
  );
  return html`<div class="scroll"><table class="changes">${head}${rows}</table></div>`;
}

function runLine(x: CompareInputs): Html {
  return html`<li><b>${x.label}</b>: <code>${x.dir}</code>, scenario <b>${String(x.summary.scenario.name ?? '')}</b>, as of ${String((x.summary.scenario.asOf as JsonObject | undefined)?.date ?? '?')}, ${x.summary.trials.toLocaleString('en-US')} trials, seed ${x.summary.seed}, hashpivot ${x.summary.engine.version}${x.rows === null ? ', outcome sketch (--outcomes sketch: percentiles and histogram from the sketch, no per-trial rows)' : ''}</li>`;
}

export function compareTitle(runs: readonly CompareInputs[]): string {
  const names = runs.map((r) => String(r.summary.scenario.name ?? r.tag));
  return runs.length === 2 ? `${names[0]} against ${names[1]}` : `${names[0]} against ${names.slice(1, -1).join(', ')} and ${names[names.length - 1]}`;
}

export function compareHtml(runs: readonly CompareInputs[], charts: readonly Chart[]): string {
  const [reference, ...others] = runs;
  const ranking = rankingChange(runs);
  const fields = fieldsAcrossRuns(runs.map((r) => r.summary.scenario));
  const numbers = fields.filter((f) => !f.note);
  const notes = fields.filter((f) => f.note);
  const settings = fieldsAcrossRuns(runs.map((r) => ({ seed: r.summary.seed, trials: r.summary.trials, engineVersion: r.summary.engine.version })));
  const sentences = others.flatMap((r) =>
    reference.summary.strategies.flatMap((a) => {
      const b = r.summary.strategies.find((s) => s.name === a.name);
      return b ? [html`<li>${`${r.tag}, ${moveSentence({ name: a.name, a, b })}`}</li>\n`] : [];
    }),
  );
  const onlyIn = runs.flatMap((r) => {
    const missing = r.summary.strategies.filter((s) => runs.some((o) => !o.summary.strategies.some((x) => x.name === s.name))).map((s) => s.name);
    return missing.length ? [html`<p>Only in some runs, here in ${r.tag}: ${missing.join(', ')}.</p>\n`] : [];
  });
  const metricRows = reference.summary.strategies.flatMap((a) => {
    const metrics = runs.map((r) => {
      const b = r.summary.strategies.find((s) => s.name === a.name);
      return b ? comparedMetrics({ name: a.name, a, b }) : null;
    });
    return comparedMetrics({ name: a.name, a, b: a }).map(
      (m, i) =>
        html`<tr>${i === 0 && html`<td class="text" rowspan="6"><b>${a.name}</b></td>`}<td class="text">${m.label}</td><td>${formatMetric(m, m.a)}</td>${metrics
          .slice(1)
          .map((list) => (list ? html`<td>${formatMetric(list[i], list[i].b)} <span class="note">${formatDelta(list[i])}</span></td>` : html`<td>-</td>`))}</tr>\n`,
    );
  });
  const body = html`
<header>
<p class="note">hashpivot comparison of ${runs.length} runs</p>
<h1>${compareTitle(runs)}</h1>
<div class="decision" id="compare-headline">
<p class="headline"><b>${ranking.flipped ? 'The ranking flipped.' : 'The ranking held.'}</b> ${ranking.sentences.join(' ')}</p>
<p>${movedSentence(runs)}</p>
</div>
<ul>${runs.map(runLine)}</ul>
<nav><a href="#results">Results</a><a href="#scenario-changes">Inputs</a><a href="#strategy-moves">Each strategy</a></nav>
</header>
<section id="results" class="keep-with-previous">
<h2>What changed in the results</h2>
<h3>Ranking</h3>
${rankingTable(runs)}
<h3>Mean NPV against ${reference.label}</h3>
${movesTable(runs)}
${onlyIn}</section>
<section id="scenario-changes">
<h2>What changed in the inputs</h2>
${numbers.length ? html`${fieldTable(numbers, runs)}<p class="caption">${numbers.length} setting${numbers.length === 1 ? '' : 's'} of the resolved scenarios differ from ${reference.tag} (every default filled in; strategies matched by name); numbers first.</p>` : fields.length ? html`<p>The resolved scenarios set the same values; only text notes differ.</p>` : ''}
${notes.length > 0 && html`<details><summary>Text notes that differ (${notes.length}: source notes, descriptions)</summary>${fieldTable(notes, runs)}</details>`}
${fields.length === 0 && html`<p>The resolved scenarios are identical.</p>`}
${settings.length ? html`<h3>Run settings</h3>${fieldTable(settings, runs, false)}` : html`<p class="note">Same seed, trial count and engine version.</p>`}
</section>
<section id="strategy-moves">
<h2>How each strategy moved</h2>
<ul class="sentences">${sentences}</ul>
<div class="scroll"><table class="moves"><tr><th class="text">strategy</th><th class="text">metric</th>${runs.map((r, k) => html`<th>${r.label}${k > 0 && html` <span class="note">(change)</span>`}</th>`)}</tr>
${metricRows}</table></div>
${charts.map((c) => html`${chartFigure(c)}\n`)}
</section>`;
  return htmlPage({ title: `hashpivot comparison: ${compareTitle(runs)}`, body, charts });
}

async function loadForCompare(dir: string, tag: string): Promise<CompareInputs> {
  const folder = await readReportFolder(dir, (s) => s.strategies.map((x) => trialColumnName(x.name, 'npvUsd')));
  const { summary } = folder;
  const names = summary.strategies.map((s) => s.name);
  const rows = folder.trials ? new Map(names.map((name) => [name, folder.trials.column(trialColumnName(name, 'npvUsd'))])) : null;
  // A sketch folder: its NPV histograms read off the sketch, as its own report draws them.
  const sketch = folder.sketch ? sketchReportSource(folder.sketch, names, summary.trials) : null;
  const npv = new Map(names.map((name) => [name, rows ? sortedDistribution(rows.get(name)!) : sketch!.npv(name)]));
  return { tag, label: `${tag}: ${basename(resolve(dir))}`, dir, summary, npv, rows };
}

/** Writes OUT/compare.html, OUT/charts/compare-npv.{vl.json,svg,png} and, with `pdf`, OUT/compare.pdf. */
export async function compareRuns(dirs: readonly string[], out: string, pdf?: PaperFormat): Promise<{ files: OutputFile[]; html: string; charts: Chart[] }> {
  // Checked and locked before the runs are read (outputs/resultsFolder.ts).
  const batch = new AtomicWrite(out, { command: 'compare', names: ['compare.html', 'compare.pdf'], folders: [CHARTS_FOLDER] });
  try {
    const runs = await Promise.all(dirs.map((dir, k) => loadForCompare(dir, String.fromCharCode(65 + k))));
    const names = runs.map((r) => basename(resolve(r.dir)));
    if (new Set(names).size < names.length) for (const r of runs) r.label = r.tag;
    const strategies: string[] = [];
    for (const r of runs) for (const s of r.summary.strategies) if (!strategies.includes(s.name)) strategies.push(s.name);
    const overlay = overlayChart(runs, strategies);
    const charts = overlay ? [overlay] : [];
    const rendered = await renderCharts(charts);
    const page = compareHtml(runs, charts);
    const files: OutputFile[] = [{ name: 'compare.html', write: (write) => write(page) }, ...chartFiles(rendered)];
    if (pdf) files.push(await pdfFile('compare.pdf', page, pdf, `hashpivot comparison: ${compareTitle(runs)} (${runs.map((r) => `${r.tag} seed ${r.summary.seed}, ${r.summary.trials.toLocaleString('en-US')} trials`).join('; ')})`));
    batch.write(files);
    batch.commit();
    return { files, html: page, charts };
  } catch (error) {
    batch.abort();
    throw error;
  }
}
