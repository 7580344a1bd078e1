// The deal presets against the deals they reproduce: what the engine makes of each preset's contract
// (revenue per IT MW-year, contract value over the term, revenue per kWh, capex per MW, the
// backstop, the prepayment, the NOI margin) beside what was announced, each within a tolerance
// stated from the sources (the presets' notes give them). The contract is run through the engine's
// own Hosting on a market held at its as-of state (AI index 1, no winter, no default, the most
// likely build time), so the rows test the deal mechanics, not the market's randomness; the
// funding rows then run the preset's trials.
import { HOURS_PER_MONTH, MarketPath, marketParams } from '../engine/market.js';
import { Hosting } from '../engine/hosting.js';
import { compileModel } from '../engine/model.js';
import { createOutcomeBlock, strategyColumn } from '../engine/outcomes.js';
import { SiteDraws, siteParams } from '../engine/site.js';
import { StrategyEvaluator, strategyRule } from '../engine/strategy.js';
import { TrialKernel } from '../engine/trial.js';
import { fundingSummary } from '../outputs/summary.js';
import { loadScenario, parseScenario, resolvedScenarioJson } from '../scenarios/load.js';
import type { Scenario } from '../scenarios/schema.js';
import type { CheckResult } from './validation.js';

/** What a deal's announcements say, for the rows; the sources are in the preset's notes. */
interface AnnouncedDeal {
  preset: string;
  label: string;
  /** The preset's strategy that is the deal. */
  strategy: string;
  itMw: number;
  termYears: number;
  contractValueUsd: number;
  /** Where the contract figures come from, in a few words. */
  source: string;
  /** Share by which the engine's contract value may differ, and why that much. */
  tolerance: number;
  toleranceWhy: string;
  /** Announced conversion capex per MW of IT, as a range; null when not disclosed. */
  capexUsdPerMwIt: [number, number] | null;
  /** Announced GPU capex per MW of IT (a GPU cloud). */
  gpuCapexUsdPerMwIt?: number;
  backstopUsd?: number;
  prepaymentUsd?: number;
  /** Announced site NOI margin (modified gross). */
  noiMargin?: number;
}

export const ANNOUNCED_DEALS: readonly AnnouncedDeal[] = [
  {
    preset: 'core-scientific-coreweave',
    label: 'Core Scientific/CoreWeave',
    strategy: 'convert-now',
    itMw: 200,
    termYears: 12,
    contractValueUsd: 3.5e9,
    source: '~$3.5B for ~200 MW of IT over 12 years (press release 2024-06-03; ~$8.7B for ~500 MW, 2024-10-22)',
    tolerance: 0.05,
    toleranceWhy: 'the totals are rounded ("approximately"); the second hall starts its rent 6 months into the term',
    capexUsdPerMwIt: null,
  },
  {
    preset: 'terawulf-fluidstack',
    label: 'TeraWulf/Fluidstack',
    strategy: 'convert-now',
    itMw: 200,
    termYears: 10,
    contractValueUsd: 3.7e9,
    source: '~$3.7B for >200 MW of IT over 10 years (TeraWulf, August 2025)',
    tolerance: 0.05,
    toleranceWhy: '"more than 200 MW" and "approximately $3.7B"; the second hall starts its rent 6 months into the term',
    capexUsdPerMwIt: [8e6, 10e6],
    backstopUsd: 1.8e9,
    noiMargin: 0.85,
  },
  {
    preset: 'iren-microsoft',
    label: 'IREN/Microsoft',
    strategy: 'gpu-cloud-now',
    itMw: 200,
    termYears: 5,
    contractValueUsd: 9.7e9,
    source: '~$9.7B over 5 years for GB300s in ~200 MW of IT (IREN, 2025-11-03)',
    tolerance: 0.02,
    toleranceWhy: 'each hall runs its own 5-year term, so only rounding separates the two',
    capexUsdPerMwIt: null,
    gpuCapexUsdPerMwIt: 5.8e9 / 200,
    prepaymentUsd: 0.2 * 9.7e9,
  },
];

/** Years of horizon for the contract runs: the longest term plus its build. */
const CONTRACT_RUN_MONTHS = 300;
/** Trials of the funding rows: enough to tell 0% from 5% from 100%, cheap to run. */
const FUNDING_TRIALS = 400;
const FUNDING_SEED = 20_251_103;

const usdB = (x: number) => `$${(x / 1e9).toFixed(2)}B`;
const usdM = (x: number) => `$${(x / 1e6).toFixed(2)}M`;
const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
const signedPct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

/** A market held at its as-of state: every shock zero, every uniform 0.5 (no winter, no jump). */
function steadyMarket(scenario: Scenario): MarketPath {
  const market = new MarketPath(marketParams(scenario));
  market.simulate({ fillNormals: (b: Float64Array, n: number) => b.fill(0, 0, n), fillUniforms: (b: Float64Array, n: number) => b.fill(0.5, 0, n) } as never);
  return market;
}

/** The preset with a horizon long enough to run its whole contract. */
function longRun(scenario: Scenario): Scenario {
  return parseScenario({ ...resolvedScenarioJson(scenario), horizonMonths: CONTRACT_RUN_MONTHS }, `${scenario.name} (contract run)`);
}

export interface ContractRun {
  itKw: number;
  termMonths: number;
  /** Revenue the contract earns over its term (all halls, each from its handover). */
  contractValueUsd: number;
  /** The landlord's running costs over the same months. */
  landlordCostUsd: number;
  /** Conversion capex of all halls, whoever pays it. */
  conversionCapexUsd: number;
  gpuCapexUsd: number;
  /** Advances and prepayments received. */
  advanceUsd: number;
}

/** The deal's conversion run alone, on a steady market, with the most likely build and no default. */
export function contractRun(preset: Scenario, strategyName: string): ContractRun {
  const scenario = longRun(preset);
  const spec = scenario.strategies.find((s) => s.name === strategyName);
  if (!spec || (spec.kind !== 'convert' && spec.kind !== 'hybrid')) throw new Error(`${preset.name} has no convert strategy named ${strategyName}`);
  const rule = strategyRule(spec);
  const site = siteParams(scenario);
  const market = steadyMarket(scenario);
  const draws = new SiteDraws(site);
  draws.buildMonths = Math.max(1, Math.round(scenario.hosting.buildMonths.mode));
  draws.signingU.fill(0);
  draws.defaultU.fill(1);
  const hosting = new Hosting(site);
  hosting.start(0, rule.share, rule.gpuCloud, draws);
  const itKw = site.powerMw * rule.share * site.itKwPerMw;
  const termMonths = rule.gpuCloud ? site.gpuContractMonths : site.leaseMonths;
  // A lease's term runs from the first handover; a GPU contract's per hall, counted by contractRevenueUsd.
  const leaseFrom = draws.buildMonths;
  let contractValueUsd = 0;
  let landlordCostUsd = 0;
  let equityCapexUsd = 0;
  let advanceUsd = 0;
  for (let m = 0; m < site.months; m++) {
    hosting.month(m, market, draws);
    equityCapexUsd += hosting.capexEquityUsd;
    advanceUsd += hosting.advanceReceivedUsd;
    if (rule.gpuCloud) contractValueUsd += hosting.contractRevenueUsd;
    else if (m >= leaseFrom && m < leaseFrom + termMonths) {
      contractValueUsd += hosting.rentUsd;
      landlordCostUsd += hosting.operatingCostUsd;
    }
  }
  const siteCapexUsd = equityCapexUsd / (1 - site.capexDebtShare);
  return {
    itKw,
    termMonths,
    contractValueUsd,
    landlordCostUsd,
    // A GPU cloud pays its whole build (it has no tenant to share it); a lease's tenant pays its share.
    conversionCapexUsd: rule.gpuCloud ? siteCapexUsd : site.tenantCapexShare < 1 ? siteCapexUsd / (1 - site.tenantCapexShare) : NaN,
    gpuCapexUsd: rule.gpuCloud ? (itKw / site.itKwPerGpu) * site.gpuCapexUsd : 0,
    advanceUsd,
  };
}

function against(value: number, announced: number, tolerance: number): { text: string; ok: boolean } {
  const difference = value / announced - 1;
  return { text: signedPct(difference), ok: Math.abs(difference) <= tolerance };
}

/** Mining's revenue per kWh in base's first month, as the engine computes it for `stay`. */
function miningUsdPerKwh(): number {
  const base = loadScenario('base');
  const oneMonth = parseScenario({ ...resolvedScenarioJson(base), horizonMonths: 1 }, 'base, one month');
  const site = siteParams(oneMonth);
  const draws = new SiteDraws(site);
  draws.buildMonths = 1;
  const stay = oneMonth.strategies.find((s) => s.kind === 'stay');
  if (!stay) throw new Error('base has no stay strategy');
  return new StrategyEvaluator(site).evaluate(strategyRule(stay), steadyMarket(oneMonth), draws).revenueUsdPerKwh;
}

function dealRows(deal: AnnouncedDeal): { rows: CheckResult[]; usdPerKwh: number } {
  const preset = loadScenario(deal.preset);
  const run = contractRun(preset, deal.strategy);
  const itMw = run.itKw / 1000;
  const years = run.termMonths / 12;
  const tolerance = `within ${pct(deal.tolerance, 0)}: ${deal.toleranceWhy}`;
  const rows: CheckResult[] = [];
  const perMwYear = run.contractValueUsd / itMw / years;
  const announcedPerMwYear = deal.contractValueUsd / deal.itMw / deal.termYears;
  const a = against(perMwYear, announcedPerMwYear, deal.tolerance);
  rows.push({
    check: `${deal.label}: revenue per IT MW-year`,
    against: `${usdM(announcedPerMwYear)} = ${deal.source}; ${tolerance}`,
    result: `${usdM(perMwYear)} (${a.text}) over ${years} years on ${itMw.toFixed(0)} MW`,
    status: a.ok ? 'PASS' : 'FAIL',
  });
  const b = against(run.contractValueUsd, deal.contractValueUsd, deal.tolerance);
  rows.push({
    check: `${deal.label}: contract value over the term`,
    against: `${usdB(deal.contractValueUsd)} announced; ${tolerance}`,
    result: `${usdB(run.contractValueUsd)} (${b.text})`,
    status: b.ok ? 'PASS' : 'FAIL',
  });
  const capexPerMw = run.conversionCapexUsd / itMw;
  if (deal.capexUsdPerMwIt) {
    const [lo, hi] = deal.capexUsdPerMwIt;
    rows.push({
      check: `${deal.label}: conversion capex per MW of IT`,
      against: `${usdM(lo)} to ${usdM(hi)} announced`,
      result: usdM(capexPerMw),
      status: capexPerMw >= lo && capexPerMw <= hi ? 'PASS' : 'FAIL',
    });
  } else {
    rows.push({
      check: `${deal.label}: conversion capex per MW of IT`,
      against: 'not disclosed: base\'s $9M per MW of IT (public miners\' guidance $8-11M)',
      result: usdM(capexPerMw),
      status: 'INFO',
    });
  }
  if (deal.gpuCapexUsdPerMwIt !== undefined) {
    const g = against(run.gpuCapexUsd / itMw, deal.gpuCapexUsdPerMwIt, 0.02);
    rows.push({
      check: `${deal.label}: GPU capex per MW of IT`,
      against: `${usdM(deal.gpuCapexUsdPerMwIt)} ($5.8B of Dell equipment for ~200 MW); within 2%`,
      result: `${usdM(run.gpuCapexUsd / itMw)} (${g.text})`,
      status: g.ok ? 'PASS' : 'FAIL',
    });
  }
  if (deal.backstopUsd !== undefined) {
    const guaranteedUsd = preset.hosting.backstopShare * run.contractValueUsd;
    const c = against(guaranteedUsd, deal.backstopUsd, deal.tolerance);
    rows.push({
      check: `${deal.label}: rent a guarantor backs`,
      against: `${usdB(deal.backstopUsd)} (Google's backstop of Fluidstack's lease obligations); ${tolerance}`,
      result: `${usdB(guaranteedUsd)} (${c.text}): backstopShare ${preset.hosting.backstopShare} of the contract`,
      status: c.ok ? 'PASS' : 'FAIL',
    });
  }
  if (deal.noiMargin !== undefined) {
    const margin = 1 - run.landlordCostUsd / run.contractValueUsd;
    rows.push({
      check: `${deal.label}: site NOI margin`,
      against: `~${pct(deal.noiMargin, 0)} (modified gross leases); within 2 points`,
      result: `${pct(margin)} (landlord costs ${usdB(run.landlordCostUsd)} over the term)`,
      status: Math.abs(margin - deal.noiMargin) <= 0.02 ? 'PASS' : 'FAIL',
    });
  }
  if (deal.prepaymentUsd !== undefined) {
    const d = against(run.advanceUsd, deal.prepaymentUsd, deal.tolerance);
    rows.push({
      check: `${deal.label}: prepayment`,
      against: `${usdB(deal.prepaymentUsd)} (20% of ~$9.7B); ${tolerance}`,
      result: `${usdB(run.advanceUsd)} (${d.text})`,
      status: d.ok ? 'PASS' : 'FAIL',
    });
  }
  return { rows, usdPerKwh: run.contractValueUsd / (run.itKw * HOURS_PER_MONTH * run.termMonths) };
}

/** Revenue per kWh of mining (base) against each deal's, as multiples: the article's "up to 25x" is a GPU-rental figure. */
function revenuePerKwhRow(perKwh: { label: string; gpu: boolean; usdPerKwh: number }[]): CheckResult {
  const mining = miningUsdPerKwh();
  const ratio = (x: number) => x / mining;
  const leases = perKwh.filter((d) => !d.gpu);
  const clouds = perKwh.filter((d) => d.gpu);
  const ok = leases.every((d) => ratio(d.usdPerKwh) >= 1.5 && ratio(d.usdPerKwh) <= 3) && clouds.every((d) => ratio(d.usdPerKwh) >= 8 && ratio(d.usdPerKwh) <= 25);
  return {
    check: 'revenue per kWh: mining vs lease vs GPU cloud',
    against: 'DEFAULTS.md: mining ~$0.09/kWh ($38/PH/day at 18 J/TH); a lease 1.5-3x that, a GPU cloud 8-25x ("up to 25x" is GPU rental, not a lease)',
    result: `mining $${mining.toFixed(3)} (base, month 0); ${perKwh.map((d) => `${d.label} $${d.usdPerKwh.toFixed(3)} (${ratio(d.usdPerKwh).toFixed(1)}x)`).join('; ')}`,
    status: ok ? 'PASS' : 'FAIL',
  };
}

/**
 * P(runs out of cash without new funding) and the funding need of the deal's strategy, with the
 * financing announced and with the site paying all capex at 70% debt (the model before the deal
 * mechanics): what the financing changes.
 */
function fundingRow(deal: AnnouncedDeal): CheckResult {
  const preset = loadScenario(deal.preset);
  const raw = resolvedScenarioJson(preset) as Record<string, any>;
  const single = { ...raw, strategies: raw.strategies.filter((s: { name: string }) => s.name === deal.strategy) };
  const announced = parseScenario(single, deal.preset);
  const gpuCloud = { ...raw.hosting.gpuCloud };
  delete gpuCloud.contract;
  const selfFunded = parseScenario(
    { ...single, hosting: { ...raw.hosting, tenantCapexShare: 0, capexAdvanceUsdPerMwIt: 0, capexDebtShare: 0.7, gpuCloud } },
    `${deal.preset}, site-funded`,
  );
  const measure = (scenario: Scenario) => {
    const block = createOutcomeBlock(0, FUNDING_TRIALS, 1);
    new TrialKernel(compileModel(scenario)).run(FUNDING_SEED, block, null);
    return fundingSummary(strategyColumn(block, 0, 'peakFundingUsd'), strategyColumn(block, 0, 'peakFundingMonth'), scenario.site.cashUsd + scenario.site.creditLineUsd);
  };
  const withDeal = measure(announced);
  const without = measure(selfFunded);
  const describe = (f: ReturnType<typeof measure>) => {
    const month = f.peakMonth.percentiles.p50;
    return `P(runs out of cash) ${pct(f.pExceedsOwnFunds.p ?? NaN, 0)}, peak need median ${usdM(f.peakUsd.percentiles.p50 ?? NaN)}${month === null ? '' : ` (month ${Math.round(month)})`}`;
  };
  return {
    check: `${deal.label}: funding of ${deal.strategy}`,
    against: `${FUNDING_TRIALS} trials; own funds ${usdM(withDeal.ownFundsUsd)} (the preset's cash); against the same site paying all capex at 70% debt${deal.gpuCapexUsdPerMwIt !== undefined ? ', with no contract' : ''}`,
    result: `as announced: ${describe(withDeal)}; site-funded: ${describe(without)}`,
    status: 'INFO',
  };
}

export function dealChecks(): CheckResult[] {
  const rows: CheckResult[] = [];
  const perKwh: { label: string; gpu: boolean; usdPerKwh: number }[] = [];
  for (const deal of ANNOUNCED_DEALS) {
    const result = dealRows(deal);
    rows.push(...result.rows);
    perKwh.push({ label: deal.label, gpu: deal.gpuCapexUsdPerMwIt !== undefined, usdPerKwh: result.usdPerKwh });
  }
  rows.push(revenuePerKwhRow(perKwh));
  for (const deal of ANNOUNCED_DEALS) rows.push(fundingRow(deal));
  return rows;
}
