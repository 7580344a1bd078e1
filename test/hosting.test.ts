// The converted part of the site against hand-computed cash flows: build, lease, escalator,
// default and recovery, GPU cloud revenue per kWh (DEFAULTS.md's "25x" check), debt.
// The world is the frozen `bench` model (speculative build, one hall, site-funded capex, triple net
// with no landlord cost): test/deals.test.ts covers the deal mechanics on top of it.
import { describe, expect, it } from 'vitest';
import { HOURS_PER_MONTH } from '../engine/market.js';
import { annuityPayment, defaultClaimMonths } from '../engine/site.js';
import { months, setting } from './hostingWorld.js';

describe('leasing', () => {
  it('spends the equity share of capex evenly over the build, then earns IT kW x rate from signing, escalated yearly', () => {
    const { site, market, draws, hosting } = setting({ capexDebtShare: 0.7, leaseUsdPerKwMonth: 130, escalatorPerYear: 0.025, pue: 1.3, conversionUsdPerMwIt: 9e6 });
    hosting.start(0, 1, false, draws);
    const rows = months(hosting, market, draws, 40);
    const itKw = (100 * 1000) / 1.3;
    const capexUsd = (100 / 1.3) * 9e6;
    for (let m = 0; m < 12; m++) {
      expect(rows[m].capex).toBeCloseTo((capexUsd * 0.3) / 12, 2);
      expect(rows[m].rent).toBe(0);
    }
    expect(rows[12].rent).toBeCloseTo(itKw * 130, 6); // signs in the first month it looks
    expect(rows[23].rent).toBeCloseTo(itKw * 130, 6);
    expect(rows[24].rent).toBeCloseTo(itKw * 130 * 1.025, 6); // first anniversary
    expect(rows[36].rent).toBeCloseTo(itKw * 130 * 1.025 ** 2, 6);
    expect(rows[12].kwh).toBeCloseTo(itKw * HOURS_PER_MONTH, 6);
    expect(rows[12].mwh).toBe(0); // the tenant pays for power
    expect(site.itKwPerMw).toBeCloseTo(1000 / 1.3, 12);
    // DEFAULTS.md: a $130/kW-month lease earns ~$0.18 per kWh of IT load.
    expect(rows[12].rent / rows[12].kwh).toBeCloseTo(130 / HOURS_PER_MONTH, 12);
    expect(130 / HOURS_PER_MONTH).toBeCloseTo(0.178, 3);
  });

  it('amortises the debt share from completion: the payments repay the balance with interest', () => {
    const { market, draws, hosting, site } = setting({ capexDebtShare: 0.7, capexDebtRatePerYear: 0.08, capexDebtTermMonths: 24 });
    hosting.start(0, 1, false, draws);
    const rows = months(hosting, market, draws, 60);
    const r = 0.08 / 12;
    const draw = ((100 / 1.3) * 9e6 * 0.7) / 12;
    let balance = 0;
    for (let m = 0; m < 12; m++) balance = balance * (1 + r) + draw;
    const payment = annuityPayment(balance, r, 24);
    expect(rows[12].debt).toBeCloseTo(payment, 4);
    expect(rows[35].debt).toBeCloseTo(payment, 4);
    expect(rows[36].debt).toBe(0); // repaid after 24 payments
    expect(hosting.debtBalance).toBe(0);
    expect(site.capexDebtTermMonths).toBe(24);
  });

  // A tenant defaults in month 20, 8 months into a 120-month lease; the next one signs in `reletMonth`.
  const defaulting = (defaultClaim: 'cappedRent' | 'remainingRent', reletMonth: number) => {
    const { market, draws, hosting } = setting({ recoveryShare: 0.3, leaseYears: 10, escalatorPerYear: 0, defaultClaim });
    draws.defaultU.fill(1);
    draws.defaultU[20] = 0;
    draws.signingU.fill(1);
    draws.signingU[12] = 0;
    draws.signingU[reletMonth] = 0;
    hosting.start(0, 1, false, draws);
    return { rows: months(hosting, market, draws, 60), hosting };
  };
  const monthlyRent = ((100 * 1000) / 1.3) * 130;

  it('on default claims the rent lost while the capacity stands vacant, up to the cap, and recovers a share when the site re-lets (cappedRent)', () => {
    const { rows } = defaulting('cappedRent', 25);
    expect(rows[19].rent).toBeCloseTo(monthlyRent, 6);
    for (let m = 20; m < 25; m++) expect([rows[m].rent, rows[m].recovery]).toEqual([0, 0]);
    // Months 20 .. 24 vacant: five months of rent lost, within the cap (15% of the 112 months left).
    expect(rows[25].recovery).toBeCloseTo(0.3 * monthlyRent * 5, 4);
    expect(rows[25].rent).toBeCloseTo(monthlyRent, 6);
  });

  it('settles the claim at its cap when the vacancy outlasts it, and at the horizon for the vacancy so far (cappedRent)', () => {
    // 11 U.S.C. 502(b)(6): 15% of the 112 months left (16.8) is more than a year and less than three;
    // reached in month 37, the first with 16.8 months of vacancy behind it.
    const { rows, hosting } = defaulting('cappedRent', 50);
    for (let m = 20; m < 37; m++) expect(rows[m].recovery).toBe(0);
    expect(rows[37].recovery).toBeCloseTo(0.3 * monthlyRent * 0.15 * 112, 4);
    expect(rows.slice(38).every((row) => row.recovery === 0)).toBe(true);
    expect(hosting.pendingClaimUsd(60)).toBe(0); // settled
    // A horizon ending after month 29: the claim's ten vacant months (20 .. 29) are still to come.
    const open = setting({ recoveryShare: 0.3, leaseYears: 10, escalatorPerYear: 0, defaultClaim: 'cappedRent' });
    open.draws.defaultU.fill(1);
    open.draws.defaultU[20] = 0;
    open.draws.signingU.fill(1);
    open.draws.signingU[12] = 0;
    open.hosting.start(0, 1, false, open.draws);
    months(open.hosting, open.market, open.draws, 30);
    expect(open.hosting.pendingClaimUsd(30)).toBeCloseTo(0.3 * monthlyRent * 10, 4);
  });

  it('pays the whole claim at the default whatever re-letting brings (remainingRent: the frozen bench model)', () => {
    const { rows } = defaulting('remainingRent', 25);
    expect(rows[20].recovery).toBeCloseTo(0.3 * monthlyRent * 112, 4);
    expect(rows[25].recovery).toBe(0);
    expect(rows[25].rent).toBeCloseTo(monthlyRent, 6);
  });
});

describe("a defaulting tenant's claim", () => {
  it('is capped as 11 U.S.C. 502(b)(6) caps a landlord\'s: the greater of a year and 15% of the term left, at most three years, never more than the term left', () => {
    const capped = (remaining: number) => defaultClaimMonths(remaining, 'cappedRent');
    expect([0, 8, 12, 60, 80, 112, 240, 300].map(capped)).toEqual([0, 8, 12, 12, 12, 0.15 * 112, 36, 36]);
    expect(capped(100)).toBeCloseTo(15, 12);
    expect([0, 8, 112, 300].map((remaining) => defaultClaimMonths(remaining, 'remainingRent'))).toEqual([0, 8, 112, 300]);
  });
});

describe('own GPU cloud', () => {
  it('earns GPU-hours x utilisation x price: ~$1.7 per IT kWh at $2/GPU-hour and 1.2 kW per GPU (DEFAULTS.md)', () => {
    const { market, draws, hosting, scenario } = setting({ capexDebtShare: 0, gpuCloud: { itKwPerGpu: 1.2, capexUsdPerGpu: 35_000, utilisation: 0.7, opexShareOfRevenue: 0.15, lifeMonths: 60 } });
    expect(scenario.asOf.gpuUsdPerHour).toBe(2);
    hosting.start(0, 1, true, draws);
    const rows = months(hosting, market, draws, 14);
    const gpus = (100 * 1000) / 1.3 / 1.2;
    expect(rows[12].rent).toBeCloseTo(gpus * HOURS_PER_MONTH * 0.7 * 2, 4);
    expect(rows[12].rent / rows[12].kwh).toBeCloseTo(2 / 1.2, 12);
    expect(rows[12].opex).toBeCloseTo(0.15 * rows[12].rent, 6);
    expect(rows[12].mwh).toBeCloseTo((100 * HOURS_PER_MONTH * 0.7), 6); // the cloud buys its own power
    expect(rows[12].debt).toBeCloseTo(annuityPayment(gpus * 35_000, 0.08 / 12, 60), 2);
    // The fleet's price falls 30% a year behind the newest generation's.
    expect(rows[13].rent / rows[12].rent).toBeCloseTo(0.7 ** (1 / 12), 12);
  });

  it('replaces the fleet after its life, and the rental price resets to the newest generation (replaceFleet: always)', () => {
    const { market, draws, hosting } = setting({ gpuCloud: { lifeMonths: 12, replaceFleet: 'always' } });
    hosting.start(0, 1, true, draws);
    const rows = months(hosting, market, draws, 40);
    expect(rows[23].rent / rows[12].rent).toBeCloseTo(0.7 ** (11 / 12), 10);
    expect(rows[24].rent).toBeCloseTo(rows[12].rent, 6);
  });

  it('replaces it only when a new fleet earns its price (replaceFleet: whenItPays); else the hall stands dark, drawing no power', () => {
    // The break-even price of a GPU bought at the start of month 24, when the first fleet (handed
    // over in month 12, 12 months of life) ends: its rental at $2/h x 0.7, falling 30%/yr with its
    // age, less 15% opex and its power, over its 12 months, discounted at the bench's 12%/yr.
    const probe = setting({ gpuCloud: { lifeMonths: 12 } });
    const { site } = probe;
    const v = site.monthlyDiscount;
    const gpus = (100 * 1000) / 1.3 / 1.2;
    const powerUsd = 100 * HOURS_PER_MONTH * 0.7 * (site.ppaShare * site.ppaUsdPerMwh + (1 - site.ppaShare) * probe.market.energyUsdPerMwh[24]);
    let netUsd = 0;
    for (let k = 0; k < 12; k++) netUsd += v ** (k + 1) * (gpus * HOURS_PER_MONTH * 0.7 * 2 * 0.7 ** (k / 12) * 0.85 - powerUsd);
    const breakEvenUsdPerGpu = netUsd / gpus;
    expect(breakEvenUsdPerGpu).toBeGreaterThan(1000);
    const run = (factor: number) => {
      const { market, draws, hosting } = setting({ gpuCloud: { lifeMonths: 12, capexUsdPerGpu: factor * breakEvenUsdPerGpu } });
      hosting.start(0, 1, true, draws);
      return months(hosting, market, draws, 40);
    };
    const cheaper = run(0.999);
    expect(cheaper[24].rent).toBeCloseTo(cheaper[12].rent, 6);
    const dearer = run(1.001);
    expect(dearer[12].rent).toBeGreaterThan(0); // the first fleet is the strategy's choice
    expect([dearer[24].rent, dearer[24].mwh]).toEqual([0, 0]);
    // Dark, it looks again every month (here the month's power price moves the margin); far above
    // the break-even price it never buys.
    const farDearer = run(1.5);
    expect(farDearer.slice(24).every((row) => row.rent === 0 && row.mwh === 0)).toBe(true);
  });
});
