// What a study found, from its points' numbers: tornado swings and spider lines (oneAtATime), the
// grid's cells, Sobol' indices (sobol), break-evens, and a first sentence in plain words. Every
// number comes from the store's rows, so a resumed study's analysis equals an uninterrupted one's.
// Pure: no I/O.
import type { BreakEvenResult } from './breakEven.js';
import type { PointSummary } from './pointSummary.js';
import { sobolIndices, type SaltelliDesign, type SobolIndex } from './saltelli.js';
import { formatNumber, formatUsdM } from './reportText.js';

/** A quantity at a point with its Monte Carlo standard error. */
export interface Estimate {
  value: number | null;
  standardError: number | null;
}

export interface Decision {
  a: string;
  b: string;
}

/** Mean paired NPV difference a - b at a point (the pairs table holds each pair once, in strategy order). */
export function meanDifference(summary: PointSummary, decision: Decision): Estimate {
  const pair = summary.pairs.find((p) => (p.a === decision.a && p.b === decision.b) || (p.a === decision.b && p.b === decision.a));
  if (!pair || pair.meanDifferenceUsd === null) return { value: null, standardError: null };
  return { value: pair.a === decision.a ? pair.meanDifferenceUsd : -pair.meanDifferenceUsd, standardError: pair.differenceSeUsd };
}

/** P(a beats b) at a point, ties counting half. */
export function probabilityBeats(summary: PointSummary, decision: Decision): Estimate {
  const pair = summary.pairs.find((p) => (p.a === decision.a && p.b === decision.b) || (p.a === decision.b && p.b === decision.a));
  if (!pair || pair.pABeatsB === null) return { value: null, standardError: null };
  return { value: pair.a === decision.a ? pair.pABeatsB : 1 - pair.pABeatsB, standardError: pair.pABeatsBSe };
}

export function meanNpv(summary: PointSummary, strategy: string): Estimate {
  const s = summary.strategies.find((x) => x.strategy === strategy);
  return { value: s?.npvMeanUsd ?? null, standardError: s?.npvSeUsd ?? null };
}

/** A quantity the report follows across points: the decision's difference, or one strategy's mean NPV. */
export interface Metric {
  /** "difference" or "npv:<strategy>". */
  key: string;
  title: string;
  of(summary: PointSummary): Estimate;
}

export function studyMetrics(strategies: readonly string[], decision: Decision): Metric[] {
  return [
    { key: 'difference', title: `Mean NPV difference, ${decision.a} - ${decision.b}`, of: (s) => meanDifference(s, decision) },
    ...strategies.map((strategy) => ({ key: `npv:${strategy}`, title: `Mean NPV, ${strategy}`, of: (s: PointSummary) => meanNpv(s, strategy) })),
  ];
}

export interface AnalysisInput {
  path: string;
  label: string;
  unit: string;
  baseValue: number;
}

export interface TornadoBar {
  input: string;
  label: string;
  lowValue: number;
  highValue: number;
  atLow: Estimate;
  atHigh: Estimate;
  /** |atHigh - atLow|. */
  swing: number;
}

export interface Tornado {
  metric: string;
  title: string;
  atBase: Estimate;
  /** Largest swing first. */
  bars: TornadoBar[];
}

export interface SpiderLine {
  input: string;
  label: string;
  unit: string;
  points: { value: number; estimate: Estimate }[];
}

export interface OneAtATimeAnalysis {
  tornadoes: Tornado[];
  /** Spider lines of the decision's difference. */
  spider: SpiderLine[];
}

export interface OneAtATimePoints {
  base: number;
  inputs: { low: number; high: number; line: { value: number; point: number }[] }[];
}

type PointLookup = (point: number) => PointSummary;

export function analyseOneAtATime(inputs: readonly AnalysisInput[], layout: OneAtATimePoints, metrics: readonly Metric[], at: PointLookup): OneAtATimeAnalysis {
  const tornadoes = metrics.map((metric): Tornado => {
    const bars = inputs.map((input, i): TornadoBar => {
      const { low, high, line } = layout.inputs[i];
      const atLow = metric.of(at(low));
      const atHigh = metric.of(at(high));
      const lowValue = line.find((p) => p.point === low)?.value ?? input.baseValue;
      const highValue = line.find((p) => p.point === high)?.value ?? input.baseValue;
      const swing = atLow.value === null || atHigh.value === null ? 0 : Math.abs(atHigh.value - atLow.value);
      return { input: input.path, label: input.label, lowValue, highValue, atLow, atHigh, swing };
    });
    bars.sort((x, y) => y.swing - x.swing);
    return { metric: metric.key, title: metric.title, atBase: metric.of(at(layout.base)), bars };
  });
  const difference = metrics[0];
  const spider = inputs.map((input, i): SpiderLine => ({
    input: input.path,
    label: input.label,
    unit: input.unit,
    points: layout.inputs[i].line.map(({ value, point }) => ({ value, estimate: difference.of(at(point)) })),
  }));
  return { tornadoes, spider };
}

export interface GridCell {
  point: number;
  values: number[];
  difference: Estimate;
}

export function analyseGrid(points: readonly { index: number; values: number[] }[], decision: Decision, at: PointLookup): GridCell[] {
  return points.map((p) => ({ point: p.index, values: p.values, difference: meanDifference(at(p.index), decision) }));
}

export interface SobolMetricIndices {
  metric: string;
  title: string;
  variance: number;
  inputs: { input: string; label: string; first: SobolIndex; total: SobolIndex }[];
}

export function analyseSobol(inputs: readonly AnalysisInput[], design: SaltelliDesign, metrics: readonly Metric[], at: PointLookup, options: { resamples: number; seed: number }): SobolMetricIndices[] {
  return metrics.flatMap((metric): SobolMetricIndices[] => {
    const y = Float64Array.from(design.points, (_, point) => metric.of(at(point)).value ?? NaN);
    // A metric missing at some point (a strategy with no defined NPV) has no indices.
    if (y.some((v) => !Number.isFinite(v))) return [];
    const indices = sobolIndices(design, y, options);
    return [{
      metric: metric.key,
      title: metric.title,
      variance: indices.variance,
      inputs: inputs.map((input, i) => ({ input: input.path, label: input.label, first: indices.first[i], total: indices.total[i] })),
    }];
  });
}

export interface BreakEvenFinding {
  input: string;
  label: string;
  unit: string;
  criterion: 'meanDifference' | 'pBeats';
  result: BreakEvenResult;
}

/** Where a spider line crosses zero, by linear interpolation between its points (the first crossing). */
export function zeroCrossing(line: SpiderLine): { value: number; rising: boolean } | undefined {
  for (let j = 1; j < line.points.length; j++) {
    const p = line.points[j - 1];
    const q = line.points[j];
    if (p.estimate.value === null || q.estimate.value === null) continue;
    if (p.estimate.value === 0) return { value: p.value, rising: q.estimate.value > 0 };
    if (Math.sign(p.estimate.value) !== Math.sign(q.estimate.value) && q.estimate.value !== 0) {
      const t = p.estimate.value / (p.estimate.value - q.estimate.value);
      return { value: p.value + t * (q.value - p.value), rising: q.estimate.value > p.estimate.value };
    }
  }
  return undefined;
}

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** A label inside a sentence: 'Lease rate' -> 'lease rate', 'BTC volatility' kept. */
export function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/** Below this share of the largest effect, an input "hardly matters". */
const HARDLY = 0.05;

/** A value in its unit, as a sentence says it: "101 USD/kW-month", "9.2 million USD/MW of IT", "101 ± 0.9 USD/kW-month" with a standard error. */
export function valueWithUnit(value: number, unit: string, standardError?: number): string {
  // Shares and rates as percentages and money in dollars, as the report's appendix writes them.
  const perTime = unit === 'share/yr' || unit === '1/yr' ? ' per year' : unit === 'share/month' ? ' per month' : null;
  if (perTime !== null || unit.startsWith('share')) return `${valueWithUnit(100 * value, '', standardError === undefined ? undefined : 100 * standardError)}%${perTime ?? ''}`;
  if (unit === 'USD' || unit.startsWith('USD/')) {
    const per = unit === 'USD' ? '' : ` per ${unit.slice(4)}`;
    const text = valueWithUnit(Math.abs(value), '', standardError);
    return `${value < 0 ? '-' : ''}$${text.replace(' million', 'M')}${per}`;
  }
  const millions = Math.abs(value) >= 1e6;
  const scaled = millions ? value / 1e6 : value;
  const digits = Math.abs(scaled) >= 100 ? 0 : Math.abs(scaled) >= 1 ? 1 : 3;
  const se = standardError !== undefined && Number.isFinite(standardError) ? ` ± ${formatNumber(millions ? standardError / 1e6 : standardError, digits + 1)}` : '';
  return `${formatNumber(scaled, digits)}${se}${millions ? ' million' : ''}${unit === '' || unit === 'text' ? '' : ` ${unit}`}`;
}

function flipWords(decision: Decision, label: string, unit: string, crossing: { value: number; rising: boolean; standardError?: number }, how: string): string {
  return `${decision.a} stops beating ${decision.b} ${crossing.rising ? 'below' : 'above'} a ${lowerFirst(label)} of ${valueWithUnit(crossing.value, unit, crossing.standardError)} (${how})`;
}

/** The first sentence of the study report, from whichever findings the design produced. */
export function studySentence(decision: Decision, findings: { oneAtATime?: OneAtATimeAnalysis; sobol?: SobolMetricIndices[]; breakEven?: BreakEvenFinding[]; grid?: GridCell[] }): string {
  const parts: string[] = [];
  const tornado = findings.oneAtATime?.tornadoes[0];
  if (tornado && tornado.bars.length > 0) {
    const top = tornado.bars[0].swing;
    const deciding = tornado.bars.filter((bar) => bar.swing >= top / 3).slice(0, 3);
    const hardly = tornado.bars.filter((bar) => bar.swing < HARDLY * top).reverse();
    parts.push(`${listWords(deciding.map((bar, i) => (i === 0 ? bar.label : lowerFirst(bar.label))))} decide${deciding.length === 1 ? 's' : ''} ${decision.a} against ${decision.b} (${listWords(deciding.map((bar) => formatUsdM(bar.swing)))} of swing in the mean NPV difference over ${deciding.length === 1 ? 'its range' : 'their ranges'})`);
    if (hardly.length > 0) parts.push(`${listWords(hardly.slice(0, 3).map((bar, i) => (i === 0 ? bar.label : lowerFirst(bar.label))))} hardly matter${hardly.length === 1 ? 's' : ''} (${listWords(hardly.slice(0, 3).map((bar) => formatUsdM(bar.swing)))})`);
    // Every input whose line crosses zero flips the decision within its range, the largest swing first.
    const spider = findings.oneAtATime?.spider ?? [];
    for (const bar of tornado.bars) {
      const line = spider.find((l) => l.input === bar.input);
      const crossing = line && zeroCrossing(line);
      if (line && crossing) parts.push(flipWords(decision, line.label, line.unit, crossing, 'read off the spider line'));
    }
  }
  const sobol = findings.sobol?.find((s) => s.metric === 'difference');
  if (sobol) {
    const ranked = [...sobol.inputs].sort((x, y) => y.total.estimate - x.total.estimate);
    const main = ranked.filter((r) => r.total.estimate >= 0.1).slice(0, 3);
    const hardly = ranked.filter((r) => r.total.estimate < HARDLY).reverse();
    if (main.length > 0) parts.push(`${listWords(main.map((r, i) => (i === 0 ? r.label : lowerFirst(r.label))))} drive${main.length === 1 ? 's' : ''} most of the variance of ${decision.a} - ${decision.b} (total Sobol index ${listWords(main.map((r) => formatNumber(r.total.estimate, 2)))})`);
    if (hardly.length > 0) parts.push(`${listWords(hardly.slice(0, 3).map((r, i) => (i === 0 ? r.label : lowerFirst(r.label))))} hardly matter${hardly.length === 1 ? 's' : ''} (total index below ${HARDLY})`);
  }
  for (const finding of findings.breakEven ?? []) {
    const r = finding.result;
    if (!r.found) {
      parts.push(`${decision.a} ${r.sign > 0 ? 'beats' : 'trails'} ${decision.b} across the whole range of ${lowerFirst(finding.label)} tried`);
      continue;
    }
    const rising = r.bracket[1].value > r.bracket[0].value;
    parts.push(flipWords(decision, finding.label, finding.unit, { value: r.x, rising, standardError: r.standardError }, 'break-even by bisection, ± one standard error'));
  }
  if (findings.grid && findings.grid.length > 0) {
    const defined = findings.grid.filter((c) => c.difference.value !== null);
    const wins = defined.filter((c) => (c.difference.value as number) > 0).length;
    const values = defined.map((c) => c.difference.value as number);
    parts.push(`${decision.a} beats ${decision.b} on average at ${wins} of ${findings.grid.length} grid points (mean difference from ${formatUsdM(Math.min(...values))} to ${formatUsdM(Math.max(...values))})`);
  }
  if (parts.length === 0) return `No finding: the study has no defined ${decision.a} - ${decision.b} difference.`;
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
