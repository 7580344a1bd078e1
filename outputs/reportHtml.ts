// report.html: what a risk committee reads. The numbers come from summary.json (tables, bands,
// ruin by month) and from reportData (binned per-trial outcomes); every piece of scenario text is
// escaped. Pure: builds a string.
import { hasOptimal, optimalSection } from './optimalReport.js';
import type { JsonObject, JsonValue } from '../scenarios/load.js';
import type { Chart } from './chartSpecs.js';
import { decide, FUNDING_SHORTFALL_LIMIT, orderCertainty, type Decision, type OrderCertainty } from './decision.js';
import { html, trustedHtml, type Html } from './html.js';
import { chartFigure, htmlPage } from './htmlPage.js';
import type { ReportData } from './reportData.js';
import { pairsAgainstBaseline } from './reportData.js';
import { MARKET_DRIVERS } from './drivers.js';
import { lowerFirst, valueWithUnit } from './studyAnalysis.js';
import { type TailAnatomy, type TailMeasure } from './tailAnatomy.js';
import { coverLine, describeStrategy, formatNumber, formatShare, formatUsdM, irrText, pairSentence, paybackText, REVENUE_RATIO_WARNING, revenueCheck, ruinWithFundingText, strategySpecs, terminalShareText, terminalValueList, terminalValueMeaning } from './reportText.js';
import type { MetricSummary } from './statistics.js';
import type { StrategySummary, Summary } from './summary.js';
import { inputsByPairSwing, swingLeadUsd, swingPair, swingsSection } from './swingsSection.js';

type Format = 'usd' | 'usdM' | 'pct' | 'num' | 'text' | 'int';

interface Assumption {
  path: string;
  label: string;
  format: Format;
  unit?: string;
  /** Shown only when the scenario's BTC price model is one of these (a field the others ignore). */
  priceModels?: readonly string[];
}

/** The assumptions a committee should see first; every field is in the full scenario below. */
const KEY_ASSUMPTIONS: { group: string; rows: Assumption[] }[] = [
  {
    group: 'As-of state',
    rows: [
      { path: 'asOf.date', label: 'As-of date', format: 'text' },
      { path: 'asOf.priceUsd', label: 'BTC price', format: 'usd' },
      { path: 'asOf.difficulty', label: 'Difficulty', format: 'num' },
      { path: 'asOf.networkHashrateEhs', label: 'Network hashrate', format: 'num', unit: 'EH/s' },
      { path: 'asOf.blockHeight', label: 'Block height', format: 'int' },
      { path: 'asOf.feesBtcPerBlock', label: 'Fees', format: 'num', unit: 'BTC/block' },
      { path: 'asOf.energyUsdPerMwh', label: 'Site power price', format: 'num', unit: 'USD/MWh' },
    ],
  },
  {
    group: 'Markets',
    rows: [
      { path: 'horizonMonths', label: 'Horizon', format: 'int', unit: 'months' },
      { path: 'discountRatePerYear', label: 'Discount rate', format: 'pct', unit: 'per year' },
      { path: 'market.price.model', label: 'BTC price model', format: 'text' },
      { path: 'market.price.driftPerYear', label: 'BTC expected return', format: 'pct', unit: 'per year', priceModels: ['merton', 'gbm', 'bootstrap'] },
      { path: 'market.price.volatilityPerYear', label: 'BTC volatility', format: 'pct', unit: 'per year', priceModels: ['merton', 'gbm'] },
      { path: 'market.price.jumpsPerYear', label: 'BTC jumps', format: 'num', unit: 'per year', priceModels: ['merton'] },
      { path: 'market.price.regimes.bull.driftPerYear', label: 'Bull regime: log drift', format: 'pct', unit: 'per year' },
      { path: 'market.price.regimes.bull.volatilityPerYear', label: 'Bull regime: volatility', format: 'pct', unit: 'per year' },
      { path: 'market.price.regimes.bear.driftPerYear', label: 'Bear regime: log drift', format: 'pct', unit: 'per year' },
      { path: 'market.price.regimes.bear.volatilityPerYear', label: 'Bear regime: volatility', format: 'pct', unit: 'per year' },
      { path: 'market.price.regimes.bullToBearPerMonth', label: 'Bull to bear', format: 'pct', unit: 'per month' },
      { path: 'market.price.regimes.bearToBullPerMonth', label: 'Bear to bull', format: 'pct', unit: 'per month' },
      { path: 'market.price.bootstrap.file', label: 'Bootstrapped price file', format: 'text' },
      { path: 'market.price.bootstrap.from', label: 'Bootstrapped returns from', format: 'text' },
      { path: 'market.price.bootstrap.to', label: 'Bootstrapped returns to', format: 'text' },
      { path: 'market.price.bootstrap.blockMonths', label: 'Bootstrap block', format: 'int', unit: 'months' },
      { path: 'market.hashrate.growthPerYear', label: 'Hashrate trend growth', format: 'pct', unit: 'per year (log)' },
      { path: 'market.energy.meanUsdPerMwh', label: 'Long-run power price', format: 'num', unit: 'USD/MWh' },
      { path: 'market.energy.volatilityPerYear', label: 'Power price volatility', format: 'pct', unit: 'per year' },
      { path: 'market.aiDemand.winterHazardPerYear', label: 'AI winter hazard', format: 'pct', unit: 'per year' },
    ],
  },
  {
    group: 'Site',
    rows: [
      { path: 'site.powerMw', label: 'Power', format: 'num', unit: 'MW' },
      { path: 'site.efficiencyJPerTh', label: 'Fleet efficiency', format: 'num', unit: 'J/TH' },
      { path: 'site.cashUsd', label: 'Cash', format: 'usdM' },
      { path: 'site.creditLineUsd', label: 'Credit line (ruin threshold)', format: 'usdM' },
      { path: 'site.debtUsd', label: 'Debt', format: 'usdM' },
      { path: 'site.opexUsdPerMwMonth', label: 'Fixed opex', format: 'usd', unit: 'per MW-month' },
      { path: 'site.ppaShare', label: 'Load under PPA', format: 'pct' },
      { path: 'site.taxRate', label: 'Tax rate', format: 'pct' },
      { path: 'site.taxDepreciationYears', label: 'Tax life of capex', format: 'num', unit: 'years, straight-line' },
    ],
  },
  {
    group: 'AI hosting',
    rows: [
      { path: 'hosting.conversionUsdPerMwIt', label: 'Conversion capex', format: 'usdM', unit: 'per MW of IT' },
      { path: 'hosting.pue', label: 'PUE', format: 'num' },
      { path: 'hosting.buildMonths.mode', label: 'Build time (most likely)', format: 'num', unit: 'months' },
      { path: 'hosting.tranches', label: 'Halls delivered', format: 'int', unit: 'halls' },
      { path: 'hosting.trancheIntervalMonths', label: 'Between hall starts', format: 'int', unit: 'months' },
      { path: 'hosting.preLeased', label: 'Lease signed before the build', format: 'text' },
      { path: 'hosting.leaseUsdPerKwMonth', label: 'Lease rate', format: 'usd', unit: 'per kW-month' },
      { path: 'hosting.escalatorPerYear', label: 'Lease escalator', format: 'pct', unit: 'per year' },
      { path: 'hosting.leaseYears', label: 'Lease term', format: 'num', unit: 'years' },
      { path: 'hosting.leaseForm', label: 'Lease form', format: 'text' },
      { path: 'hosting.landlordOpexUsdPerKwMonth', label: 'Landlord opex', format: 'usd', unit: 'per kW-month' },
      { path: 'hosting.tripleNetCostShareOfRent', label: 'Landlord cost', format: 'pct', unit: 'of rent' },
      { path: 'hosting.signingProbabilityPerMonth', label: 'Tenant signing probability', format: 'pct', unit: 'per month' },
      { path: 'hosting.tenantCreditGrade', label: 'Tenant credit grade', format: 'text' },
      { path: 'hosting.defaultHazardPerYear', label: 'Tenant default hazard', format: 'pct', unit: 'per year' },
      { path: 'hosting.backstopShare', label: 'Rent backed by a guarantor', format: 'pct' },
      { path: 'hosting.tenantCapexShare', label: 'Capex paid by the tenant', format: 'pct' },
      { path: 'hosting.capexAdvanceUsdPerMwIt', label: 'Tenant capex advance', format: 'usdM', unit: 'per MW of IT' },
      { path: 'hosting.capexDebtShare', label: 'Site capex financed by debt', format: 'pct' },
      { path: 'hosting.gpuCloud.contract.years', label: 'GPU contract term', format: 'num', unit: 'years' },
      { path: 'hosting.gpuCloud.contract.usdPerGpuHour', label: 'GPU contract price', format: 'usd', unit: 'per GPU-hour' },
      { path: 'hosting.gpuCloud.contract.prepaymentShare', label: 'GPU contract prepaid', format: 'pct' },
      { path: 'terminalValue.method', label: 'Terminal value', format: 'text', unit: 'byCashFlow: mining at a multiple or salvage, leases at contracted rent plus a cap rate, GPU fleets at residual value' },
      { path: 'terminalValue.annualCashFlowMultiple', label: 'Terminal multiple', format: 'num', unit: 'x annual cash flow' },
      { path: 'terminalValue.capRate', label: 'Cap rate of leased capacity', format: 'pct', unit: 'per year' },
      { path: 'terminalValue.miningSalvageUsdPerTh', label: 'Mining fleet salvage', format: 'usd', unit: 'per TH' },
    ],
  },
];

function valueAt(root: JsonObject, path: string): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as JsonObject)[key];
  }
  return node;
}

function formatValue(value: JsonValue, format: Format): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value !== 'number') return typeof value === 'string' ? value : JSON.stringify(value);
  switch (format) {
    case 'usd':
      return `$${formatNumber(value, value >= 1000 ? 0 : 2)}`;
    case 'usdM':
      return formatUsdM(value);
    case 'pct':
      return `${formatNumber(value * 100, Math.abs(value) < 0.1 ? 1 : 0)}%`;
    case 'int':
      return formatNumber(value, 0);
    case 'num':
      if (Math.abs(value) >= 1e9) return value.toExponential(3);
      return Number.isInteger(value) ? formatNumber(value, 0) : value.toLocaleString('en-US', { maximumSignificantDigits: 4 });
    default:
      return String(value);
  }
}

function assumptionsSection(summary: Summary): Html {
  const scenario = summary.scenario;
  const groups = KEY_ASSUMPTIONS.map(({ group, rows }) => {
    const cells = rows
      .filter((a) => !a.priceModels || a.priceModels.includes(String(valueAt(scenario, 'market.price.model'))))
      .map((a) => ({ a, value: valueAt(scenario, a.path) }))
      .filter((r): r is { a: Assumption; value: JsonValue } => r.value !== undefined)
      .map(({ a, value }) => html`<tr><td class="text">${a.label}</td><td>${formatValue(value, a.format)}</td><td class="text note">${a.unit ?? ''}</td></tr>`);
    return html`<div class="scroll"><h3>${group}</h3><table class="assumptions">${cells}</table></div>\n`;
  });
  const specs = strategySpecs(summary);
  const strategies = summary.strategies.map(
    (s) => html`<tr><td class="text">${s.name}</td><td class="text">${s.kind}</td><td class="text">${describeStrategy(specs.get(s.name), s.name)}</td></tr>`,
  );
  const sources = valueAt(scenario, 'asOf.sources');
  const sourceItems = sources && typeof sources === 'object' ? Object.entries(sources as JsonObject).map(([k, v]) => html`<li><b>${k}</b>: ${typeof v === 'string' ? v : JSON.stringify(v)}</li>`) : [];
  return html`<section id="assumptions">
<h2>Appendix: key assumptions and sources</h2>
<p class="note">As of ${String(valueAt(scenario, 'asOf.date') ?? '?')}. The full scenario, with every default filled in, follows and is in summary.json.</p>
<div class="assumption-groups">${groups}</div>
<h3>Strategies compared</h3>
<table><tr><th class="text">name</th><th class="text">kind</th><th class="text">what it does</th></tr>${strategies}</table>
${sourceItems.length > 0 && html`<h3>Sources of the as-of state</h3><ul>${sourceItems}</ul>`}
</section>`;
}

/** The mean terminal value, with its share of the mean NPV where that is positive: "$391M (87%)". */
function terminalShareCell(s: StrategySummary): string {
  const terminal = s.metrics.terminalPvUsd?.mean;
  const npv = s.metrics.npvUsd.mean;
  if (terminal === undefined || terminal === null) return 'n/a';
  return npv === null ? formatUsdM(terminal) : `${formatUsdM(terminal)}${terminalShareText(terminal, npv)}`;
}

function meanWithSe(m: MetricSummary): string {
  return m.mean === null ? 'n/a' : `${formatUsdM(m.mean)} ± ${formatUsdM(m.standardError)}`;
}

function strategyTable(summary: Summary): Html {
  const rows = summary.strategies.map((s) => {
    const npv = s.metrics.npvUsd;
    const ruin = s.pRuin.p ?? 0;
    const peak = s.funding?.peakUsd.percentiles;
    const external = s.funding?.externalUsd.percentiles;
    return html`<tr data-strategy="${s.name}">
<td class="text"><b>${s.name}</b></td>
<td>${meanWithSe(npv)}</td>
<td>${terminalShareCell(s)}</td>
<td>${formatUsdM(npv.percentiles.p5)}</td><td>${formatUsdM(npv.percentiles.p50)}</td><td>${formatUsdM(npv.percentiles.p95)}</td>
<td>${formatUsdM(npv.cvar5)}</td>
<td>${formatShare(s.pNpvNegative.p)}</td><td${ruin >= 0.05 && html` class="warn"`}>${formatShare(s.pRuin.p)}</td>
<td>${peak ? html`${formatUsdM(peak.p50)} <span class="note">(p95 ${formatUsdM(peak.p95)})</span>` : 'n/a'}</td><td>${external ? formatUsdM(external.p50) : 'n/a'}</td>
<td>${irrText(s.metrics.irr)}</td><td>${paybackText(s.metrics.paybackMonth)}</td>
<td>$${formatNumber(s.metrics.revenueUsdPerKwh.percentiles.p50, 3)}</td>
</tr>\n`;
  });
  const ownFunds = summary.strategies.find((s) => s.funding)?.funding?.ownFundsUsd;
  const terminalUnrecorded = summary.strategies.some((s) => s.metrics.terminalPvUsd === undefined)
    ? ` (n/a: this summary.json was written by hashpivot ${summary.engine.version}, which did not record it; run the scenario again to see it)`
    : '';
  return html`<div class="scroll"><table class="strategies">
<tr><th class="text">strategy</th><th>mean NPV ± SE</th><th>of which terminal value</th><th>p5 NPV</th><th>p50 NPV</th><th>p95 NPV</th><th>mean of worst 5%</th><th>P(NPV&lt;0)</th><th>P(runs out of cash)</th><th>peak funding need, median</th><th>new money needed, median</th><th>IRR median</th><th>payback median</th><th>revenue $/kWh median</th></tr>
${rows}</table></div>
<p class="caption">NPV in US dollars at the scenario's discount rate, over the horizon with terminal value; of which terminal value: the mean of its part, the site as valued at the end of the horizon, discounted, with its share of the mean NPV${terminalUnrecorded}; p5 NPV is the 5th percentile (the 5% worst case, a value: negative is a loss), the mean of worst 5% the mean NPV of the futures at or below it. P(runs out of cash): cash falls below minus the credit line at some month without new funding. Peak funding need: the most cash the strategy consumes before it pays for itself (minus its lowest cumulative cash flow); new money: what of it exceeds the site's own funds${ownFunds === undefined ? '' : ` (${formatUsdM(ownFunds)} of cash and credit line)`}, so a strategy that runs out of cash in every future may need only a little. IRR and payback are those of the flows the NPV values (the project's: the debt's draws and payments left out unless hosting.debtInNpv): the IRR with the terminal value at the horizon, as the NPV has it, the payback on the horizon's months alone (the first month from which their running sum stays at or above zero); their medians over the trials where they exist, shown only where that is at least half of them (an IRR may not exist where the flows change sign more than once); "no outlay": the running sum never fell below zero, so there was nothing to pay back.</p>`;
}

function pairsTable(summary: Summary): Html {
  const rows = summary.pairs.map((p) => {
    const d = p.npvUsd;
    const ci = d.ci95 ? `${formatUsdM(d.ci95[0])} to ${formatUsdM(d.ci95[1])}` : 'n/a';
    return html`<tr><td class="text">${p.a}</td><td class="text">${p.b}</td><td>${formatShare(d.pABeatsB)} ± ${formatShare(d.pABeatsBStandardError)}</td><td>${formatUsdM(d.meanDifference)} ± ${formatUsdM(d.standardError)}</td><td>${ci}</td></tr>\n`;
  });
  return html`<details><summary>Every pair of strategies (${summary.pairs.length})</summary><div class="scroll"><table>
<tr><th class="text">A</th><th class="text">B</th><th>P(A beats B)</th><th>mean NPV(A) - NPV(B) ± SE</th><th>95% CI</th></tr>
${rows}</table></div><p class="caption">P(A beats B): the share of futures in which A's NPV is higher than B's, a tie (the same NPV, as when a strategy never converts and so is stay) counting half.</p></details>`;
}

function revenueTable(summary: Summary): Html {
  const rows = summary.strategies.map((s) => {
    const m = s.metrics.revenueUsdPerKwh;
    return html`<tr><td class="text">${s.name}</td><td>$${formatNumber(m.percentiles.p5, 3)}</td><td>$${formatNumber(m.percentiles.p50, 3)}</td><td>$${formatNumber(m.percentiles.p95, 3)}</td><td>$${formatNumber(m.mean, 3)}</td></tr>`;
  });
  return html`<table><tr><th class="text">strategy</th><th>p5</th><th>median</th><th>p95</th><th>mean</th></tr>${rows}</table>`;
}

function halvingText(summary: Summary, data: ReportData): string {
  const { pWithinHorizon, datePercentiles } = summary.halving;
  const within = pWithinHorizon.p ?? 0;
  if (within === 0) return `No trial reaches the next halving within the ${String(summary.scenario.horizonMonths)}-month horizon.`;
  const dates = within === 1 ? `median ${datePercentiles.p50 ?? 'n/a'}, 90% between ${datePercentiles.p5 ?? 'n/a'} and ${datePercentiles.p95 ?? 'n/a'}` : `${formatShare(within)} of trials reach it within the horizon`;
  return `Next halving: ${dates} (${data.halving.trials.toLocaleString('en-US')} trials).`;
}

function tailValueText(measure: TailMeasure, x: number | null): string {
  if (x === null) return 'n/a';
  if (measure.statistic === 'share') return formatShare(x);
  if (measure.unit.startsWith('USD,')) return `$${x.toLocaleString('en-US', { maximumSignificantDigits: 3 })}`;
  if (measure.unit.startsWith('USD/')) return `$${formatNumber(x, x < 10 ? 2 : 1)}`;
  return formatNumber(x, 1);
}

/** The measure whose tail value departs most from all futures, in words: the tail's main feature. */
function tailSentence(tail: TailAnatomy, s: number): string {
  const ranked = tail.rows
    .filter((row) => row.all[s] !== null && row.tails[s] !== null && row.measure.statistic !== 'mean' && row.measure.unit.indexOf('month') < 0)
    .map((row) => ({ row, departure: Math.abs(Math.log(((row.tails[s] as number) + 1e-9) / ((row.all[s] as number) + 1e-9))) }))
    .sort((a, b) => b.departure - a.departure)
    .slice(0, 2);
  const parts = ranked.map(({ row }) => `${row.measure.label} ${tailValueText(row.measure, row.tails[s])} (all futures ${tailValueText(row.measure, row.all[s])})`);
  return `${tail.strategies[s]}: ${parts.join('; ')}`;
}

function tailSection(data: ReportData, figure: (name: string) => Html | null): Html {
  const tail = data.tail;
  if (!tail) return html`<section id="tail"><h2>The worst 5% of futures</h2><p class="note">Not available: the trials of this results folder hold no driver columns (written by an older hashpivot). Run it again to see them.</p></section>`;
  const head = html`<tr><th class="text">in the futures where the strategy does worst (5%)</th><th>all futures</th>${tail.strategies.map((n) => html`<th>${n}</th>`)}</tr>`;
  // A market measure has one value over all futures; a strategy's own (a lease, a default) has one per strategy, shown beside its tail.
  const rows = tail.rows.map((row) => {
    const market = row.measure.level === 'market';
    const cells = row.tails.map((x, s) => html`<td>${tailValueText(row.measure, x)}${!market && html` <span class="note">(all ${tailValueText(row.measure, row.all[s])})</span>`}</td>`);
    return html`<tr><td class="text">${row.measure.label} <span class="note">(${row.measure.unit})</span></td><td>${market ? tailValueText(row.measure, row.all[0]) : '-'}</td>${cells}</tr>`;
  });
  // A measure left out because nothing happened (no tenant defaulted) is not missing from the trials.
  const missing = tail.unrecorded.map((m) => m.label);
  return html`<section id="tail">
<h2>The worst 5% of futures</h2>
<p>What the futures behind each strategy's 5% worst case look like, against all futures (each strategy's own worst ${tail.tailTrials[0].toLocaleString('en-US')} trials by its NPV):</p>
<ul class="sentences">${tail.strategies.map((_, s) => html`<li>${tailSentence(tail, s)}.</li>`)}</ul>
<div class="scroll"><table class="tail">${head}${rows}</table></div>
${missing.length > 0 && html`<p class="note" id="tail-missing">Not in this results folder&#39;s trials (written by an older hashpivot): ${missing.join(', ')}. Run it again to see them.</p>`}
${figure('tail-anatomy')}
</section>`;
}

function driversSection(data: ReportData, figure: (name: string) => Html | null): Html | null {
  const explained = data.drivers.filter((d) => d.regression !== null);
  if (data.drivers.length === 0) return null;
  if (explained.length === 0) return html`<section id="drivers" class="keep-with-previous"><h2>What explains the difference</h2><p class="note">Not available: the trials of this results folder hold no driver columns (written by an older hashpivot).</p></section>`;
  const used = new Set(explained.flatMap((d) => [...d.regression!.drivers.map((x) => x.name), ...d.regression!.constant]));
  const missing = MARKET_DRIVERS.map((d) => d.label).filter((label) => !used.has(label));
  const rows = explained.map((d) => {
    const r = d.regression!;
    const top = r.drivers.slice(0, 3).map((x) => `${x.name} ${formatShare(x.share)}${x.correlation >= 0 ? ' ↑' : ' ↓'}`).join(', ');
    return html`<tr><td class="text"><b>${d.pair.other}</b> - ${d.pair.baseline}</td><td>${formatShare(r.rSquared)}</td><td class="text">${top}</td></tr>`;
  });
  return html`<section id="drivers" class="keep-with-previous">
<h2>What explains the difference</h2>
<p>Which drivers of a future explain most of each strategy's paired NPV difference to ${data.baseline}: the R² of a linear regression of the per-trial difference on all of them, shared out among the drivers (↑: futures with a higher value of the driver tend to have a larger difference, ↓: a smaller one). The drivers are the markets' and each strategy's own (when it converts, the BTC price then, when its first lease is signed, how many tenants default). What R² leaves unexplained comes from outside them: the site's other draws (build times, the month a default falls in, what re-letting brings) and what the drivers do not capture linearly.</p>
<div class="scroll"><table class="drivers"><tr><th class="text">difference</th><th>R²</th><th class="text">drivers ranked by share of variance explained</th></tr>${rows}</table></div>
${missing.length > 0 && html`<p class="note" id="drivers-missing">Not in this results folder&#39;s trials (written by an older hashpivot): ${missing.join(', ')}. Run it again to see them.</p>`}
${figure('drivers')}
</section>`;
}

export interface ReportPageOptions {
  /** Where the per-trial numbers were read from, for the page's footnote. */
  trialsSource: string;
}

function probabilityText(p: number): string {
  if (p > 0.999) return 'above 99.9%';
  if (p < 0.001) return 'below 0.1%';
  return formatShare(p);
}

function orderSentence(order: OrderCertainty): Html {
  return html`<b>${order.ahead}</b> leads <b>${order.behind}</b> by ${formatUsdM(order.meanDifferenceUsd)} ± ${formatUsdM(order.standardErrorUsd)} in mean NPV (paired, same futures): that order is right with probability ${probabilityText(order.pOrderRight)}`;
}

function decisionSection(summary: Summary, decision: Decision): Html {
  const { leader, baseline } = decision;
  const withFunding = decision.ownFundsUsd !== null;
  const rows = decision.ranked.map((s, i) => {
    const shortfall = s.pFundingShortfall;
    return html`<tr data-rank="${i + 1}"><td>${i + 1}</td><td class="text"><b>${s.name}</b>${s.name === baseline && html` <span class="note">(baseline)</span>`}</td>
<td>${s.meanNpvUsd === null ? 'n/a' : `${formatUsdM(s.meanNpvUsd)} ± ${formatUsdM(s.standardErrorUsd)}`}</td>
<td>${s.pBeatsBaseline === null ? '-' : formatShare(s.pBeatsBaseline)}</td>
<td>${formatUsdM(s.var5Usd)}</td><td>${formatUsdM(s.cvar5Usd)}</td>
<td${!s.funded && html` class="warn"`}>${formatShare(shortfall)}</td>
${withFunding && html`<td>${s.outsideFundingP95Usd ? `${formatUsdM(s.outsideFundingP50Usd)} / ${formatUsdM(s.outsideFundingP95Usd)}` : 'none'}</td>`}</tr>\n`;
  });
  const lines: Html[] = [];
  lines.push(
    html`<p class="headline" id="decision-headline"><b>${leader.name}</b> ranks first by the ${decision.criterion}: mean NPV ${formatUsdM(leader.meanNpvUsd)} ± ${formatUsdM(leader.standardErrorUsd)}${leader.name === baseline ? '' : `, better than ${baseline} in ${formatShare(leader.pBeatsBaseline)} of futures`}, 5% worst case ${formatUsdM(leader.var5Usd)}.</p>\n`,
  );
  const [best] = decision.betterIfFunded;
  if (best) {
    const lead = orderCertainty(summary, best.name, leader.name);
    lines.push(
      html`<p class="headline" id="decision-if-funded">With outside funding, <b>${best.name}</b> would rank first: its mean NPV is ${lead ? `${formatUsdM(lead.meanDifferenceUsd)} ± ${formatUsdM(lead.standardErrorUsd)}` : 'n/a'} higher than ${leader.name}'s, but the site's cash and credit line${decision.ownFundsUsd !== null ? ` (${formatUsdM(decision.ownFundsUsd)})` : ''} fall short in ${formatShare(best.pFundingShortfall)} of futures${best.outsideFundingP95Usd ? `, by ${formatUsdM(best.outsideFundingP50Usd)} at the median and ${formatUsdM(best.outsideFundingP95Usd)} in 1 future in 20` : ''}${best.var5Usd !== null ? `; its 5% worst case is ${formatUsdM(best.var5Usd)}` : ''}.</p>\n`,
    );
  }
  const sure: Html[] = [];
  if (decision.maxStandardErrorUsd !== null) sure.push(html`Monte Carlo error: each mean NPV above is within ±${formatUsdM(1.959963984540054 * decision.maxStandardErrorUsd)} of its long-run value (95% confidence for each, ${decision.trials.toLocaleString('en-US')} trials)`);
  else sure.push(html`not measurable: the Monte Carlo error needs at least 2 trials, and this run has ${decision.trials.toLocaleString('en-US')} (a decision needs thousands)`);
  if (decision.leaderOrder) sure.push(orderSentence(decision.leaderOrder));
  const top = decision.topTwoByMean;
  if (top && !(decision.leaderOrder && top.ahead === decision.leaderOrder.ahead && top.behind === decision.leaderOrder.behind)) {
    sure.push(html`${decision.leaderOrder || best ? 'Regardless of funding, ' : ''}${orderSentence(top)}`);
  }
  const borderline = decision.ranked.filter((s) => {
    const p = s.pFundingShortfall;
    const se = s.pFundingShortfallStandardError;
    return p !== null && se !== null && se > 0 && Math.abs(p - FUNDING_SHORTFALL_LIMIT) < 2 * se;
  });
  if (borderline.length) sure.push(html`the funding shortfall of ${borderline.map((s) => s.name).join(', ')} is within two standard errors of the ${formatShare(FUNDING_SHORTFALL_LIMIT)} limit, so its place on either side of it is not certain`);
  const sentences = sure.map((x, i) => html`${i > 0 ? '. ' : ''}${capitalised(x)}`);
  return html`<section id="decision" class="decision">
<h2>The decision</h2>
${lines}<div class="scroll"><table class="ranking">
<tr><th>#</th><th class="text">strategy</th><th>mean NPV ± SE</th><th title="the share of futures in which its NPV is higher than ${baseline}'s, a tie (the same NPV, as when a strategy never converts and so is stay) counting half">P(beats ${baseline})</th><th>5% worst case</th><th>mean of worst 5%</th><th>P(short of funds)</th>${withFunding && html`<th>outside funding needed, median / p95</th>`}</tr>
${rows}</table></div>
<p id="decision-certainty"><b>How sure:</b> ${sentences}.</p>
${horizonParagraph(summary, decision)}<p id="decision-flip"><b>What would flip it:</b> ${flipText(summary, decision)}</p>
</section>`;
}

/**
 * How much of the leader's and the runner-up's mean NPV is the terminal value, and whether the
 * leader would still lead on the horizon's months alone: a large terminal share is not by itself a
 * warning (a conversion pays its capex inside the horizon), a lead that the terminal value makes
 * is (nothing for a summary.json that does not say).
 */
function horizonParagraph(summary: Summary, decision: Decision): Html | string {
  const [ahead, behind] = decision.ranked.slice(0, 2).map((r) => summary.strategies.find((s) => s.name === r.name) as StrategySummary);
  const list = terminalValueList(summary, behind ? [ahead.name, behind.name] : [ahead.name]);
  if (list === null) return '';
  const withinHorizon = (s: StrategySummary) => (s.metrics.npvUsd.mean ?? NaN) - (s.metrics.terminalPvUsd?.mean ?? NaN);
  const lead = behind ? withinHorizon(ahead) - withinHorizon(behind) : NaN;
  let verdict = '';
  if (lead > 0) verdict = ` On the horizon's months alone ${ahead.name} still leads ${behind.name}, by ${formatUsdM(lead)}: the ranking does not rest on the terminal value.`;
  else if (lead <= 0) verdict = ` On the horizon's months alone ${behind.name} would lead, by ${formatUsdM(-lead)}: the ranking rests on how the site is valued after the horizon, which the scenario's terminalValue, or a longer horizon, tests.`;
  return html`<p id="decision-horizon"><b>After the horizon:</b> the terminal value, ${terminalValueMeaning(summary)}, in the mean NPV: ${list}.${verdict}</p>\n`;
}

/** A reason as the start of a sentence: a leading lower-case letter upper-cased (a leading tag is left as it is). */
function capitalised(markup: Html): Html {
  return trustedHtml(markup.markup.replace(/^[a-z]/, (letter) => letter.toUpperCase()));
}

/**
 * Running out of cash in words, beside the money that would prevent it: "ruin" here means the
 * strategy needs money from outside, not that it is a bad one (a conversion can beat staying in
 * most futures and still need new funding in all of them).
 */
function cashText(summary: Summary): Html {
  const items = summary.strategies.map((s) => html`<li><b>${s.name}</b> ${ruinWithFundingText(s.pRuin.p, s.funding, Number(summary.scenario.horizonMonths))}.</li>`);
  return html`<p>Running out of cash means the site's cash falls below minus its credit line at some month if no new money comes in: it says how much the strategy must raise, not how good it is. A conversion financed as announced may need little; one the site pays for alone may beat staying in most futures and still need new funding in all of them.</p>
<ul class="sentences" id="funding-need">${items}</ul>`;
}

/**
 * "What would flip it", from the run's one-at-a-time swings: the inputs at whose low or high value the
 * decision's order (the leader against the runner-up in the ranking) reverses on the swings' trials.
 * A quick reading at a reduced trial count, said so.
 */
function flipText(summary: Summary, decision: Decision): Html | string {
  const swings = summary.swings;
  if (!swings) return 'not computed for this run (summary.json holds no one-at-a-time swings of the inputs: run with --swing-trials N).';
  const pair = swingPair(decision);
  if (pair === null) return 'nothing to flip: one strategy only.';
  const { ahead, behind } = pair;
  const gap = (npv: Record<string, number | null>) => swingLeadUsd(npv, pair);
  const baseGap = gap(swings.base.npvMeanUsd);
  if (baseGap === null) return `the swings have no mean NPV of ${ahead} and ${behind} to compare.`;
  if (baseGap === 0) return `${ahead} and ${behind} have the same mean NPV on the swings' trials: no order to flip.`;
  const flips: string[] = [];
  for (const input of swings.inputs) {
    for (const [side, point] of [['low', input.low], ['high', input.high]] as const) {
      const g = gap(point.npvMeanUsd);
      if (g !== null && Math.sign(g) !== Math.sign(baseGap)) flips.push(`${lowerFirst(input.label)} at its ${side} value, ${valueWithUnit(point.value, input.unit)} (${behind} then ahead by ${formatUsdM(Math.abs(g))})`);
    }
  }
  const how = `${swings.inputs.length} inputs swung one at a time, ${swings.trials.toLocaleString('en-US')} trials a point: a quick reading; a study gives break-evens with their error`;
  if (flips.length > 0) return html`<b>${flips.join('; ')}</b> would put ${behind} ahead of ${ahead} (${how}).`;
  const [largest] = inputsByPairSwing(swings, pair);
  const widest = largest ? `; the largest swing, ${lowerFirst(largest.label)}, moves ${ahead}'s lead over ${behind} between ${formatUsdM(gap(largest.low.npvMeanUsd))} and ${formatUsdM(gap(largest.high.npvMeanUsd))}` : '';
  return `no single input at its low or high value puts ${behind} ahead of ${ahead}${widest} (${how}).`;
}

export function reportHtml(summary: Summary, data: ReportData, charts: readonly Chart[], options: ReportPageOptions): string {
  const name = String(summary.scenario.name ?? 'scenario');
  const description = String(summary.scenario.description ?? '');
  const byName = new Map(charts.map((c) => [c.name, c]));
  const figure = (chartName: string) => {
    const chart = byName.get(chartName);
    return chart ? chartFigure(chart) : null;
  };
  const sentences = pairsAgainstBaseline(summary).map((pair) => html`<li>${pairSentence(pair, summary)}</li>\n`);
  const revenue = revenueCheck(summary, data.baseline);
  const fans = charts.filter((c) => c.name.startsWith('fan-') && c.name !== 'fan-cash').map((c) => html`${chartFigure(c)}\n`);
  const body = html`
<header>
<p class="note">hashpivot report</p>
<h1 id="scenario-name">${name}</h1>
${description && html`<p class="lead" id="scenario-description">${description}</p>`}
<p class="meta" id="cover-line">${coverLine(summary)}</p>
<nav><a href="#decision">Decision</a><a href="#summary">In plain words</a><a href="#strategies">Strategies</a><a href="#npv">NPV</a>${hasOptimal(summary) && html`<a href="#optimal">When to convert</a>`}<a href="#tail">Worst 5%</a><a href="#drivers">Drivers</a><a href="#revenue">Revenue per kWh</a><a href="#market">Market</a><a href="#cash">Cash and ruin</a><a href="#halving">Halving</a><a href="#assumptions">Assumptions</a><a href="#scenario">Full scenario</a></nav>
</header>
${decisionSection(summary, decide(summary))}
<section id="summary" class="keep-with-previous">
<h2>In plain words</h2>
${sentences.length ? html`<ul class="sentences">${sentences}</ul>` : html`<p>Only one strategy: nothing to compare.</p>`}
<p class="${revenue.warning ? 'warn' : ''}" id="revenue-check">${revenue.sentence}</p>
</section>
<section id="strategies" class="keep-with-previous">
<h2>Strategies</h2>
${strategyTable(summary)}
</section>
<section id="npv">
<h2>NPV</h2>
<div class="side-by-side">${figure('npv-distribution')}${figure('npv-cdf')}</div>
${figure('npv-difference')}
${pairsTable(summary)}
${figure('convergence')}
</section>
${optimalSection(summary, figure)}
${tailSection(data, figure)}
${driversSection(data, figure)}
${swingsSection(summary.swings, figure)}
<section id="revenue">
<h2>Revenue per kWh</h2>
<p>A check on the inputs: leasing converted capacity usually earns about twice what mining earns per kWh; more than ${REVENUE_RATIO_WARNING}x is flagged as unusual (an own GPU cloud sells compute and can earn much more). ${revenue.sentence}</p>
${revenueTable(summary)}
${figure('revenue-per-kwh')}
</section>
<section id="market">
<h2>Market paths</h2>
${fans}</section>
<section id="cash">
<h2>Cash and ruin</h2>
${cashText(summary)}
${figure('fan-cash')}
${figure('ruin-over-time')}
</section>
<section id="halving">
<h2>Next halving</h2>
<p>${halvingText(summary, data)}</p>
${figure('halving-dates')}
</section>
${assumptionsSection(summary)}
<section id="scenario" class="keep-with-previous">
<h2>Full scenario</h2>
<details><summary>The scenario as run, every default filled in (JSON)</summary><pre>${JSON.stringify(summary.scenario, null, 2)}</pre></details>
<p class="note">Per-trial numbers read from ${options.trialsSource}. Charts bin the trials; nothing in this page needs a network connection.</p>
</section>`;
  return htmlPage({ title: `hashpivot report: ${name}`, body, charts });
}
