// The statistics that summarise how a fitted model matches its history, each with its p-value:
// Kolmogorov-Smirnov (the distribution of monthly returns), Jarque-Bera (normality: skew and fat
// tails), Ljung-Box (autocorrelation of returns, and of squared returns: volatility clustering) and
// Bartlett (equal variance across years). Pure: arrays in, numbers out.
import { chiSquareSurvival, upperRegularizedGamma } from './incompleteGamma.js';

export interface TestResult {
  statistic: number;
  pValue: number;
}

/** Φ(z) of the standard normal, through the incomplete gamma: erf(t) = P(1/2, t^2), exact to ~1e-15. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const tail = 0.5 * upperRegularizedGamma(0.5, (z * z) / 2);
  return z < 0 ? tail : 1 - tail;
}

/**
 * Kolmogorov's limiting survival function Q(λ) = 2 Σ_{j>=1} (-1)^{j-1} exp(-2 j^2 λ^2): the
 * probability that sqrt(n) D_n exceeds λ under the null (Kolmogorov 1933; Numerical Recipes §14.3.3).
 */
export function kolmogorovSurvival(lambda: number): number {
  if (lambda < 0.2) return 1; // the series converges slowly there and Q is 1 to 1e-15
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += j % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/**
 * One-sample Kolmogorov-Smirnov test of `sample` against the continuous distribution `cdf`:
 * D = sup |F_n - F|, and the p-value Q((sqrt(n) + 0.12 + 0.11 / sqrt(n)) D) (Stephens 1970's
 * small-sample correction, Numerical Recipes §14.3.3). With parameters fitted to the same sample
 * the p-value is too large (Lilliefors 1967): read it as an upper bound.
 */
export function kolmogorovSmirnov(sample: ArrayLike<number>, cdf: (x: number) => number): TestResult {
  const sorted = Float64Array.from(sample).sort();
  const n = sorted.length;
  if (n === 0) throw new RangeError('kolmogorovSmirnov: empty sample');
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  const root = Math.sqrt(n);
  return { statistic: d, pValue: kolmogorovSurvival((root + 0.12 + 0.11 / root) * d) };
}

function mean(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i];
  return sum / x.length;
}

/** Sample autocorrelations r_1 .. r_maxLag (the biased estimator Box and Jenkins use: one denominator for every lag). */
export function autocorrelations(x: ArrayLike<number>, maxLag: number): Float64Array {
  const n = x.length;
  const m = mean(x);
  let denominator = 0;
  for (let t = 0; t < n; t++) denominator += (x[t] - m) ** 2;
  const r = new Float64Array(maxLag);
  for (let k = 1; k <= maxLag; k++) {
    let sum = 0;
    for (let t = 0; t + k < n; t++) sum += (x[t] - m) * (x[t + k] - m);
    r[k - 1] = denominator > 0 ? sum / denominator : 0;
  }
  return r;
}

/**
 * Ljung-Box portmanteau test of no autocorrelation up to `lags`: Q = n (n + 2) Σ r_k^2 / (n - k),
 * chi-square with `lags` degrees of freedom under the null (Ljung and Box 1978). On squared
 * returns it is McLeod and Li's (1983) test for ARCH effects.
 */
export function ljungBox(x: ArrayLike<number>, lags: number): TestResult & { lags: number } {
  const n = x.length;
  if (!(lags >= 1 && lags < n)) throw new RangeError(`ljungBox: lags must be from 1 to n - 1 (${n - 1}), got ${lags}`);
  const r = autocorrelations(x, lags);
  let q = 0;
  for (let k = 1; k <= lags; k++) q += (r[k - 1] * r[k - 1]) / (n - k);
  q *= n * (n + 2);
  return { statistic: q, pValue: chiSquareSurvival(q, lags), lags };
}

/**
 * Jarque-Bera test of normality: JB = n / 6 (S^2 + (K - 3)^2 / 4) with the moment estimators of
 * skewness S and kurtosis K; chi-square with 2 degrees of freedom (p = exp(-JB / 2)) asymptotically.
 */
export function jarqueBera(x: ArrayLike<number>): TestResult & { skewness: number; kurtosis: number } {
  const n = x.length;
  const m = mean(x);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const skewness = m3 / m2 ** 1.5;
  const kurtosis = m4 / (m2 * m2);
  const statistic = (n / 6) * (skewness * skewness + (kurtosis - 3) ** 2 / 4);
  return { statistic, pValue: Math.exp(-statistic / 2), skewness, kurtosis };
}

/**
 * Bartlett's test that groups share one variance (Snedecor and Cochran 1989; NIST e-Handbook
 * 1.3.5.7): T = ((N - k) ln s_p^2 - Σ (n_i - 1) ln s_i^2) / (1 + (Σ 1/(n_i - 1) - 1/(N - k)) / (3 (k - 1))),
 * chi-square with k - 1 degrees of freedom. Sensitive to non-normality: fat tails inflate it too.
 */
export function bartlett(groups: readonly ArrayLike<number>[]): TestResult & { groups: number } {
  const k = groups.length;
  if (k < 2 || groups.some((g) => g.length < 2)) throw new RangeError('bartlett: needs at least two groups of at least two values');
  let total = 0;
  let pooled = 0;
  let logSum = 0;
  let inverseSum = 0;
  for (const g of groups) {
    const m = mean(g);
    let ss = 0;
    for (let i = 0; i < g.length; i++) ss += (g[i] - m) ** 2;
    const df = g.length - 1;
    total += df;
    pooled += ss;
    logSum += df * Math.log(ss / df);
    inverseSum += 1 / df;
  }
  const numerator = total * Math.log(pooled / total) - logSum;
  const correction = 1 + (inverseSum - 1 / total) / (3 * (k - 1));
  const statistic = numerator / correction;
  return { statistic, pValue: chiSquareSurvival(statistic, k - 1), groups: k };
}
