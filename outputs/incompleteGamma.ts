// The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 - P(a, x): the distribution
// function of a Gamma(a, 1) variable at x, so a chi-square with k degrees of freedom has
// P(X <= x) = P(k / 2, x / 2). The calibration diagnostics read p-values of Ljung-Box, Jarque-Bera
// and Bartlett statistics from it.
import { lnGamma } from './incompleteBeta.js';

const EPSILON = 1e-15;
const TINY = 1e-300;
const MAX_TERMS = 10_000;

/** Series for P(a, x), good for x < a + 1 (Numerical Recipes 3rd ed. §6.2, gser). */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_TERMS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

/** Continued fraction for Q(a, x), good for x >= a + 1, by the modified Lentz method (§6.2, gcf). */
function upperContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** Q(a, x) = Γ(a, x) / Γ(a), the upper tail, for a > 0 and x >= 0. */
export function upperRegularizedGamma(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`upperRegularizedGamma: needs a > 0 and x >= 0, got a ${a}, x ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerSeries(a, x) : upperContinuedFraction(a, x);
}

/** P(X >= x) for X chi-square with `degrees` degrees of freedom: the p-value of a chi-square statistic. */
export function chiSquareSurvival(x: number, degrees: number): number {
  if (!(degrees > 0)) throw new RangeError(`chiSquareSurvival: degrees must be positive, got ${degrees}`);
  return x <= 0 ? 1 : upperRegularizedGamma(degrees / 2, x / 2);
}
