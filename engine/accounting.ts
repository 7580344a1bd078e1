// From a strategy's monthly cash flows to its outcomes: NPV, IRR, payback (MODEL.md §4).
// Cash flows fall at the end of each month; discounting compounds monthly at rate/12.

/** Discount factors (1 + r/12)^-(m+1) for months 0..months-1, computed once per scenario. */
export function discountFactors(discountRatePerYear: number, months: number): Float64Array {
  const factors = new Float64Array(months);
  const monthly = 1 / (1 + discountRatePerYear / 12);
  let f = 1;
  for (let m = 0; m < months; m++) {
    f *= monthly;
    factors[m] = f;
  }
  return factors;
}

/** Sum of cash flows times discount factors: the NPV of flows[0..months). */
export function presentValue(flows: Float64Array, factors: Float64Array, months: number): number {
  let pv = 0;
  for (let m = 0; m < months; m++) pv += flows[m] * factors[m];
  return pv;
}

/**
 * Annual IRR ((1 + monthly)^12 - 1) of flows[0..months), each at the end of its month, or NaN
 * when undefined: no sign change, or no root with a monthly rate in (-99%, +100%). Newton steps
 * kept inside a shrinking bracket (a safeguarded Newton), so it converges in a handful of
 * evaluations and never diverges. Flows with several sign changes may have several roots; the
 * one inside the bracket found from below is returned.
 */
export function internalRateOfReturn(flows: Float64Array, months: number): number {
  let hasNegative = false;
  let hasPositive = false;
  // NPV at rate 0 and minus its slope there: Newton's first step from 0, for free in this pass.
  let npvAtZero = 0;
  let slopeAtZero = 0;
  for (let m = 0; m < months; m++) {
    const flow = flows[m];
    if (flow < 0) hasNegative = true;
    else if (flow > 0) hasPositive = true;
    npvAtZero += flow;
    slopeAtZero += (m + 1) * flow;
  }
  if (!hasNegative || !hasPositive) return NaN;
  // Trailing zeros change no root; dropping them keeps the scaled NPV below from underflowing to 0.
  while (flows[months - 1] === 0) months--;

  let lo = -0.99;
  let hi = 1;
  // Only the sign of the NPV at `lo` is used. At -99% a month, 100^(m+1) overflows past m ~ 154, and
  // over a long horizon Infinity - Infinity (or 0 x Infinity) made it NaN and the search wrong; the
  // NPV times (1 + lo)^months has the same sign and stays finite.
  let fLo = scaledNpvAtMonthlyRate(flows, months, lo);
  const fHi = npvAtMonthlyRate(flows, months, hi);
  if (fLo === 0) return annualise(lo);
  if (fLo * fHi > 0) return NaN;
  let rate = slopeAtZero !== 0 ? npvAtZero / slopeAtZero : 0.01;
  if (!(rate > lo && rate < hi)) rate = 0.01;
  for (let iteration = 0; iteration < 100; iteration++) {
    // One pass gives the NPV and its derivative with respect to the monthly rate:
    // d/dr sum f_m v^(m+1) = -v sum (m + 1) f_m v^(m+1), with v = 1 / (1 + r).
    const v = 1 / (1 + rate);
    let discount = 1;
    let npv = 0;
    let weighted = 0;
    for (let m = 0; m < months; m++) {
      discount *= v;
      const term = flows[m] * discount;
      npv += term;
      weighted += (m + 1) * term;
    }
    if (npv === 0) return annualise(rate);
    if (npv * fLo > 0) {
      lo = rate;
      fLo = npv;
    } else {
      hi = rate;
    }
    let next = rate + npv / (v * weighted);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    // Newton converges quadratically: once a step is below 1e-9, the next error is far below 1e-15.
    if (Math.abs(next - rate) < 1e-9 * (1 + Math.abs(rate))) return annualise(next);
    rate = next;
  }
  return annualise(rate);
}

function npvAtMonthlyRate(flows: Float64Array, months: number, rate: number): number {
  const v = 1 / (1 + rate);
  let discount = 1;
  let npv = 0;
  for (let m = 0; m < months; m++) {
    discount *= v;
    npv += flows[m] * discount;
  }
  return npv;
}

/** NPV x (1 + rate)^months = sum of flows[m] (1 + rate)^(months - 1 - m), by Horner's rule. */
function scaledNpvAtMonthlyRate(flows: Float64Array, months: number, rate: number): number {
  const growth = 1 + rate;
  let value = 0;
  for (let m = 0; m < months; m++) value = value * growth + flows[m];
  return value;
}

function annualise(monthlyRate: number): number {
  return (1 + monthlyRate) ** 12 - 1;
}

/**
 * Payback month: the month after which cumulative cash flow is non-negative for good. 0 when it
 * never dips below zero; NaN when it is still negative at the horizon.
 */
export function paybackMonth(flows: Float64Array, months: number): number {
  let cumulative = 0;
  let lastNegative = -1;
  for (let m = 0; m < months; m++) {
    cumulative += flows[m];
    if (cumulative < 0) lastNegative = m;
  }
  if (lastNegative === months - 1) return NaN;
  return lastNegative + 1;
}
