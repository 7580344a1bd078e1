// Cholesky factor of a correlation matrix: turns independent normals into correlated shocks (z = L e).

/**
 * Lower-triangular L with L L^T = matrix, or null when the matrix is not positive definite.
 * Row-major Float64Array of n*n; the caller validated symmetry and size.
 */
export function cholesky(matrix: readonly (readonly number[])[]): Float64Array | null {
  const n = matrix.length;
  const lower = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i][j];
      for (let k = 0; k < j; k++) sum -= lower[i * n + k] * lower[j * n + k];
      if (i === j) {
        // A tiny positive floor would hide a singular matrix; demand a clear margin instead.
        if (!(sum > 1e-10)) return null;
        lower[i * n + i] = Math.sqrt(sum);
      } else {
        lower[i * n + j] = sum / lower[j * n + j];
      }
    }
  }
  return lower;
}
