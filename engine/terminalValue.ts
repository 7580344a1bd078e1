// What a stream of cash after the horizon is worth at the horizon, by the kind of cash it is
// (terminalValue.method: byCashFlow): contracted rent at its present value, open-ended leasing at a
// cap rate, a search for a tenant at its expected delay. Pure formulas on plain numbers; the
// hosting and the strategy decide which apply. Month t after the horizon is paid at its end and
// discounted by v^t, v = 1 / (1 + r/12), as every cash flow of the engine is.

/**
 * Present value, one month before the first payment, of `months` monthly payments of a lease whose
 * first payment falls in lease month `firstLeaseMonth` (0 = the first month of the lease) at
 * `firstPaymentUsd`, escalated by `escalatorPerYear` on each later anniversary (lease months 12,
 * 24, ...), each discounted by v per month.
 */
export function escalatedLeasePv(firstPaymentUsd: number, escalatorPerYear: number, firstLeaseMonth: number, months: number, v: number): number {
  let pv = 0;
  let payment = firstPaymentUsd;
  let discount = 1;
  for (let j = 0; j < months; j++) {
    const leaseMonth = firstLeaseMonth + j;
    if (j > 0 && leaseMonth % 12 === 0) payment *= 1 + escalatorPerYear;
    discount *= v;
    pv += payment * discount;
  }
  return pv;
}

/** Present value of `months` level monthly payments of 1, the first one month away. */
export function annuityFactor(months: number, v: number): number {
  return v === 1 ? months : (v * (1 - v ** months)) / (1 - v);
}

/**
 * Value, at the month its income starts, of leasing that goes on after any contract: a year's net
 * operating income capitalised at `capRatePerYear` (13-18x NOI at 5.5-7.5%), never below 0 (an
 * owner whose capacity costs more than it earns can stop leasing it).
 */
export function capRateValue(monthlyNoiUsd: number, capRatePerYear: number): number {
  return monthlyNoiUsd > 0 ? (12 * monthlyNoiUsd) / capRatePerYear : 0;
}

/**
 * E[v^(S - 1)] for a tenant search that signs each month with probability p (S ~ geometric on
 * 1, 2, ...): the expected discount on an income stream that starts when the search ends rather
 * than next month. 0 when no tenant can sign.
 */
export function expectedSearchDiscount(signingProbabilityPerMonth: number, v: number): number {
  const p = Math.min(1, signingProbabilityPerMonth);
  return p > 0 ? p / (1 - (1 - p) * v) : 0;
}

/**
 * Sum over k = 1..months of (v (1 - p))^k: the present value of 1 a month paid in each month that
 * ends with no tenant signed (each month signs with probability p), for at most `months` months.
 * A guarantor's payments for vacant capacity (hosting.ts) after the horizon.
 */
export function vacancyAnnuity(signingProbabilityPerMonth: number, v: number, months: number): number {
  if (months <= 0) return 0;
  const x = v * (1 - Math.min(1, signingProbabilityPerMonth));
  return x === 1 ? months : (x * (1 - x ** months)) / (1 - x);
}
