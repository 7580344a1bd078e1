// The study report's charts as Vega-Lite specs with their data inline (like chartSpecs.ts for a run):
// tornadoes of the decision's difference and of each strategy's mean NPV, the spider lines, the
// grid's heatmap and the Sobol' indices with their intervals. Pure: builds JSON.
import type { Chart } from './chartSpecs.js';
import { CONFIG, VEGA_LITE_SCHEMA } from './chartSpecs.js';
import type { GridCell, OneAtATimeAnalysis, SobolMetricIndices, Tornado } from './studyAnalysis.js';
import { formatUsdM } from './reportText.js';

const WIDTH = 560;


const LOW_HIGH_COLORS = { domain: ['at the low value', 'at the high value'], range: ['#4c78a8', '#f58518'] };

function tornadoRows(tornado: Tornado) {
  const base = (tornado.atBase.value ?? 0) / 1e6;
  return tornado.bars.flatMap((bar, rank) =>
    [
      { end: 'at the low value', value: bar.lowValue, at: bar.atLow.value },
      { end: 'at the high value', value: bar.highValue, at: bar.atHigh.value },
    ]
      .filter((side) => side.at !== null)
      .map((side) => ({ metric: tornado.title, input: bar.label, rank, end: side.end, inputValue: side.value, base, at: (side.at as number) / 1e6, swing: bar.swing / 1e6 })),
  );
}

function tornadoLayers() {
  return [
    {
      mark: { type: 'bar' as const, height: { band: 0.7 } },
      encoding: {
        y: { field: 'input', type: 'nominal' as const, sort: { field: 'rank' }, title: null },
        x: { field: 'base', type: 'quantitative' as const, title: '$M', axis: { format: ',.0f' } },
        x2: { field: 'at' },
        color: { field: 'end', type: 'nominal' as const, title: null, scale: LOW_HIGH_COLORS },
        tooltip: [
          { field: 'input', type: 'nominal' as const },
          { field: 'end', type: 'nominal' as const },
          { field: 'inputValue', type: 'quantitative' as const, title: 'input value' },
          { field: 'at', type: 'quantitative' as const, title: '$M', format: ',.1f' },
        ],
      },
    },
    { mark: { type: 'rule' as const, color: '#333' }, encoding: { x: { field: 'base', type: 'quantitative' as const } } },
  ];
}

export function tornadoChart(analysis: OneAtATimeAnalysis): Chart {
  const tornado = analysis.tornadoes[0];
  return {
    name: 'tornado-difference',
    title: tornado.title,
    caption: `Each input at its low and its high value, every other input at its base value, all on the same futures. Bars start at the base case (${formatUsdM(tornado.atBase.value)}, the vertical line) and are sorted by their swing.`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: `Tornado: ${tornado.title}`, subtitle: 'mean over the trials, $M; inputs sorted by swing' },
      width: WIDTH,
      height: { step: 22 },
      config: CONFIG,
      data: { values: tornadoRows(tornado) },
      layer: tornadoLayers(),
    },
  };
}

export function strategyTornadoChart(analysis: OneAtATimeAnalysis): Chart | null {
  const tornadoes = analysis.tornadoes.slice(1);
  if (tornadoes.length === 0) return null;
  return {
    name: 'tornado-strategies',
    title: 'Tornado of each strategy\'s mean NPV',
    caption: 'The same points as the tornado above, read for each strategy\'s own mean NPV: which inputs move which strategy. Each panel is sorted by its own swings.',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'Tornado per strategy: mean NPV', subtitle: '$M; one panel per strategy' },
      config: CONFIG,
      data: { values: tornadoes.flatMap(tornadoRows) },
      facet: { row: { field: 'metric', type: 'nominal', sort: tornadoes.map((t) => t.title), header: { title: null } } },
      resolve: { scale: { y: 'independent', x: 'independent' } },
      spec: { width: WIDTH, height: { step: 16 }, layer: tornadoLayers() },
    },
  };
}

export function spiderChart(analysis: OneAtATimeAnalysis, inputs: readonly { path: string; baseValue: number }[]): Chart | null {
  const rows = analysis.spider.flatMap((line) => {
    const base = inputs.find((i) => i.path === line.input)?.baseValue ?? 0;
    if (base === 0) return [];
    return line.points.filter((p) => p.estimate.value !== null).map((p) => ({ input: line.label, change: p.value / base - 1, value: p.value, difference: (p.estimate.value as number) / 1e6 }));
  });
  if (rows.length === 0) return null;
  const skipped = analysis.spider.filter((line) => (inputs.find((i) => i.path === line.input)?.baseValue ?? 0) === 0).map((line) => line.label);
  return {
    name: 'spider',
    title: 'Spider: the difference as each input moves',
    caption: `Each line moves one input (the others at base) across its values, drawn against its change from the base value. Where a line crosses zero the decision flips.${skipped.length ? ` Not drawn (base value 0): ${skipped.join(', ')}.` : ''}`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'Spider: mean NPV difference against each input', subtitle: 'x: change of the input from its base value; y: $M' },
      width: WIDTH,
      height: 300,
      config: CONFIG,
      data: { values: rows },
      layer: [
        {
          mark: { type: 'line', point: true, strokeWidth: 2 },
          encoding: {
            x: { field: 'change', type: 'quantitative', title: 'change from base', axis: { format: '+.0%' } },
            y: { field: 'difference', type: 'quantitative', title: '$M', axis: { format: ',.0f' } },
            color: { field: 'input', type: 'nominal', title: null, scale: { scheme: 'tableau10' } },
            tooltip: [{ field: 'input', type: 'nominal' }, { field: 'value', type: 'quantitative' }, { field: 'difference', type: 'quantitative', format: ',.1f', title: '$M' }],
          },
        },
        { mark: { type: 'rule', color: '#b5433a', strokeDash: [4, 3] }, encoding: { y: { datum: 0 } } },
      ],
    },
  };
}

export function gridChart(cells: readonly GridCell[], labels: readonly string[], decision: { a: string; b: string }): Chart | null {
  if (labels.length < 2) return null;
  // With more than two inputs, each cell of the first two is the mean over the others' levels.
  const sums = new Map<string, { x: number; y: number; sum: number; count: number }>();
  for (const cell of cells) {
    if (cell.difference.value === null) continue;
    const key = `${cell.values[0]}|${cell.values[1]}`;
    const entry = sums.get(key) ?? { x: cell.values[0], y: cell.values[1], sum: 0, count: 0 };
    entry.sum += cell.difference.value;
    entry.count++;
    sums.set(key, entry);
  }
  const rows = [...sums.values()].map((e) => ({ x: e.x, y: e.y, difference: e.sum / e.count / 1e6, text: formatUsdM(e.sum / e.count) }));
  return {
    name: 'grid-heatmap',
    title: `Grid: ${decision.a} - ${decision.b} over ${labels[0]} and ${labels[1]}`,
    caption: `Mean NPV difference ${decision.a} - ${decision.b} at each cell (green: ${decision.a} ahead, red: ${decision.b} ahead).${labels.length > 2 ? ` Each cell is the mean over the levels of ${labels.slice(2).join(', ')}.` : ''}`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: `Grid: mean NPV difference ${decision.a} - ${decision.b}`, subtitle: '$M' },
      config: CONFIG,
      data: { values: rows },
      encoding: {
        x: { field: 'x', type: 'ordinal', title: labels[0], sort: 'ascending' },
        y: { field: 'y', type: 'ordinal', title: labels[1], sort: 'descending' },
      },
      layer: [
        { mark: { type: 'rect' }, encoding: { color: { field: 'difference', type: 'quantitative', title: '$M', scale: { scheme: 'redyellowgreen', domainMid: 0 } } } },
        { mark: { type: 'text', fontSize: 10 }, encoding: { text: { field: 'text', type: 'nominal' } } },
      ],
      width: { step: 56 },
      height: { step: 28 },
    },
  };
}

export function sobolChart(indices: readonly SobolMetricIndices[]): Chart | null {
  if (indices.length === 0) return null;
  const rows = indices.flatMap((m) =>
    m.inputs.flatMap((r) => [
      { metric: m.title, input: r.label, index: 'first order', value: r.first.estimate, lo: r.first.ci95[0], hi: r.first.ci95[1] },
      { metric: m.title, input: r.label, index: 'total', value: r.total.estimate, lo: r.total.ci95[0], hi: r.total.ci95[1] },
    ]),
  );
  return {
    name: 'sobol-indices',
    title: 'Sobol\' indices with 95% intervals',
    caption: 'First order: the share of the variance an input explains alone; total: with all its interactions. Bars are the estimates, lines the bootstrap 95% intervals; an index near 0 means the input hardly matters over its range.',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'Sobol\' indices', subtitle: 'share of variance; bootstrap 95% intervals' },
      config: CONFIG,
      data: { values: rows },
      facet: { row: { field: 'metric', type: 'nominal', sort: indices.map((m) => m.title), header: { title: null } } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: WIDTH,
        height: { step: 14 },
        encoding: {
          y: { field: 'input', type: 'nominal', title: null },
          yOffset: { field: 'index', type: 'nominal', sort: ['first order', 'total'] },
          color: { field: 'index', type: 'nominal', title: null, scale: { domain: ['first order', 'total'], range: ['#4c78a8', '#e45756'] } },
        },
        layer: [
          { mark: { type: 'bar' }, encoding: { x: { field: 'value', type: 'quantitative', title: 'index', scale: { domain: [0, 1], clamp: true } } } },
          { mark: { type: 'rule', color: '#333' }, encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
        ],
      },
    },
  };
}
