// A strategy run over one trial's market path: mining on the part of the site still mining (with
// economic curtailment and optional fleet refresh), hosting on the converted part, and the
// accounting of MODEL.md §4. stay, convert, hybrid and trigger differ only in when and how much of
// the site converts (and whether the converted part is leased or runs GPUs), so they share this
// one evaluator.
import type { StrategySpec } from '../scenarios/schema.js';
import { internalRateOfReturn } from './accounting.js';
import { Hosting } from './hosting.js';
import { HOURS_PER_MONTH, type MarketPath } from './market.js';
import { TERMINAL_BY_CASH_FLOW, type SiteDraws, type SiteParams } from './site.js';

/** A strategy's parameters as plain numbers. */
export interface StrategyRule {
  name: string;
  /** Month the conversion starts; -1 when a trigger decides; Infinity for never. */
  convertAtMonth: number;
  share: number;
  /** Run an own GPU cloud on the converted part instead of leasing it. */
  gpuCloud: boolean;
  curtail: boolean;
  refreshEveryMonths: number;
  /** Trigger: convert after hashprice stays below this for `triggerMonths` consecutive months. */
  triggerHashpriceUsdPerPhDay: number;
  triggerMonths: number;
}

/**
 * A rule that never converts, to be set up by its caller. Every rule comes from this one object
 * literal, so all share one hidden class: the evaluator's reads of a rule stay monomorphic when a
 * conversion policy's rules (switchPolicy.ts, switchFitting.ts) run beside the scenario's.
 */
export function neverConvertingRule(name: string, curtail: boolean): StrategyRule {
  return {
    name,
    convertAtMonth: Infinity,
    share: 0,
    gpuCloud: false,
    curtail,
    refreshEveryMonths: 0,
    triggerHashpriceUsdPerPhDay: 0,
    triggerMonths: 0,
  };
}

export function strategyRule(spec: StrategySpec): StrategyRule {
  // A policy file carries its own curtail flag (engine/switchPolicy.ts sets it).
  const rule = neverConvertingRule(spec.name, 'curtail' in spec ? spec.curtail : true);
  switch (spec.kind) {
    case 'stay':
      rule.refreshEveryMonths = spec.refreshEveryMonths;
      break;
    case 'convert':
    case 'hybrid':
      rule.convertAtMonth = spec.atMonth;
      rule.share = spec.share;
      rule.gpuCloud = spec.operate === 'gpuCloud';
      break;
    case 'trigger':
      rule.convertAtMonth = -1;
      rule.share = spec.share;
      rule.gpuCloud = spec.operate === 'gpuCloud';
      rule.triggerHashpriceUsdPerPhDay = spec.hashpriceBelowUsdPerPhDay;
      rule.triggerMonths = spec.forMonths;
      break;
    case 'optimal':
    case 'policy':
      // The month and the action come from the fitted policy, path by path (engine/switchPolicy.ts).
      break;
  }
  return rule;
}

/** One strategy-trial's outcomes, written by evaluate(). */
export interface StrategyOutcome {
  npvUsd: number;
  irr: number;
  paybackMonth: number;
  minCashUsd: number;
  ruined: number;
  ruinMonth: number;
  btcMined: number;
  revenueUsdPerKwh: number;
  /** Most cash the strategy has consumed at any month end (minus its lowest cumulative cash flow), 0 if never below 0. */
  peakFundingUsd: number;
  /** Month of that low point; NaN when cumulative cash flow never goes below 0. */
  peakFundingMonth: number;
  /** Month the conversion started (a trigger's or a policy's choice too); NaN if it never did. */
  switchMonth: number;
  /** Share of the MW converted; 0 if none was. */
  switchShare: number;
  // Drivers (engine/outcomes.ts): NaN when the strategy never converts, or never leases.
  switchPriceUsd: number;
  leaseSignedMonth: number;
  /** 0 when nothing is leased. */
  tenantDefaults: number;
  /** The terminal value's part of npvUsd (discounted to month 0): what the NPV owes to the years after the horizon. */
  terminalPvUsd: number;
}

// What an NPV-only evaluation carries from one month to the next (StrategyEvaluator.checkpoints):
// rows of the checkpoint array. ehsPerMw is 1 / efficiency, recomputed from it.
const CHECKPOINT_PRESENT_VALUE = 0;
const CHECKPOINT_LAST12_OPERATING = 1;
const CHECKPOINT_LAST12_MINING = 2;
const CHECKPOINT_EFFICIENCY = 3;
const CHECKPOINT_DEPRECIATION = 4;
const CHECKPOINT_TAX_LOSS = 5;
/** Not a running total: the capex of each month (its depreciation ends taxDepreciationMonths later). */
const CHECKPOINT_CAPEX = 6;
const CHECKPOINT_QUANTITIES = 7;

/** Evaluates strategies over market paths; one per worker, its buffers reused for every trial. */
export class StrategyEvaluator {
  /**
   * The flow the NPV, IRR and payback value in each month of the last evaluation (end of month; not
   * written by NPV-only ones): the net cash flow, less what the debt (project, GPU and the site's
   * own) brings in and takes out unless hosting.debtInNpv.
   */
  readonly valuedFlowUsd: Float64Array;
  /** Cash at the end of each month of the last evaluation (not written by NPV-only ones). */
  readonly cashUsd: Float64Array;
  /** The terminal value of the last evaluation, at the horizon (undiscounted). */
  terminalUsd = 0;
  readonly outcome: StrategyOutcome = {
    npvUsd: 0, irr: 0, paybackMonth: 0, minCashUsd: 0, ruined: 0, ruinMonth: 0, btcMined: 0, revenueUsdPerKwh: 0, peakFundingUsd: 0, peakFundingMonth: 0,
    switchMonth: NaN, switchShare: 0, switchPriceUsd: NaN, leaseSignedMonth: NaN, tenantDefaults: 0, terminalPvUsd: 0,
  };
  private readonly hosting: Hosting;
  /** [quantity][month]: the running totals at the start of each month of the last evaluateNpvRecording. */
  private readonly checkpoints: Float64Array;
  private recordedCurtail = false;
  /** The capex of each month of the last evaluation, however paid: what the tax depreciates. */
  private readonly capexSpentUsd: Float64Array;
  /** Scratch for run()'s hoisted constants. */
  private readonly asDoubles = new Float64Array(7);
  private recordedRefreshEveryMonths = NaN;

  constructor(private readonly site: SiteParams) {
    this.valuedFlowUsd = new Float64Array(site.months);
    this.cashUsd = new Float64Array(site.months);
    this.capexSpentUsd = new Float64Array(site.months);
    this.hosting = new Hosting(site);
    this.checkpoints = new Float64Array(CHECKPOINT_QUANTITIES * site.months);
  }

  /**
   * `npvOnly`: compute the NPV (and the switch) and nothing else (no IRR, payback, cash path, ...):
   * fitting a conversion policy evaluates each path once per decision date and action.
   */
  evaluate(rule: StrategyRule, market: MarketPath, draws: SiteDraws, npvOnly = false): StrategyOutcome {
    return this.run(rule, market, draws, npvOnly, 0, false);
  }

  /**
   * evaluate(rule, market, draws, true) that also records, at the start of each month, the running
   * totals the NPV depends on, for evaluateNpvFrom.
   */
  evaluateNpvRecording(rule: StrategyRule, market: MarketPath, draws: SiteDraws): StrategyOutcome {
    this.recordedCurtail = rule.curtail;
    this.recordedRefreshEveryMonths = rule.refreshEveryMonths;
    return this.run(rule, market, draws, true, 0, true);
  }

  /**
   * evaluate(rule, market, draws, true), with the months before `fromMonth` taken from the last
   * evaluateNpvRecording (on the same path) instead of run again: a rule that converts at or after
   * fromMonth runs those months exactly as the recorded rule did if that one had not converted
   * before fromMonth either and mines alike (curtailment, refresh). Fitting a conversion policy
   * values converting at every decision month this way: all of them share the months of mining
   * before. The same bits as evaluate(): the sums carry on from where they stood, in the same order.
   */
  evaluateNpvFrom(rule: StrategyRule, market: MarketPath, draws: SiteDraws, fromMonth: number): StrategyOutcome {
    if (!(rule.convertAtMonth >= fromMonth && fromMonth >= 0 && fromMonth < this.site.months)) throw new Error(`evaluateNpvFrom: month ${fromMonth} is not before the rule's conversion (month ${rule.convertAtMonth}) within the horizon`);
    if (rule.curtail !== this.recordedCurtail || rule.refreshEveryMonths !== this.recordedRefreshEveryMonths) throw new Error('evaluateNpvFrom: the rule mines unlike the recorded one');
    return this.run(rule, market, draws, true, fromMonth, false);
  }

  private run(rule: StrategyRule, market: MarketPath, draws: SiteDraws, npvOnly: boolean, fromMonth: number, record: boolean): StrategyOutcome {
    const site = this.site;
    const months = site.months;
    const hosting = this.hosting;
    const flows = this.valuedFlowUsd;
    const checkpoints = this.checkpoints;

    let convertAtMonth = rule.convertAtMonth;
    let monthsBelowTrigger = 0;
    let efficiencyJPerTh = site.efficiencyJPerTh;
    let cashUsd = site.cashUsd;
    let minCashUsd = cashUsd;
    let ruinMonth = NaN;
    let btcMined = 0;
    let revenueUsd = 0;
    let energyKwh = 0;
    let last12OperatingUsd = 0;
    /** The mining part's operating cash flow over the last 12 months, for a terminal value by cash-flow type. */
    let last12MiningUsd = 0;
    // NPV and payback are summed in this loop, in the order presentValue and paybackMonth
    // (engine/accounting.ts) sum them, so they give the same bits without two more passes.
    let presentValueUsd = 0;
    // The tax's state (with a taxRate): the month's straight-line depreciation of the capex of the
    // last taxDepreciationMonths, and the losses carried forward.
    let depreciationUsd = 0;
    let taxLossUsd = 0;
    if (fromMonth > 0) {
      presentValueUsd = checkpoints[CHECKPOINT_PRESENT_VALUE * months + fromMonth];
      last12OperatingUsd = checkpoints[CHECKPOINT_LAST12_OPERATING * months + fromMonth];
      last12MiningUsd = checkpoints[CHECKPOINT_LAST12_MINING * months + fromMonth];
      efficiencyJPerTh = checkpoints[CHECKPOINT_EFFICIENCY * months + fromMonth];
      depreciationUsd = checkpoints[CHECKPOINT_DEPRECIATION * months + fromMonth];
      taxLossUsd = checkpoints[CHECKPOINT_TAX_LOSS * months + fromMonth];
    }
    let cumulativeUsd = 0;
    let cumulativeValuedUsd = 0;
    let lastNegativeMonth = -1;
    let lowestCumulativeUsd = 0;
    let peakFundingMonth = NaN;
    let hostingActive = false;

    // Per-month constants, hoisted: this loop runs for every strategy of every trial-month. Those
    // that are often whole numbers (100 MW, no tax, no PPA) pass through a Float64Array: read from
    // the site they would be small integers to V8, converted to doubles at every use in the loop.
    const asDoubles = this.asDoubles;
    asDoubles[0] = site.powerMw;
    asDoubles[1] = site.opexUsdPerMonth;
    asDoubles[2] = site.taxRate;
    asDoubles[3] = site.ppaShare * site.ppaUsdPerMwh;
    asDoubles[4] = 1 - site.ppaShare;
    asDoubles[5] = site.creditLineUsd;
    asDoubles[6] = 1 - site.debtInNpv;
    const powerMw = asDoubles[0], opexUsdPerMonth = asDoubles[1], taxRate = asDoubles[2];
    const ppaCostUsdPerMwh = asDoubles[3], spotShare = asDoubles[4], creditLineUsd = asDoubles[5];
    const debtOutsideNpv = asDoubles[6];
    const depreciationMonths = site.taxDepreciationMonths;
    const capexSpentUsd = this.capexSpentUsd;
    // The months before fromMonth are the recorded run's: their capex from its checkpoints, so that
    // the buffer holds this evaluation's every month (it may hold another rule's from the last call).
    if (taxRate > 0) for (let k = 0; k < fromMonth; k++) capexSpentUsd[k] = checkpoints[CHECKPOINT_CAPEX * months + k];
    const btcShareKept = site.uptime * (1 - site.poolFee);
    const mwhPerMw = HOURS_PER_MONTH * site.uptime;
    const { energyUsdPerMwh, btcPerEhsMonth, priceUsd, hashpriceUsdPerPhDay } = market;
    const cashPath = this.cashUsd;
    const discount = site.discountFactors;
    const siteDebtServiceUsd = site.siteDebtServiceUsd;
    // A boolean for the compiler too: read from the rule it was a value of unknown type, converted every month.
    const curtail = rule.curtail === true;
    const refreshEvery = rule.refreshEveryMonths;
    let ehsPerMw = 1 / efficiencyJPerTh; // own EH/s per MW = 1e6 W / (J/TH) / 1e6 TH per EH

    for (let m = fromMonth; m < months; m++) {
      if (record) {
        checkpoints[CHECKPOINT_PRESENT_VALUE * months + m] = presentValueUsd;
        checkpoints[CHECKPOINT_LAST12_OPERATING * months + m] = last12OperatingUsd;
        checkpoints[CHECKPOINT_LAST12_MINING * months + m] = last12MiningUsd;
        checkpoints[CHECKPOINT_EFFICIENCY * months + m] = efficiencyJPerTh;
        checkpoints[CHECKPOINT_DEPRECIATION * months + m] = depreciationUsd;
        checkpoints[CHECKPOINT_TAX_LOSS * months + m] = taxLossUsd;
      }
      if (m === convertAtMonth) {
        hosting.start(m, rule.share, rule.gpuCloud, draws);
        hostingActive = true;
      }
      // The hosting month comes first: it says which halls have stopped mining.
      if (hostingActive) hosting.month(m, market, draws);
      const offlineShare = hostingActive ? hosting.offlineShare : 0;
      const miningMw = powerMw * (1 - offlineShare);

      let refreshCapexUsd = 0;
      if (refreshEvery > 0 && m > 0 && m % refreshEvery === 0) {
        // A refresh buys machines as efficient as the network's fleet has become since month 0.
        efficiencyJPerTh = site.efficiencyJPerTh * (1 - site.networkEfficiencyGainPerYear) ** (m / 12);
        ehsPerMw = 1 / efficiencyJPerTh;
        refreshCapexUsd = ((miningMw * 1e6) / efficiencyJPerTh) * site.asicUsdPerTh;
      }
      let capexUsd = refreshCapexUsd;

      const powerUsdPerMwh = ppaCostUsdPerMwh + spotShare * energyUsdPerMwh[m];
      let minedBtc = miningMw * ehsPerMw * btcShareKept * btcPerEhsMonth[m];
      let miningRevenueUsd = minedBtc * priceUsd[m];
      let miningMwh = miningMw * mwhPerMw;
      let miningEnergyUsd = miningMwh * powerUsdPerMwh;
      if (curtail && miningRevenueUsd < miningEnergyUsd) {
        minedBtc = 0;
        miningRevenueUsd = 0;
        miningMwh = 0;
        miningEnergyUsd = 0;
      }

      let operatingUsd = miningRevenueUsd - miningEnergyUsd - opexUsdPerMonth;
      let flowUsd = 0;
      /** What the project and GPU debt change in this month's cash flow: the capex they pay, less their service. */
      let financingUsd = 0;
      if (hostingActive) {
        capexUsd += hosting.capexEquityUsd;
        operatingUsd += hosting.rentUsd + hosting.recoveryUsd - hosting.energyMwh * powerUsdPerMwh - hosting.operatingCostUsd;
        // Advances are financing: cash now, repaid by rent credited against them later.
        flowUsd += hosting.advanceReceivedUsd - hosting.creditedUsd - hosting.debtServiceUsd;
        financingUsd = hosting.debtFundedCapexUsd - hosting.debtServiceUsd;
        revenueUsd += hosting.rentUsd;
        energyKwh += hosting.itKwhLeased;
      }
      let taxUsd = 0;
      if (taxRate > 0) {
        // Every capex is depreciated straight-line from the month it is spent, however it is paid
        // for; a month's loss is carried forward against later profits.
        const spentUsd = refreshCapexUsd + (hostingActive ? hosting.capexUsd : 0);
        capexSpentUsd[m] = spentUsd;
        if (record) checkpoints[CHECKPOINT_CAPEX * months + m] = spentUsd;
        depreciationUsd += spentUsd / depreciationMonths;
        const endedMonth = m - depreciationMonths;
        if (endedMonth >= 0) depreciationUsd -= capexSpentUsd[endedMonth] / depreciationMonths;
        // Advances and prepayments are taxed when received, not as rent is credited against them
        // (prepaid rent is income when it comes in: Treas. Reg. 1.61-8(b); IRC 451(c) defers at most a year).
        const taxableUsd = operatingUsd - depreciationUsd + (hostingActive ? hosting.advanceReceivedUsd - hosting.creditedUsd : 0);
        if (taxableUsd <= 0) taxLossUsd -= taxableUsd;
        else {
          const offsetUsd = Math.min(taxLossUsd, taxableUsd);
          taxLossUsd -= offsetUsd;
          taxUsd = taxRate * (taxableUsd - offsetUsd);
        }
      }

      const siteServiceUsd = siteDebtServiceUsd[m];
      flowUsd -= siteServiceUsd;
      flowUsd += operatingUsd - taxUsd - capexUsd;
      // At a cost of capital the debt's flows are the lenders', not the project's: a loan at its own
      // rate adds no value, and the site's existing debt is the same whatever it does (hosting.debtInNpv
      // false). The cash still has them.
      const valuedUsd = flowUsd - debtOutsideNpv * (financingUsd - siteServiceUsd);
      presentValueUsd += valuedUsd * discount[m];
      if (m >= months - 12) {
        last12OperatingUsd += operatingUsd - taxUsd;
        last12MiningUsd += miningRevenueUsd - miningEnergyUsd - opexUsdPerMonth * (1 - offlineShare);
      }
      if (!npvOnly) {
        flows[m] = valuedUsd;
        cashUsd += flowUsd;
        cashPath[m] = cashUsd;
        if (cashUsd < minCashUsd) minCashUsd = cashUsd;
        if (cashUsd < -creditLineUsd && ruinMonth !== ruinMonth) ruinMonth = m;
        cumulativeValuedUsd += valuedUsd;
        if (cumulativeValuedUsd < 0) lastNegativeMonth = m;
        cumulativeUsd += flowUsd;
        if (cumulativeUsd < lowestCumulativeUsd) {
          lowestCumulativeUsd = cumulativeUsd;
          peakFundingMonth = m;
        }
        btcMined += minedBtc;
        revenueUsd += miningRevenueUsd;
        energyKwh += miningMwh * 1000;
      }

      if (convertAtMonth < 0) {
        // Trigger rule: decided on the month's hashprice, acted on from the next month.
        monthsBelowTrigger = hashpriceUsdPerPhDay[m] < rule.triggerHashpriceUsdPerPhDay ? monthsBelowTrigger + 1 : 0;
        if (monthsBelowTrigger >= rule.triggerMonths) convertAtMonth = m + 1;
      }
    }

    // The tax the depreciation still to come and the losses carried will save, as if used in the
    // year after the horizon (they would be lost with the horizon otherwise).
    const taxShieldUsd = taxRate > 0 ? taxRate * (this.undepreciatedUsd(depreciationMonths) + taxLossUsd) : 0;
    const keep = 1 - taxRate;
    const terminalUsd =
      (site.terminalMethod === TERMINAL_BY_CASH_FLOW
        ? this.terminalByCashFlowUsd(last12MiningUsd, ehsPerMw * site.powerMw * (1 - (hostingActive ? hosting.offlineShare : 0)), hostingActive, market) - site.siteDebtAtHorizonUsd * site.debtInNpv
        : // Equity value of the site after the horizon: a multiple of its last year's operating cash
          // flow, never below zero, less the debt still owed (with debtInNpv) and the advances (the
          // rent they will be credited against is taxed already), with a claim still open (taxed when paid).
          Math.max(0, site.terminalMultiple * ((months >= 12 ? last12OperatingUsd : (last12OperatingUsd * 12) / months))) - site.siteDebtAtHorizonUsd * site.debtInNpv - (hostingActive ? hosting.debtBalance * site.debtInNpv + hosting.owedAdvance * keep - hosting.pendingClaimUsd(months) * keep : 0)) +
      taxShieldUsd;

    this.terminalUsd = terminalUsd;
    const out = this.outcome;
    out.terminalPvUsd = terminalUsd * discount[months - 1];
    out.npvUsd = presentValueUsd + out.terminalPvUsd;
    const switched = hostingActive && rule.share > 0;
    out.switchMonth = switched ? convertAtMonth : NaN;
    out.switchShare = switched ? rule.share : 0;
    if (npvOnly) return out;
    // Payback: the month after which the cumulative valued flow stays non-negative; NaN if negative at the horizon.
    out.paybackMonth = lastNegativeMonth === months - 1 ? NaN : lastNegativeMonth + 1;
    // The IRR's flows end with the terminal value; restored exactly afterwards (x + t - t need not be x).
    const lastFlowUsd = flows[months - 1];
    flows[months - 1] = lastFlowUsd + terminalUsd;
    out.irr = internalRateOfReturn(flows, months);
    flows[months - 1] = lastFlowUsd;
    out.minCashUsd = minCashUsd;
    out.ruined = ruinMonth === ruinMonth ? 1 : 0;
    out.ruinMonth = ruinMonth;
    out.btcMined = btcMined;
    out.revenueUsdPerKwh = energyKwh > 0 ? revenueUsd / energyKwh : NaN;
    out.peakFundingUsd = -lowestCumulativeUsd;
    out.peakFundingMonth = peakFundingMonth;
    // Drivers: the same conversion as switchMonth above (hosting.start ran at convertAtMonth).
    out.switchPriceUsd = switched ? priceUsd[convertAtMonth] : NaN;
    out.leaseSignedMonth = switched ? hosting.firstSignedMonth : NaN;
    out.tenantDefaults = switched ? hosting.tenantDefaults : 0;
    return out;
  }

  /**
   * The site after the horizon valued by the kind of cash each part earns (terminalValue.method:
   * byCashFlow), less the hosting's debt (with debtInNpv) and the advances still to be credited, with
   * what a defaulted tenant's claim still open will bring: the mining part at
   * the multiple of its own last 12 months of cash flow, or its fleet's salvage if that is more
   * (an owner sells machines that earn less than they fetch); the converted part as Hosting values
   * it, carrying its share of the site's fixed opex. Tax is approximated as the rate on each part's
   * positive value; the rent advances will be credited against was taxed when they came in, and a
   * claim is taxed when paid.
   */
  private terminalByCashFlowUsd(last12MiningUsd: number, miningEhs: number, hostingActive: boolean, market: MarketPath): number {
    const site = this.site;
    const months = site.months;
    const keep = 1 - site.taxRate;
    const annualMiningUsd = months >= 12 ? last12MiningUsd : (last12MiningUsd * 12) / months;
    const fleetSalvageUsd = miningEhs * 1e6 * site.miningSalvageUsdPerTh; // 1 EH/s = 1e6 TH/s
    const miningUsd = Math.max(0, site.terminalMultiple * annualMiningUsd * keep, fleetSalvageUsd);
    if (!hostingActive) return miningUsd;
    const hosting = this.hosting;
    const convertedValueUsd = hosting.terminalValueUsd(months, market, site.opexUsdPerMonth * hosting.offlineShare);
    return miningUsd + (convertedValueUsd > 0 ? convertedValueUsd * keep : convertedValueUsd) - hosting.debtBalance * site.debtInNpv - hosting.owedAdvance * keep + hosting.pendingClaimUsd(months) * keep;
  }

  /** The capex of the last evaluation not yet depreciated at the horizon: each month's, less the months of its tax life the horizon has used. */
  private undepreciatedUsd(depreciationMonths: number): number {
    const months = this.site.months;
    let remainingUsd = 0;
    for (let k = Math.max(0, months - depreciationMonths + 1); k < months; k++) {
      remainingUsd += (this.capexSpentUsd[k] * (depreciationMonths - (months - k))) / depreciationMonths;
    }
    return remainingUsd;
  }
}
