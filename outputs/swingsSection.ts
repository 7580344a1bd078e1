// The report's "What drives the result" section: the run's swings (runners/swings.ts, stored in
// summary.json) as a tornado of the decision's first two (the pair "what would flip it" reads) and a
// table of every strategy's difference to the baseline, labelled for what they are: a quick one-at-a-time ranking at a reduced trial
// count on common random numbers, not a study. Self-contained: the page includes its chart and
// its HTML. Pure: builds JSON and markup.
import type { Swings } from '../runners/swings.js';
import type { Chart } from './chartSpecs.js';
import type { Decision } from './decision.js';
import { CONFIG, VEGA_LITE_SCHEMA } from './chartSpecs.js';
import { html, type Html } from './html.js';
import { formatUsdM } from './reportText.js';
import { valueWithUnit } from './studyAnalysis.js';

export const SWINGS_CHART = 'input-swings';

/** The two strategies the decision is between: its leader and the runner-up, fundable or not (with one fundable strategy the baseline is often the leader itself). */
export interface SwingPair {
  ahead: string;
  behind: string;
}

export function swingPair(decision: Decision): SwingPair | null {
  const behind = decision.ranked[1]?.name;
  return behind === undefined ? null : { ahead: decision.leader.name, behind };
}

/** The ahead strategy's mean NPV less the behind one's at a swing point; null where either is missing. */
export function swingLeadUsd(npvMeanUsd: Record<string, number | null>, pair: SwingPair): number | null {
  const a = npvMeanUsd[pair.ahead];
  const b = npvMeanUsd[pair.behind];
  return a === null || a === undefined || b === null || b === undefined ? null : a - b;
}

/** The swung inputs by how far they move the pair's difference, widest first (summary.json orders them by any strategy's). */
export function inputsByPairSwing(swings: Swings, pair: SwingPair): Swings['inputs'] {
  const width = (input: Swings['inputs'][number]) => {
    const low = swingLeadUsd(input.low.npvMeanUsd, pair);
    const high = swingLeadUsd(input.high.npvMeanUsd, pair);
    return low === null || high === null ? -1 : Math.abs(high - low);
  };
  return [...swings.inputs].sort((x, y) => width(y) - width(x));
}

/** The tornado of the decision's first two: what moves the leader's lead the most. */
export function swingsChart(swings: Swings | undefined, decision: Decision): Chart | null {
  const pair = swingPair(decision);
  if (!swings || swings.inputs.length === 0 || pair === null) return null;
  const baseUsd = swingLeadUsd(swings.base.npvMeanUsd, pair);
  if (baseUsd === null) return null;
  const { ahead, behind } = pair;
  const rows = inputsByPairSwing(swings, pair).flatMap((input, rank) =>
    [
      { end: 'at the low value', value: input.low.value, at: swingLeadUsd(input.low.npvMeanUsd, pair) },
      { end: 'at the high value', value: input.high.value, at: swingLeadUsd(input.high.npvMeanUsd, pair) },
    ]
      .filter((side) => side.at !== null)
      .map((side) => ({ input: input.label, rank, end: side.end, inputValue: side.value, base: baseUsd / 1e6, at: (side.at as number) / 1e6 })),
  );
  return {
    name: SWINGS_CHART,
    title: `What drives ${ahead} against ${behind}`,
    caption: `Mean NPV difference ${ahead} - ${behind} (the decision's first two) with each input moved alone to a low and a high value, ${swings.trials.toLocaleString('en-US')} trials per point on this run's futures (a quick ranking, not a study). Bars start at the base case (the line, ${formatUsdM(baseUsd)} on these trials).`,
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: `What drives ${ahead} - ${behind}`, subtitle: `mean NPV difference, $M; ${swings.trials.toLocaleString('en-US')} trials per point, common random numbers` },
      width: 560,
      height: { step: 22 },
      config: CONFIG,
      data: { values: rows },
      layer: [
        {
          mark: { type: 'bar', height: { band: 0.7 } },
          encoding: {
            y: { field: 'input', type: 'nominal', sort: { field: 'rank' }, title: null },
            x: { field: 'base', type: 'quantitative', title: '$M', axis: { format: ',.0f' } },
            x2: { field: 'at' },
            color: { field: 'end', type: 'nominal', title: null, scale: { domain: ['at the low value', 'at the high value'], range: ['#4c78a8', '#f58518'] } },
            tooltip: [{ field: 'input', type: 'nominal' }, { field: 'inputValue', type: 'quantitative', title: 'input value' }, { field: 'at', type: 'quantitative', title: '$M', format: ',.1f' }],
          },
        },
        { mark: { type: 'rule', color: '#333' }, encoding: { x: { field: 'base', type: 'quantitative' } } },
      ],
    },
  };
}

/** A difference at one end, marked when its sign differs from the base case's (the decision flips). */
function differenceCell(value: number | null | undefined, base: number | null | undefined): Html {
  if (value === null || value === undefined) return html`<td>n/a</td>`;
  const flips = base !== null && base !== undefined && Math.sign(value) !== Math.sign(base) && value !== 0;
  return html`<td${flips && html` class="warn" title="the sign differs from the base case: the ranking against the baseline flips"`}>${formatUsdM(value)}${flips && ' (flips)'}</td>`;
}

/** The section, with `figure` placing the chart (the page's chartFigure for a chart it draws). */
export function swingsSection(swings: Swings | undefined, figure: (name: string) => Html | null): Html | null {
  if (!swings) return null;
  const others = Object.keys(swings.base.differenceUsd);
  const header = others.map((o) => html`<th colspan="2">${o} - ${swings.baseline}: low / high</th>`);
  const rows = swings.inputs.map((input) => {
    const cells = others.map((o) => html`${differenceCell(input.low.differenceUsd[o], swings.base.differenceUsd[o])}${differenceCell(input.high.differenceUsd[o], swings.base.differenceUsd[o])}`);
    return html`<tr><td class="text">${input.label}</td><td>${`${valueWithUnit(input.low.value, input.unit)} / ${valueWithUnit(input.high.value, input.unit)}`}</td>${cells}</tr>\n`;
  });
  const base = others.map((o) => html`<td colspan="2">${formatUsdM(swings.base.differenceUsd[o])}</td>`);
  const skipped = swings.skipped.length > 0 && html`<p class="note">Not swung: ${swings.skipped.map((s) => `${s.path} (${s.reason})`).join('; ')}.</p>`;
  return html`<section id="what-drives">
<h2>What drives the result</h2>
<p class="note"><b>Quick swings, not a study:</b> each input moved alone to a low and a high value, the others as in this scenario, ${swings.trials.toLocaleString('en-US')} trials per point on this run's futures (its seed and first trial indices: common random numbers, so the swings are paired). They rank the inputs; their values carry more Monte Carlo error than the rest of this report. <code>hashpivot study base-tornado</code> (or a study of your own) gives precise numbers.</p>
${figure(SWINGS_CHART)}
<div class="scroll"><table><tr><th class="text">input</th><th>low / high value</th>${header}</tr>
<tr><td class="text"><i>base case (these trials)</i></td><td></td>${base}</tr>
${rows}</table></div>
${skipped}
</section>`;
}
