// The report's charts as Vega-Lite specs with their (already binned) data inline, so each spec is
// a complete chart: openable in the Vega editor as charts/NAME.vl.json, rendered to SVG and PNG by
// chartsRender.ts, and drawn in report.html by vega-embed. Pure: builds JSON, imports no vega code.
import type { TopLevelSpec } from 'vega-lite';
import { decide } from './decision.js';
import type { Summary } from './summary.js';
import { swingsChart } from './swingsSection.js';
import { CDF_LEVELS, type Histogram, type ReportData } from './reportData.js';
import type { TailMeasure } from './tailAnatomy.js';
import { formatShare, formatUsdM, meanMedianNote } from './reportText.js';

export interface Chart {
  /** File name stem: charts/NAME.vl.json, .svg, .png; the same set for every run of a scenario shape. */
  name: string;
  title: string;
  /** One or two sentences under the chart: what it shows and how it was binned. */
  caption: string;
  spec: TopLevelSpec;
}

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export const WIDTH = 640;
const HEIGHT = 240;

/** Shared look: a white background (the PNGs are not transparent), plain fonts, tableau colours. */
export const CONFIG = {
  background: 'white',
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridOpacity: 0.4 },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom' as const, direction: 'horizontal' as const },
  title: { fontSize: 14, anchor: 'start' as const, subtitleFontSize: 11, subtitleColor: '#555' },
  header: { labelFontSize: 12, labelAnchor: 'start' as const, labelAngle: 0, labelOrient: 'top' as const, title: null },
};

function strategyColor(summary: Summary) {
  return { scale: { domain: summary.strategies.map((s) => s.name), scheme: 'tableau10' } };
}

/** First day of a `YYYY-MM` label, read as UTC by every Vega-Lite scale below (no time-zone shift). */
export function monthDate(label: string): string {
  return `${label}-01`;
}

export const MONTH_AXIS = { field: 'date', type: 'temporal' as const, timeUnit: 'utcyearmonth' as const, title: null, axis: { format: '%b %Y', labelOverlap: true } };

function offAxisNote(h: Histogram): string {
  const outside = h.series.reduce((sum, s) => sum + s.below + s.above, 0);
  const defined = h.series.reduce((sum, s) => sum + s.defined, 0);
  return outside > 0 ? ` ${outside.toLocaleString('en-US')} values (${formatShare(outside / defined)}) lie beyond the axis and are not drawn.` : '';
}

function histogramRows(h: Histogram, scale: number) {
  const rows: { series: string; x: number; x0: number; x1: number; share: number }[] = [];
  for (const s of h.series) {
    s.counts.forEach((count, i) => {
      const x0 = (h.lo + i * h.step) / scale;
      const x1 = (h.lo + (i + 1) * h.step) / scale;
      rows.push({ series: s.name, x: (x0 + x1) / 2, x0, x1, share: s.defined > 0 ? count / s.defined : 0 });
    });
  }
  return rows;
}

/** The x-axis range of a histogram in display units: the NPV charts share it, so they line up. */
function histogramDomain(h: Histogram, scale: number): [number, number] {
  return [h.lo / scale, (h.lo + h.binCount * h.step) / scale];
}

function npvDistribution(summary: Summary, data: ReportData): Chart {
  return {
    name: 'npv-distribution',
    title: 'NPV distribution per strategy',
    caption: `Share of trials per $${formatUsdM(data.npv.step).slice(1)} bin of NPV, every strategy over the same futures.${offAxisNote(data.npv)}`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'NPV distribution per strategy', subtitle: `${summary.trials.toLocaleString('en-US')} trials; share of trials per bin` },
      width: WIDTH,
      height: HEIGHT,
      config: CONFIG,
      data: { values: histogramRows(data.npv, 1e6) },
      layer: [
        {
          mark: { type: 'line', interpolate: 'step', strokeWidth: 2 },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: 'NPV ($M)', axis: { format: ',.0f' }, scale: { domain: histogramDomain(data.npv, 1e6), nice: false } },
            y: { field: 'share', type: 'quantitative', title: 'share of trials', axis: { format: '.0%' } },
            color: { field: 'series', type: 'nominal', title: 'strategy', ...strategyColor(summary) },
          },
        },
        { mark: { type: 'rule', color: '#333', strokeDash: [4, 3] }, encoding: { x: { datum: 0 } } },
      ],
    },
  };
}

/** The S-curve (cumulative distribution) of NPV per strategy on the histogram's x-range, as @RISK draws it. */
function npvCumulative(summary: Summary, data: ReportData): Chart {
  const rows = data.npvCumulative.flatMap((s) =>
    s.values.flatMap((value, i) => (value === null ? [] : [{ series: s.name, x: value / 1e6, p: CDF_LEVELS[i] }])),
  );
  const [lo, hi] = histogramDomain(data.npv, 1e6);
  return {
    name: 'npv-cdf',
    title: 'Cumulative NPV distribution (S-curves)',
    caption: 'For each NPV on the x-axis, the share of futures in which the strategy earns at most that. A curve further right is better; where two curves cross, one strategy is better in the bad futures and the other in the good ones. The dotted line marks the 5% worst futures.',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'Cumulative NPV distribution', subtitle: 'share of futures with NPV at or below x' },
      width: WIDTH,
      height: HEIGHT,
      config: CONFIG,
      data: { values: rows },
      layer: [
        {
          mark: { type: 'line', strokeWidth: 2, clip: true },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: 'NPV ($M)', axis: { format: ',.0f' }, scale: { domain: [lo, hi], nice: false } },
            y: { field: 'p', type: 'quantitative', title: 'share of futures at or below', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
            color: { field: 'series', type: 'nominal', title: 'strategy', ...strategyColor(summary) },
            order: { field: 'p', type: 'quantitative' },
          },
        },
        { mark: { type: 'rule', color: '#333', strokeDash: [4, 3] }, encoding: { x: { datum: 0 } } },
        { mark: { type: 'rule', color: '#888', strokeDash: [1, 3] }, encoding: { y: { datum: 0.05 } } },
      ],
    },
  };
}

function npvDifference(summary: Summary, data: ReportData): Chart | null {
  const { pairs, histogram } = data.differences;
  if (pairs.length === 0) return null;
  const labelOf = new Map(pairs.map((pair) => [pair.other, `${pair.other} - ${pair.baseline}: ${pair.other} better in ${formatShare(pair.pOtherBeatsBaseline)} of futures`]));
  const rows = histogramRows(histogram, 1e6).map((r) => {
    const pair = pairs.find((p) => p.other === r.series) as (typeof pairs)[number];
    return { ...r, pair: labelOf.get(r.series), better: r.x >= 0 ? `${pair.other} better` : `${pair.baseline} better` };
  });
  const order = summary.strategies.map((s) => labelOf.get(s.name)).filter((label): label is string => label !== undefined);
  return {
    name: 'npv-difference',
    title: `Paired NPV difference against ${data.baseline}`,
    caption: `Per trial, the strategy's NPV minus ${data.baseline}'s in the same future (common random numbers), in the order of the strategies table and on one x-axis. Right of zero, the strategy did better.${offAxisNote(histogram)}`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: `Paired NPV difference against ${data.baseline}`, subtitle: 'same future, strategy minus baseline; share of trials per bin' },
      config: CONFIG,
      data: { values: rows },
      facet: { row: { field: 'pair', type: 'nominal', sort: order, header: { title: null } } },
      resolve: { scale: { x: 'shared', y: 'independent' } },
      spec: {
        width: WIDTH,
        height: 110,
        layer: [
          {
            mark: { type: 'rect' },
            encoding: {
              x: { field: 'x0', type: 'quantitative', title: 'NPV difference ($M)', axis: { format: ',.0f' }, scale: { domain: histogramDomain(histogram, 1e6), nice: false } },
              x2: { field: 'x1' },
              y: { field: 'share', type: 'quantitative', title: 'share', axis: { format: '.0%', tickCount: 3 } },
              y2: { datum: 0 },
              color: {
                condition: { test: 'datum.x >= 0', value: '#2f7d4f' },
                value: '#b5433a',
              },
            },
          },
          { mark: { type: 'rule', color: '#333' }, encoding: { x: { datum: 0 } } },
        ],
      },
    },
  };
}

function revenuePerKwh(summary: Summary): Chart {
  const rows = summary.strategies.map((s) => {
    const m = s.metrics.revenueUsdPerKwh;
    return { strategy: s.name, p5: m.percentiles.p5, p50: m.percentiles.p50, p95: m.percentiles.p95, mean: m.mean };
  });
  return {
    name: 'revenue-per-kwh',
    title: 'Revenue per kWh per strategy',
    caption: 'Revenue over the horizon per kWh the site draws: the line spans p5 to p95, the dot is the median. Hosting should earn a few times mining per kWh, not tens of times.',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'Revenue per kWh', subtitle: 'p5 to p95 (line) and median (dot)' },
      width: WIDTH,
      height: { step: 28 },
      config: CONFIG,
      data: { values: rows },
      encoding: {
        y: { field: 'strategy', type: 'nominal', sort: null, title: null },
        color: { field: 'strategy', type: 'nominal', legend: null, ...strategyColor(summary) },
      },
      layer: [
        { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x: { field: 'p5', type: 'quantitative', title: 'USD per kWh', axis: { format: '$.3f' } }, x2: { field: 'p95' } } },
        { mark: { type: 'point', filled: true, size: 80 }, encoding: { x: { field: 'p50', type: 'quantitative' } } },
      ],
    },
  };
}

interface FanDefinition {
  name: string;
  series: string;
  title: string;
  unit: string;
  scale: number;
  format: string;
  /** Log y-axis: for series that compound (price, hashprice, difficulty), whose bands span decades. */
  log: boolean;
}

const MARKET_FANS: FanDefinition[] = [
  { name: 'fan-btc-price', series: 'priceUsd', title: 'BTC price', unit: 'USD', scale: 1, format: '$,.0f', log: true },
  { name: 'fan-hashprice', series: 'hashpriceUsdPerPhDay', title: 'Hashprice', unit: 'USD per PH/s per day', scale: 1, format: '$,.1f', log: true },
  { name: 'fan-difficulty', series: 'difficulty', title: 'Difficulty', unit: 'difficulty, trillions', scale: 1e12, format: ',.0f', log: true },
  { name: 'fan-energy-price', series: 'energyUsdPerMwh', title: 'Energy price', unit: 'USD per MWh', scale: 1, format: '$,.0f', log: false },
];

function bandRows(summary: Summary, series: string, scale: number) {
  const bands = summary.bands.series[series];
  if (!bands) return null;
  const means = summary.bands.means?.[series];
  return summary.bands.months.map((month, m) => ({
    date: monthDate(month),
    p5: bands[0][m] / scale,
    p25: bands[1][m] / scale,
    p50: bands[2][m] / scale,
    p75: bands[3][m] / scale,
    p95: bands[4][m] / scale,
    ...(means ? { mean: means[m] / scale } : {}),
  }));
}

/**
 * Tick values for a log axis from lo to hi: 1-3-10 steps when the range spans more than two
 * decades, 1-2-5 steps otherwise (vega's own log ticks label every 1..9 multiple and crowd).
 */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0 && hi > lo)) return [];
  const multiples = hi / lo > 100 ? [1, 3] : [1, 2, 5];
  const ticks: number[] = [];
  for (let power = Math.floor(Math.log10(lo)); 10 ** power <= hi; power++) {
    for (const m of multiples) {
      const tick = Number((m * 10 ** power).toPrecision(12));
      if (tick >= lo && tick <= hi) ticks.push(tick);
    }
  }
  return ticks;
}

function fanLayers(format: string, unit: string, color: string, log: boolean, withMean: boolean, rows: readonly { p5: number; p95: number }[] = []) {
  const lo = Math.min(...rows.map((r) => r.p5));
  const hi = Math.max(...rows.map((r) => r.p95));
  const y = (field: string, titled = false) => ({
    field,
    type: 'quantitative' as const,
    ...(titled ? { title: log ? `${unit} (log scale)` : unit, axis: { format, ...(log ? { values: logTicks(lo, hi) } : {}) } } : {}),
    ...(log ? { scale: { type: 'log' as const } } : {}),
  });
  return [
    { mark: { type: 'area' as const, opacity: 0.18, color }, encoding: { x: MONTH_AXIS, y: y('p5', true), y2: { field: 'p95' } } },
    { mark: { type: 'area' as const, opacity: 0.35, color }, encoding: { x: MONTH_AXIS, y: y('p25'), y2: { field: 'p75' } } },
    { mark: { type: 'line' as const, strokeWidth: 2, color }, encoding: { x: MONTH_AXIS, y: y('p50') } },
    ...(withMean ? [{ mark: { type: 'line' as const, strokeWidth: 1.5, color: '#222', strokeDash: [5, 3] }, encoding: { x: MONTH_AXIS, y: y('mean') } }] : []),
  ];
}

function bandNote(summary: Summary): string {
  const { trials } = summary.bands;
  // Older summaries do not say; every run before BAND_TRIALS drew its bands from all its trials.
  const drawn = trials === undefined || trials >= summary.trials ? 'of trials' : `of the first ${trials.toLocaleString('en-US')} trials (a random sample of the ${summary.trials.toLocaleString('en-US')})`;
  return `Shaded: 5-95% (light) and 25-75% (dark) ${drawn} in each month; solid line: the median; dashed: the mean. Bands are per month, not paths.`;
}

function marketFans(summary: Summary): Chart[] {
  return MARKET_FANS.flatMap((fan): Chart[] => {
    const rows = bandRows(summary, fan.series, fan.scale);
    if (!rows) return [];
    const withMean = 'mean' in rows[0];
    const gap = meanMedianNote(summary, fan.series);
    return [
      {
        name: fan.name,
        title: `${fan.title}, percentile bands by month`,
        caption: `${bandNote(summary)}${fan.log ? ' Log scale: equal steps are equal percentage moves.' : ''}${withMean && gap ? ` ${gap}` : ''}`,
        spec: {
          $schema: VEGA_LITE_SCHEMA,
          title: { text: fan.title, subtitle: `${fan.unit}${fan.log ? ', log scale' : ''}; 5/25/50/75/95th percentiles by month, mean dashed` },
          width: WIDTH,
          height: HEIGHT,
          config: CONFIG,
          data: { values: rows },
          layer: fanLayers(fan.format, fan.unit, '#4c78a8', fan.log, withMean, rows),
        },
      },
    ];
  });
}

function cashFan(summary: Summary): Chart {
  const rows = summary.strategies.flatMap((s) => (bandRows(summary, `cashUsd:${s.name}`, 1e6) ?? []).map((r) => ({ strategy: s.name, ...r })));
  const withMean = rows.length > 0 && 'mean' in rows[0];
  return {
    name: 'fan-cash',
    title: 'Cash per strategy, percentile bands by month',
    caption: `${bandNote(summary)} Cash below zero (less the credit line) is ruin.`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'Cumulative cash per strategy', subtitle: '$M; 5/25/50/75/95th percentiles by month, mean dashed' },
      config: CONFIG,
      data: { values: rows },
      facet: { field: 'strategy', type: 'nominal', sort: summary.strategies.map((s) => s.name), header: { title: null } },
      columns: 2,
      resolve: { scale: { y: 'shared' } },
      spec: {
        width: 300,
        height: 170,
        layer: [
          ...fanLayers(',.0f', 'cash ($M)', '#4c78a8', false, withMean),
          { mark: { type: 'rule', color: '#b5433a', strokeDash: [4, 3] }, encoding: { y: { datum: 0 } } },
        ],
      },
    },
  };
}

function halvingDates(summary: Summary, data: ReportData): Chart {
  const h = data.halving;
  const rows = h.months.map((m) => ({ month: m.month, share: m.share }));
  if (h.beyondHorizonShare > 0) rows.push({ month: 'beyond horizon', share: h.beyondHorizonShare });
  return {
    name: 'halving-dates',
    title: 'When the next halving falls',
    caption:
      h.months.length === 0
        ? `No trial reaches the next halving within the ${String(summary.scenario.horizonMonths)}-month horizon.`
        : `Share of trials whose next halving falls in each month; the date moves with hashrate, which sets the block rate.${h.beyondHorizonShare > 0 ? ` ${formatShare(h.beyondHorizonShare)} of trials reach no halving within the horizon.` : ''}`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'Next halving: month', subtitle: 'share of trials' },
      width: WIDTH,
      height: 200,
      config: CONFIG,
      data: { values: rows },
      mark: { type: 'bar', color: '#f58518' },
      encoding: {
        x: { field: 'month', type: 'ordinal', sort: null, title: null, axis: { labelAngle: -45 } },
        y: { field: 'share', type: 'quantitative', title: 'share of trials', axis: { format: '.0%' } },
      },
    },
  };
}

function ruinOverTime(summary: Summary): Chart {
  const rows = summary.strategies.flatMap((s) => s.ruinByMonth.map((p, m) => ({ strategy: s.name, date: monthDate(summary.bands.months[m]), pRuin: p })));
  return {
    name: 'ruin-over-time',
    title: 'Probability of ruin over time',
    caption: "Share of trials in which the strategy's cash has fallen below minus the credit line by the end of each month.",
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'Probability of ruin by month', subtitle: 'share of trials ruined so far' },
      width: WIDTH,
      height: 220,
      config: CONFIG,
      data: { values: rows },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
      encoding: {
        x: MONTH_AXIS,
        y: { field: 'pRuin', type: 'quantitative', title: 'P(ruin)', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
        color: { field: 'strategy', type: 'nominal', title: 'strategy', ...strategyColor(summary) },
      },
    },
  };
}

function convergence(summary: Summary): Chart {
  const rows = summary.strategies.flatMap((s) =>
    s.convergence
      .filter((point) => point.mean !== null && point.ci95 !== null)
      .map((point) => ({ strategy: s.name, trials: point.trials, mean: (point.mean as number) / 1e6, lo: (point.ci95 as [number, number])[0] / 1e6, hi: (point.ci95 as [number, number])[1] / 1e6 })),
  );
  const color = { field: 'strategy', type: 'nominal' as const, title: 'strategy', ...strategyColor(summary) };
  const x = { field: 'trials', type: 'quantitative' as const, title: 'trials (log scale)', scale: { type: 'log' as const, nice: false } };
  return {
    name: 'convergence',
    title: 'Convergence of the mean NPV',
    caption: 'Running mean NPV over the trials in index order, with its 95% band (mean ± 1.96 SE): where the band is narrow against the gaps between strategies, more trials would not change the ranking.',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'Running mean NPV with its 95% band', subtitle: '$M; trials in index order' },
      width: WIDTH,
      height: HEIGHT,
      config: CONFIG,
      data: { values: rows },
      layer: [
        { mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: 'mean NPV ($M)' }, y2: { field: 'hi' }, color } },
        { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { field: 'mean', type: 'quantitative' }, color } },
      ],
    },
  };
}

/** A tail measure's values for the chart: shares in percent, so one number format serves every row. */
function tailValue(measure: TailMeasure, x: number | null): number | null {
  return x === null ? null : measure.statistic === 'share' ? 100 * x : x;
}

function tailAnatomyChart(data: ReportData): Chart | null {
  const tail = data.tail;
  if (!tail) return null;
  const label = (m: TailMeasure) => `${m.label} (${m.statistic === 'share' ? '% of futures' : m.unit})`;
  const rows = tail.rows.flatMap((row) =>
    tail.strategies.flatMap((strategy, s) => {
      const all = tailValue(row.measure, row.all[s]);
      const worst = tailValue(row.measure, row.tails[s]);
      return [
        ...(all === null ? [] : [{ measure: label(row.measure), strategy, futures: 'all futures', value: all }]),
        ...(worst === null ? [] : [{ measure: label(row.measure), strategy, futures: 'its worst 5%', value: worst }]),
      ];
    }),
  );
  return {
    name: 'tail-anatomy',
    title: 'What the worst 5% of futures look like',
    caption: "For each strategy, the futures in which its NPV is among its lowest 5% (red) against all futures (grey): the BTC price path, AI winters and the energy price there. Each panel has its own scale.",
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'What the worst 5% of futures look like', subtitle: "each strategy's worst 5% by its own NPV (red) against all futures (grey)" },
      config: CONFIG,
      data: { values: rows },
      // Two columns: ten measures in one would run taller than a printed page.
      facet: { field: 'measure', type: 'nominal', sort: tail.rows.map((r) => label(r.measure)), header: { title: null, labelFontSize: 11 } },
      columns: 2,
      resolve: { scale: { x: 'independent' } },
      spec: {
        width: 300,
        height: { step: 16 },
        layer: [
          { mark: { type: 'rule', color: '#bbb' }, encoding: { y: { field: 'strategy', type: 'nominal', sort: tail.strategies, title: null }, x: { aggregate: 'min', field: 'value' }, x2: { aggregate: 'max', field: 'value' } } },
          {
            mark: { type: 'point', filled: true, size: 70 },
            encoding: {
              y: { field: 'strategy', type: 'nominal', sort: tail.strategies, title: null },
              x: { field: 'value', type: 'quantitative', title: null, axis: { format: ',.3~r', tickCount: 4 }, scale: { zero: false } },
              color: { field: 'futures', type: 'nominal', title: null, scale: { domain: ['all futures', 'its worst 5%'], range: ['#9aa3ab', '#b5433a'] } },
            },
          },
        ],
      },
    },
  };
}

function driversChart(data: ReportData): Chart | null {
  const explained = data.drivers.filter((d) => d.regression !== null && d.regression.drivers.length > 0);
  if (explained.length === 0) return null;
  const labelOf = (d: (typeof explained)[number]) => `${d.pair.other} - ${d.pair.baseline}: R² ${(100 * d.regression!.rSquared).toFixed(0)}%`;
  const rows = explained.flatMap((d) => d.regression!.drivers.map((x) => ({ pair: labelOf(d), driver: x.name, share: x.share, direction: x.correlation >= 0 ? 'goes with a larger difference' : 'goes with a smaller difference' })));
  return {
    name: 'drivers',
    title: 'What explains the paired NPV difference',
    caption: `Per strategy, the share of the variance of its per-trial NPV difference to ${data.baseline} that each driver explains (a linear regression on all of them; R² split among the drivers by averaging each one's gain over every order of entry, so correlated drivers share credit). The bars add up to R²; the rest is what the drivers do not capture linearly.`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'What explains the paired NPV difference', subtitle: `share of the variance of (strategy - ${data.baseline}) per driver; bars add up to R²` },
      config: CONFIG,
      data: { values: rows },
      facet: { row: { field: 'pair', type: 'nominal', sort: explained.map(labelOf), header: { title: null } } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: WIDTH,
        height: { step: 16 },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'driver', type: 'nominal', sort: '-x', title: null },
          x: { field: 'share', type: 'quantitative', title: 'share of variance explained', axis: { format: '.0%' } },
          color: { field: 'direction', type: 'nominal', title: null, scale: { domain: ['goes with a larger difference', 'goes with a smaller difference'], range: ['#2f7d4f', '#b5433a'] } },
        },
      },
    },
  };
}

/** Every chart of the report, in the order the report shows them. */
export function reportCharts(summary: Summary, data: ReportData): Chart[] {
  const charts: (Chart | null)[] = [
    npvDistribution(summary, data),
    npvCumulative(summary, data),
    npvDifference(summary, data),
    swingsChart(summary.swings, decide(summary)),
    convergence(summary),
    tailAnatomyChart(data),
    driversChart(data),
    revenuePerKwh(summary),
    ...marketFans(summary),
    cashFan(summary),
    halvingDates(summary, data),
    ruinOverTime(summary),
  ];
  return charts.filter((c): c is Chart => c !== null);
}
