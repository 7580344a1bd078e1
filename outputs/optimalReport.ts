// The report's answer to "should we convert, when, and how much": for each optimal (or policy)
// strategy, the value of flexibility against the best fixed strategy, the honest (out-of-sample)
// value beside the fit's own claim, when and how much it converts, and the exercise boundary as a
// chart and a table. Self-contained: reportHtml places optimalSection() and buildReportFiles
// (report.ts) adds optimalCharts(), both empty for a run without such strategies. Everything comes
// from summary.json.
import { SWITCH_STATE_LABELS } from '../engine/switchState.js';
import { CONFIG, MONTH_AXIS, monthDate, VEGA_LITE_SCHEMA, WIDTH, type Chart } from './chartSpecs.js';
import { html, type Html } from './html.js';
import { formatShare, formatUsdM } from './reportText.js';
import type { StrategySummary, Summary } from './summary.js';
import type { BoundaryRow, OptimalSummary } from './switchSummary.js';

const HEIGHT = 240;

/** Whether the summary has optimal or policy strategies (a summary.json from before they existed has no `optimal`). */
export function hasOptimal(summary: Summary): boolean {
  return (summary.optimal?.length ?? 0) > 0;
}

function strategyOf(summary: Summary, name: string): StrategySummary | undefined {
  return summary.strategies.find((s) => s.name === name);
}

/** "+$6.5M ± $1.0M" */
const signedUsd = (x: number | null) => (x !== null && x > 0 ? `+${formatUsdM(x)}` : formatUsdM(x));

/** The policy's rule at one decision month along one variable, in words. */
function ruleText(row: BoundaryRow, unit: (x: number) => string): string {
  switch (row.region) {
    case 'always':
      return 'convert whatever its value';
    case 'never':
      return 'wait whatever its value';
    default: {
      const further = row.otherChanges > 0 ? ` (the fit turns ${row.otherChanges === 1 ? 'once' : `${row.otherChanges} times`} more in the tails)` : '';
      return `convert ${row.region} ${unit(row.threshold!)}${further}`;
    }
  }
}

const usdPerPhDay = (x: number) => `$${x.toFixed(x < 10 ? 2 : 1)}/PH/day`;
const index = (x: number) => x.toFixed(2);

/** One line per optimal strategy for the console, after the strategy table. */
export function optimalConsoleLines(summary: Summary, folder: string): string[] {
  return (summary.optimal ?? []).map((o) => {
    const s = strategyOf(summary, o.name)!.switching;
    const f = o.valueOfFlexibility;
    const flexibility = f && f.meanDifference !== null
      ? `value of flexibility ${signedUsd(f.meanDifference)} ± ${formatUsdM(f.standardError)} vs ${f.versus} (95% CI ${f.ci95 ? `${signedUsd(f.ci95[0])} .. ${signedUsd(f.ci95[1])}` : 'n/a'})`
      : 'no fixed strategy to compare with';
    const gap = o.inSampleGapUsd === null ? '' : `, in sample ${formatUsdM(o.fit.inSampleNpvUsd)} (${o.inSampleGapUsd > 0 ? `${formatUsdM(o.inSampleGapUsd)} above` : `${formatUsdM(-o.inSampleGapUsd)} below`} out of sample)`;
    return (
      `${o.name}: ${flexibility}; out of sample ${formatUsdM(o.outOfSampleNpvUsd)} ± ${formatUsdM(o.outOfSampleStandardErrorUsd)}${gap}; ` +
      `converts in ${formatShare(1 - (s.pNever.p ?? 0))} of futures (before month 12/24/36: ${formatShare(s.pWithin12Months.p)}/${formatShare(s.pWithin24Months.p)}/${formatShare(s.pWithin36Months.p)}), ` +
      `median month ${s.medianMonth ?? 'n/a'}; policy in ${folder}/${o.policyFile}`
    );
  });
}

function flexibilitySentence(o: OptimalSummary): Html {
  const f = o.valueOfFlexibility;
  if (!f || f.meanDifference === null) return html`<p>There is no fixed strategy in this scenario to compare <b>${o.name}</b> with.</p>`;
  const ci = f.ci95 ? ` (95% interval ${signedUsd(f.ci95[0])} to ${signedUsd(f.ci95[1])})` : '';
  const better = f.pABeatsB !== null ? `; it does better in ${formatShare(f.pABeatsB)} of the same futures` : '';
  if (f.ci95 && f.ci95[0] > 0) {
    return html`<p class="headline" id="optimal-flexibility-${o.name}">Waiting and choosing (<b>${o.name}</b>) is worth <b>${signedUsd(f.meanDifference)} ± ${formatUsdM(f.standardError)}</b> more than the best fixed strategy, <b>${f.versus}</b>${ci}${better}. That is the value of keeping the option to convert later.</p>`;
  }
  return html`<p class="headline" id="optimal-flexibility-${o.name}">The fitted policy <b>${o.name}</b> does not beat the best fixed strategy, <b>${f.versus}</b>: the difference is ${signedUsd(f.meanDifference)} ± ${formatUsdM(f.standardError)}${ci}${better}. Either waiting is worth little here, or the policy saw too few fitting paths or too small a basis to find the rule.</p>`;
}

function switchingTable(summary: Summary): Html {
  const rows = summary.strategies
    .filter((s) => s.switching.pNever.p !== 1)
    .map((s) => {
      const w = s.switching;
      const shares = w.shares.map((x) => `${formatShare(x.share)} in ${formatShare(x.p)}`).join(', ');
      return html`<tr><td class="text">${s.name}</td><td>${formatShare(w.pNever.p)}</td><td>${formatShare(w.pWithin12Months.p)}</td><td>${formatShare(w.pWithin24Months.p)}</td><td>${formatShare(w.pWithin36Months.p)}</td><td>${w.medianMonth ?? 'n/a'}</td><td class="text">${shares}</td></tr>\n`;
    });
  return html`<div class="scroll"><table id="switching-table">
<tr><th class="text">strategy</th><th>P(never converts)</th><th>converts before month 12</th><th>before month 24</th><th>before month 36</th><th>median month</th><th class="text">share converted (of futures)</th></tr>
${rows}</table></div>`;
}

function boundaryTable(summary: Summary, o: OptimalSummary): Html {
  const { hashpriceUsdPerPhDay: hp, aiDemandIndex: ai } = o.boundary;
  const rows = (hp ?? ai ?? []).map((row, i) => {
    const converted = strategyOf(summary, o.name)!.switching.convertedByMonth[row.month - 1] ?? 0;
    return html`<tr><td>${row.month}</td><td>${row.date}</td>${hp && html`<td class="text">${ruleText(hp[i], usdPerPhDay)}</td>`}${ai && html`<td class="text">${ruleText(ai[i], index)}</td>`}<td>${formatShare(converted)}</td></tr>\n`;
  });
  return html`<details><summary>The boundary of ${o.name} at every decision month (table)</summary><div class="scroll"><table class="boundary-table" id="boundary-table-${o.name}">
<tr><th>month</th><th>date</th>${hp && html`<th class="text">along ${SWITCH_STATE_LABELS.hashprice}</th>`}${ai && html`<th class="text">along ${SWITCH_STATE_LABELS.aiDemand}</th>`}<th>converted before</th></tr>
${rows}</table></div></details>`;
}

/** The report section; nothing when the run has no optimal or policy strategy. */
/**
 * How the policy's value on its own fitting paths compares with this run's (out of sample): a fit
 * that chose its decisions on the same paths it is valued on flatters itself (above); below, or
 * within the two estimates' noise, it does not measurably.
 */
function inSampleGapText(o: OptimalSummary): string {
  const gap = o.inSampleGapUsd as number;
  const noiseUsd = 2 * Math.hypot(o.fit.inSampleStandardErrorUsd, o.outOfSampleStandardErrorUsd ?? 0);
  if (gap <= 0) return `${formatUsdM(-gap)} below what it earns out of sample, so no sign that the fit flatters itself`;
  return `the fit flatters itself by ${formatUsdM(gap)}${gap < noiseUsd ? `, within the two estimates' noise (2 SE of the gap: ${formatUsdM(noiseUsd)})` : ''}`;
}

export function optimalSection(summary: Summary, figure: (chartName: string) => Html | null): Html | null {
  if (!hasOptimal(summary)) return null;
  const blocks = summary.optimal.map((o) => {
    const fit = o.fit;
    const sample =
      o.inSampleGapUsd === null
        ? html`<p>Applied as a fixed rule (fitted on ${fit.scenario}, seed ${fit.seed}, ${fit.paths.toLocaleString('en-US')} paths): mean NPV <b>${formatUsdM(o.outOfSampleNpvUsd)} ± ${formatUsdM(o.outOfSampleStandardErrorUsd)}</b> on this run's trials.</p>`
        : html`<p>Out of sample, on this run's trials, which the fit never saw: mean NPV <b>${formatUsdM(o.outOfSampleNpvUsd)} ± ${formatUsdM(o.outOfSampleStandardErrorUsd)}</b>, a lower bound on what the best policy is worth. On its own ${fit.paths.toLocaleString('en-US')} fitting paths (seed ${fit.seed}) the policy claims ${formatUsdM(fit.inSampleNpvUsd)} ± ${formatUsdM(fit.inSampleStandardErrorUsd)}: ${inSampleGapText(o)}.</p>`;
    return html`${flexibilitySentence(o)}
${sample}
${boundaryTable(summary, o)}
<p class="note">The policy of ${o.name} is in ${o.policyFile}: a <code>kind: policy</code> strategy with <code>file: ${o.policyFile}</code> applies it as a fixed rule to another scenario or seed.</p>\n`;
  });
  return html`<section id="optimal">
<h2>When to convert</h2>
${blocks}<h3>When and how much each strategy converts</h3>
${switchingTable(summary)}
${figure('switch-month')}
${figure('optimal-boundary')}
<p class="note">The boundary is where the fitted policy's decision changes as one state variable moves over its range in that month (its mean ± 3 standard deviations across the fitting paths), the others held at their mean for the month; of several changes, the one nearest the typical state is shown (a quadratic fit can turn again far out in the tails, where few paths go). It is a reading aid: each trial's decision uses its whole state. A month with no point is one where the policy waits (or converts) whatever the value.</p>
</section>`;
}

function switchMonthChart(summary: Summary): Chart {
  const rows = summary.strategies
    .filter((s) => s.switching.pNever.p !== 1)
    .flatMap((s) => s.switching.convertedByMonth.map((p, m) => ({ strategy: s.name, date: monthDate(summary.bands.months[m]), converted: p })));
  return {
    name: 'switch-month',
    title: 'When each strategy converts',
    caption: 'Share of trials in which the strategy has started converting by the end of each month; the rest has not (yet). A fixed strategy is a step; a trigger or a fitted policy spreads over the months.',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'Converted by month', subtitle: 'share of trials' },
      width: WIDTH,
      height: HEIGHT,
      config: CONFIG,
      data: { values: rows },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
      encoding: {
        x: MONTH_AXIS,
        y: { field: 'converted', type: 'quantitative', title: 'converted', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
        color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: { domain: summary.strategies.map((s) => s.name), scheme: 'tableau10' } },
      },
    },
  };
}

function boundaryChart(summary: Summary): Chart | null {
  // One row per decision month, null where the rule is not "convert below": the line breaks there
  // instead of joining months far apart.
  const points = summary.optimal.flatMap((o) =>
    (o.boundary.hashpriceUsdPerPhDay ?? []).map((row) => ({
      series: `${o.name}: convert below`,
      date: monthDate(row.date),
      hashprice: row.region === 'below' ? row.threshold : null,
    })),
  );
  if (!points.some((p) => p.hashprice !== null)) return null;
  const median = summary.bands.series.hashpriceUsdPerPhDay;
  const medianRow = summary.bands.quantiles.indexOf(0.5);
  const context = median && medianRow >= 0 ? median[medianRow].map((h, m) => ({ series: 'median hashprice of the trials', date: monthDate(summary.bands.months[m]), hashprice: h })) : [];
  const y = { field: 'hashprice', type: 'quantitative' as const, title: 'USD/PH/day', scale: { type: 'log' as const } };
  return {
    name: 'optimal-boundary',
    title: 'Exercise boundary along hashprice',
    caption:
      'Per decision month, the hashprice below which the fitted policy prefers converting, the other state variables at their mean for the month (months where the rule is not "convert below" are gaps; the table gives every month). Dashed: the median hashprice of the trials, for scale. Log axis.',
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: 'Convert when hashprice falls below the line', subtitle: 'USD/PH/day (log scale)' },
      width: WIDTH,
      height: HEIGHT,
      config: CONFIG,
      layer: [
        { data: { values: context }, mark: { type: 'line', strokeDash: [4, 3] }, encoding: { x: MONTH_AXIS, y, color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 400 } } } },
        {
          data: { values: points },
          mark: { type: 'line', point: true, strokeWidth: 2, invalid: 'break-paths-filter-domains' },
          encoding: { x: MONTH_AXIS, y, color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 400 } } },
        },
      ],
    },
  };
}

/** The section's charts; none when the run has no optimal or policy strategy. */
export function optimalCharts(summary: Summary): Chart[] {
  if (!hasOptimal(summary)) return [];
  const boundary = boundaryChart(summary);
  return boundary ? [switchMonthChart(summary), boundary] : [switchMonthChart(summary)];
}
