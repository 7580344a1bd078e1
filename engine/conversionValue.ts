// The NPV of converting a leased share of the site at any month of one path, without walking the
// months after the conversion: fitting a conversion policy needs it at every decision month with
// every action on every fitting path (2 x 120 conversions a path on base), and walking them cost
// ~30 ns a month, 14,520 months a path.
//
// It is the never-converting NPV plus what converting changes. The never-converting NPV is itself
// a sum of the path's (the per-MW mining cash flows, discounted, and the mining part's terminal
// value) and the site's (opex, the site debt's service and what is still owed at the horizon), so
// fitting a policy needs no strategy evaluation of its own when every action is leased. What
// converting changes is a few sums:
// - the mining given up: the converted share of each hall's per-MW mining cash flow (curtailed
//   months earn 0 either way) from the hall's build start, a suffix sum of the path's discounted
//   per-MW cash flows, computed once per path;
// - the capex and the project debt: fixed by the start month and the build time (the debt accrues
//   as it is drawn, then amortises at a level payment: closed forms; with hosting.debtInNpv off,
//   the NPV's, it has none and the capex counts as spent);
// - the leases: the hosting's lease states (hosting.ts) jump from event to event (handover,
//   signing, default, end of term), and between two events the rent is the signed rate times the
//   escalator steps times the delivered halls, whose discounted sums over a lease are a table of
//   the site (the same for every path); the next default and the next signing after a month are
//   arrays of the path, computed once;
// - the terminal value by cash-flow type (the mining part's last 12 months, the lease's contracted
//   rent and cap-rate value, the debt still owed), from the state at the horizon.
// Site debt, the site's opex and its cash do not depend on the conversion.
//
// It covers what it can value this way and says so (covers()): leasing, no tax (a month's tax
// depends on the sign of its own operating cash flow), no capex advance (credited against rent at
// a rate capped by what is owed), no guarantor (it pays for the months a re-let leaves vacant),
// terminal value by cash-flow type. Anything else is walked month by month by the strategy
// evaluator; never converting is valued from the sums whatever the lease terms (coversHold()). test/conversionValue.test.ts holds it to the evaluator's
// NPV, conversion by conversion, on scenarios that exercise every branch.
import { HOURS_PER_MONTH, type MarketPath } from './market.js';
import { annuityPayment, blendedPowerUsdPerMwh, TERMINAL_BY_CASH_FLOW, wholeBuildMonths, type SiteDraws, type SiteParams } from './site.js';
import { annuityFactor, capRateValue, escalatedLeasePv, expectedSearchDiscount } from './terminalValue.js';

/** A start table's fields (ConversionValuer.fillStartTable). */
const START_CAPEX = 0;
const START_DEBT_PAYMENTS = 1;
const START_DEBT = 2;
const START_OFFLINE = 3;
const START_FIXED = 4;
const START_REMAINING_CAPEX = 5;
const START_FIELDS = 6;

export class ConversionValuer {
  private readonly months: number;
  /** sd[m]: sum of the discount factors of months m .. months - 1. */
  private readonly discountSuffix: Float64Array;
  /** [start][m], m = start .. months: discounted escalator steps of a lease signed at start, summed over months start .. m - 1. */
  private readonly escalatedDiscount: Float64Array;
  /** [f]: escalatedLeasePv of a unit rent for the rest of a lease from lease month f, escalated to f. */
  private readonly leaseTail: Float64Array;
  private readonly leaseAnnuity: Float64Array;
  /** [lease month]: (1 + escalator)^(whole lease years), as the hosting steps it. */
  private readonly escalationAt: Float64Array;
  /** v^k, k = 0 .. longest handover delay or lease. */
  private readonly discountPower: Float64Array;
  /** (1 + project debt rate)^k, k = 0 .. months. */
  private readonly debtGrowth: Float64Array;
  /** Level payment per USD of project debt. */
  private readonly debtPaymentPerUsd: number;
  /** The share of the capex on project debt as the NPV sees it: none unless hosting.debtInNpv (the capex then counts as spent). */
  private readonly valuedDebtShare: number;
  // Per path (preparePath).
  private readonly miningSuffix: Float64Array;
  private readonly miningSuffixUndiscounted: Float64Array;
  private readonly powerSuffix: Float64Array;
  private readonly nextDefault: Int32Array;
  private readonly nextSigning: Int32Array;
  private readonly leaseRate: Float64Array;
  /** Project debt after k months of building, per USD of one hall's site-funded capex (fillStartTable's, for one build time). */
  private readonly buildDebt: Float64Array;
  /**
   * Per build time (index: months), what a conversion starting at each month changes that no path
   * does ([start month][START_FIELDS], fillStartTable).
   */
  private readonly startTables: Float64Array[] = [];
  /** The prepared path's build time and its start table. */
  private buildMonths = 1;
  private startTable: Float64Array;
  /** Never converting: what the site pays whatever the path (opex, site debt), discounted to month 0 (the terminal value's debt included). */
  private readonly siteFixedNpvUsd: number;
  /** The prepared path's never-converting NPV. */
  private holdNpvUsd = 0;
  // valueStart's results for valuedStartMonth, per unit of share converted.
  private valuedStartMonth = -1;
  private startChangeUsd = 0;
  private startTerminalUsd = 0;
  private startOfflineShare = 0;
  private startLast12OfflineUsd = 0;
  private holdMiningTerminalUsd = 0;
  private holdLast12MiningUsd = 0;
  /** The market lease rate in the horizon's last month, and the expected discount of a tenant search then. */
  private releaseRate = 0;
  private searchDiscount = 0;
  /** The power of the converted MW at the horizon's price when the site pays it (powerPassThrough false), else 0: a terminal fixed cost, as in hosting.ts. */
  private hostedPowerUsd = 0;
  private readonly ehsPerMw: number;

  constructor(private readonly site: SiteParams) {
    const months = site.months;
    this.months = months;
    const discount = site.discountFactors;
    this.discountSuffix = new Float64Array(months + 1);
    for (let m = months - 1; m >= 0; m--) this.discountSuffix[m] = this.discountSuffix[m + 1] + discount[m];
    const step = 1 + site.escalatorPerYear;
    this.escalatedDiscount = new Float64Array(months * (months + 1));
    for (let start = 0; start < months; start++) {
      const row = start * (months + 1);
      let escalation = 1;
      for (let m = start; m < months; m++) {
        const leaseMonth = m - start;
        if (leaseMonth > 0 && leaseMonth % 12 === 0) escalation *= step;
        this.escalatedDiscount[row + m + 1] = this.escalatedDiscount[row + m] + discount[m] * escalation;
      }
    }
    const v = site.monthlyDiscount;
    this.leaseTail = new Float64Array(site.leaseMonths);
    this.leaseAnnuity = new Float64Array(site.leaseMonths + 1);
    let escalation = 1;
    for (let f = 0; f < site.leaseMonths; f++) {
      if (f > 0 && f % 12 === 0) escalation *= step;
      this.leaseTail[f] = escalatedLeasePv(escalation, site.escalatorPerYear, f, site.leaseMonths - f, v);
    }
    for (let n = 0; n <= site.leaseMonths; n++) this.leaseAnnuity[n] = annuityFactor(n, v);
    this.escalationAt = new Float64Array(site.leaseMonths);
    for (let f = 0; f < site.leaseMonths; f++) this.escalationAt[f] = (1 + site.escalatorPerYear) ** Math.floor(f / 12);
    const longestBuild = wholeBuildMonths(site.buildMonthsMax) + (site.tranches - 1) * site.trancheIntervalMonths;
    this.discountPower = new Float64Array(Math.max(site.leaseMonths, longestBuild) + 1);
    for (let k = 0; k < this.discountPower.length; k++) this.discountPower[k] = v ** k;
    this.debtGrowth = new Float64Array(months + 1);
    for (let k = 0; k <= months; k++) this.debtGrowth[k] = (1 + site.capexDebtMonthlyRate) ** k;
    this.debtPaymentPerUsd = annuityPayment(1, site.capexDebtMonthlyRate, site.capexDebtTermMonths);
    this.valuedDebtShare = site.capexDebtShare * site.debtInNpv;
    this.miningSuffix = new Float64Array(months + 1);
    this.miningSuffixUndiscounted = new Float64Array(months + 1);
    this.powerSuffix = new Float64Array(months + 1);
    this.nextDefault = new Int32Array(months + 1);
    this.nextSigning = new Int32Array(months + 1);
    this.leaseRate = new Float64Array(months);
    this.buildDebt = new Float64Array(longestBuild + 1);
    this.startTable = new Float64Array(0);
    this.ehsPerMw = 1 / site.efficiencyJPerTh;
    let fixedUsd = site.opexUsdPerMonth * this.discountSuffix[0];
    // The site's debt only where the NPV counts debt (hosting.debtInNpv), as in strategy.ts.
    for (let m = 0; m < months; m++) fixedUsd += site.siteDebtServiceUsd[m] * discount[m] * site.debtInNpv;
    this.siteFixedNpvUsd = -fixedUsd - site.siteDebtAtHorizonUsd * discount[months - 1] * site.debtInNpv;
    // Every build time a path can draw (SiteDraws: a triangular draw between the two, made whole),
    // here in a row: filled as paths first drew them, the function ran often enough for V8 to
    // spend ~35 ms compiling it in each worker, for work that takes a few ms.
    for (let b = wholeBuildMonths(site.buildMonthsMin); b <= wholeBuildMonths(site.buildMonthsMax); b++) this.startTables[b] = this.fillStartTable(b);
  }

  /** Whether npvUsd values a conversion to this operation exactly (see the file comment). */
  covers(gpuCloud: boolean): boolean {
    return !gpuCloud && this.site.backstopShare === 0 && this.coversHold();
  }

  /** Whether holdNpvUsd, never converting, is exact. */
  coversHold(): boolean {
    const site = this.site;
    return site.taxRate === 0 && site.capexAdvanceUsdPerMw === 0 && site.terminalMethod === TERMINAL_BY_CASH_FLOW;
  }

  /**
   * Per-path sums for npvUsd and neverConvertingNpvUsd: the path's market and draws, mining with
   * curtailment or not, without refresh.
   */
  preparePath(market: MarketPath, draws: SiteDraws, curtail: boolean): void {
    const site = this.site;
    const months = this.months;
    const discount = site.discountFactors;
    const ppaCostUsdPerMwh = site.ppaShare * site.ppaUsdPerMwh;
    const spotShare = 1 - site.ppaShare;
    const revenuePerBtcEhs = this.ehsPerMw * site.uptime * (1 - site.poolFee);
    const mwhPerMw = HOURS_PER_MONTH * site.uptime;
    const { energyUsdPerMwh, btcPerEhsMonth, priceUsd, aiDemandIndex, aiWinter } = market;
    let mining = 0;
    let miningUndiscounted = 0;
    let power = 0;
    let nextDefault = months;
    let nextSigning = months;
    this.miningSuffix[months] = 0;
    this.miningSuffixUndiscounted[months] = 0;
    this.powerSuffix[months] = 0;
    this.nextDefault[months] = months;
    this.nextSigning[months] = months;
    for (let m = months - 1; m >= 0; m--) {
      const powerUsdPerMwh = ppaCostUsdPerMwh + spotShare * energyUsdPerMwh[m];
      const revenueUsd = revenuePerBtcEhs * btcPerEhsMonth[m] * priceUsd[m];
      const energyUsd = mwhPerMw * powerUsdPerMwh;
      const netUsd = curtail && revenueUsd < energyUsd ? 0 : revenueUsd - energyUsd;
      mining += discount[m] * netUsd;
      miningUndiscounted += netUsd;
      power += discount[m] * powerUsdPerMwh;
      this.miningSuffix[m] = mining;
      this.miningSuffixUndiscounted[m] = miningUndiscounted;
      this.powerSuffix[m] = power;
      const index = aiDemandIndex[m];
      if (draws.defaultU[m] < (aiWinter[m] ? site.winterDefaultProbabilityPerMonth : site.defaultProbabilityPerMonth)) nextDefault = m;
      if (draws.signingU[m] < site.signingProbabilityPerMonth * index) nextSigning = m;
      this.nextDefault[m] = nextDefault;
      this.nextSigning[m] = nextSigning;
      this.leaseRate[m] = site.leaseUsdPerKwMonth * index ** site.leaseElasticity;
    }
    this.valuedStartMonth = -1;
    const last12From = Math.max(0, months - 12);
    this.holdLast12MiningUsd = site.powerMw * this.miningSuffixUndiscounted[last12From] - site.opexUsdPerMonth * (months - last12From);
    this.holdMiningTerminalUsd = this.miningTerminalUsd(this.holdLast12MiningUsd, 0);
    this.holdNpvUsd = site.powerMw * mining + this.siteFixedNpvUsd + this.holdMiningTerminalUsd * discount[months - 1];
    const releaseIndex = aiDemandIndex[months - 1];
    this.releaseRate = site.leaseUsdPerKwMonth * releaseIndex ** site.leaseElasticity;
    this.hostedPowerUsd = site.powerPassThrough ? 0 : site.powerMw * HOURS_PER_MONTH * blendedPowerUsdPerMwh(site, energyUsdPerMwh[months - 1]);
    this.searchDiscount = expectedSearchDiscount(site.signingProbabilityPerMonth * releaseIndex, site.monthlyDiscount);
    this.buildMonths = draws.buildMonths;
    this.startTable = this.startTables[draws.buildMonths];
  }

  /**
   * The start table of a build of `buildMonths` (startTables): per start month, the capex paid
   * while building, the project debt's payments, the debt owed at the horizon, the share of the MW
   * offline then, the fixed costs of the converted part then, and the capex of the halls still
   * building then; each computed as valueStart computed it before it had the table (the same bits).
   */
  private fillStartTable(buildMonths: number): Float64Array {
    this.fillBuildDebt(buildMonths);
    const site = this.site;
    const months = this.months;
    const halls = site.tranches;
    const interval = site.trancheIntervalMonths;
    const sd = this.discountSuffix;
    const itKwFull = site.powerMw * site.itKwPerMw;
    const hallCapexUsd = (site.powerMw * site.conversionUsdPerMw * (1 - site.tenantCapexShare)) / halls;
    const table = new Float64Array(months * START_FIELDS);
    for (let startMonth = 0; startMonth < months; startMonth++) {
      const row = startMonth * START_FIELDS;
      const lastHandover = startMonth + buildMonths + (halls - 1) * interval;
      // Capex while building, hall by hall (a hall goes offline when its build starts).
      let hallBuildDiscount = 0;
      for (let h = 0; h < halls; h++) {
        const hallStart = Math.min(months, startMonth + h * interval);
        const handover = Math.min(months, hallStart + buildMonths);
        hallBuildDiscount += sd[hallStart] - sd[handover];
      }
      table[row + START_CAPEX] = ((hallCapexUsd * (1 - this.valuedDebtShare)) / buildMonths) * hallBuildDiscount;
      // Project debt: drawn during the build, then a level payment from the last handover.
      let debtUsd: number;
      if (lastHandover <= months) {
        const principalUsd = hallCapexUsd * this.buildDebt[lastHandover - startMonth];
        const paymentUsd = principalUsd * this.debtPaymentPerUsd;
        const paid = months - lastHandover;
        table[row + START_DEBT_PAYMENTS] = paymentUsd * (sd[lastHandover] - sd[lastHandover + Math.min(paid, site.capexDebtTermMonths)]);
        const r = site.capexDebtMonthlyRate;
        const growth = this.debtGrowth[paid];
        debtUsd = paid >= site.capexDebtTermMonths ? 0 : r === 0 ? principalUsd - paid * paymentUsd : principalUsd * growth - (paymentUsd * (growth - 1)) / r;
        if (debtUsd < 1e-6) debtUsd = 0;
      } else {
        debtUsd = hallCapexUsd * this.buildDebt[months - startMonth];
      }
      table[row + START_DEBT] = debtUsd;
      // At the horizon: the halls offline, the converted part's fixed costs, the capex still to pay.
      const lastStarted = interval === 0 ? halls : Math.min(halls, Math.floor((months - 1 - startMonth) / interval) + 1);
      const offlineShare = lastHandover > months - 1 ? lastStarted / halls : 1;
      table[row + START_OFFLINE] = offlineShare;
      table[row + START_FIXED] = site.landlordOpexUsdPerKwMonth * itKwFull + site.opexUsdPerMonth * offlineShare;
      let remainingHallMonths = 0;
      for (let h = 0; h < halls; h++) {
        const hallStart = startMonth + h * interval;
        remainingHallMonths += Math.min(buildMonths, Math.max(0, hallStart + buildMonths - Math.max(months, hallStart)));
      }
      table[row + START_REMAINING_CAPEX] = (remainingHallMonths * hallCapexUsd) / buildMonths;
    }
    return table;
  }

  /** buildDebt for a build of `buildMonths` (the same for every start month). */
  private fillBuildDebt(buildMonths: number): void {
    const site = this.site;
    const halls = site.tranches;
    const interval = site.trancheIntervalMonths;
    const building = buildMonths + (halls - 1) * interval;
    let balance = 0;
    this.buildDebt[0] = 0;
    for (let k = 0; k < building; k++) {
      const started = interval === 0 ? halls : Math.min(halls, Math.floor(k / interval) + 1);
      const delivered = k < buildMonths ? 0 : interval === 0 ? halls : Math.min(halls, Math.floor((k - buildMonths) / interval) + 1);
      balance = balance * (1 + site.capexDebtMonthlyRate) + ((started - delivered) / buildMonths) * this.valuedDebtShare;
      this.buildDebt[k + 1] = balance;
    }
  }

  /** The mining part's terminal value (before debt) from its last 12 months of cash flow and the share of the MW offline. */
  private miningTerminalUsd(last12MiningUsd: number, offlineShare: number): number {
    const site = this.site;
    const months = this.months;
    const annualUsd = months >= 12 ? last12MiningUsd : (last12MiningUsd * 12) / months;
    const salvageUsd = this.ehsPerMw * site.powerMw * (1 - offlineShare) * 1e6 * site.miningSalvageUsdPerTh;
    return Math.max(0, site.terminalMultiple * annualUsd * (1 - site.taxRate), salvageUsd);
  }

  /** The NPV of never converting on the prepared path (covers(false) must hold): the strategy evaluator's, to rounding. */
  get neverConvertingNpvUsd(): number {
    return this.holdNpvUsd;
  }

  /** NPV of converting `share` of the MW to lease from month `startMonth` on the prepared path (covers(false) must hold). */
  npvUsd(startMonth: number, share: number): number {
    if (startMonth !== this.valuedStartMonth) this.valueStart(startMonth);
    const offlineShare = share * this.startOfflineShare;
    const last12MiningUsd = this.holdLast12MiningUsd - share * this.startLast12OfflineUsd;
    const terminalChangeUsd = share * this.startTerminalUsd + this.miningTerminalUsd(last12MiningUsd, offlineShare) - this.holdMiningTerminalUsd;
    return this.holdNpvUsd + share * this.startChangeUsd + terminalChangeUsd * this.site.discountFactors[this.months - 1];
  }

  /**
   * What converting all of the MW from `startMonth` changes, except the mining part's terminal
   * value: every other cash flow of the conversion, its terminal value and debt are proportional to
   * the share converted (the halls, the capex, the debt, the IT load; the lease events do not
   * depend on it), so both actions at a month share this.
   */
  private valueStart(startMonth: number): void {
    const site = this.site;
    const months = this.months;
    const halls = site.tranches;
    const interval = site.trancheIntervalMonths;
    const buildMonths = this.buildMonths;
    const convertedMw = site.powerMw;
    const itKwFull = convertedMw * site.itKwPerMw;
    const firstHandover = startMonth + buildMonths;
    const lastHandover = firstHandover + (halls - 1) * interval;
    const table = this.startTable;
    const row = startMonth * START_FIELDS;

    // Mining given up, hall by hall (a hall goes offline when its build starts), and capex.
    let hallMiningUsd = 0;
    let last12OfflineUsd = 0;
    const last12From = Math.max(0, months - 12);
    for (let h = 0; h < halls; h++) {
      const hallStart = Math.min(months, startMonth + h * interval);
      hallMiningUsd += this.miningSuffix[hallStart];
      const from = Math.max(last12From, hallStart);
      last12OfflineUsd += site.powerMw * this.miningSuffixUndiscounted[from] - site.opexUsdPerMonth * (months - from);
    }
    let changeUsd = -(site.powerMw * hallMiningUsd) / halls;
    changeUsd -= table[row + START_CAPEX];
    if (lastHandover <= months) changeUsd -= table[row + START_DEBT_PAYMENTS];

    // Leases, from event to event (hosting.ts's lease states).
    let leaseStart = firstHandover;
    let rate = 0;
    /** The lease state at the horizon: true while a lease (signed or running) holds. */
    let leased = false;
    /** What a defaulted tenant's claim still open at the horizon will bring (hosting.ts pendingClaimUsd). */
    let pendingClaimUsd = 0;
    let searchFrom = firstHandover;
    if (site.preLeased) {
      rate = this.leaseRate[startMonth];
      leased = true;
      searchFrom = -1;
    }
    for (;;) {
      if (searchFrom >= 0) {
        const signed = searchFrom < months ? this.nextSigning[searchFrom] : months;
        if (signed >= months) break;
        leaseStart = signed;
        rate = this.leaseRate[signed];
        leased = true;
        searchFrom = -1;
      }
      if (leaseStart >= months) break; // signed, handed over after the horizon
      const leaseEnd = leaseStart + site.leaseMonths;
      const until = Math.min(leaseEnd, months);
      const defaulted = this.nextDefault[leaseStart];
      if (defaulted < until) {
        changeUsd += this.leaseIncomeUsd(leaseStart, leaseStart, defaulted, rate, itKwFull, convertedMw, firstHandover, lastHandover);
        const deliveredShare = this.deliveredShare(defaulted, firstHandover, lastHandover);
        // A default comes before the lease's end: within the table.
        const escalation = this.escalationAt[defaulted - leaseStart];
        const claimRentUsd = itKwFull * deliveredShare * rate * escalation;
        const capMonths = site.defaultClaimMonths[site.leaseMonths - (defaulted - leaseStart)];
        if (site.claimPaidAtDefault) {
          changeUsd += site.recoveryShare * claimRentUsd * capMonths * site.discountFactors[defaulted];
        } else {
          // Settled when the site re-lets, for the months vacant, or when those reach the cap
          // (hosting.ts settleClaim); still open at the horizon, in the terminal value.
          const relet = defaulted + 1 < months ? this.nextSigning[defaulted + 1] : months;
          const reletFirst = relet - defaulted <= capMonths;
          const settled = reletFirst ? relet : defaulted + Math.ceil(capMonths);
          if (settled < months) changeUsd += site.recoveryShare * claimRentUsd * (reletFirst ? relet - defaulted : capMonths) * site.discountFactors[settled];
          else pendingClaimUsd = site.recoveryShare * claimRentUsd * Math.min(capMonths, months - defaulted);
        }
        leased = false;
        searchFrom = defaulted + 1;
        continue;
      }
      changeUsd += this.leaseIncomeUsd(leaseStart, leaseStart, until, rate, itKwFull, convertedMw, firstHandover, lastHandover);
      if (leaseEnd >= months) break;
      leased = false;
      searchFrom = leaseEnd;
    }

    // Terminal value: the converted part (hosting.ts terminalValueUsd) and the debt; the mining part is npvUsd's.
    const offlineShare = table[row + START_OFFLINE];
    const netShare = 1 - site.tripleNetCostShareOfRent;
    const fixedUsd = table[row + START_FIXED] + this.hostedPowerUsd;
    const marketNoiUsd = this.releaseRate * itKwFull * netShare - fixedUsd;
    const releaseUsd = capRateValue(marketNoiUsd, site.capRatePerYear);
    // The value with a tenant still to find (no lease at the horizon, or it ends there), computed
    // on every path although few need it: in a branch of its own it was first reached after V8
    // had compiled this function, which then threw that code away to learn the branch.
    const searchUsd = this.discountPower[Math.max(0, leaseStart - months)] * this.searchDiscount * releaseUsd;
    let convertedUsd = NaN;
    if (leased) {
      const firstMonth = Math.max(months, leaseStart);
      const remaining = leaseStart + site.leaseMonths - firstMonth;
      if (remaining > 0) {
        const firstLeaseMonth = firstMonth - leaseStart;
        const contractedUsd = netShare * itKwFull * rate * this.leaseTail[firstLeaseMonth] - fixedUsd * this.leaseAnnuity[remaining];
        convertedUsd = this.discountPower[firstMonth - months] * (contractedUsd + this.discountPower[remaining] * releaseUsd);
      }
    }
    if (convertedUsd !== convertedUsd) convertedUsd = searchUsd;
    convertedUsd -= table[row + START_REMAINING_CAPEX];
    this.valuedStartMonth = startMonth;
    this.startChangeUsd = changeUsd;
    this.startTerminalUsd = (convertedUsd > 0 ? convertedUsd * (1 - site.taxRate) : convertedUsd) - table[row + START_DEBT] + pendingClaimUsd;
    this.startOfflineShare = offlineShare;
    this.startLast12OfflineUsd = last12OfflineUsd / halls;
  }

  /** Share of the halls handed over by month m. */
  private deliveredShare(m: number, firstHandover: number, lastHandover: number): number {
    if (m >= lastHandover) return 1;
    const interval = this.site.trancheIntervalMonths;
    const delivered = interval === 0 ? this.site.tranches : Math.min(this.site.tranches, Math.floor((m - firstHandover) / interval) + 1);
    return delivered / this.site.tranches;
  }

  /**
   * Present value of a lease signed at `leaseStart` at `rate` (USD per kW-month) paying its rent
   * in months from .. until - 1, net of the landlord's costs and, without pass-through,
   * the power of the delivered halls: hall by hall, each from its handover.
   */
  private leaseIncomeUsd(leaseStart: number, from: number, until: number, rate: number, itKwFull: number, convertedMw: number, firstHandover: number, lastHandover: number): number {
    const site = this.site;
    const months = this.months;
    const halls = site.tranches;
    const row = leaseStart * (months + 1);
    const sd = this.discountSuffix;
    let rentDiscount = 0;
    let hallDiscount = 0;
    let powerDiscount = 0;
    for (let h = 0; h < halls; h++) {
      const handover = h === halls - 1 ? lastHandover : firstHandover + h * site.trancheIntervalMonths;
      const a = Math.max(from, handover);
      if (a >= until) continue;
      rentDiscount += this.escalatedDiscount[row + until] - this.escalatedDiscount[row + a];
      hallDiscount += sd[a] - sd[until];
      powerDiscount += this.powerSuffix[a] - this.powerSuffix[until];
    }
    const rentUsd = (itKwFull * rate * rentDiscount) / halls;
    let incomeUsd = (1 - site.tripleNetCostShareOfRent) * rentUsd - (site.landlordOpexUsdPerKwMonth * itKwFull * hallDiscount) / halls;
    if (!site.powerPassThrough) incomeUsd -= (convertedMw * HOURS_PER_MONTH * powerDiscount) / halls;
    return incomeUsd;
  }
}
