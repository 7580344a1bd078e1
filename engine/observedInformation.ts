// Standard errors of maximum-likelihood estimates: the inverse of the observed information (the
// Hessian of the negative log-likelihood at the optimum), for engine/calibration.ts.
import { CalibrationError } from './calibrationError.js';
import { cholesky } from './cholesky.js';

/**
 * Covariance of the MLE in optimisation coordinates: the inverse of the observed information,
 * the Hessian of the negative log-likelihood by central differences (steps ~1e-4 relative:
 * truncation error O(h^2) against round-off of ~1e-12 / h^2 in likelihoods of size ~1e4).
 * The Hessian is scaled to unit diagonal before the Cholesky test so that parameters of very
 * different sizes do not mask a flat direction. Returns a row-major n*n matrix.
 */
export function inverseInformation(f: (x: Float64Array) => number, x: Float64Array, fitName: string, names: readonly string[]): Float64Array {
  const n = x.length;
  const h = Array.from(x, (v) => 1e-4 * Math.max(1, Math.abs(v)));
  const at = (shifts: [number, number][]) => {
    const y = Float64Array.from(x);
    for (const [i, s] of shifts) y[i] += s * h[i];
    return f(y);
  };
  const f0 = f(x);
  const hessian = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    hessian[i * n + i] = (at([[i, 1]]) - 2 * f0 + at([[i, -1]])) / (h[i] * h[i]);
    for (let j = 0; j < i; j++) {
      const value = (at([[i, 1], [j, 1]]) - at([[i, 1], [j, -1]]) - at([[i, -1], [j, 1]]) + at([[i, -1], [j, -1]])) / (4 * h[i] * h[j]);
      hessian[i * n + j] = value;
      hessian[j * n + i] = value;
    }
  }
  for (let i = 0; i < n; i++) {
    if (!(hessian[i * n + i] > 0) || !Number.isFinite(hessian[i * n + i])) {
      throw new CalibrationError(`${fitName}: the log-likelihood is not curved in ${names[i]} at the optimum; that parameter is not identified by these data`);
    }
  }
  const scale = Array.from({ length: n }, (_, i) => 1 / Math.sqrt(hessian[i * n + i]));
  const scaled = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => hessian[i * n + j] * scale[i] * scale[j]));
  const lower = cholesky(scaled);
  if (lower === null) {
    throw new CalibrationError(`${fitName}: the information matrix is not positive definite at the optimum; the parameters are not jointly identified by these data`);
  }
  const inverse = inverseFromCholesky(lower, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) inverse[i * n + j] *= scale[i] * scale[j];
  return inverse;
}

/** (L L^T)^-1 = L^-T L^-1 for a row-major lower-triangular L. */
function inverseFromCholesky(lower: Float64Array, n: number): Float64Array {
  const lowerInverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    lowerInverse[i * n + i] = 1 / lower[i * n + i];
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= lower[i * n + k] * lowerInverse[k * n + j];
      lowerInverse[i * n + j] = sum / lower[i * n + i];
    }
  }
  const inverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = i; k < n; k++) sum += lowerInverse[k * n + i] * lowerInverse[k * n + j];
      inverse[i * n + j] = sum;
      inverse[j * n + i] = sum;
    }
  }
  return inverse;
}
