// The regularized incomplete beta function I_x(a, b), the distribution function of a Beta(a, b)
// variable at x. statistics.ts needs it for the distribution of an order statistic: the k-th
// smallest of n uniforms is Beta(k, n - k + 1), so P(U_(k) <= p) = I_p(k, n - k + 1), and for
// whole k this equals P(Binomial(n, p) >= k). Parameters reach ~10^6 (a percentile of 10^6 trials),
// where a series or a normal approximation would lose the tails, so the continued fraction is used.

/**
 * ln Γ(x) for x > 0: Stirling's series with five correction terms for x >= 15 (the first term
 * left out, 691 / (360360 x^11), is below 3e-16 there; Abramowitz & Stegun 6.1.40), and the
 * recurrence Γ(x) = Γ(x + k) / (x (x+1) ... (x+k-1)) below.
 */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma: x must be positive, got ${x}`);
  let shift = 0;
  let y = x;
  while (y < 15) {
    shift += Math.log(y);
    y += 1;
  }
  const inverse = 1 / y;
  const inverse2 = inverse * inverse;
  const series = inverse * (1 / 12 - inverse2 * (1 / 360 - inverse2 * (1 / 1260 - inverse2 * (1 / 1680 - inverse2 / 1188))));
  return (y - 0.5) * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

const EPSILON = 1e-15;
const TINY = 1e-300;

/**
 * Continued fraction for I_x(a, b) by the modified Lentz method (Numerical Recipes 3rd ed. §6.4,
 * betacf). It converges for x < (a + 1) / (a + b + 2) in O(sqrt(max(a, b))) terms at worst.
 */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const maxTerms = 100 + Math.ceil(20 * Math.sqrt(Math.max(a, b)));
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxTerms; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPSILON) return h;
  }
  throw new RangeError(`incompleteBeta: the continued fraction did not converge for a = ${a}, b = ${b}, x = ${x}`);
}

/** I_x(a, b) = P(Beta(a, b) <= x), for a, b > 0 and x in [0, 1]. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`incompleteBeta: a and b must be positive, got a = ${a}, b = ${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incompleteBeta: x must be in [0, 1], got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(logFront);
  // The fraction converges fast on the side of the mean where x lies; use the symmetry
  // I_x(a, b) = 1 - I_{1-x}(b, a) on the other side.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}
