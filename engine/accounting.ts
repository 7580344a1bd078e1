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
  // Trailing zero months change no root, and would only underflow the sum at -99% below to 0.
  while (months > 0 && flows[months - 1] === 0) months--;
  // Every pass below walks two months a step: two chains of products and sums that the CPU runs
  // side by side, where one chain would wait on each multiply (the pass costs about half).
  const odd = months & 1;
  // One pass gathers everything the search needs before it starts:
  // - NPV at rate 0 and minus its slope there, whose ratio is Newton's first step from 0;
  // - the NPV at the upper bracket (+100% a month);
  // - the sign of the NPV at the lower bracket (-99% a month). There 100^(m+1) overflows past
  //   m ~ 154 and Infinity - Infinity would make it NaN, so it is computed as NPV x (1 + lo)^months
  //   = sum f_m (1 + lo)^(months - 1 - m) by Horner's rule.
  let hasNegative = false;
  let hasPositive = false;
  let npvAtZero0 = 0, npvAtZero1 = 0;
  let slopeAtZero0 = 0, slopeAtZero1 = 0;
  let npvAtHi0 = 0, npvAtHi1 = 0;
  let scaled = 0;
  let halfPower0 = 0.5, halfPower1 = 0.25; // 2^-(m+1): exact
  if (odd) {
    const flow = flows[0];
    hasNegative = flow < 0;
    hasPositive = flow > 0;
    npvAtZero0 = flow;
    slopeAtZero0 = flow;
    npvAtHi0 = 0.5 * flow;
    scaled = flow;
    halfPower0 = 0.25;
    halfPower1 = 0.125;
  }
  const growthLo2 = growthLo * growthLo;
  for (let m = odd; m < months; m += 2) {
    const f0 = flows[m], f1 = flows[m + 1];
    if (f0 < 0 || f1 < 0) hasNegative = true;
    if (f0 > 0 || f1 > 0) hasPositive = true;
    npvAtZero0 += f0;
    npvAtZero1 += f1;
    slopeAtZero0 += (m + 1) * f0;
    slopeAtZero1 += (m + 2) * f1;
    npvAtHi0 += f0 * halfPower0;
    npvAtHi1 += f1 * halfPower1;
    halfPower0 *= 0.25;
    halfPower1 *= 0.25;
    scaled = scaled * growthLo2 + (f0 * growthLo + f1);
  }
  if (!hasNegative || !hasPositive) return NaN;
  const npvAtZero = npvAtZero0 + npvAtZero1;
  const slopeAtZero = slopeAtZero0 + slopeAtZero1;

  let lo = lo0;
  let hi = hi0;
  let fLo = scaled;
  if (fLo === 0) return annualise(lo);
  if (fLo * (npvAtHi0 + npvAtHi1) > 0) return NaN;
  let rate = slopeAtZero !== 0 ? npvAtZero / slopeAtZero : 0.01;
  if (!(rate > lo && rate < hi)) rate = 0.01;
  let stepBefore = hi - lo;
  let step = stepBefore;
  for (let iteration = 0; iteration < 100; iteration++) {
    // One pass gives the NPV and its derivative with respect to the monthly rate:
    // d/dr sum f_m v^(m+1) = -v sum (m + 1) f_m v^(m+1), with v = 1 / (1 + r).
    const v = 1 / (1 + rate);
    const v2 = v * v;
    let d0 = v, d1 = v2;
    let npv0 = 0, npv1 = 0;
    let weighted0 = 0, weighted1 = 0;
    if (odd) {
      npv0 = flows[0] * v;
      weighted0 = npv0;
      d0 = v2;
      d1 = v2 * v;
    }
    for (let m = odd; m < months; m += 2) {
      const t0 = flows[m] * d0, t1 = flows[m + 1] * d1;
      npv0 += t0;
      npv1 += t1;
      weighted0 += (m + 1) * t0;
      weighted1 += (m + 2) * t1;
      d0 *= v2;
      d1 *= v2;
    }
    const npv = npv0 + npv1;
    if (npv === 0) return annualise(rate);
    if (npv * fLo > 0) {
      lo = rate;
      fLo = npv;
    } else {
      hi = rate;
    }
    const newtonStep = npv / (v * (weighted0 + weighted1));
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
