// The deal mechanics of issue #11 against hand-computed cash flows: pre-leasing, tenant-funded
// capex and advances, project debt, guarantors, credit grades, lease forms, halls delivered in
// tranches, GPU cloud contracts, the terminal value by cash-flow type and the funding need. Each
// runs in the deterministic world of hostingWorld.ts (AI index 1 unless a test edits it, GPU price
// $2/h, build 12 months, 100 MW at PUE 1.3 = 76,923 kW of IT, capex $9M per MW of IT).
import { describe, expect, it } from 'vitest';
import { HOURS_PER_MONTH } from '../engine/market.js';
import { annuityPayment, siteParams } from '../engine/site.js';
import { StrategyEvaluator, strategyRule } from '../engine/strategy.js';
import { annuityFactor, escalatedLeasePv, expectedSearchDiscount, vacancyAnnuity } from '../engine/terminalValue.js';
import { gradeHazardsPerYear } from '../engine/creditGrades.js';
import { compileModel } from '../engine/model.js';
import { createOutcomeBlock, strategyColumn } from '../engine/outcomes.js';
import { TrialKernel } from '../engine/trial.js';
import { shareWhere } from '../outputs/statistics.js';
import { fundingSummary } from '../outputs/summary.js';
import { contractRun, dealChecks } from '../runners/dealValidation.js';
import { presetWith } from '../runners/realOptionChecks.js';
import { loadScenario, parseScenario, resolvedScenarioJson } from '../scenarios/load.js';
import { months, setting } from './hostingWorld.js';
import { scenarioErrorOf } from './scenarioErrorOf.js';

const IT_KW = (100 * 1000) / 1.3;
const CAPEX_USD = (100 / 1.3) * 9e6;
const RENT_USD = IT_KW * 130; // a month at $130/kW at index 1
const r = 0.08 / 12;

describe('pre-leasing', () => {
  it('signs at the start at that month\'s market rate and earns from the handover; speculative signs later at the rate then', () => {
    const pre = setting({ preLeased: true, escalatorPerYear: 0 });
    pre.market.aiDemandIndex[0] = 1.2;
    pre.market.aiDemandIndex[12] = 0.8;
    pre.draws.signingU.fill(1); // no tenant would sign by searching
    pre.hosting.start(0, 1, false, pre.draws);
    const rows = months(pre.hosting, pre.market, pre.draws, 30);
    for (let m = 0; m < 12; m++) expect(rows[m].rent).toBe(0);
    expect(rows[12].rent).toBeCloseTo(RENT_USD * 1.2, 4);
    expect(rows[29].rent).toBeCloseTo(RENT_USD * 1.2, 4);

    const spec = setting({ preLeased: false, escalatorPerYear: 0 });
    spec.market.aiDemandIndex[0] = 1.2;
    spec.market.aiDemandIndex[12] = 0.8;
    spec.draws.signingU.fill(1);
    spec.draws.signingU[14] = 0; // signs in month 14 (probability 0.1 x index 1)
    spec.hosting.start(0, 1, false, spec.draws);
    const specRows = months(spec.hosting, spec.market, spec.draws, 30);
    expect(specRows[12].rent).toBe(0);
    expect(specRows[13].rent).toBe(0);
    expect(specRows[14].rent).toBeCloseTo(RENT_USD, 4);
  });

  it('runs the term from the handover, escalating on its anniversaries, then looks for a tenant', () => {
    const { market, draws, hosting } = setting({ preLeased: true, escalatorPerYear: 0.03, leaseYears: 2 });
    draws.signingU.fill(1);
    hosting.start(0, 1, false, draws);
    const rows = months(hosting, market, draws, 40);
    expect(rows[23].rent).toBeCloseTo(RENT_USD, 4);
    expect(rows[24].rent).toBeCloseTo(RENT_USD * 1.03, 4);
    expect(rows[35].rent).toBeCloseTo(RENT_USD * 1.03, 4);
    expect(rows[36].rent).toBe(0); // 24 months from month 12: the lease is over and nobody signs
  });
});

describe('who pays for the conversion', () => {
  it('the site pays (1 - tenantCapexShare) of the capex, (1 - capexDebtShare) of it in cash, the rest on debt amortised from the handover', () => {
    const { market, draws, hosting } = setting({ tenantCapexShare: 0.75, capexDebtShare: 0.85, capexDebtTermMonths: 120 });
    hosting.start(0, 1, false, draws);
    const rows = months(hosting, market, draws, 14);
    const siteCapexUsd = CAPEX_USD * 0.25;
    let balance = 0;
    for (let m = 0; m < 12; m++) {
      expect(rows[m].capex).toBeCloseTo((siteCapexUsd * 0.15) / 12, 4);
      balance = balance * (1 + r) + (siteCapexUsd * 0.85) / 12;
    }
    expect(rows[12].debt).toBeCloseTo(annuityPayment(balance, r, 120), 4);
    expect(rows[12].capex).toBe(0);
  });

  it('takes the tenant\'s advance as the capex is spent and credits a share of each rent against it until repaid', () => {
    const { market, draws, hosting } = setting({ preLeased: true, escalatorPerYear: 0, capexAdvanceUsdPerMwIt: 1.5e6, advanceRecoupShareOfRent: 0.5 });
    hosting.start(0, 1, false, draws);
    const rows = months(hosting, market, draws, 60);
    const advanceUsd = (100 / 1.3) * 1.5e6; // $115M
    for (let m = 0; m < 12; m++) expect(rows[m].advance).toBeCloseTo(advanceUsd / 12, 4);
    const fullCredits = Math.floor(advanceUsd / (0.5 * RENT_USD)); // 23 months of half the rent
    for (let m = 12; m < 12 + fullCredits; m++) expect(rows[m].credited).toBeCloseTo(0.5 * RENT_USD, 4);
    expect(rows[12 + fullCredits].credited).toBeCloseTo(advanceUsd - fullCredits * 0.5 * RENT_USD, 3);
    expect(rows[13 + fullCredits].credited).toBe(0);
    expect(rows.reduce((sum, row) => sum + row.credited, 0)).toBeCloseTo(advanceUsd, 3);
    expect(rows[40].rent).toBeCloseTo(RENT_USD, 4); // rent is earned in full; only its cash was credited
    expect(hosting.owedAdvance).toBe(0);
  });

  it.each([
    // 12-year lease: the claim (15% of the 136 months left: 20.4 months of rent) exceeds the $75M still owed.
    ['a claim larger than the advance owed: a share of the rest is recovered', 12, 1.5e6],
    // 3-year lease, a larger advance: the claim (a year of rent) is less than the $191M owed, and the rest is paid back.
    ['an advance owed beyond the claim: paid back to the tenant\'s estate', 3, 3e6],
  ])('on default sets the advance not yet credited off against the site\'s claim (%s)', (_label, leaseYears, advancePerMwIt) => {
    const { market, draws, hosting } = setting({ preLeased: true, escalatorPerYear: 0, leaseYears, capexAdvanceUsdPerMwIt: advancePerMwIt, advanceRecoupShareOfRent: 0.5, recoveryShare: 0.3, defaultClaim: 'cappedRent' });
    draws.defaultU.fill(1);
    draws.defaultU[20] = 0; // lease month 8: eight half-rents credited (months 12 .. 19)
    draws.signingU.fill(1, 21); // nobody re-lets: the claim is settled at its cap
    hosting.start(0, 1, false, draws);
    const rows = months(hosting, market, draws, 45);
    const owedUsd = (100 / 1.3) * advancePerMwIt - 8 * 0.5 * RENT_USD;
    const capMonths = Math.max(12, 0.15 * (leaseYears * 12 - 8));
    const claimUsd = RENT_USD * capMonths;
    const settled = 20 + Math.ceil(capMonths);
    for (let m = 20; m < settled; m++) expect([rows[m].recovery, rows[m].advance, rows[m].credited]).toEqual([0, 0, 0]);
    if (claimUsd >= owedUsd) {
      expect(rows[settled].recovery).toBeCloseTo(0.3 * (claimUsd - owedUsd), 2);
      expect(rows[settled].advance).toBe(0);
    } else {
      expect(rows[settled].recovery).toBe(0);
      expect(rows[settled].advance).toBeCloseTo(claimUsd - owedUsd, 2);
    }
    expect(hosting.owedAdvance).toBe(0);
  });
});

describe('what the debt is worth (hosting.debtInNpv)', () => {
  const convertNow = strategyRule({ kind: 'convert', name: 'c', atMonth: 0, share: 1, operate: 'lease', curtail: true });
  const gpuNow = strategyRule({ kind: 'convert', name: 'g', atMonth: 0, share: 1, operate: 'gpuCloud', curtail: true });
  const evaluate = (hosting: Record<string, unknown>, rule = convertNow) => {
    const world = setting({ preLeased: true, ...hosting });
    return { ...new StrategyEvaluator(world.site).evaluate(rule, world.market, world.draws), site: world.site };
  };

  it('in the NPV at the discount rate, a loan at that same rate is worth nothing: the NPV is the one without debt', () => {
    // The bench's 12%/yr, compounded monthly as the debt's rate is: the loan's draws, payments and
    // the balance still owed at the horizon have a present value of 0.
    const indebted = evaluate({ debtInNpv: true, capexDebtShare: 0.8, capexDebtRatePerYear: 0.12, capexDebtTermMonths: 120 });
    const unindebted = evaluate({ debtInNpv: true, capexDebtShare: 0 });
    expect(Math.abs(indebted.npvUsd - unindebted.npvUsd)).toBeLessThan(1e-9 * CAPEX_USD);
    // A GPU cloud's GPUs, bought on credit at the start of a month, likewise: the loan's flows at
    // the discount rate are worth what the GPUs cost.
    const gpuOnCredit = evaluate({ debtInNpv: true, capexDebtRatePerYear: 0.12 }, gpuNow);
    const gpuAsSpent = evaluate({ debtInNpv: false, capexDebtRatePerYear: 0.12 }, gpuNow);
    expect(Math.abs(gpuOnCredit.npvUsd - gpuAsSpent.npvUsd)).toBeLessThan(1e-9 * CAPEX_USD);
  });

  it('in the NPV at the discount rate, cheaper debt adds the present value of its flows: the draws, less the payments and what is owed at the horizon', () => {
    const indebted = evaluate({ debtInNpv: true, capexDebtShare: 0.8, capexDebtRatePerYear: 0.08, capexDebtTermMonths: 120 });
    const unindebted = evaluate({ debtInNpv: true, capexDebtShare: 0 });
    const discount = indebted.site.discountFactors;
    // By hand: $692M of capex spent evenly over the 12-month build, 80% of it drawn as spent at 8%/yr,
    // then a level payment over 120 months from the handover; 48 of them within the 60-month horizon.
    let balanceUsd = 0;
    let debtPvUsd = 0;
    for (let m = 0; m < 12; m++) {
      balanceUsd = balanceUsd * (1 + r) + (CAPEX_USD * 0.8) / 12;
      debtPvUsd += ((CAPEX_USD * 0.8) / 12) * discount[m];
    }
    const paymentUsd = annuityPayment(balanceUsd, r, 120);
    for (let m = 12; m < 60; m++) {
      balanceUsd = balanceUsd * (1 + r) - paymentUsd;
      debtPvUsd -= paymentUsd * discount[m];
    }
    debtPvUsd -= balanceUsd * discount[59];
    expect(debtPvUsd).toBeGreaterThan(0.04 * CAPEX_USD); // 8% money against a 12% discount rate: worth having
    expect(indebted.npvUsd - unindebted.npvUsd).toBeCloseTo(debtPvUsd, 0);
  });

  it('at a cost of capital (the default) the NPV, IRR and payback are the project\'s, whatever the debt\'s share and rate; the cash carries the debt', () => {
    const indebted = evaluate({ debtInNpv: false, capexDebtShare: 0.8, capexDebtRatePerYear: 0.08 });
    const dearer = evaluate({ debtInNpv: false, capexDebtShare: 0.5, capexDebtRatePerYear: 0.2 });
    const unindebted = evaluate({ debtInNpv: false, capexDebtShare: 0 });
    const atDiscountRate = evaluate({ debtInNpv: true, capexDebtShare: 0 });
    for (const o of [indebted, dearer]) {
      expect(Math.abs(o.npvUsd - unindebted.npvUsd)).toBeLessThan(1e-9 * CAPEX_USD);
      expect(o.irr).toBeCloseTo(unindebted.irr, 10);
      expect(o.paybackMonth).toBe(unindebted.paybackMonth);
    }
    // Without debt the two valuations are one.
    expect(unindebted.npvUsd).toBe(atDiscountRate.npvUsd);
    // The cash still borrows: the lowest cash is higher with 80% of the build on debt.
    expect(indebted.minCashUsd).toBeGreaterThan(unindebted.minCashUsd + 0.5 * CAPEX_USD);
  });

  it('at a cost of capital the site\'s own debt, the same whatever the strategy does, leaves the NPV, IRR and payback alone; the cash has it', () => {
    const kernels = [0, 200e6].map((debtUsd) => new TrialKernel(compileModel(presetWith('base', (raw) => Object.assign(raw.site, { debtUsd, debtTermMonths: 48 })))));
    let compared = 0;
    for (let trial = 0; trial < 20; trial++) {
      const [free, indebted] = kernels.map((kernel) => {
        kernel.drawTrial(9, trial);
        return kernel.model.strategies.map((rule) => ({ ...kernel.evaluator.evaluate(rule, kernel.market, kernel.siteDraws) }));
      });
      free.forEach((o, s) => {
        const other = indebted[s];
        expect(Math.abs(other.npvUsd - o.npvUsd)).toBeLessThan(1e-6 * (1 + Math.abs(o.npvUsd)));
        if (o.irr === o.irr) expect(other.irr).toBeCloseTo(o.irr, 8);
        else expect(other.irr).toBeNaN();
        expect(other.paybackMonth).toEqual(o.paybackMonth);
        expect(other.minCashUsd).toBeLessThan(o.minCashUsd - 1e6); // four years of payments on $200M
        compared++;
      });
    }
    expect(compared).toBe(20 * 4);
  });

  it('at a cost of capital a GPU cloud\'s GPUs count at their price when bought, whatever the rate they are financed at', () => {
    const cheap = evaluate({ debtInNpv: false, capexDebtRatePerYear: 0.04 }, gpuNow);
    const dear = evaluate({ debtInNpv: false, capexDebtRatePerYear: 0.3 }, gpuNow);
    expect(Math.abs(cheap.npvUsd - dear.npvUsd)).toBeLessThan(1e-9 * CAPEX_USD);
    expect(cheap.minCashUsd).toBeGreaterThan(dear.minCashUsd);
    // Where the debt's flows count, dearer money lowers the NPV.
    expect(evaluate({ debtInNpv: true, capexDebtRatePerYear: 0.3 }, gpuNow).npvUsd).toBeLessThan(evaluate({ debtInNpv: true, capexDebtRatePerYear: 0.04 }, gpuNow).npvUsd);
  });
});

describe('tenant default', () => {
  it('with a guarantor: the site re-lets and claims what the guarantor does not pay; the guarantor pays its share of the rent for the vacant months of the term, the deal\'s tenant only', () => {
    const run = (backstopShare: number) => {
      const { market, draws, hosting } = setting({ preLeased: true, escalatorPerYear: 0.03, leaseYears: 3, backstopShare, recoveryShare: 0.3, defaultClaim: 'cappedRent' });
      draws.defaultU[20] = 0; // the deal's tenant defaults in lease month 8
      draws.signingU.fill(1, 21, 30); // vacant until a new tenant signs in month 30
      draws.defaultU[40] = 0; // the new tenant defaults too: no guarantor backs it
      draws.signingU.fill(1, 41, 45);
      hosting.start(0, 1, false, draws);
      return months(hosting, market, draws, 50);
    };
    const rows = run(0.5);
    expect(rows[19].rent).toBeCloseTo(RENT_USD, 4);
    // Vacant in months 20 .. 29, within the claim's cap (a year's rent: 15% of the 28 months left is
    // less), for the half of the rent the guarantor does not pay; settled when the site re-lets.
    expect(rows[20].recovery).toBe(0);
    expect(rows[30].recovery).toBeCloseTo(0.3 * 0.5 * RENT_USD * 10, 3);
    expect(rows[20].rent).toBeCloseTo(0.5 * RENT_USD, 4);
    expect(rows[23].rent).toBeCloseTo(0.5 * RENT_USD, 4);
    expect(rows[24].rent).toBeCloseTo(0.5 * RENT_USD * 1.03, 4); // the defaulted lease's anniversary
    expect(rows[29].rent).toBeCloseTo(0.5 * RENT_USD * 1.03, 4);
    expect(rows[30].rent).toBeCloseTo(RENT_USD, 4); // the new tenant, at the market rate: the guarantee ends
    expect(rows[30].kwh).toBeGreaterThan(0);
    for (let m = 20; m < 30; m++) expect(rows[m].kwh).toBe(0); // vacant: the guarantor pays, nobody runs IT
    for (let m = 40; m < 45; m++) expect(rows[m].rent).toBe(0);
    // The new tenant's default claims the whole rent it leaves unpaid (months 40 .. 44): no guarantor.
    expect(rows[45].recovery).toBeCloseTo(0.3 * rows[39].rent * 5, 3);
    // A guarantee only adds: by every month the site has earned at least what it earns without one.
    const without = run(0);
    let withUsd = 0;
    let withoutUsd = 0;
    for (let m = 0; m < 50; m++) {
      withUsd += rows[m].rent + rows[m].recovery;
      withoutUsd += without[m].rent + without[m].recovery;
      expect(withUsd).toBeGreaterThanOrEqual(withoutUsd);
    }
  });

  it('makes a riskier tenant cost the site once the claim is capped: on base, CCC against AAA lowers convert-now\'s NPV on the same futures (uncapped it raised it)', () => {
    const npv = (grade: string, defaultClaim: string) => {
      const scenario = loadScenario('base', { set: [`hosting.tenantCreditGrade=${grade}`, `hosting.defaultClaim=${defaultClaim}`, 'strategies=[{kind: convert, name: convert-now, atMonth: 0, share: 1}]'] });
      const block = createOutcomeBlock(0, 400, 1);
      new TrialKernel(compileModel(scenario)).run(5, block, null);
      return strategyColumn(block, 0, 'npvUsd');
    };
    /** Mean and standard error of the paired difference CCC - AAA (common random numbers: only the default hazard differs). */
    const difference = (defaultClaim: string) => {
      const ccc = npv('CCC', defaultClaim);
      const aaa = npv('AAA', defaultClaim);
      const d = ccc.map((x, t) => x - aaa[t]);
      const mean = d.reduce((a, b) => a + b, 0) / d.length;
      const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
      return { mean, se: sd / Math.sqrt(d.length) };
    };
    const capped = difference('cappedRent');
    expect(capped.mean + 4 * capped.se).toBeLessThan(0);
    // The whole rent left, paid at once on an early default, outweighed the months of vacancy it causes.
    const uncapped = difference('remainingRent');
    expect(uncapped.mean - 4 * uncapped.se).toBeGreaterThan(0);
  });

  it('takes its hazards from the credit grade: S&P average in normal times, worst year in a winter', () => {
    const monthly = (yearly: number) => 1 - (1 - yearly) ** (1 / 12);
    const b = siteParams(setting({ tenantCreditGrade: 'B' }).scenario);
    expect(b.defaultProbabilityPerMonth).toBeCloseTo(monthly(0.032), 12);
    expect(b.winterDefaultProbabilityPerMonth).toBeCloseTo(monthly(0.138), 12);
    expect(siteParams(setting({ tenantCreditGrade: 'AAA' }).scenario).defaultProbabilityPerMonth).toBe(0);
    const custom = siteParams(setting({ tenantCreditGrade: 'custom', defaultHazardPerYear: 0.02 }).scenario);
    expect(custom.defaultProbabilityPerMonth).toBeCloseTo(1 - Math.exp(-0.02 / 12), 12);
    // Worse grades default more, in normal times and in winters.
    const grades = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC'] as const;
    for (let i = 1; i < grades.length; i++) {
      expect(gradeHazardsPerYear(grades[i]).normal).toBeGreaterThan(gradeHazardsPerYear(grades[i - 1]).normal);
      expect(gradeHazardsPerYear(grades[i]).winter).toBeGreaterThanOrEqual(gradeHazardsPerYear(grades[i - 1]).winter);
    }
  });
});

describe('lease form', () => {
  it('modified gross: the landlord pays its opex per leased kW; triple net: a share of the rent', () => {
    const gross = setting({ leaseForm: 'modifiedGross', landlordOpexUsdPerKwMonth: 20, escalatorPerYear: 0 });
    gross.hosting.start(0, 1, false, gross.draws);
    const g = months(gross.hosting, gross.market, gross.draws, 14);
    expect(g[11].opex).toBe(0);
    expect(g[12].opex).toBeCloseTo(20 * IT_KW, 6);
    const net = setting({ leaseForm: 'tripleNet', tripleNetCostShareOfRent: 0.03, escalatorPerYear: 0 });
    net.hosting.start(0, 1, false, net.draws);
    expect(months(net.hosting, net.market, net.draws, 14)[12].opex).toBeCloseTo(0.03 * RENT_USD, 6);
  });
});

describe('halls delivered in tranches', () => {
  it('each hall mines until its build starts, spends its capex over its own build, earns from its own handover', () => {
    const { market, draws, hosting } = setting({ tranches: 2, trancheIntervalMonths: 6, preLeased: true, escalatorPerYear: 0, capexDebtShare: 0.5 });
    hosting.start(0, 0.6, false, draws);
    const rows = months(hosting, market, draws, 24);
    const hallCapexUsd = (CAPEX_USD * 0.6) / 2;
    const monthly = (hallCapexUsd * 0.5) / 12; // equity share of one hall-month
    for (let m = 0; m < 6; m++) {
      expect(rows[m].offline).toBeCloseTo(0.3, 12);
      expect(rows[m].capex).toBeCloseTo(monthly, 4);
    }
    for (let m = 6; m < 12; m++) expect(rows[m].capex).toBeCloseTo(2 * monthly, 4);
    for (let m = 12; m < 18; m++) {
      expect(rows[m].capex).toBeCloseTo(monthly, 4);
      expect(rows[m].rent).toBeCloseTo(0.3 * RENT_USD, 4);
    }
    expect(rows[6].offline).toBeCloseTo(0.6, 12);
    expect(rows[18].capex).toBe(0);
    expect(rows[18].rent).toBeCloseTo(0.6 * RENT_USD, 4);
    let balance = 0;
    for (let m = 0; m < 18; m++) balance = balance * (1 + r) + (m < 6 || m >= 12 ? 1 : 2) * monthly;
    expect(rows[17].debt).toBe(0); // interest is capitalised until the last handover
    expect(rows[18].debt).toBeCloseTo(annuityPayment(balance, r, 120), 3);
  });
});

describe('GPU cloud contract', () => {
  const gpus = IT_KW / 1.2;
  const cloud = (contract: Record<string, number>) =>
    setting({ gpuCloud: { itKwPerGpu: 1.2, capexUsdPerGpu: 35_000, utilisation: 0.7, opexShareOfRevenue: 0.15, lifeMonths: 72, contract } }, { horizonMonths: 70 });

  it('sells at the fixed price for the term, take-or-pay, prepaid in part; then at the aged market price', () => {
    const { market, draws, hosting } = cloud({ years: 4, usdPerGpuHour: 3, takeOrPayShare: 1, prepaymentShare: 0.2 });
    hosting.start(0, 1, true, draws);
    const rows = months(hosting, market, draws, 70);
    const contractUsd = gpus * HOURS_PER_MONTH * 3; // all hours paid, used or not
    const prepaymentUsd = 0.2 * gpus * HOURS_PER_MONTH * 48 * 3;
    expect(rows[12].rent).toBeCloseTo(contractUsd, 3);
    expect(rows[59].rent).toBeCloseTo(contractUsd, 3);
    expect(rows[12].advance).toBeCloseTo(prepaymentUsd, 2);
    for (let m = 12; m < 60; m++) expect(rows[m].credited).toBeCloseTo(prepaymentUsd / 48, 3);
    expect(rows[60].credited).toBe(0);
    expect(hosting.owedAdvance).toBeCloseTo(0, 3);
    // After the contract: the fleet, 48 months old, rents at the newest price x 0.7^(48/12).
    expect(rows[60].rent).toBeCloseTo(gpus * HOURS_PER_MONTH * 0.7 * 2 * 0.7 ** 4, 3);
  });

  it('pays its whole build itself and takes no advance: tenantCapexShare and the capex advance are a tenant\'s, and a GPU cloud has none', () => {
    const build = (hostingFields: Record<string, unknown>) => {
      const { market, draws, hosting } = setting({ capexDebtShare: 0, ...hostingFields, gpuCloud: { itKwPerGpu: 1.2, capexUsdPerGpu: 35_000, utilisation: 0.7, opexShareOfRevenue: 0.15, lifeMonths: 72 } });
      hosting.start(0, 1, true, draws);
      return months(hosting, market, draws, 12);
    };
    const alone = build({ tenantCapexShare: 0, capexAdvanceUsdPerMwIt: 0 });
    const withLeaseTerms = build({ tenantCapexShare: 0.3, capexAdvanceUsdPerMwIt: 2e6 });
    expect(withLeaseTerms.map((r) => r.capex)).toEqual(alone.map((r) => r.capex));
    expect(withLeaseTerms.every((r) => r.advance === 0)).toBe(true);
    // The whole conversion capex, spent evenly over the build (12 months in this world).
    expect(alone.reduce((sum, r) => sum + r.capex, 0)).toBeCloseTo((100 / 1.3) * 9e6, 0);
  });

  it('runs each hall\'s contract for the term from its own handover', () => {
    const { market, draws, hosting } = setting(
      { tranches: 2, trancheIntervalMonths: 3, gpuCloud: { itKwPerGpu: 1.2, capexUsdPerGpu: 35_000, utilisation: 0.7, opexShareOfRevenue: 0.15, lifeMonths: 72, contract: { years: 4, usdPerGpuHour: 3, takeOrPayShare: 1, prepaymentShare: 0 } } },
      { horizonMonths: 70 },
    );
    hosting.start(0, 1, true, draws);
    const contract = [];
    const rent = [];
    for (let m = 0; m < 70; m++) {
      hosting.month(m, market, draws);
      contract.push(hosting.contractRevenueUsd);
      rent.push(hosting.rentUsd);
    }
    const hallUsd = (gpus / 2) * HOURS_PER_MONTH * 3;
    expect(contract[12]).toBeCloseTo(hallUsd, 3); // hall 1 still building
    expect(contract[15]).toBeCloseTo(2 * hallUsd, 3);
    expect(contract[59]).toBeCloseTo(2 * hallUsd, 3);
    expect(contract[60]).toBeCloseTo(hallUsd, 3); // hall 0's term is over, hall 1's runs to month 63
    expect(rent[60]).toBeCloseTo(hallUsd + (gpus / 2) * HOURS_PER_MONTH * 0.7 * 2 * 0.7 ** 4, 3);
    expect(contract[63]).toBe(0);
    expect(contract.reduce((a, b) => a + b, 0)).toBeCloseTo(2 * 48 * hallUsd, 1);
  });

  it('take-or-pay is a floor: the customer pays for the hours it uses when it uses more', () => {
    const { market, draws, hosting } = cloud({ years: 4, usdPerGpuHour: 3, takeOrPayShare: 0.5, prepaymentShare: 0 });
    market.aiDemandIndex[13] = 0.5; // utilisation 0.35: the floor pays
    hosting.start(0, 1, true, draws);
    const rows = months(hosting, market, draws, 14);
    expect(rows[12].rent).toBeCloseTo(gpus * HOURS_PER_MONTH * 0.7 * 3, 3);
    expect(rows[13].rent).toBeCloseTo(gpus * HOURS_PER_MONTH * 0.5 * 3, 3);
    expect(rows[13].mwh).toBeCloseTo(100 * HOURS_PER_MONTH * 0.35, 6); // power follows use, not payment
  });
});

describe('terminal value by cash-flow type', () => {
  const v = 1 / (1 + 0.12 / 12);
  const byCashFlow = { terminalValue: { method: 'byCashFlow', annualCashFlowMultiple: 5, capRate: 0.07, miningSalvageUsdPerTh: 1 } };

  it('formulas: escalated lease PV, annuity, expected search discount against direct sums', () => {
    // Lease months 7 .. 36: the payment steps up at months 12 and 24.
    let stepped = 0;
    for (let j = 0; j < 30; j++) stepped += 100 * 1.05 ** (Math.floor((7 + j) / 12) - Math.floor(7 / 12)) * v ** (j + 1);
    expect(escalatedLeasePv(100, 0.05, 7, 30, v)).toBeCloseTo(stepped, 9);
    expect(escalatedLeasePv(100, 0, 0, 30, v)).toBeCloseTo(100 * annuityFactor(30, v), 9);
    let sum = 0;
    for (let k = 1; k < 2000; k++) sum += 0.1 * 0.9 ** (k - 1) * v ** (k - 1);
    expect(expectedSearchDiscount(0.1, v)).toBeCloseTo(sum, 12);
    // A guarantor's payment in each of the next 16 months that ends with no tenant signed (p = 0.1).
    let vacant = 0;
    for (let k = 1; k <= 16; k++) vacant += (0.9 * v) ** k;
    expect(vacancyAnnuity(0.1, v, 16)).toBeCloseTo(vacant, 12);
    expect(vacancyAnnuity(0.1, v, 0)).toBe(0);
    expect(vacancyAnnuity(1, v, 16)).toBe(0);
    expect(expectedSearchDiscount(0, v)).toBe(0);
  });

  it('leased capacity: the contracted rent still due at its PV, then re-leasing at the cap rate', () => {
    const { market, draws, hosting } = setting({ preLeased: true, escalatorPerYear: 0.03, leaseYears: 12, leaseForm: 'modifiedGross', landlordOpexUsdPerKwMonth: 20 }, byCashFlow);
    hosting.start(0, 1, false, draws);
    months(hosting, market, draws, 60);
    const fixedUsd = 20 * IT_KW + 250_000;
    let expected = 0;
    // Lease months 48 .. 143 fall after the horizon (lease from month 12, 144 months).
    for (let j = 1; j <= 96; j++) expected += (RENT_USD * 1.03 ** Math.floor((47 + j) / 12) - fixedUsd) * v ** j;
    expected += v ** 96 * ((12 * (RENT_USD - fixedUsd)) / 0.07);
    expect(hosting.terminalValueUsd(60, market, 250_000)).toBeCloseTo(expected, 0);
  });

  it('leased capacity whose power the site buys (powerPassThrough false): that power, at the horizon\'s price, is a running cost like the landlord\'s opex', () => {
    const terminal = (fields: Record<string, unknown>) => {
      const { market, draws, hosting } = setting({ preLeased: true, escalatorPerYear: 0.03, leaseYears: 12, leaseForm: 'modifiedGross', ...fields }, byCashFlow);
      hosting.start(0, 1, false, draws);
      months(hosting, market, draws, 60);
      return { valueUsd: hosting.terminalValueUsd(60, market, 250_000), market };
    };
    const bought = terminal({ powerPassThrough: false, landlordOpexUsdPerKwMonth: 20 });
    // The 100 MW converted (IT and cooling) for a month, all at the spot price (no PPA in this world).
    const powerUsd = 100 * HOURS_PER_MONTH * bought.market.energyUsdPerMwh[59];
    const asOpex = terminal({ powerPassThrough: true, landlordOpexUsdPerKwMonth: 20 + powerUsd / IT_KW });
    expect(Math.abs(bought.valueUsd - asOpex.valueUsd)).toBeLessThan(1e-9 * Math.abs(asOpex.valueUsd));
    expect(bought.valueUsd).toBeLessThan(terminal({ powerPassThrough: true, landlordOpexUsdPerKwMonth: 20 }).valueUsd);
  });

  it('vacant capacity under a guarantee at the horizon: the vacant value plus the guarantor\'s payments for the months of the term that stay vacant', () => {
    const terminal = (backstopShare: number) => {
      const spec = setting({ preLeased: true, escalatorPerYear: 0, leaseYears: 5, backstopShare, leaseForm: 'tripleNet', tripleNetCostShareOfRent: 0.03 }, byCashFlow);
      spec.draws.defaultU[50] = 0; // lease month 38 of 60: 22 months of the term left after the default
      spec.draws.signingU.fill(1, 51); // no tenant signs before the horizon (month 60)
      spec.hosting.start(0, 1, false, spec.draws);
      months(spec.hosting, spec.market, spec.draws, 60);
      return spec.hosting.terminalValueUsd(60, spec.market, 100_000);
    };
    // The term runs to month 72: 12 months after the horizon, each paid while still vacant (p = 0.1 a month at index 1).
    expect(terminal(0.5) - terminal(0)).toBeCloseTo(0.5 * RENT_USD * vacancyAnnuity(0.1, v, 12), 0);
  });

  it('vacant capacity: the cap-rate value after the expected search; a GPU cloud: what its fleet can still earn', () => {
    const spec = setting({ preLeased: false, leaseForm: 'tripleNet', tripleNetCostShareOfRent: 0.03 }, byCashFlow);
    spec.draws.signingU.fill(1);
    spec.hosting.start(0, 1, false, spec.draws);
    months(spec.hosting, spec.market, spec.draws, 60);
    const noiUsd = RENT_USD * 0.97 - 100_000;
    expect(spec.hosting.terminalValueUsd(60, spec.market, 100_000)).toBeCloseTo((0.1 / (1 - 0.9 * v)) * ((12 * noiUsd) / 0.07), 0);

    const gpu = setting({}, byCashFlow);
    gpu.hosting.start(0, 1, true, gpu.draws);
    months(gpu.hosting, gpu.market, gpu.draws, 60);
    // One hall, handed over in month 12 with a new fleet: 48 months old at the horizon, 12 left of
    // its 60, each at $2/GPU-hour x 0.7 utilisation x its age's price factor, less 15% opex, its
    // power at the horizon's price and $0.1M a month of site opex.
    const { site } = gpu;
    const power = 100 * HOURS_PER_MONTH * 0.7 * (site.ppaShare * site.ppaUsdPerMwh + (1 - site.ppaShare) * gpu.market.energyUsdPerMwh[59]);
    let fleetUsd = 0;
    for (let k = 0; k < 12; k++) {
      const rentalUsd = (IT_KW / 1.2) * HOURS_PER_MONTH * 0.7 * 2 * site.gpuMonthlyPriceFactor ** (48 + k);
      fleetUsd += v ** (k + 1) * (0.85 * rentalUsd - power - 100_000);
    }
    expect(fleetUsd).toBeGreaterThan(0);
    expect(gpu.hosting.terminalValueUsd(60, gpu.market, 100_000)).toBeCloseTo(fleetUsd, 0);
    // Far below its book value, 12/60 of its price: the rental price has fallen with the fleet's age.
    expect(fleetUsd).toBeLessThan(0.5 * (IT_KW / 1.2) * 35_000 * (12 / 60));
  });

  it('a strategy adds the mining part\'s value and the converted part\'s, less what is owed; none adds nothing', () => {
    const world = (method: Record<string, unknown>) => setting({ preLeased: true, tenantCapexShare: 0.5 }, method);
    const valued = world(byCashFlow);
    const none = world({ terminalValue: { method: 'none', annualCashFlowMultiple: 5 } });
    const rule = strategyRule({ kind: 'convert', name: 'c', atMonth: 0, share: 1, operate: 'lease', curtail: true });
    const a = new StrategyEvaluator(valued.site).evaluate(rule, valued.market, valued.draws).npvUsd;
    const b = new StrategyEvaluator(none.site).evaluate(rule, none.market, none.draws).npvUsd;
    valued.hosting.start(0, 1, false, valued.draws);
    months(valued.hosting, valued.market, valued.draws, 60);
    // Fully converted: the mining part is worth nothing, the converted part carries all the site opex.
    const convertedUsd = valued.hosting.terminalValueUsd(60, valued.market, valued.site.opexUsdPerMonth);
    expect(convertedUsd).toBeGreaterThan(0);
    expect(a - b).toBeCloseTo(valued.site.discountFactors[59] * convertedUsd, 0);
  });
});

describe('funding need', () => {
  it('is the most cash consumed at any month end, at the month of the lowest cash', () => {
    const { site, market, draws } = setting({ preLeased: true, tenantCapexShare: 0.2, capexDebtShare: 0.6 });
    const evaluator = new StrategyEvaluator(site);
    const rule = strategyRule({ kind: 'convert', name: 'c', atMonth: 0, share: 1, operate: 'lease', curtail: true });
    const out = evaluator.evaluate(rule, market, draws);
    let lowest = Infinity;
    let lowestMonth = -1;
    for (let m = 0; m < site.months; m++) {
      if (evaluator.cashUsd[m] < lowest) {
        lowest = evaluator.cashUsd[m];
        lowestMonth = m;
      }
    }
    expect(out.peakFundingUsd).toBeCloseTo(site.cashUsd - lowest, 2);
    expect(out.peakFundingMonth).toBe(lowestMonth);
    expect(out.minCashUsd).toBeCloseTo(lowest, 2);
    // The need exceeds the site's cash exactly when it runs out of cash (no credit line here).
    expect(out.ruined).toBe(out.peakFundingUsd > site.cashUsd + site.creditLineUsd ? 1 : 0);
    const stay = evaluator.evaluate(strategyRule({ kind: 'stay', name: 's', refreshEveryMonths: 0, curtail: true }), market, draws);
    if (stay.peakFundingUsd === 0) expect(stay.peakFundingMonth).toBeNaN();
  });
});

describe('funding need in summary.json', () => {
  it('external need is the peak beyond own funds; its probability is the probability of running out of cash', () => {
    const f = fundingSummary(Float64Array.from([0, 10e6, 60e6, 100e6]), Float64Array.from([NaN, 3, 14, 20]), 50e6);
    expect(f.externalUsd.mean).toBeCloseTo((10e6 + 50e6) / 4, 3);
    expect(f.pExceedsOwnFunds.p).toBe(0.5);
    expect(f.peakMonth.definedCount).toBe(3);

    const scenario = loadScenario('base');
    const kernel = new TrialKernel(compileModel(scenario));
    const block = createOutcomeBlock(0, 200, scenario.strategies.length);
    kernel.run(7, block, null);
    scenario.strategies.forEach((_, s) => {
      const funding = fundingSummary(strategyColumn(block, s, 'peakFundingUsd'), strategyColumn(block, s, 'peakFundingMonth'), scenario.site.cashUsd + scenario.site.creditLineUsd);
      expect(funding.pExceedsOwnFunds.p).toBe(shareWhere(strategyColumn(block, s, 'ruined')).p);
    });
  });
});

describe('deal fields another choice makes irrelevant', () => {
  const asOf = loadScenario('base').asOf;
  it('are errors naming the choice that ignores them', () => {
    const error = scenarioErrorOf(() =>
      parseScenario(
        {
          asOf,
          hosting: { leaseForm: 'tripleNet', landlordOpexUsdPerKwMonth: 20, defaultHazardPerYear: 0.02 },
          terminalValue: { method: 'multiple', capRate: 0.06 },
        },
        'x.yaml',
      ),
    );
    expect(error.problems.map((p) => p.path)).toEqual(['hosting.landlordOpexUsdPerKwMonth', 'hosting.defaultHazardPerYear', 'terminalValue.capRate']);
    expect(error.message).toContain('hosting.defaultHazardPerYear: is read only when hosting.tenantCreditGrade is custom, but it is B (default) (allowed: remove the field, or set hosting.tenantCreditGrade: custom)');
  });

  it('an override that changes the choice drops the fields it inherited for the old one, not those it writes', () => {
    const tripleNet = loadScenario('base', { set: ['hosting.leaseForm=tripleNet'] });
    expect(tripleNet.hosting).not.toHaveProperty('landlordOpexUsdPerKwMonth');
    expect(tripleNet.hosting.tripleNetCostShareOfRent).toBe(0.03);
    const both = scenarioErrorOf(() => loadScenario('base', { set: ['hosting.leaseForm=tripleNet', 'hosting.landlordOpexUsdPerKwMonth=5'] }));
    expect(both.problems.map((p) => p.path)).toEqual(['hosting.landlordOpexUsdPerKwMonth']);
    expect(loadScenario('base', { set: ['terminalValue.method=multiple'] }).terminalValue).toEqual({ method: 'multiple', annualCashFlowMultiple: 5 });
    expect(loadScenario('regimes', { set: ['market.price.model=merton'] }).market.price).not.toHaveProperty('regimes');
  });

  it('are left out of the resolved scenario, which parses again unchanged', () => {
    const scenario = parseScenario({ asOf, hosting: { leaseForm: 'tripleNet' }, terminalValue: { method: 'multiple' } }, 'x.yaml');
    expect(scenario.hosting).not.toHaveProperty('landlordOpexUsdPerKwMonth');
    expect(scenario.hosting).toHaveProperty('tripleNetCostShareOfRent', 0.03);
    expect(scenario.hosting).not.toHaveProperty('defaultHazardPerYear');
    expect(scenario.terminalValue).not.toHaveProperty('capRate');
    expect(parseScenario(resolvedScenarioJson(scenario), 'again')).toEqual(scenario);
  });
});

describe('deal presets against their announcements (runners/dealValidation.ts)', () => {
  it('runs a preset\'s contract through the engine: TeraWulf\'s two halls, the second 6 months later, on one 10-year term', () => {
    const run = contractRun(loadScenario('terawulf-fluidstack'), 'convert-now');
    // 250 MW at PUE 1.25 = 200 MW of IT, two halls of 100 MW; most likely build 7 months, so the
    // term runs months 7..126, the second hall earning from month 13; $134.5/kW-month, +3% a year.
    let hallMonths = 0;
    for (let j = 0; j < 120; j++) hallMonths += (j < 6 ? 1 : 2) * 1.03 ** Math.floor(j / 12);
    expect(run.itKw).toBeCloseTo(200_000, 6);
    expect(run.contractValueUsd).toBeCloseTo(100_000 * 134.5 * hallMonths, 0);
    expect(run.landlordCostUsd).toBeCloseTo(100_000 * 23 * (120 + 114), 0);
    expect(run.conversionCapexUsd).toBeCloseTo(200 * 9e6, 0);
  });

  it('every announced figure is reproduced within its stated tolerance', () => {
    const rows = dealChecks();
    expect(rows.filter((r) => r.status === 'FAIL')).toEqual([]);
    expect(rows.filter((r) => r.status === 'PASS').length).toBeGreaterThanOrEqual(12);
    // The financing announced is what keeps Core Scientific's conversion funded.
    expect(rows.find((r) => r.check === 'Core Scientific/CoreWeave: funding of convert-now')?.result).toMatch(/^as announced: P\(runs out of cash\) 0%.*site-funded: P\(runs out of cash\) 100%/);
  });
});
