// The site: its capacity, fleet, costs and balance sheet, turned into per-month constants; and the
// site's own random draws (build duration, tenant signing, tenant default), drawn once per trial
// and shared by every strategy so that strategy differences are paired.
import type { HostingSpec, Scenario } from '../scenarios/schema.js';
import { discountFactors } from './accounting.js';
import { gradeHazardsPerYear } from './creditGrades.js';
import type { RandomStream } from './random.js';

/** Terminal value methods as numbers for the hot path (schema: terminalValue.method). */
export const TERMINAL_NONE = 0;
export const TERMINAL_MULTIPLE = 1;
export const TERMINAL_BY_CASH_FLOW = 2;

export interface SiteParams {
  months: number;
  powerMw: number;
  efficiencyJPerTh: number;
  networkEfficiencyGainPerYear: number;
  uptime: number;
  poolFee: number;
  opexUsdPerMonth: number;
  cashUsd: number;
  creditLineUsd: number;
  /**
   * The site's own debt service in each month (siteDebtSchedule): the same for every strategy and
   * path, so computed once, not in every strategy-month.
   */
  siteDebtServiceUsd: Float64Array;
  /** The site debt still owed at the horizon. */
  siteDebtAtHorizonUsd: number;
  ppaShare: number;
  ppaUsdPerMwh: number;
  asicUsdPerTh: number;
  taxRate: number;
  /** Months over which the tax depreciates each capex, straight-line (site.taxDepreciationYears). */
  taxDepreciationMonths: number;
  // Hosting, per MW of gross site capacity converted.
  itKwPerMw: number;
  conversionUsdPerMw: number;
  /** Share of the conversion capex the tenant pays itself. */
  tenantCapexShare: number;
  /** Capex advance from the tenant, per MW of gross capacity converted. */
  capexAdvanceUsdPerMw: number;
  advanceRecoupShareOfRent: number;
  tranches: number;
  trancheIntervalMonths: number;
  preLeased: boolean;
  buildMonthsMin: number;
  buildMonthsMode: number;
  buildMonthsMax: number;
  leaseUsdPerKwMonth: number;
  leaseElasticity: number;
  escalatorPerYear: number;
  leaseMonths: number;
  signingProbabilityPerMonth: number;
  defaultProbabilityPerMonth: number;
  winterDefaultProbabilityPerMonth: number;
  /** Months of rent a defaulting tenant owes the site (before recoveryShare), by the months left in its lease: index 0..leaseMonths. */
  defaultClaimMonths: Float64Array;
  /**
   * The claim is the rent of those months whatever re-letting brings, paid at the default
   * (defaultClaim: remainingRent, the frozen bench model); otherwise the rent lost while the
   * capacity stands vacant, up to them, paid when the site re-lets or the cap is reached.
   */
  claimPaidAtDefault: boolean;
  recoveryShare: number;
  backstopShare: number;
  /** Landlord's running cost per leased kW of IT (modified-gross lease; 0 under triple net). */
  landlordOpexUsdPerKwMonth: number;
  /** Landlord's own cost as a share of rent (triple-net lease; 0 under modified gross). */
  tripleNetCostShareOfRent: number;
  powerPassThrough: boolean;
  capexDebtShare: number;
  capexDebtMonthlyRate: number;
  capexDebtTermMonths: number;
  /**
   * 1 when the debt (project, GPU and the site's own) counts in the NPV, IRR and payback
   * (hosting.debtInNpv), 0 when they are the project's: a number, as the evaluator multiplies the
   * debt's flows by it every month.
   */
  debtInNpv: number;
  // Own GPU cloud on the converted capacity.
  itKwPerGpu: number;
  gpuCapexUsd: number;
  gpuUtilisation: number;
  gpuOpexShareOfRevenue: number;
  gpuLifeMonths: number;
  /** Replace a fleet at the end of its life whatever it can earn (gpuCloud.replaceFleet: always). */
  gpuReplaceAlways: boolean;
  /** Monthly factor by which an ageing fleet's rental price falls behind the newest generation's. */
  gpuMonthlyPriceFactor: number;
  /** GPU cloud contract term from the first handover; 0 without a contract. */
  gpuContractMonths: number;
  gpuContractUsdPerHour: number;
  gpuTakeOrPayShare: number;
  gpuPrepaymentShare: number;
  // Valuation.
  discountFactors: Float64Array;
  /** 1 / (1 + discount rate / 12): one month of discounting. */
  monthlyDiscount: number;
  terminalMethod: number;
  terminalMultiple: number;
  capRatePerYear: number;
  miningSalvageUsdPerTh: number;
}

/**
 * The price of a MWh the site buys in a month whose spot price is `spotUsdPerMwh`: its PPA share at
 * the PPA's price, the rest at spot. (The strategy's month loop blends it from hoisted constants.)
 */
export function blendedPowerUsdPerMwh(site: SiteParams, spotUsdPerMwh: number): number {
  return site.ppaShare * site.ppaUsdPerMwh + (1 - site.ppaShare) * spotUsdPerMwh;
}

/**
 * Level monthly payment that repays `principal` over `months` at `monthlyRate`. `denominator` is
 * annuityDenominator(monthlyRate, months), for callers that work it out once (it is a call to pow).
 */
export function annuityPayment(principal: number, monthlyRate: number, months: number, denominator = annuityDenominator(monthlyRate, months)): number {
  if (principal === 0) return 0;
  if (monthlyRate === 0) return principal / months;
  return (principal * monthlyRate) / denominator;
}

/** 1 - (1 + monthlyRate)^-months: what annuityPayment divides by. */
export function annuityDenominator(monthlyRate: number, months: number): number {
  return 1 - (1 + monthlyRate) ** -months;
}

/**
 * Months of rent a tenant that defaults with `remainingMonths` of its lease left owes (before the
 * share recovered). cappedRent: 11 U.S.C. 502(b)(6), the cap on a landlord's claim for a rejected
 * lease: the rent of the greater of one year and 15% of the remaining term, the 15% at most three
 * years, and never more than the rent left; remainingRent: every month left. Uncapped, an early
 * default paid more at once (30% of ~11 years' rent) than the months of vacancy it causes cost,
 * so a riskier tenant raised a conversion's value.
 */
export function defaultClaimMonths(remainingMonths: number, claim: HostingSpec['defaultClaim']): number {
  if (claim === 'remainingRent') return remainingMonths;
  return Math.min(remainingMonths, Math.max(12, Math.min(0.15 * remainingMonths, 36)));
}

const hazardToMonthlyProbability = (perYear: number) => 1 - Math.exp(-perYear / 12);

const TERMINAL_METHODS = { none: TERMINAL_NONE, multiple: TERMINAL_MULTIPLE, byCashFlow: TERMINAL_BY_CASH_FLOW } as const;

/**
 * The site debt's level payments month by month (interest accrues monthly, the last payment
 * clears what is left) and what is still owed after `months`.
 */
export function siteDebtSchedule(debtUsd: number, ratePerYear: number, termMonths: number, months: number): { serviceUsd: Float64Array; owedAtEndUsd: number } {
  const monthlyRate = ratePerYear / 12;
  const paymentUsd = annuityPayment(debtUsd, monthlyRate, termMonths);
  const serviceUsd = new Float64Array(months);
  let owedUsd = debtUsd;
  for (let m = 0; m < months && owedUsd > 0; m++) {
    const interestUsd = owedUsd * monthlyRate;
    serviceUsd[m] = Math.min(paymentUsd, owedUsd + interestUsd);
    owedUsd += interestUsd - serviceUsd[m];
    if (owedUsd < 1e-6) owedUsd = 0;
  }
  return { serviceUsd, owedAtEndUsd: owedUsd };
}

export function siteParams(scenario: Scenario): SiteParams {
  const { site, hosting, horizonMonths: months, terminalValue } = scenario;
  const siteDebt = siteDebtSchedule(site.debtUsd, site.debtRatePerYear, site.debtTermMonths, months);
  const leaseMonths = Math.round(hosting.leaseYears * 12);
  const hazards =
    hosting.tenantCreditGrade === 'custom'
      ? { normal: hosting.defaultHazardPerYear ?? 0, winter: hosting.winterDefaultHazardPerYear ?? 0 }
      : gradeHazardsPerYear(hosting.tenantCreditGrade);
  const contract = hosting.gpuCloud.contract;
  return {
    months,
    powerMw: site.powerMw,
    efficiencyJPerTh: site.efficiencyJPerTh,
    networkEfficiencyGainPerYear: scenario.market.hashrate.efficiencyGainPerYear,
    uptime: site.uptime,
    poolFee: site.poolFee,
    opexUsdPerMonth: site.opexUsdPerMwMonth * site.powerMw,
    cashUsd: site.cashUsd,
    creditLineUsd: site.creditLineUsd,
    siteDebtServiceUsd: siteDebt.serviceUsd,
    siteDebtAtHorizonUsd: siteDebt.owedAtEndUsd,
    ppaShare: site.ppaShare,
    ppaUsdPerMwh: site.ppaUsdPerMwh,
    asicUsdPerTh: site.asicUsdPerTh,
    taxRate: site.taxRate,
    taxDepreciationMonths: Math.max(1, Math.round(site.taxDepreciationYears * 12)),
    itKwPerMw: 1000 / hosting.pue,
    conversionUsdPerMw: hosting.conversionUsdPerMwIt / hosting.pue,
    tenantCapexShare: hosting.tenantCapexShare,
    capexAdvanceUsdPerMw: hosting.capexAdvanceUsdPerMwIt / hosting.pue,
    advanceRecoupShareOfRent: hosting.advanceRecoupShareOfRent,
    tranches: hosting.tranches,
    trancheIntervalMonths: hosting.trancheIntervalMonths,
    preLeased: hosting.preLeased,
    buildMonthsMin: hosting.buildMonths.min,
    buildMonthsMode: hosting.buildMonths.mode,
    buildMonthsMax: hosting.buildMonths.max,
    leaseUsdPerKwMonth: hosting.leaseUsdPerKwMonth,
    leaseElasticity: hosting.leaseElasticity,
    escalatorPerYear: hosting.escalatorPerYear,
    leaseMonths,
    signingProbabilityPerMonth: hosting.signingProbabilityPerMonth,
    defaultProbabilityPerMonth: hazardToMonthlyProbability(hazards.normal),
    winterDefaultProbabilityPerMonth: hazardToMonthlyProbability(hazards.winter),
    claimPaidAtDefault: hosting.defaultClaim === 'remainingRent',
    defaultClaimMonths: Float64Array.from({ length: leaseMonths + 1 }, (_, remaining) => defaultClaimMonths(remaining, hosting.defaultClaim)),
    recoveryShare: hosting.recoveryShare,
    backstopShare: hosting.backstopShare,
    landlordOpexUsdPerKwMonth: hosting.landlordOpexUsdPerKwMonth ?? 0,
    tripleNetCostShareOfRent: hosting.tripleNetCostShareOfRent ?? 0,
    powerPassThrough: hosting.powerPassThrough,
    capexDebtShare: hosting.capexDebtShare,
    capexDebtMonthlyRate: hosting.capexDebtRatePerYear / 12,
    capexDebtTermMonths: hosting.capexDebtTermMonths,
    debtInNpv: hosting.debtInNpv ? 1 : 0,
    itKwPerGpu: hosting.gpuCloud.itKwPerGpu,
    gpuCapexUsd: hosting.gpuCloud.capexUsdPerGpu,
    gpuUtilisation: hosting.gpuCloud.utilisation,
    gpuOpexShareOfRevenue: hosting.gpuCloud.opexShareOfRevenue,
    gpuLifeMonths: hosting.gpuCloud.lifeMonths,
    gpuReplaceAlways: hosting.gpuCloud.replaceFleet === 'always',
    gpuMonthlyPriceFactor: (1 - scenario.market.aiDemand.gpuPriceDeclinePerYear) ** (1 / 12),
    gpuContractMonths: contract ? Math.max(1, Math.round(contract.years * 12)) : 0,
    gpuContractUsdPerHour: contract?.usdPerGpuHour ?? 0,
    gpuTakeOrPayShare: contract?.takeOrPayShare ?? 0,
    gpuPrepaymentShare: contract?.prepaymentShare ?? 0,
    discountFactors: discountFactors(scenario.discountRatePerYear, months),
    monthlyDiscount: 1 / (1 + scenario.discountRatePerYear / 12),
    terminalMethod: TERMINAL_METHODS[terminalValue.method],
    terminalMultiple: terminalValue.method === 'none' ? 0 : terminalValue.annualCashFlowMultiple,
    capRatePerYear: terminalValue.capRate ?? 0,
    miningSalvageUsdPerTh: terminalValue.miningSalvageUsdPerTh ?? 0,
  };
}

/** Inverse CDF of the triangular distribution (min, mode, max) at u. */
export function triangularQuantile(u: number, min: number, mode: number, max: number): number {
  if (max === min) return min;
  const split = (mode - min) / (max - min);
  return u < split ? min + Math.sqrt(u * (max - min) * (mode - min)) : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
}

/** A drawn build duration in whole months, at least 1: what a trial's conversion takes. */
export function wholeBuildMonths(months: number): number {
  return Math.max(1, Math.round(months));
}

/** The site's random draws for one trial, shared by every strategy. */
export class SiteDraws {
  /** Whole months a conversion takes (at least 1). */
  buildMonths = 0;
  /** Uniforms compared with the month's signing probability. */
  readonly signingU: Float64Array;
  /** Uniforms compared with the month's tenant default probability. */
  readonly defaultU: Float64Array;
  private readonly buildU = new Float64Array(1);

  constructor(private readonly params: SiteParams) {
    this.signingU = new Float64Array(params.months);
    this.defaultU = new Float64Array(params.months);
  }

  draw(stream: RandomStream): void {
    const p = this.params;
    stream.fillUniforms(this.buildU, 1);
    stream.fillUniforms(this.signingU, p.months);
    stream.fillUniforms(this.defaultU, p.months);
    const months = triangularQuantile(this.buildU[0], p.buildMonthsMin, p.buildMonthsMode, p.buildMonthsMax);
    this.buildMonths = wholeBuildMonths(months);
  }
}
