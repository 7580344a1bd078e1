// The report's words: how a strategy is described, how money and shares are written, and one
// plain-language sentence per strategy pair generated from the numbers. Pure: no I/O.
import type { JsonObject } from '../scenarios/load.js';
import type { MetricSummary } from './statistics.js';
import type { FundingSummary, StrategySummary, Summary } from './summary.js';
import type { OrientedPair } from './reportData.js';

const MINUS = '-';

/** The line that names a run, on the report's cover and at the foot of every printed page. */
export function coverLine(summary: Summary): string {
  const scenario = summary.scenario;
  const asOf = String((scenario.asOf as JsonObject | undefined)?.date ?? '?');
  return `Scenario ${String(scenario.name ?? '?')} · as of ${asOf} · horizon ${String(scenario.horizonMonths)} months · ${summary.trials.toLocaleString('en-US')} trials · seed ${summary.seed} · hashpivot ${summary.engine.version}`;
}

/** USD in millions (billions from $1,000M) with the sign before the dollar: -40_123_456 -> "-$40.1M"; three significant figures. */
export function formatUsdM(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const m = Math.abs(x) / 1e6;
  const [value, unit] = m >= 999.5 ? [m / 1000, 'B'] : [m, 'M'];
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  const text = value.toFixed(digits);
  const sign = x < 0 && Number(text) !== 0 ? MINUS : '';
  return `${sign}$${text}${unit}`;
}

/** A share as a percentage: 0.7123 -> "71%"; below 1% or above 99% with one decimal. */
export function formatShare(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return 'n/a';
  const pct = p * 100;
  // Never "0.0%" or "100.0%" for something that is not exactly 0 or 1.
  if (pct > 0 && pct < 0.05) return '<0.1%';
  if (pct >= 99.95 && pct < 100) return '>99.9%';
  const digits = (pct > 0 && pct < 1) || (pct > 99 && pct < 100) ? 1 : 0;
  return `${pct.toFixed(digits)}%`;
}

export function formatNumber(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const text = x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return text === `-${(0).toFixed(digits)}` ? text.slice(1) : text;
}

function percentOf(share: unknown): string {
  return typeof share === 'number' ? `${Number((share * 100).toFixed(1))}%` : '?%';
}

/** What a strategy does, in words, from its resolved spec: "Converting 100% in month 0". */
export function describeStrategy(spec: JsonObject | undefined, name: string): string {
  if (!spec) return name;
  switch (spec.kind) {
    case 'stay': {
      const refresh = typeof spec.refreshEveryMonths === 'number' && spec.refreshEveryMonths > 0 ? `, refreshing the fleet every ${spec.refreshEveryMonths} months` : '';
      return `Staying and mining${refresh}`;
    }
    case 'convert':
    case 'hybrid':
      return `Converting ${percentOf(spec.share)} in month ${String(spec.atMonth)}${operateText(spec)}`;
    case 'trigger':
      return `Converting ${percentOf(spec.share)}${operateText(spec)} once hashprice stays below $${String(spec.hashpriceBelowUsdPerPhDay)}/PH/day for ${String(spec.forMonths)} months`;
    case 'optimal':
      return 'Converting when and as much as the fitted optimal policy says';
    case 'policy':
      return `Converting as the policy in ${String(spec.file)} says`;
    default:
      return name;
  }
}

function operateText(spec: JsonObject): string {
  return spec.operate === 'gpuCloud' ? ' to an own GPU cloud' : '';
}

export function strategySpecs(summary: Summary): Map<string, JsonObject> {
  const list = (summary.scenario.strategies ?? []) as JsonObject[];
  return new Map(list.map((s) => [String(s.name), s]));
}

/**
 * "Converting 100% in month 0 (convert-now) beats staying (stay) in 71% of futures; its 5% worst case
 * is -$40M against -$95M."
 */
export function pairSentence(pair: OrientedPair, summary: Summary): string {
  const specs = strategySpecs(summary);
  const byName = new Map(summary.strategies.map((s) => [s.name, s]));
  const other = byName.get(pair.other) as StrategySummary;
  const baseline = byName.get(pair.baseline) as StrategySummary;
  const baselineText = lowerFirst(describeStrategy(specs.get(pair.baseline), pair.baseline));
  const p = pair.pOtherBeatsBaseline;
  const verb = p === null ? 'cannot be compared with' : 'beats';
  let sentence = `${describeStrategy(specs.get(pair.other), pair.other)} (${pair.other}) ${verb} ${baselineText} (${pair.baseline})`;
  if (p !== null) sentence += ` in ${formatShare(p)} of futures`;
  sentence += `; its 5% worst case is ${formatUsdM(other.metrics.npvUsd.var5)} against ${formatUsdM(baseline.metrics.npvUsd.var5)}`;
  const d = pair.meanDifferenceUsd;
  if (d !== null) {
    const ci = pair.ci95Usd ? ` (95% CI of the difference ${formatUsdM(pair.ci95Usd[0])} to ${formatUsdM(pair.ci95Usd[1])})` : '';
    sentence += `; on average its NPV is ${formatUsdM(Math.abs(d))} ${d >= 0 ? 'higher' : 'lower'}${ci}`;
  }
  const ruin = other.pRuin.p;
  if (ruin !== null && ruin >= 0.05) sentence += `. It ${ruinWithFundingText(ruin, other.funding, Number(summary.scenario.horizonMonths), `${formatShare(baseline.pRuin.p)} for ${pair.baseline}`)}`;
  return `${sentence}.`;
}

/**
 * How much of each strategy's mean NPV is its terminal value, the site as valued at the end of the
 * horizon: "stay $1.71M of $15.1M (11%); convert-12m $30.0M of $25.0M (the horizon's months alone
 * -$5.00M)"; null for a summary.json written before the terminal value was recorded. A share only
 * where it is one: the terminal value positive and at most the mean NPV.
 */
export function terminalValueList(summary: Summary, names: readonly string[]): string | null {
  const byName = new Map(summary.strategies.map((s) => [s.name, s]));
  const items: string[] = [];
  for (const name of names) {
    const s = byName.get(name);
    const terminal = s?.metrics.terminalPvUsd?.mean;
    const npv = s?.metrics.npvUsd.mean;
    if (terminal === undefined || terminal === null || npv === undefined || npv === null) return null;
    items.push(`${name} ${formatUsdM(terminal)} of ${formatUsdM(npv)}${terminalShareText(terminal, npv)}`);
  }
  return items.join('; ');
}

/** " (87%)", or where that is no share (the horizon's months lose money) what they come to: see terminalValueList. */
export function terminalShareText(terminalUsd: number, npvUsd: number): string {
  if (npvUsd > 0 && terminalUsd >= 0 && terminalUsd <= npvUsd) return ` (${formatShare(terminalUsd / npvUsd)})`;
  return ` (the horizon's months alone ${formatUsdM(npvUsd - terminalUsd)})`;
}

/** "the site as valued at the end of the 120-month horizon (terminalValue.method byCashFlow)". */
export function terminalValueMeaning(summary: Summary): string {
  const method = String((summary.scenario.terminalValue as JsonObject | undefined)?.method ?? '?');
  return `the site as valued at the end of the ${String(summary.scenario.horizonMonths)}-month horizon (terminalValue.method ${method})`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

export interface RevenueCheck {
  sentence: string;
  /** Largest ratio of a strategy's median revenue per kWh to the baseline's; null when undefined. */
  maxRatio: number | null;
  warning: boolean;
}

/** Above this, revenue per kWh of hosting against mining deserves a second look at the lease price. */
export const REVENUE_RATIO_WARNING = 5;

/**
 * The committee's sanity check: AI hosting should earn a few times mining's revenue per kWh, not 25x.
 * Medians per strategy, as ratios to the baseline.
 */
export function revenueCheck(summary: Summary, baselineName: string): RevenueCheck {
  const median = (s: StrategySummary) => s.metrics.revenueUsdPerKwh.percentiles.p50;
  const specs = strategySpecs(summary);
  const baseline = summary.strategies.find((s) => s.name === baselineName)!;
  const base = median(baseline);
  const parts: string[] = [];
  let maxRatio: number | null = null;
  let leaseRatio: number | null = null;
  for (const s of summary.strategies) {
    if (s.name === baselineName) continue;
    const m = median(s);
    const ratio = m !== null && base !== null && base > 0 ? m / base : null;
    const ownCloud = specs.get(s.name)?.operate === 'gpuCloud';
    if (ratio !== null) {
      maxRatio = Math.max(maxRatio ?? ratio, ratio);
      if (!ownCloud) leaseRatio = Math.max(leaseRatio ?? ratio, ratio);
    }
    parts.push(`${s.name} $${formatNumber(m, 3)}${ratio === null ? '' : ` (${formatNumber(ratio, 1)}x${ownCloud ? ', own GPU cloud: sells compute, not space and power' : ''})`}`);
  }
  const head = `Median revenue per kWh: ${baselineName} $${formatNumber(base, 3)}`;
  const sentence = parts.length ? `${head}; ${parts.join(', ')}.` : `${head}.`;
  // An own GPU cloud sells GPU-hours, so a high ratio is its business model; a lease is not.
  const warning = leaseRatio !== null && leaseRatio > REVENUE_RATIO_WARNING;
  return {
    sentence: warning ? `${sentence} A leased conversion earning more than ${REVENUE_RATIO_WARNING}x mining per kWh is unusual (leases typically earn about 2x): check the lease price and PUE.` : sentence,
    maxRatio,
    warning,
  };
}

/** How each banded market series is written in a sentence: "$245,000", "1,230 trillion". */
const SERIES_VALUE: Record<string, (x: number) => string> = {
  priceUsd: (x) => `$${x.toLocaleString('en-US', { maximumSignificantDigits: 3 })}`,
  hashpriceUsdPerPhDay: (x) => `$${x.toLocaleString('en-US', { maximumSignificantDigits: 3 })}/PH/day`,
  difficulty: (x) => `${(x / 1e12).toLocaleString('en-US', { maximumSignificantDigits: 3 })} trillion`,
  energyUsdPerMwh: (x) => `$${x.toLocaleString('en-US', { maximumSignificantDigits: 3 })}/MWh`,
};

/**
 * Growth of the median BTC price in logs per year under merton/gbm: ln S steps by
 * (mu - sigma^2/2 - lambda kappa) dt plus jumps of mean m (engine/priceModel.ts), so the median
 * path drifts at mu - sigma^2/2 - lambda kappa + lambda m while the mean grows at mu.
 */
export function medianLogDriftPerYear(price: JsonObject): number | null {
  const model = price.model;
  if (model !== 'merton' && model !== 'gbm') return null;
  const mu = Number(price.driftPerYear);
  const sigma = Number(price.volatilityPerYear);
  const lambda = model === 'merton' ? Number(price.jumpsPerYear) : 0;
  const m = Number(price.jumpMeanLog);
  const s = Number(price.jumpSdLog);
  const kappa = Math.exp(m + 0.5 * s * s) - 1;
  const drift = mu - 0.5 * sigma * sigma - (lambda > 0 ? lambda * (kappa - m) : 0);
  return Number.isFinite(drift) ? drift : null;
}

/**
 * One line under a fan chart on why the mean (dashed) and the median part: for the BTC price under
 * merton/gbm from the scenario's own parameters, otherwise from the skew; with both at the horizon.
 */
export function meanMedianNote(summary: Summary, series: string): string {
  const bands = summary.bands.series[series];
  const means = summary.bands.means?.[series];
  const write = SERIES_VALUE[series];
  if (!bands || !means || !write) return '';
  const last = summary.bands.months.length - 1;
  const mean = means[last];
  const median = bands[2][last];
  const atHorizon = `in ${summary.bands.months[last]} the mean is ${write(mean)} against a median of ${write(median)}`;
  const price = ((summary.scenario.market as JsonObject | undefined)?.price ?? {}) as JsonObject;
  const drift = series === 'priceUsd' ? medianLogDriftPerYear(price) : null;
  if (drift !== null) {
    const mu = Number(price.driftPerYear);
    const pct = (x: number) => `${x >= 0 ? '+' : MINUS}${Math.abs(x * 100).toFixed(1)}%`;
    const jumps = price.model === 'merton' && Number(price.jumpsPerYear) > 0 ? ' and jumps' : '';
    const why = mu <= 0 ? `falls faster than BTC's expected return of ${pct(mu)}/yr` : `${drift < 0 ? 'falls' : 'rises more slowly'} while BTC's expected return is ${pct(mu)}/yr`;
    return `Why the median ${why}: with ${formatShare(Number(price.volatilityPerYear))} volatility${jumps} the typical path drifts at ${pct(drift)}/yr in logs (μ − σ²/2${jumps ? ' and the jump terms' : ''}), while a few futures with very high prices ${mu <= 0 ? 'hold the mean at' : 'lift the mean to'} ${pct(mu)}/yr; ${atHorizon}.`;
  }
  if (!(mean > median * 1.02)) return '';
  return `The mean lies above the median because the spread is skewed: a few futures with very high values lift it; ${atHorizon}.`;
}

// How the outcomes that can mislead are written, for the console table, the report and compare
// alike: a median of IRR or payback only where it exists in at least half of the trials (a median
// over the fifth of futures that ever pay back says little about the strategy), payback when there
// is nothing to pay back, and running out of cash always beside the money that would prevent it.

/** Below this share of trials where a metric exists, its median is not shown. */
export const MIN_DEFINED_SHARE_FOR_MEDIAN = 0.5;

function definedShare(m: MetricSummary): number {
  return m.count > 0 ? m.definedCount / m.count : 0;
}

/**
 * The median where the metric exists in at least half of the trials, with that share when it is
 * not all of them ("14.2% (in 62%)"); otherwise "n/a (exists in 12%)".
 */
export function medianText(m: MetricSummary, format: (x: number) => string): string {
  const share = definedShare(m);
  if (share < MIN_DEFINED_SHARE_FOR_MEDIAN || m.percentiles.p50 === null) return `n/a (exists in ${formatShare(share)})`;
  const text = format(m.percentiles.p50);
  return share < 1 ? `${text} (in ${formatShare(share)})` : text;
}

/** Annual IRR as a percentage with one decimal. */
export function irrText(irr: MetricSummary): string {
  return medianText(irr, (x) => `${(x * 100).toFixed(1)}%`);
}

/**
 * Payback month. Month 0 means the cumulative valued flow never went below zero: there was no outlay
 * to pay back (staying and mining), which is not "paid back at once".
 */
export function paybackText(payback: MetricSummary, unit = ' mo'): string {
  return medianText(payback, (x) => (x === 0 ? 'no outlay' : `${x.toFixed(0)}${unit}`));
}

/**
 * The money a strategy needs before it pays for itself, beside whether the site has it:
 * "peak need $71.0M (p95 $95.3M) around month 15 against $50.0M of own funds: $21.0M of new money in
 * the median future". Missing in a summary.json written before the funding block existed.
 */
export function fundingText(funding: FundingSummary | undefined, horizonMonths = Infinity): string {
  if (!funding) return 'funding need not recorded in this summary.json';
  const peak = funding.peakUsd.percentiles;
  if (!(peak.p95 !== null && peak.p95 > 0)) return `needs no cash beyond what it earns in ${funding.peakUsd.max === 0 ? 'any future' : 'at least 95% of futures'}`;
  const month = funding.peakMonth.percentiles.p50;
  // A low point in the last month is where the horizon cut the running sum, not where it turned.
  const where = month === null ? '' : month >= horizonMonths - 1 ? `, in the horizon's last month (month ${Math.round(month)}): still growing when the horizon ends` : `, around month ${Math.round(month)}`;
  const head = `peak funding need ${formatUsdM(peak.p50)} in the median future (p95 ${formatUsdM(peak.p95)})${where}, against ${formatUsdM(funding.ownFundsUsd)} of own funds (cash and credit line)`;
  const external = funding.externalUsd.percentiles;
  const covered = funding.pExceedsOwnFunds.p === null ? null : 1 - funding.pExceedsOwnFunds.p;
  if (!(external.p95 !== null && external.p95 > 0)) return `${head}: covered in ${covered === null ? 'at least 95%' : formatShare(covered)} of futures`;
  return `${head}: ${formatUsdM(external.p50)} of new money needed in the median future (p95 ${formatUsdM(external.p95)})`;
}

/**
 * "runs out of cash without new funding in 100% of futures (0% for stay); peak funding need ...":
 * the two together, with what `compared` says of the share (another strategy's) beside it.
 */
export function ruinWithFundingText(pRuin: number | null, funding: FundingSummary | undefined, horizonMonths: number, compared = ''): string {
  return `runs out of cash without new funding in ${formatShare(pRuin)} of futures${compared && ` (${compared})`}; ${fundingText(funding, horizonMonths)}`;
}
