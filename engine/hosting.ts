// The converted part of a site, month by month. The conversion is built in halls (tranches): each
// hall mines until its build starts, takes the trial's build time, and earns from its handover.
// The site pays its share of the capex (the tenant may pay the rest, and advance money that its rent
// later repays), part of it on project debt drawn as it is spent and amortised from the last
// handover. The converted capacity is then either leased (signed before the build at the month's
// market rate, or looked for after the first handover; annual escalator; tenant default with
// partial recovery and an optional guarantor who keeps paying; re-leasing) or runs an own GPU cloud
// (a fleet per hall bought on credit each generation, GPU-hours sold under a fixed-price contract
// and then at a price that falls as the fleet ages, utilisation set by AI demand). One instance
// per worker, restarted for each strategy of each trial; nothing here allocates after construction.
import { HOURS_PER_MONTH, type MarketPath } from './market.js';
import { annuityDenominator, annuityPayment, blendedPowerUsdPerMwh, type SiteDraws, type SiteParams } from './site.js';
import { annuityFactor, capRateValue, escalatedLeasePv, expectedSearchDiscount, vacancyAnnuity } from './terminalValue.js';

/** Most halls a conversion is delivered in (a slot each, preallocated). */
export const MAX_TRANCHES = 12;

/**
 * Lease states of a converted site that leases. A const enum: its uses compile to plain numbers,
 * where module constants cost month() a hole check each and pushed it past V8's inlining size.
 */
const enum Lease {
  /** Speculative build: no tenant yet, and no hall delivered to show one. */
  NotMarketed,
  Searching,
  /** Pre-leased: signed at the start of the conversion, rent from the first handover. */
  Signed,
  Leased,
}

export class Hosting {
  // What the current month produced; read by the strategy after each call to month().
  /** Rent or GPU-cloud revenue earned (before crediting any advance against it). */
  rentUsd = 0;
  recoveryUsd = 0;
  capexEquityUsd = 0;
  /**
   * The capex the project or GPU debt pays this month instead of the site, as of the month's end:
   * what the NPV counts in place of the debt's flows unless hosting.debtInNpv.
   */
  debtFundedCapexUsd = 0;
  /** The month's capex however it is paid (site, project debt, GPU debt): what the tax depreciates. */
  capexUsd = 0;
  debtServiceUsd = 0;
  /** Running costs of the hosted business other than power: the landlord's under the lease form, or the GPU cloud's operations. */
  operatingCostUsd = 0;
  /** kWh of IT load delivered to paying customers. */
  itKwhLeased = 0;
  /** MWh the site buys for the hosted load (0 when the tenant pays for power). */
  energyMwh = 0;
  /**
   * Cash paid ahead by the tenant or customer: the capex advance during the build, a GPU contract's
   * prepayment; negative in a default's month for what of an unrepaid advance the site's claim did
   * not cover, paid back to the tenant's estate.
   */
  advanceReceivedUsd = 0;
  /** Part of rentUsd paid not in cash but by crediting it against an advance or prepayment. */
  creditedUsd = 0;
  /** Share of the site's MW not mining this month: the halls building or handed over. */
  offlineShare = 0;
  /** Part of rentUsd earned under a GPU cloud contract (the rest sells at the market price). */
  contractRevenueUsd = 0;
  // Drivers of the conversion so far (engine/outcomes.ts), reset by start().
  /** Month the first lease was signed (the start month when pre-leased); NaN while none is. */
  firstSignedMonth = NaN;
  /** Tenant defaults so far. */
  tenantDefaults = 0;

  private active = false;
  private gpuCloud = false;
  private share = 0;
  private startMonth = 0;
  private buildMonths = 1;
  private halls = 1;
  private hallIntervalMonths = 0;
  /** Months from which the first hall, and every hall, is handed over. */
  private firstHandoverMonth = 0;
  private lastHandoverMonth = 0;
  private convertedMw = 0;
  private itKwFull = 0;
  /** offlineShare once every hall has started. */
  private fullOfflineShare = 0;
  /** Site-funded capex of one hall, and the tenant's advance for it. */
  private hallCapexUsd = 0;
  private hallAdvanceUsd = 0;
  private debtBalanceUsd = 0;
  private debtPaymentUsd = 0;
  /** Advance and prepayment not yet credited back. */
  private owedAdvanceUsd = 0;
  /** Largest credit per month against a GPU contract's prepayment (it is spread over the term). */
  private prepaymentCreditUsd = 0;
  private leaseState: Lease = Lease.NotMarketed;
  private leaseRateUsdPerKwMonth = 0;
  private leaseStartMonth = 0;
  /** (1 + escalator)^(whole lease years elapsed), updated on each lease anniversary. */
  private escalation = 1;
  /** Whether the lease now running, or the first one to come, is the deal's, which a guarantor backs (backstopShare). */
  private guaranteedLease = false;
  // A defaulted tenant's claim not yet settled (site.claimPaidAtDefault false): the rent lost each
  // vacant month from claimFromMonth, up to claimCapMonths, less the advance it still owed.
  private claimOpen = false;
  private claimFromMonth = 0;
  private claimCapMonths = 0;
  private claimRentUsd = 0;
  private claimOwedUsd = 0;
  /**
   * After the deal's tenant defaults: the guarantor's payment for a month the capacity stands
   * vacant, until the defaulted lease would have ended (guaranteeUntilMonth) or a new tenant signs.
   */
  private guaranteeUsd = 0;
  private guaranteeUntilMonth = -1;
  /** The defaulted lease's start (the guarantee escalates on its anniversaries), and the default's month. */
  private guaranteeLeaseStartMonth = 0;
  private guaranteeFromMonth = 0;
  private gpuDebtBalanceUsd = 0;
  private gpuPaymentUsd = 0;
  /** Per hall: age of its GPU fleet, and its rental price relative to the newest generation's. */
  private readonly fleetAgeMonths = new Float64Array(MAX_TRANCHES);
  private readonly fleetPriceFactor = new Float64Array(MAX_TRANCHES);
  /** Fleets each hall has bought: a hall's first is the strategy's choice, a replacement the operator's (newFleetPays). */
  private readonly fleetsBought = new Float64Array(MAX_TRANCHES);
  /** A new fleet's discounted rental per unit of its first month's, over its life (falling with its age), and of a level monthly cost. */
  private readonly newFleetRentalFactor: number;
  private readonly newFleetCostFactor: number;

  /** The project debt's annuity denominator, worked out once: every conversion amortises at the same rate and term. */
  private readonly capexDebtDenominator: number;

  constructor(private readonly site: SiteParams) {
    this.capexDebtDenominator = annuityDenominator(site.capexDebtMonthlyRate, site.capexDebtTermMonths);
    // sum over k = 0 .. life - 1 of v^(k + 1) f^k, and of v^(k + 1): month k of the fleet's life, its price factor f^k.
    const f = site.gpuMonthlyPriceFactor;
    this.newFleetRentalFactor = annuityFactor(site.gpuLifeMonths, site.monthlyDiscount * f) / f;
    this.newFleetCostFactor = annuityFactor(site.gpuLifeMonths, site.monthlyDiscount);
  }

  /**
   * Starts converting `share` of the site's MW in month `startMonth`, to lease or to run GPUs; the
   * first call to month() must be for `startMonth` (a pre-lease is signed at that month's rate).
   */
  start(startMonth: number, share: number, gpuCloud: boolean, draws: SiteDraws): void {
    const site = this.site;
    this.active = share > 0;
    this.gpuCloud = gpuCloud;
    this.share = share;
    this.startMonth = startMonth;
    this.buildMonths = draws.buildMonths;
    this.halls = site.tranches;
    this.hallIntervalMonths = site.trancheIntervalMonths;
    this.firstHandoverMonth = startMonth + draws.buildMonths;
    this.lastHandoverMonth = this.firstHandoverMonth + (site.tranches - 1) * site.trancheIntervalMonths;
    this.convertedMw = site.powerMw * share;
    this.itKwFull = this.convertedMw * site.itKwPerMw;
    this.fullOfflineShare = (share * site.tranches) / site.tranches;
    // A tenant's share of the build and its advance come with a lease: an own GPU cloud has no tenant
    // (its customer's prepayment is the contract's, gpuCloud.contract.prepaymentShare).
    this.hallCapexUsd = (this.convertedMw * site.conversionUsdPerMw * (1 - (gpuCloud ? 0 : site.tenantCapexShare))) / site.tranches;
    this.hallAdvanceUsd = gpuCloud ? 0 : (this.convertedMw * site.capexAdvanceUsdPerMw) / site.tranches;
    this.debtBalanceUsd = 0;
    this.debtPaymentUsd = 0;
    this.owedAdvanceUsd = 0;
    this.prepaymentCreditUsd = 0;
    this.leaseState = site.preLeased && !gpuCloud ? Lease.Signed : Lease.NotMarketed;
    this.firstSignedMonth = this.leaseState === Lease.Signed ? startMonth : NaN;
    this.tenantDefaults = 0;
    this.guaranteedLease = site.backstopShare > 0 && !gpuCloud;
    this.guaranteeUntilMonth = -1;
    this.claimOpen = false;
    this.leaseStartMonth = this.firstHandoverMonth;
    this.escalation = 1;
    this.gpuDebtBalanceUsd = 0;
    this.gpuPaymentUsd = 0;
    if (gpuCloud) {
      // Every hall's first fleet is bought at its handover. (Only a GPU cloud reads the fleets.)
      this.fleetAgeMonths.fill(site.gpuLifeMonths);
      this.fleetPriceFactor.fill(1);
      this.fleetsBought.fill(0);
    }
    this.offlineShare = 0;
  }

  /** Outstanding project and GPU debt, netted from the terminal value. */
  get debtBalance(): number {
    return this.debtBalanceUsd + this.gpuDebtBalanceUsd;
  }

  /** Advances and prepayments the tenant or customer has yet to be credited: owed, netted from the terminal value. */
  get owedAdvance(): number {
    return this.owedAdvanceUsd;
  }

  /** Halls whose build has started by month m. */
  private hallsStarted(m: number): number {
    if (m < this.startMonth) return 0;
    if (this.hallIntervalMonths === 0) return this.halls;
    return Math.min(this.halls, Math.floor((m - this.startMonth) / this.hallIntervalMonths) + 1);
  }

  /**
   * Runs month m. Small enough, with leaseMonth(), for V8 to inline both into the strategy's month
   * loop (its fields then read as they were just written, with no call a month): the months of
   * the build, the GPU cloud, the signing of a lease and a tenant's default run out of line.
   */
  month(m: number, market: MarketPath, draws: SiteDraws): void {
    this.rentUsd = 0;
    this.recoveryUsd = 0;
    this.capexEquityUsd = 0;
    this.debtFundedCapexUsd = 0;
    this.capexUsd = 0;
    this.debtServiceUsd = 0;
    this.operatingCostUsd = 0;
    this.itKwhLeased = 0;
    this.energyMwh = 0;
    this.advanceReceivedUsd = 0;
    this.creditedUsd = 0;
    this.contractRevenueUsd = 0;
    if (!this.active) return;
    if (m < this.lastHandoverMonth || this.gpuCloud) {
      this.buildOrCloudMonth(m, market, draws);
      return;
    }
    // After the last handover (most months): every hall is built and delivered.
    this.offlineShare = this.fullOfflineShare;
    if (this.debtBalanceUsd > 0) this.amortiseDebt();
    this.leaseMonth(m, 1, market, draws);
  }

  /** Month m before the last handover, or of a GPU cloud. */
  private buildOrCloudMonth(m: number, market: MarketPath, draws: SiteDraws): void {
    let delivered = this.halls;
    let deliveredShare = 1;
    if (m < this.lastHandoverMonth) {
      delivered = this.buildMonth(m, market);
      if (delivered === 0) return;
      deliveredShare = delivered / this.halls;
    } else {
      this.offlineShare = this.fullOfflineShare;
      if (this.debtBalanceUsd > 0) this.amortiseDebt();
    }
    if (this.gpuCloud) this.runGpuCloud(m, delivered, deliveredShare, market.aiDemandIndex[m], market);
    else this.leaseMonth(m, deliveredShare, market, draws);
  }

  /** The lease's month m, with `deliveredShare` of the halls handed over. */
  private leaseMonth(m: number, deliveredShare: number, market: MarketPath, draws: SiteDraws): void {
    const site = this.site;
    const index = market.aiDemandIndex[m];
    const itKw = this.itKwFull * deliveredShare;
    let state = this.leaseState;
    if (state === Lease.NotMarketed) state = Lease.Searching;
    else if (state === Lease.Signed && m >= this.leaseStartMonth) state = Lease.Leased;
    if (state === Lease.Leased && m - this.leaseStartMonth >= site.leaseMonths) {
      state = Lease.Searching;
      this.guaranteedLease = false;
    }
    this.leaseState = state;
    if (this.claimOpen && m - this.claimFromMonth >= this.claimCapMonths) this.settleClaim(this.claimCapMonths);
    if (state === Lease.Searching && draws.signingU[m] < site.signingProbabilityPerMonth * index) {
      this.sign(m, index);
      state = Lease.Leased;
    }
    if (state !== Lease.Leased) {
      if (m < this.guaranteeUntilMonth) this.guarantorPays(m);
      return;
    }

    const leaseMonth = m - this.leaseStartMonth;
    if (leaseMonth > 0 && leaseMonth % 12 === 0) this.escalation *= 1 + site.escalatorPerYear;
    const contractRentUsd = itKw * this.leaseRateUsdPerKwMonth * this.escalation;
    if (draws.defaultU[m] < (market.aiWinter[m] ? site.winterDefaultProbabilityPerMonth : site.defaultProbabilityPerMonth)) {
      this.tenantDefault(m, leaseMonth, contractRentUsd);
      if (m < this.guaranteeUntilMonth) this.guarantorPays(m);
      return;
    }
    this.rentUsd = contractRentUsd;
    this.operatingCostUsd = site.landlordOpexUsdPerKwMonth * itKw + site.tripleNetCostShareOfRent * contractRentUsd;
    if (this.owedAdvanceUsd > 0) this.creditAdvance(contractRentUsd);
    this.itKwhLeased = itKw * HOURS_PER_MONTH;
    if (!site.powerPassThrough) this.energyMwh = this.convertedMw * deliveredShare * HOURS_PER_MONTH;
  }

  /** A month before the last handover: the halls building spend their capex. Returns the halls delivered by month m. */
  private buildMonth(m: number, market: MarketPath): number {
    const site = this.site;
    const started = this.hallsStarted(m);
    const delivered = this.hallsStarted(m - this.buildMonths);
    this.offlineShare = (this.share * started) / this.halls;
    if (m === this.startMonth && this.leaseState === Lease.Signed) {
      this.leaseRateUsdPerKwMonth = site.leaseUsdPerKwMonth * market.aiDemandIndex[m] ** site.leaseElasticity;
    }
    // Each hall's capex is spent evenly over its build; the debt share is drawn as it is spent and
    // accrues interest until the last handover, when it starts amortising. The tenant's advance
    // comes in with the spending.
    const hallsBuilding = started - delivered;
    const spendUsd = (hallsBuilding * this.hallCapexUsd) / this.buildMonths;
    this.capexUsd = spendUsd;
    this.capexEquityUsd = spendUsd * (1 - site.capexDebtShare);
    this.debtFundedCapexUsd = spendUsd * site.capexDebtShare;
    this.debtBalanceUsd = this.debtBalanceUsd * (1 + site.capexDebtMonthlyRate) + this.debtFundedCapexUsd;
    if (this.hallAdvanceUsd > 0) {
      this.advanceReceivedUsd = (hallsBuilding * this.hallAdvanceUsd) / this.buildMonths;
      this.owedAdvanceUsd += this.advanceReceivedUsd;
    }
    if (m + 1 >= this.lastHandoverMonth) {
      this.debtPaymentUsd = annuityPayment(this.debtBalanceUsd, site.capexDebtMonthlyRate, site.capexDebtTermMonths, this.capexDebtDenominator);
    }
    return delivered;
  }

  /** One payment on the project debt, from the last handover on. */
  private amortiseDebt(): void {
    const rate = this.site.capexDebtMonthlyRate;
    const interestUsd = this.debtBalanceUsd * rate;
    const paymentUsd = Math.min(this.debtPaymentUsd, this.debtBalanceUsd + interestUsd);
    this.debtBalanceUsd += interestUsd - paymentUsd;
    if (this.debtBalanceUsd < 1e-6) this.debtBalanceUsd = 0;
    this.debtServiceUsd = paymentUsd;
  }

  /** A tenant signs in month m, at the month's market rate. */
  private sign(m: number, index: number): void {
    if (this.claimOpen) this.settleClaim(m - this.claimFromMonth); // the vacancy the default caused is over
    this.leaseState = Lease.Leased;
    this.leaseStartMonth = m;
    if (this.firstSignedMonth !== this.firstSignedMonth) this.firstSignedMonth = m;
    this.leaseRateUsdPerKwMonth = this.site.leaseUsdPerKwMonth * index ** this.site.leaseElasticity;
    this.escalation = 1;
    this.guaranteeUntilMonth = -1; // a new tenant's rent replaces the guarantor's payments
  }

  /** The tenant defaults in month m, month `leaseMonth` of its lease; the site looks for a new one at once. */
  private tenantDefault(m: number, leaseMonth: number, contractRentUsd: number): void {
    const site = this.site;
    this.tenantDefaults++;
    // The site's claim (defaultClaim: capped as in bankruptcy, or all the rent still owed) is at
    // today's escalated rate, for the rent a guarantor does not pay (a landlord does not recover
    // twice), less the advance not yet credited (claimProceedsUsd). Unless the frozen model pays it
    // at once, it is for the months the capacity actually stands vacant: a landlord's damages are
    // what re-letting does not make good (paid at once and whatever the re-letting, a claim of
    // ~21.6 months of rent against ~10 of vacancy made a CCC tenant worth more than an AAA one at
    // high recovery shares).
    this.claimRentUsd = this.guaranteedLease ? contractRentUsd * (1 - site.backstopShare) : contractRentUsd;
    this.claimCapMonths = site.defaultClaimMonths[site.leaseMonths - leaseMonth];
    this.claimOwedUsd = this.owedAdvanceUsd;
    this.claimFromMonth = m;
    this.claimOpen = true;
    if (site.claimPaidAtDefault) this.settleClaim(this.claimCapMonths);
    this.owedAdvanceUsd = 0;
    this.leaseState = Lease.Searching;
    if (!this.guaranteedLease) return;
    // The deal's guarantor (Google for Fluidstack at TeraWulf and Hut 8) pays its share of the rent
    // for the months the capacity stands vacant, to the end of the defaulted term: the site re-lets
    // as it would without one, so a guarantee never lowers the value. (Until stop 31 the capacity
    // stayed leased at the guarantor's share to the end of the term, and a backstop could cost more
    // in foregone re-letting than it paid.) A later tenant has no guarantor.
    this.guaranteedLease = false;
    this.guaranteeUsd = site.backstopShare * contractRentUsd;
    this.guaranteeLeaseStartMonth = this.leaseStartMonth;
    this.guaranteeFromMonth = m;
    this.guaranteeUntilMonth = this.leaseStartMonth + site.leaseMonths;
  }

  /**
   * What the open claim brings for `months` of rent: the advance the tenant still owed is its own
   * and set off against it; a share of the rest is recovered (>= 0), or an advance beyond the claim
   * is paid back (< 0). (Forgiven outright, the advance made a riskier tenant raise the value.)
   */
  private claimProceedsUsd(months: number): number {
    const site = this.site;
    const claimUsd = this.claimRentUsd * months;
    const owedUsd = this.claimOwedUsd;
    // Written so that without an advance the recovery has the bits it had before the set-off.
    return claimUsd >= owedUsd ? site.recoveryShare * this.claimRentUsd * months - site.recoveryShare * owedUsd : claimUsd - owedUsd;
  }

  private settleClaim(months: number): void {
    const proceedsUsd = this.claimProceedsUsd(months);
    if (proceedsUsd >= 0) this.recoveryUsd = proceedsUsd;
    else this.advanceReceivedUsd = proceedsUsd;
    this.claimOpen = false;
  }

  /**
   * What the claim still open at the end of the horizon (`endMonth` = the first month after it)
   * will bring, settled for the vacancy so far (it may grow after: conservative); 0 if none is.
   */
  pendingClaimUsd(endMonth: number): number {
    return this.claimOpen ? this.claimProceedsUsd(Math.min(this.claimCapMonths, endMonth - this.claimFromMonth)) : 0;
  }

  /** A vacant month under a guarantee: the guarantor's share of the defaulted rent, escalated on that lease's anniversaries. */
  private guarantorPays(m: number): void {
    if (m > this.guaranteeFromMonth && (m - this.guaranteeLeaseStartMonth) % 12 === 0) this.guaranteeUsd *= 1 + this.site.escalatorPerYear;
    this.rentUsd = this.guaranteeUsd;
  }

  /** Part of this month's rent credited against the advance still owed. */
  private creditAdvance(rentUsd: number): void {
    this.creditedUsd = Math.min(this.owedAdvanceUsd, this.site.advanceRecoupShareOfRent * rentUsd);
    this.owedAdvanceUsd -= this.creditedUsd;
    if (this.owedAdvanceUsd < 1e-6) this.owedAdvanceUsd = 0;
  }

  private runGpuCloud(m: number, delivered: number, deliveredShare: number, index: number, market: MarketPath): void {
    const site = this.site;
    const hallGpus = (this.convertedMw * site.itKwPerMw) / this.halls / site.itKwPerGpu;
    const utilisation = Math.min(1, site.gpuUtilisation * index);
    const newGpuUsdPerHour = market.newGpuUsdPerHour[m];
    // Under contract each hall's GPU-hour price is fixed for the term from its handover (IREN/
    // Microsoft: five years, deployed in phases), the customer paying for at least the take-or-pay
    // share of the hours whether it uses them or not; after it, the hall sells at the market price
    // of its ageing fleet.
    const contractHallUsd = hallGpus * HOURS_PER_MONTH * Math.max(site.gpuTakeOrPayShare, utilisation) * site.gpuContractUsdPerHour;
    let revenueUsd = 0;
    let contractRevenueUsd = 0;
    let activeHalls = 0;
    for (let hall = 0; hall < delivered; hall++) {
      const contractEnd = this.firstHandoverMonth + hall * this.hallIntervalMonths + site.gpuContractMonths;
      if (this.fleetAgeMonths[hall] >= site.gpuLifeMonths) {
        // The end of a fleet's life: replaced under contract, or when a new one earns its price;
        // else the hall stands dark (no rental, no power) until one would.
        if (this.fleetsBought[hall] > 0 && m >= contractEnd && !site.gpuReplaceAlways && !this.newFleetPays(hallGpus, utilisation, newGpuUsdPerHour, market.energyUsdPerMwh[m])) continue;
        this.fleetsBought[hall]++;
        // A new generation: bought on credit amortised over its life, renting at the newest price.
        // Bought at the start of the month (its loan accrues the month's interest below): at the
        // month's end, where the flows fall, the purchase is a month's discounting more.
        this.debtFundedCapexUsd += (hallGpus * site.gpuCapexUsd) / site.monthlyDiscount;
        this.capexUsd += hallGpus * site.gpuCapexUsd;
        this.gpuDebtBalanceUsd += hallGpus * site.gpuCapexUsd;
        this.gpuPaymentUsd = annuityPayment(this.gpuDebtBalanceUsd, site.capexDebtMonthlyRate, site.gpuLifeMonths);
        this.fleetAgeMonths[hall] = 0;
        this.fleetPriceFactor[hall] = 1;
      }
      activeHalls++;
      if (m < contractEnd) contractRevenueUsd += contractHallUsd;
      else revenueUsd += hallGpus * HOURS_PER_MONTH * utilisation * newGpuUsdPerHour * this.fleetPriceFactor[hall];
      this.fleetAgeMonths[hall]++;
      this.fleetPriceFactor[hall] *= site.gpuMonthlyPriceFactor;
    }
    revenueUsd += contractRevenueUsd;
    this.contractRevenueUsd = contractRevenueUsd;
    if (this.gpuDebtBalanceUsd > 0) {
      const interestUsd = this.gpuDebtBalanceUsd * site.capexDebtMonthlyRate;
      const paymentUsd = Math.min(this.gpuPaymentUsd, this.gpuDebtBalanceUsd + interestUsd);
      this.gpuDebtBalanceUsd += interestUsd - paymentUsd;
      if (this.gpuDebtBalanceUsd < 1e-6) this.gpuDebtBalanceUsd = 0;
      this.debtServiceUsd += paymentUsd;
    }
    if (m === this.firstHandoverMonth && site.gpuPrepaymentShare > 0) {
      // The prepayment comes with the first handover, on the contract's value at full use; it is
      // credited evenly against invoices over the term.
      const valueUsd = hallGpus * this.halls * HOURS_PER_MONTH * site.gpuContractMonths * site.gpuContractUsdPerHour;
      this.advanceReceivedUsd = site.gpuPrepaymentShare * valueUsd;
      this.owedAdvanceUsd += this.advanceReceivedUsd;
      this.prepaymentCreditUsd = this.advanceReceivedUsd / site.gpuContractMonths;
    }
    if (this.owedAdvanceUsd > 0) {
      this.creditedUsd = Math.min(this.owedAdvanceUsd, this.prepaymentCreditUsd, revenueUsd);
      this.owedAdvanceUsd -= this.creditedUsd;
      if (this.owedAdvanceUsd < 1e-6) this.owedAdvanceUsd = 0; // what rounding leaves of prepayment / term
    }
    this.rentUsd = revenueUsd;
    this.operatingCostUsd = site.gpuOpexShareOfRevenue * revenueUsd;
    const activeShare = activeHalls === delivered ? deliveredShare : activeHalls / this.halls;
    this.itKwhLeased = this.convertedMw * site.itKwPerMw * activeShare * HOURS_PER_MONTH * utilisation;
    // The cloud buys its own power; idle GPUs draw little, so the load follows utilisation.
    this.energyMwh = this.convertedMw * activeShare * HOURS_PER_MONTH * utilisation;
  }

  /**
   * What the converted part is worth at the end of the horizon (`endMonth` = the first month after
   * it), by the kind of cash it earns (terminalValue.method: byCashFlow), before debt and owed
   * advances. Leasing: the rent still contracted at its present value, then re-leasing at the
   * market rate of the horizon capitalised at the cap rate (or, vacant, after the expected
   * search); GPU cloud: what its fleets can still earn (fleetsValueUsd). `fixedCostUsdPerMonth` is the
   * site opex the converted part carries. Halls still building are valued as if handed over, less
   * the site's capex still to spend on them.
   */
  terminalValueUsd(endMonth: number, market: MarketPath, fixedCostUsdPerMonth: number): number {
    const site = this.site;
    if (!this.active) return 0;
    const last = endMonth - 1;
    const remainingCapexUsd = this.remainingCapexUsd(endMonth);
    if (this.gpuCloud) return this.fleetsValueUsd(last, market, fixedCostUsdPerMonth) - remainingCapexUsd;

    const v = site.monthlyDiscount;
    const itKw = this.convertedMw * site.itKwPerMw;
    const netShare = 1 - site.tripleNetCostShareOfRent;
    // The power of the hosted IT, when the site pays it, runs as long as a tenant does: at the
    // horizon's price, like the lease rate at the horizon's AI index.
    const hostedPowerUsd = site.powerPassThrough ? 0 : this.convertedMw * HOURS_PER_MONTH * blendedPowerUsdPerMwh(site, market.energyUsdPerMwh[last]);
    const fixedUsd = site.landlordOpexUsdPerKwMonth * itKw + fixedCostUsdPerMonth + hostedPowerUsd;
    const index = market.aiDemandIndex[last];
    const marketNoiUsd = site.leaseUsdPerKwMonth * index ** site.leaseElasticity * itKw * netShare - fixedUsd;
    const releaseUsd = capRateValue(marketNoiUsd, site.capRatePerYear);
    const state = this.leaseState;
    if (state === Lease.Signed || state === Lease.Leased) {
      const leaseEndMonth = this.leaseStartMonth + site.leaseMonths;
      const firstMonth = Math.max(endMonth, this.leaseStartMonth);
      const months = leaseEndMonth - firstMonth;
      if (months > 0) {
        const delay = firstMonth - endMonth;
        const firstLeaseMonth = firstMonth - this.leaseStartMonth;
        // The escalation of the month before the first payment; escalatedLeasePv steps it on anniversaries.
        let firstRentUsd = itKw * this.leaseRateUsdPerKwMonth * (state === Lease.Signed ? 1 : this.escalation);
        if (firstLeaseMonth > 0 && firstLeaseMonth % 12 === 0) firstRentUsd *= 1 + site.escalatorPerYear;
        const contractedUsd = netShare * escalatedLeasePv(firstRentUsd, site.escalatorPerYear, firstLeaseMonth, months, v) - fixedUsd * annuityFactor(months, v);
        return v ** delay * (contractedUsd + v ** months * releaseUsd) - remainingCapexUsd;
      }
    }
    // Vacant (or about to be): the rent starts when a tenant signs; a guarantor still pays the months
    // of the defaulted term that stay vacant (at its payment now: its escalations are left out).
    const handoverDelay = Math.max(0, this.leaseStartMonth - endMonth);
    const signingProbability = site.signingProbabilityPerMonth * index;
    let vacantUsd = v ** handoverDelay * expectedSearchDiscount(signingProbability, v) * releaseUsd;
    if (this.guaranteeUntilMonth > endMonth) vacantUsd += this.guaranteeUsd * vacancyAnnuity(signingProbability, v, this.guaranteeUntilMonth - endMonth);
    return vacantUsd - remainingCapexUsd;
  }

  /**
   * The GPU fleets after month `last`, at what they can still earn: each hall's net rental over its
   * fleet's remaining life, as runGpuCloud sells it (under contract to the hall's term at the
   * contract price, then at the horizon's market price falling with the fleet's age), less the
   * cloud's opex, its power at the horizon's price and its share of `fixedCostUsdPerMonth`; never
   * below 0 (an owner would idle or sell them). The halls after their fleets' lives are not valued
   * (conservative). Not their book value: under the model's price decline a fleet earns about a
   * quarter of its straight-line book value.
   */
  private fleetsValueUsd(last: number, market: MarketPath, fixedCostUsdPerMonth: number): number {
    const site = this.site;
    const v = site.monthlyDiscount;
    const delivered = this.hallsStarted(last - this.buildMonths);
    const hallHours = ((this.convertedMw * site.itKwPerMw) / this.halls / site.itKwPerGpu) * HOURS_PER_MONTH;
    const utilisation = Math.min(1, site.gpuUtilisation * market.aiDemandIndex[last]);
    const contractHallUsd = hallHours * Math.max(site.gpuTakeOrPayShare, utilisation) * site.gpuContractUsdPerHour;
    const marketHallUsd = hallHours * utilisation * market.newGpuUsdPerHour[last];
    const hallCostUsd = (this.convertedMw / this.halls) * HOURS_PER_MONTH * utilisation * blendedPowerUsdPerMwh(site, market.energyUsdPerMwh[last]) + fixedCostUsdPerMonth / this.halls;
    let valueUsd = 0;
    for (let hall = 0; hall < delivered; hall++) {
      const contractEnd = this.firstHandoverMonth + hall * this.hallIntervalMonths + site.gpuContractMonths;
      let priceFactor = this.fleetPriceFactor[hall];
      let discount = v;
      let hallUsd = 0;
      for (let k = 0; k < site.gpuLifeMonths - this.fleetAgeMonths[hall]; k++) {
        const revenueUsd = last + 1 + k < contractEnd ? contractHallUsd : marketHallUsd * priceFactor;
        hallUsd += discount * (revenueUsd * (1 - site.gpuOpexShareOfRevenue) - hallCostUsd);
        priceFactor *= site.gpuMonthlyPriceFactor;
        discount *= v;
      }
      valueUsd += Math.max(0, hallUsd);
    }
    return valueUsd;
  }

  /**
   * Whether a new fleet for one hall, bought at the start of this month, earns its price: its net
   * rental over its life, at the month's newest GPU-hour price falling with its age, the month's
   * utilisation and power price, less the cloud's opex, discounted (closed forms:
   * newFleetRentalFactor, newFleetCostFactor). The site's opex is paid either way.
   */
  private newFleetPays(hallGpus: number, utilisation: number, newGpuUsdPerHour: number, spotUsdPerMwh: number): boolean {
    const site = this.site;
    const rentalUsd = hallGpus * HOURS_PER_MONTH * utilisation * newGpuUsdPerHour * (1 - site.gpuOpexShareOfRevenue);
    const powerUsd = (this.convertedMw / this.halls) * HOURS_PER_MONTH * utilisation * blendedPowerUsdPerMwh(site, spotUsdPerMwh);
    return rentalUsd * this.newFleetRentalFactor - powerUsd * this.newFleetCostFactor >= hallGpus * site.gpuCapexUsd;
  }

  /** Site-funded capex not yet spent by `endMonth` on halls still building. */
  private remainingCapexUsd(endMonth: number): number {
    let hallMonths = 0;
    for (let hall = 0; hall < this.halls; hall++) {
      const hallStart = this.startMonth + hall * this.hallIntervalMonths;
      hallMonths += Math.min(this.buildMonths, Math.max(0, hallStart + this.buildMonths - Math.max(endMonth, hallStart)));
    }
    return (hallMonths * this.hallCapexUsd) / this.buildMonths;
  }
}
