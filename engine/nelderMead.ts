// Derivative-free minimisation for the maximum-likelihood fits of engine/calibration.ts, whose
// likelihoods (Poisson mixtures with a plausibility box) have no convenient gradient.

export interface NelderMeadResult {
  x: Float64Array;
  value: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Nelder-Mead minimisation with the standard coefficients (reflection 1, expansion 2, contraction
 * 1/2, shrink 1/2; Lagarias et al. 1998, SIAM J. Optim. 9(1)). Stops when the simplex's values
 * agree to `fTolerance` and its vertices to `xTolerance`, or after `maxEvaluations`.
 * A value of +Infinity (outside the plausibility box) is simply the worst vertex.
 */
export function nelderMead(
  f: (x: Float64Array) => number,
  start: Float64Array,
  steps: Float64Array,
  { maxEvaluations = 4000, fTolerance = 1e-10, xTolerance = 1e-8 } = {},
): NelderMeadResult {
  const n = start.length;
  const simplex: Float64Array[] = [Float64Array.from(start)];
  for (let i = 0; i < n; i++) {
    const vertex = Float64Array.from(start);
    vertex[i] += steps[i];
    simplex.push(vertex);
  }
  const values = simplex.map(f);
  let evaluations = n + 1;
  const centroid = new Float64Array(n);
  const trial = (from: Float64Array, towards: Float64Array, t: number) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = from[i] + t * (towards[i] - from[i]);
    return out;
  };
  let converged = false;
  while (evaluations < maxEvaluations) {
    const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
    const sortedSimplex = order.map((i) => simplex[i]);
    const sortedValues = order.map((i) => values[i]);
    for (let i = 0; i <= n; i++) {
      simplex[i] = sortedSimplex[i];
      values[i] = sortedValues[i];
    }
    let spread = 0;
    for (let i = 1; i <= n; i++) for (let d = 0; d < n; d++) spread = Math.max(spread, Math.abs(simplex[i][d] - simplex[0][d]));
    if (Math.abs(values[n] - values[0]) <= fTolerance && spread <= xTolerance) {
      converged = true;
      break;
    }
    centroid.fill(0);
    for (let i = 0; i < n; i++) for (let d = 0; d < n; d++) centroid[d] += simplex[i][d] / n;
    const worst = simplex[n];
    // Points on the line from the worst vertex through the centroid: t = 2 reflects, 3 expands,
    // 1.5 contracts outside, 0.5 contracts inside.
    const reflected = trial(worst, centroid, 2);
    const fr = f(reflected);
    evaluations++;
    if (fr < values[0]) {
      const expanded = trial(worst, centroid, 3);
      const fe = f(expanded);
      evaluations++;
      if (fe < fr) {
        simplex[n] = expanded;
        values[n] = fe;
      } else {
        simplex[n] = reflected;
        values[n] = fr;
      }
      continue;
    }
    if (fr < values[n - 1]) {
      simplex[n] = reflected;
      values[n] = fr;
      continue;
    }
    const outside = fr < values[n];
    const contracted = trial(worst, centroid, outside ? 1.5 : 0.5);
    const fc = f(contracted);
    evaluations++;
    if (fc < (outside ? fr : values[n])) {
      simplex[n] = contracted;
      values[n] = fc;
      continue;
    }
    for (let i = 1; i <= n; i++) {
      simplex[i] = trial(simplex[0], simplex[i], 0.5);
      values[i] = f(simplex[i]);
    }
    evaluations += n;
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if (values[i] < values[bestIndex]) bestIndex = i;
  return { x: simplex[bestIndex], value: values[bestIndex], evaluations, converged };
}
