// Accounting against closed forms and textbook values: IRR, present value, discount factors,
// payback, the level annuity payment and the triangular build-time distribution.
import { describe, expect, it } from 'vitest';
import { discountFactors, internalRateOfReturn, paybackMonth, presentValue } from '../engine/accounting.js';
import { RandomStream } from '../engine/random.js';
import { annuityPayment, siteDebtSchedule, triangularQuantile } from '../engine/site.js';

const flowsOf = (values: number[]) => Float64Array.from(values);

/** NPV of flows at a monthly rate, each flow at the end of its month (the engine's convention). */
function npvAt(flows: Float64Array, monthlyRate: number): number {
  let npv = 0;
  for (let m = 0; m < flows.length; m++) npv += flows[m] / (1 + monthlyRate) ** (m + 1);
  return npv;
}

/** Reference monthly IRR by plain bisection on [lo, hi], where the NPV changes sign. */
function bisectMonthlyIrr(flows: Float64Array, lo: number, hi: number): number {
  const fLo = npvAt(flows, lo);
  expect(fLo * npvAt(flows, hi)).toBeLessThan(0);
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (npvAt(flows, mid) * fLo > 0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

const monthlyOf = (annual: number) => (1 + annual) ** (1 / 12) - 1;

describe('internalRateOfReturn (annual, from monthly flows)', () => {
  it('-100 then 12 payments of 10: 2.9228541% a month (Excel RATE(12, 10, -100))', () => {
    const flows = flowsOf([-100, ...Array(12).fill(10)]);
    // The first flow at the end of month 0, the others one month apart: only relative timing matters.
    const irr = internalRateOfReturn(flows, flows.length);
    const reference = bisectMonthlyIrr(flows, 0, 0.5);
    expect(reference).toBeCloseTo(0.0292285408, 9);
    expect(monthlyOf(irr)).toBeCloseTo(reference, 10);
    expect(irr).toBeCloseTo((1 + reference) ** 12 - 1, 9);
    expect(Math.abs(npvAt(flows, monthlyOf(irr)))).toBeLessThan(1e-8);
  });

  it('a bond bought at par with a 1% monthly coupon yields exactly 1% a month (12.6825% a year)', () => {
    const flows = flowsOf([-100, ...Array(23).fill(1), 101]);
    const irr = internalRateOfReturn(flows, flows.length);
    expect(irr).toBeCloseTo(1.01 ** 12 - 1, 10);
    expect(irr).toBeCloseTo(0.12682503013196977, 10);
  });

  it('a bond bought at a discount yields more than its coupon, matching the bisection reference', () => {
    // 5-year bond, coupon 0.5% a month, bought at 95.
    const flows = flowsOf([-95, ...Array(59).fill(0.5), 100.5]);
    const irr = internalRateOfReturn(flows, flows.length);
    expect(monthlyOf(irr)).toBeGreaterThan(0.005);
    expect(monthlyOf(irr)).toBeCloseTo(bisectMonthlyIrr(flows, 0, 0.1), 10);
  });

  it('is 0 when the flows just return the money, and negative on a loss', () => {
    expect(internalRateOfReturn(flowsOf([-100, 50, 50]), 3)).toBeCloseTo(0, 10);
    // -100 then 90 a month later: -10% a month.
    expect(internalRateOfReturn(flowsOf([-100, 90]), 2)).toBeCloseTo(0.9 ** 12 - 1, 10);
  });

  it('reads only the first `months` flows', () => {
    const flows = flowsOf([-100, 50, 50, -1e6]);
    expect(internalRateOfReturn(flows, 3)).toBeCloseTo(0, 10);
  });

  it('is NaN without a sign change', () => {
    expect(internalRateOfReturn(flowsOf([10, 20, 30]), 3)).toBeNaN();
    expect(internalRateOfReturn(flowsOf([-10, -20, 0]), 3)).toBeNaN();
    expect(internalRateOfReturn(flowsOf([0, 0, 0]), 3)).toBeNaN();
    expect(internalRateOfReturn(flowsOf([]), 0)).toBeNaN();
  });

  it('is NaN when the only root is above 100% a month (outside the documented bracket)', () => {
    // -1 then 1000 a month later: 99,900% a month.
    expect(internalRateOfReturn(flowsOf([-1, 1000]), 2)).toBeNaN();
  });

  it('stays right over long horizons, where discounting at the -99% bracket end overflows', () => {
    // 25 years of monthly flows: capex, then income with an occasional small loss late on
    // (a curtailed month) and a zero month. 100^m overflows a double past m ~ 154.
    const values = [-1000];
    for (let m = 1; m < 300; m++) values.push(m % 37 === 0 ? -5 : m % 41 === 0 ? 0 : 12);
    const flows = flowsOf(values);
    const irr = internalRateOfReturn(flows, flows.length);
    const reference = bisectMonthlyIrr(flows, 0, 0.1);
    expect(monthlyOf(irr)).toBeCloseTo(reference, 10);
  });

  it('finds the root on the steep side (income first, costs late) in a few dozen NPV passes, not creeping in', () => {
    // A site that earns for 60 months and then pays 0.25 a month for 60: the NPV rises from about
    // -1e35 at -50% a month to its root near -2% a month. Plain Newton from the bracket crept in.
    const values = [];
    for (let m = 0; m < 120; m++) values.push(m < 60 ? 2 + Math.sin(m) : -0.25);
    const flows = flowsOf(values);
    let reads = 0;
    const counted = new Proxy(flows, {
      get(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key);
      },
    });
    const irr = internalRateOfReturn(counted, flows.length);
    expect(monthlyOf(irr)).toBeCloseTo(bisectMonthlyIrr(flows, -0.9, 0), 10);
    expect(reads / flows.length).toBeLessThanOrEqual(40);
  });

  it('returns one of the roots when there are several: 5%, 10% and 20% a month', () => {
    // x = 1 + r solves 100 (x - 1.05)(x - 1.1)(x - 1.2) = 100 x^3 - 335 x^2 + 373.5 x - 138.6 = 0.
    const monthly = monthlyOf(internalRateOfReturn(flowsOf([100, -335, 373.5, -138.6]), 4));
    expect(Math.min(...[0.05, 0.1, 0.2].map((root) => Math.abs(monthly - root)))).toBeLessThan(1e-9);
  });

  it('matches plain bisection on 200 random build-then-lease flows (the fast passes against a reference)', () => {
    // A conversion's shape: capex for 1-18 months, then rent with noise, an occasional loss month
    // and a terminal value; odd and even horizons (the passes walk two months a step).
    const u = new Float64Array(200 * 130);
    new RandomStream().reseed(11, 0, 'site').fillUniforms(u, u.length);
    let checked = 0;
    for (let c = 0; c < 200; c++) {
      const draw = (i: number) => u[c * 130 + i];
      const months = 60 + Math.floor(draw(0) * 61);
      const build = 1 + Math.floor(draw(1) * 18);
      const values = [];
      for (let m = 0; m < months; m++) values.push(m < build ? -10 - 5 * draw(m + 2) : draw(m + 2) < 0.05 ? -1 : 1 + draw(m + 2));
      values[months - 1] += 50 * draw(129);
      const flows = flowsOf(values);
      if (npvAt(flows, -0.5) * npvAt(flows, 0.5) >= 0) continue;
      expect(monthlyOf(internalRateOfReturn(flows, months)), `case ${c}`).toBeCloseTo(bisectMonthlyIrr(flows, -0.5, 0.5), 10);
      checked++;
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('two flows: -a now, b k months later, yield (b / a)^(1/k) - 1 a month', () => {
    for (const [a, b, gap] of [[100, 150, 12], [100, 60, 7], [1e7, 3.2e9, 119], [5, 5.0001, 1]] as const) {
      const flows = new Float64Array(gap + 1);
      flows[0] = -a;
      flows[gap] = b;
      const exact = (b / a) ** (1 / gap) - 1;
      expect(Math.abs(monthlyOf(internalRateOfReturn(flows, flows.length)) - exact), `${a} ${b} ${gap}`).toBeLessThan(1e-13 * (1 + Math.abs(exact)));
    }
  });

  it('level annuities: P = c (1 - (1 + i)^-n) / i solved for i, to 1e-13', () => {
    // The flows are made from the rate, so the closed form is the reference.
    for (const [i, n] of [[0.001, 120], [0.0125, 60], [0.04, 24], [-0.02, 36], [0.2, 120]] as const) {
      const price = (1 - (1 + i) ** -n) / i;
      const flows = flowsOf([-price, ...Array(n).fill(1)]);
      // The price falls at the end of month 0 and the first payment a month later: the same timing.
      expect(Math.abs(monthlyOf(internalRateOfReturn(flows, flows.length)) - i), `${i} ${n}`).toBeLessThan(1e-13);
    }
  });

  it('matches plain bisection to 1e-12 on 400 site-like flows', () => {
    // Build costs, then income with curtailed (negative) months and a terminal value; or mining
    // first, then the build.
    const u = new Float64Array(400 * 130);
    new RandomStream().reseed(12, 0, 'site').fillUniforms(u, u.length);
    let checked = 0;
    for (let c = 0; c < 400; c++) {
      const draw = (i: number) => u[c * 130 + i];
      const months = 100 + Math.floor(draw(0) * 21);
      const build = Math.floor(draw(1) * 20);
      const miningFirst = draw(2) < 0.3;
      const values = [];
      for (let m = 0; m < months; m++) {
        const building = miningFirst ? m >= 12 && m < 12 + build : m < build;
        values.push(building ? -13 - 2 * draw(m + 3) : draw(m + 3) < 0.15 ? -0.2 : 0.5 + draw(m + 3));
      }
      values[months - 1] += 60 * draw(129);
      const flows = flowsOf(values);
      // One root in the bracket (with two, the NPV has one sign at both of its ends: NaN).
      const signs = [-0.9, -0.3, 0.3, 0.9].map((r) => Math.sign(npvAt(flows, r)));
      if (signs[0] !== signs[1] || signs[2] !== signs[3] || signs[1] === signs[2]) continue;
      const reference = bisectMonthlyIrr(flows, -0.3, 0.3);
      expect(Math.abs(monthlyOf(internalRateOfReturn(flows, months)) - reference), `case ${c}`).toBeLessThan(1e-12 * (1 + Math.abs(reference)));
      checked++;
    }
    expect(checked).toBeGreaterThan(250);
  });

  it('finds the bracket when the last flows cancel at the -99% end (the sign comes from every month)', () => {
    // 1 - 100 x 0.01 = 0: at -99% a month the NPV's sign is set by the earlier flows.
    const flows = flowsOf([-1000, ...Array(40).fill(30), 0, -100, 1]);
    expect(monthlyOf(internalRateOfReturn(flows, flows.length))).toBeCloseTo(bisectMonthlyIrr(flows, 0, 0.5), 12);
  });

  it('ignores trailing zero months, however many', () => {
    // 100 then -50: 100 v - 50 v^2 = 0 at v = 2, i.e. -50% a month, with 300 empty months after.
    const flows = flowsOf([100, -50, ...Array(300).fill(0)]);
    expect(monthlyOf(internalRateOfReturn(flows, flows.length))).toBeCloseTo(-0.5, 10);
    const bond = flowsOf([-100, ...Array(23).fill(1), 101, ...Array(400).fill(0)]);
    expect(internalRateOfReturn(bond, bond.length)).toBeCloseTo(1.01 ** 12 - 1, 10);
  });
});

describe('discountFactors and presentValue (monthly compounding, flows at month end)', () => {
  it('discount month m by (1 + r/12)^-(m+1)', () => {
    const factors = discountFactors(0.12, 360);
    for (const m of [0, 1, 11, 119, 359]) expect(factors[m]).toBeCloseTo(1.01 ** -(m + 1), 14);
    expect(discountFactors(0, 5)).toEqual(Float64Array.from([1, 1, 1, 1, 1]));
  });

  it('value a level annuity at c (1 - (1 + i)^-n) / i', () => {
    const months = 120;
    const rate = 0.12;
    const i = rate / 12;
    const flows = new Float64Array(months).fill(1000);
    const pv = presentValue(flows, discountFactors(rate, months), months);
    expect(pv / ((1000 * (1 - (1 + i) ** -months)) / i)).toBeCloseTo(1, 12);
    // Published annuity table: 1% a month for 120 months, factor 69.7005.
    expect(pv / 1000).toBeCloseTo(69.7005, 4);
  });

  it('value a growing annuity at its closed form', () => {
    // c, c(1+g), c(1+g)^2... at month ends: sum_{m<n} c (1+g)^m (1+i)^-(m+1) = c (1 - ((1+g)/(1+i))^n) / (i - g).
    const months = 60;
    const i = 0.08 / 12;
    const g = 0.002;
    const flows = new Float64Array(months);
    for (let m = 0; m < months; m++) flows[m] = 500 * (1 + g) ** m;
    const pv = presentValue(flows, discountFactors(0.08, months), months);
    expect(pv / ((500 * (1 - ((1 + g) / (1 + i)) ** months)) / (i - g))).toBeCloseTo(1, 12);
  });

  it('reads only the first `months` flows, and the IRR zeroes the NPV', () => {
    const flows = flowsOf([-100, 30, 40, 50, 1e9]);
    const factors = discountFactors(0.12, 5);
    expect(presentValue(flows, factors, 4)).toBeCloseTo(-100 / 1.01 + 30 / 1.01 ** 2 + 40 / 1.01 ** 3 + 50 / 1.01 ** 4, 10);
    const irr = internalRateOfReturn(flows, 4);
    const monthly = monthlyOf(irr);
    // A discount rate of 12 x monthly IRR, compounded monthly, prices the flows at zero.
    expect(presentValue(flows, discountFactors(12 * monthly, 4), 4)).toBeCloseTo(0, 9);
  });
});

describe('paybackMonth', () => {
  it.each([
    ['never negative: 0', [5, 10, 0], 0],
    ['cumulative reaches zero at month 2', [-100, 50, 50], 2],
    ['recovers at month 3', [-100, 40, 40, 40], 3],
    ['dips again: the last recovery counts', [-10, 20, -15, 10], 3],
    ['a later dip from positive', [5, -10, 10], 2],
    ['still negative at the horizon: NaN', [-100, 10, 10], NaN],
    ['negative only in the last month: NaN', [10, 10, -30], NaN],
  ])('%s', (_label, values, expected) => {
    const flows = flowsOf(values as number[]);
    const result = paybackMonth(flows, flows.length);
    if (Number.isNaN(expected)) expect(result).toBeNaN();
    else expect(result).toBe(expected);
  });

  it('reads only the first `months` flows', () => {
    expect(paybackMonth(flowsOf([-100, 40, 40, 40]), 3)).toBeNaN();
  });
});

describe('annuityPayment (site debt and project debt)', () => {
  it('is the textbook P i / (1 - (1 + i)^-n): $100,000 at 6%/yr over 30 years pays $599.55 a month', () => {
    expect(annuityPayment(100_000, 0.005, 360)).toBeCloseTo(599.55, 2);
    const P = 7.2e8;
    const i = 0.08 / 12;
    const n = 120;
    expect(annuityPayment(P, i, n) / ((P * i) / (1 - (1 + i) ** -n))).toBeCloseTo(1, 12);
  });

  it('repays the principal exactly: the balance is zero after n payments', () => {
    const P = 5e7;
    const i = 0.1 / 12;
    const n = 60;
    const payment = annuityPayment(P, i, n);
    let balance = P;
    for (let m = 0; m < n; m++) balance = balance * (1 + i) - payment;
    expect(Math.abs(balance) / P).toBeLessThan(1e-10);
    // Equivalently, the payments discounted at the loan rate are worth the principal.
    const pv = presentValue(new Float64Array(n).fill(payment), discountFactors(0.1, n), n);
    expect(pv / P).toBeCloseTo(1, 12);
  });

  it('is P/n at a zero rate and 0 without principal', () => {
    expect(annuityPayment(1200, 0, 12)).toBe(100);
    expect(annuityPayment(0, 0.01, 12)).toBe(0);
  });
});

describe('siteDebtSchedule (the site debt, month by month)', () => {
  const P = 2e8;
  const ratePerYear = 0.08;
  const i = ratePerYear / 12;
  const n = 48;

  it('pays the level annuity for the term, then nothing: worth the principal at the loan rate', () => {
    const { serviceUsd, owedAtEndUsd } = siteDebtSchedule(P, ratePerYear, n, 120);
    const payment = (P * i) / (1 - (1 + i) ** -n);
    for (let m = 0; m < n - 1; m++) expect(serviceUsd[m] / payment).toBeCloseTo(1, 12);
    // The last payment clears what rounding left: the same to a cent.
    expect(Math.abs(serviceUsd[n - 1] - payment)).toBeLessThan(0.01);
    for (let m = n; m < 120; m++) expect(serviceUsd[m]).toBe(0);
    expect(owedAtEndUsd).toBe(0);
    expect(presentValue(serviceUsd, discountFactors(ratePerYear, 120), 120) / P).toBeCloseTo(1, 12);
  });

  it('owes the closed-form balance P (1 + i)^k - A ((1 + i)^k - 1) / i at a horizon of k months inside the term', () => {
    const k = 30;
    const { serviceUsd, owedAtEndUsd } = siteDebtSchedule(P, ratePerYear, n, k);
    const payment = (P * i) / (1 - (1 + i) ** -n);
    expect(serviceUsd.length).toBe(k);
    expect(owedAtEndUsd / (P * (1 + i) ** k - (payment * ((1 + i) ** k - 1)) / i)).toBeCloseTo(1, 12);
  });

  it('is nothing without debt, and P / n a month at a zero rate', () => {
    const none = siteDebtSchedule(0, ratePerYear, n, 24);
    expect(none.serviceUsd.every((s) => s === 0)).toBe(true);
    expect(none.owedAtEndUsd).toBe(0);
    const free = siteDebtSchedule(1200, 0, 12, 24);
    expect(Array.from(free.serviceUsd.subarray(0, 12))).toEqual(new Array(12).fill(100));
    expect(free.serviceUsd[12]).toBe(0);
    expect(free.owedAtEndUsd).toBe(0);
  });
});

describe('triangularQuantile (build months)', () => {
  it('is the inverse of the triangular CDF', () => {
    const [a, b, c] = [9, 12, 18];
    expect(triangularQuantile(0, a, b, c)).toBe(a);
    expect(triangularQuantile(1, a, b, c)).toBe(c);
    // F(mode) = (b - a) / (c - a).
    expect(triangularQuantile((b - a) / (c - a), a, b, c)).toBeCloseTo(b, 12);
    // F(x) = (x - a)^2 / ((c - a)(b - a)) below the mode, 1 - (c - x)^2 / ((c - a)(c - b)) above it.
    for (const x of [9.5, 10, 11, 11.9]) expect(triangularQuantile((x - a) ** 2 / ((c - a) * (b - a)), a, b, c)).toBeCloseTo(x, 12);
    for (const x of [12.1, 13, 15, 17.5]) expect(triangularQuantile(1 - (c - x) ** 2 / ((c - a) * (c - b)), a, b, c)).toBeCloseTo(x, 12);
  });

  it('handles a mode at either end and a point mass', () => {
    expect(triangularQuantile(0.25, 0, 0, 1)).toBeCloseTo(1 - Math.sqrt(0.75), 12);
    expect(triangularQuantile(0.25, 0, 1, 1)).toBeCloseTo(Math.sqrt(0.25), 12);
    expect(triangularQuantile(0.3, 12, 12, 12)).toBe(12);
  });

  it('has mean (a + b + c) / 3 and variance (a² + b² + c² - ab - ac - bc) / 18 on random uniforms (within 4 SE)', () => {
    const [a, b, c] = [9, 12, 18];
    const n = 200_000;
    const u = new Float64Array(n);
    new RandomStream().reseed(7, 0, 'site').fillUniforms(u, n);
    let sum = 0;
    let sumSquares = 0;
    for (let k = 0; k < n; k++) {
      const x = triangularQuantile(u[k], a, b, c);
      sum += x;
      sumSquares += x * x;
    }
    const mean = sum / n;
    const variance = sumSquares / n - mean * mean;
    const exactVariance = (a * a + b * b + c * c - a * b - a * c - b * c) / 18;
    expect(Math.abs(mean - (a + b + c) / 3)).toBeLessThan(4 * Math.sqrt(exactVariance / n));
    // SE of the variance ~ sqrt((mu4 - sigma^4) / n); the triangular is lighter-tailed than the
    // normal (kurtosis 2.4), so sqrt(2 / n) sigma^2 is a safe upper bound.
    expect(Math.abs(variance - exactVariance)).toBeLessThan(4 * Math.sqrt(2 / n) * exactVariance);
  });
});
