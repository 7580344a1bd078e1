// The converted part of a site, month by month: build (capex, part of it debt-financed), then
// either leasing (tenant search, lease at the market rate at signing with an annual escalator,
// tenant default with partial recovery, re-leasing) or an own GPU cloud (GPU fleets bought on
// credit each generation, GPU-hours sold at a price that falls as the fleet ages, utilisation set
// by AI demand). One instance per worker, restarted for each strategy of each trial.
import { HOURS_PER_MONTH, type MarketPath } from './market.js';
import { annuityPayment, type SiteDraws, type SiteParams } from './site.js';

const IDLE = 0;
const BUILDING = 1;
const SEARCHING = 2;
const LEASED = 3;
const GPU_CLOUD = 4;

export class Hosting {
  // What the current month produced; read by the strategy after each call to month().
  rentUsd = 0;
  recoveryUsd = 0;
  capexEquityUsd = 0;
  debtServiceUsd = 0;
  /** Costs of running the hosted business other than power (GPU cloud operations). */
  operatingCostUsd = 0;
  /** kWh of IT load delivered to paying customers. */
  itKwhLeased = 0;
  /** MWh the site buys for the hosted load (0 when the tenant pays for power). */
  energyMwh = 0;

  private state = IDLE;
  private convertedMw = 0;
  private buildEndMonth = 0;
  private capexUsd = 0;
  private buildMonths = 1;
  private debtBalanceUsd = 0;
  private debtPaymentUsd = 0;
  private leaseRateUsdPerKwMonth = 0;
  private leaseStartMonth = 0;
  /** (1 + escalator)^(whole lease years elapsed), updated on each lease anniversary. */
  private escalation = 1;
  private gpuCloud = false;
  private gpuDebtBalanceUsd = 0;
  private gpuPaymentUsd = 0;
  private gpuFleetAgeMonths = 0;
  /** Rental price of the site's fleet relative to the newest generation's. */
  private gpuPriceFactor = 1;

  constructor(private readonly site: SiteParams) {}

  /** Starts converting `share` of the site's MW in month `startMonth`, to lease or to run GPUs. */
  start(startMonth: number, share: number, gpuCloud: boolean, draws: SiteDraws): void {
    this.state = share > 0 ? BUILDING : IDLE;
    this.gpuCloud = gpuCloud;
    this.gpuDebtBalanceUsd = 0;
    this.convertedMw = this.site.powerMw * share;
    this.buildMonths = draws.buildMonths;
    this.buildEndMonth = startMonth + draws.buildMonths;
    this.capexUsd = this.convertedMw * this.site.conversionUsdPerMw;
    this.debtBalanceUsd = 0;
    this.debtPaymentUsd = 0;
  }

  /** Outstanding project and GPU debt, netted from the terminal value. */
  get debtBalance(): number {
    return this.debtBalanceUsd + this.gpuDebtBalanceUsd;
  }

  month(m: number, market: MarketPath, draws: SiteDraws): void {
    const site = this.site;
    this.rentUsd = 0;
    this.recoveryUsd = 0;
    this.capexEquityUsd = 0;
    this.debtServiceUsd = 0;
    this.operatingCostUsd = 0;
    this.itKwhLeased = 0;
    this.energyMwh = 0;
    if (this.state === IDLE) return;

    if (this.state === BUILDING) {
      // Capex is spent evenly over the build; the debt share is drawn as it is spent and accrues
      // interest until completion, when it starts amortising.
      const spendUsd = this.capexUsd / this.buildMonths;
      this.capexEquityUsd = spendUsd * (1 - site.capexDebtShare);
      this.debtBalanceUsd = this.debtBalanceUsd * (1 + site.capexDebtMonthlyRate) + spendUsd * site.capexDebtShare;
      if (m + 1 >= this.buildEndMonth) {
        this.state = this.gpuCloud ? GPU_CLOUD : SEARCHING;
        this.gpuFleetAgeMonths = site.gpuLifeMonths; // the first fleet is bought on completion
        this.debtPaymentUsd = annuityPayment(this.debtBalanceUsd, site.capexDebtMonthlyRate, site.capexDebtTermMonths);
      }
      return;
    }

    if (this.debtBalanceUsd > 0) {
      const interestUsd = this.debtBalanceUsd * site.capexDebtMonthlyRate;
      const paymentUsd = Math.min(this.debtPaymentUsd, this.debtBalanceUsd + interestUsd);
      this.debtBalanceUsd += interestUsd - paymentUsd;
      if (this.debtBalanceUsd < 1e-6) this.debtBalanceUsd = 0;
      this.debtServiceUsd = paymentUsd;
    }

    const itKw = this.convertedMw * site.itKwPerMw;
    const index = market.aiDemandIndex[m];
    if (this.state === GPU_CLOUD) {
      this.runGpuCloud(m, itKw, index, market);
      return;
    }
    if (this.state === LEASED && m - this.leaseStartMonth >= site.leaseMonths) this.state = SEARCHING;
    if (this.state === SEARCHING) {
      const signing = site.signingProbabilityPerMonth * index;
      if (draws.signingU[m] < signing) {
        this.state = LEASED;
        this.leaseStartMonth = m;
        this.leaseRateUsdPerKwMonth = site.leaseUsdPerKwMonth * index ** site.leaseElasticity;
        this.escalation = 1;
      }
    }
    if (this.state !== LEASED) return;

    const leaseMonth = m - this.leaseStartMonth;
    if (leaseMonth > 0 && leaseMonth % 12 === 0) this.escalation *= 1 + site.escalatorPerYear;
    const rentUsd = itKw * this.leaseRateUsdPerKwMonth * this.escalation;
    const defaultProbability = market.aiWinter[m] ? site.winterDefaultProbabilityPerMonth : site.defaultProbabilityPerMonth;
    if (draws.defaultU[m] < defaultProbability) {
      // Recovery: a share of the rent still owed, undiscounted, at today's escalated rate.
      const remainingMonths = site.leaseMonths - (m - this.leaseStartMonth);
      this.recoveryUsd = site.recoveryShare * rentUsd * remainingMonths;
      this.state = SEARCHING;
      return;
    }
    this.rentUsd = rentUsd;
    this.itKwhLeased = itKw * HOURS_PER_MONTH;
    if (!site.powerPassThrough) this.energyMwh = this.convertedMw * HOURS_PER_MONTH;
  }

  private runGpuCloud(m: number, itKw: number, index: number, market: MarketPath): void {
    const site = this.site;
    const gpus = itKw / site.itKwPerGpu;
    if (this.gpuFleetAgeMonths >= site.gpuLifeMonths) {
      // A new generation: bought on credit amortised over its life, renting at the newest price.
      this.gpuDebtBalanceUsd += gpus * site.gpuCapexUsd;
      this.gpuPaymentUsd = annuityPayment(this.gpuDebtBalanceUsd, site.capexDebtMonthlyRate, site.gpuLifeMonths);
      this.gpuFleetAgeMonths = 0;
      this.gpuPriceFactor = 1;
    }
    if (this.gpuDebtBalanceUsd > 0) {
      const interestUsd = this.gpuDebtBalanceUsd * site.capexDebtMonthlyRate;
      const paymentUsd = Math.min(this.gpuPaymentUsd, this.gpuDebtBalanceUsd + interestUsd);
      this.gpuDebtBalanceUsd += interestUsd - paymentUsd;
      if (this.gpuDebtBalanceUsd < 1e-6) this.gpuDebtBalanceUsd = 0;
      this.debtServiceUsd += paymentUsd;
    }
    const utilisation = Math.min(1, site.gpuUtilisation * index);
    const revenueUsd = gpus * HOURS_PER_MONTH * utilisation * market.newGpuUsdPerHour[m] * this.gpuPriceFactor;
    this.rentUsd = revenueUsd;
    this.operatingCostUsd = site.gpuOpexShareOfRevenue * revenueUsd;
    this.itKwhLeased = itKw * HOURS_PER_MONTH * utilisation;
    // The cloud buys its own power; idle GPUs draw little, so the load follows utilisation.
    this.energyMwh = this.convertedMw * HOURS_PER_MONTH * utilisation;
    this.gpuFleetAgeMonths++;
    this.gpuPriceFactor *= site.gpuMonthlyPriceFactor;
  }
}
