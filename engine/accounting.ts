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
 * kept inside a shrinking bracket, bisecting instead when a step would leave it or is not at
 * least halving the step before (rtsafe, Numerical Recipes 9.4): on the steep side of a root
 * (flows that turn negative late) plain Newton crept in over 70 evaluations. So it converges in a
 * handful of evaluations and never diverges. Flows with several sign changes may have several
 * roots; the one returned is the one the search reaches from its start (README: IRR).
 */
export function internalRateOfReturn(flows: Float64Array, months: number): number {
  const lo0 = -0.99;
  const hi0 = 1;
  const growthLo = 1 + lo0;
  const discountHi = 1 / (1 + hi0);
  let hasNegative = false;
  let hasPositive = false;
  // One pass gathers everything the search needs before it starts:
  // - NPV at rate 0 and minus its slope there, whose ratio is Newton's first step from 0;
  // - the NPV at the upper bracket (+100% a month);
  // - the sign of the NPV at the lower bracket (-99% a month). There 100^(m+1) overflows past
  //   m ~ 154 and Infinity - Infinity would make it NaN, so it is computed as NPV x (1 + lo)^(L + 1)
  //   = sum f_m (1 + lo)^(L - m) by Horner's rule, up to the last non-zero flow L (trailing zeros
  //   change no root and would only underflow it to 0).
  let npvAtZero = 0;
  let slopeAtZero = 0;
  let npvAtHi = 0;
  let discount = 1;
  let scaled = 0;
  let scaledAtLastNonZero = 0;
  let lastNonZero = -1;
  for (let m = 0; m < months; m++) {
    const flow = flows[m];
    discount *= discountHi;
    npvAtHi += flow * discount;
    scaled = scaled * growthLo + flow;
    if (flow !== 0) {
      if (flow < 0) hasNegative = true;
      else hasPositive = true;
      lastNonZero = m;
      scaledAtLastNonZero = scaled;
      npvAtZero += flow;
      slopeAtZero += (m + 1) * flow;
    }
  }
  if (!hasNegative || !hasPositive) return NaN;
  months = lastNonZero + 1;

  let lo = lo0;
  let hi = hi0;
  let fLo = scaledAtLastNonZero;
  if (fLo === 0) return annualise(lo);
  if (fLo * npvAtHi > 0) return NaN;
  let rate = slopeAtZero !== 0 ? npvAtZero / slopeAtZero : 0.01;
  if (!(rate > lo && rate < hi)) rate = 0.01;
  let stepBefore = hi - lo;
  let step = stepBefore;
  for (let iteration = 0; iteration < 100; iteration++) {
    // One pass gives the NPV and its derivative with respect to the monthly rate:
    // d/dr sum f_m v^(m+1) = -v sum (m + 1) f_m v^(m+1), with v = 1 / (1 + r).
    const v = 1 / (1 + rate);
    let d = 1;
    let npv = 0;
    let weighted = 0;
    for (let m = 0; m < months; m++) {
      d *= v;
      const term = flows[m] * d;
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
    const newtonStep = npv / (v * weighted);
    let next = rate + newtonStep;
    if (!(next > lo && next < hi) || Math.abs(2 * newtonStep) > Math.abs(stepBefore)) next = 0.5 * (lo + hi);
    stepBefore = step;
    step = next - rate;
    // Newton converges quadratically: once a step is below 1e-9, the next error is far below 1e-15.
    if (Math.abs(next - rate) < 1e-9 * (1 + Math.abs(rate))) return annualise(next);
    rate = next;
  }
  return annualise(rate);
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
