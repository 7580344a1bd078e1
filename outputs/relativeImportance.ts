// Which drivers explain an outcome: an ordinary least-squares regression of y on k drivers, its R^2,
// and R^2 shared out among the drivers by the LMG decomposition (Lindeman, Merenda & Gold 1980;
// Grömping 2006, "Relative importance for linear regression in R: the package relaimpo", J. Stat.
// Software 17(1)): each driver's share is its increase in R^2 when added to a model, averaged over
// every order in which the drivers can enter. The shares are non-negative, add up to R^2, and split
// the credit between correlated drivers instead of giving it to whichever enters first. With at most
// a dozen drivers all 2^k sub-models are solved from the k x k correlation matrix. Pure.

export interface DriverColumn {
  name: string;
  values: Float64Array;
}

export interface DriverImportance {
  name: string;
  /** The driver's LMG share of R^2 (shares add up to rSquared). */
  share: number;
  /** Correlation of the driver with y. */
  correlation: number;
  /** Standardised coefficient in the full model: change in y, in SDs of y, per SD of the driver. */
  beta: number;
}

export interface Regression {
  /** Rows where y and every driver have a value. */
  observations: number;
  rSquared: number;
  /** Ranked by share, largest first. */
  drivers: DriverImportance[];
  /** Drivers left out because they do not vary over the rows (e.g. a lease month of a strategy that never leases). */
  constant: string[];
}

/** More drivers than this would mean 2^k sub-models; the report has far fewer. */
export const MAX_DRIVERS = 16;

/** Relative pivot below which a driver adds nothing new: it is (numerically) a combination of the others. */
const COLLINEAR = 1e-10;

/**
 * R^2 of the sub-model of the drivers in `mask`, from the correlation matrix R (k x k, row-major) and
 * the correlations r of the drivers with y: R^2 = r_S' R_SS^-1 r_S, by a Cholesky factorisation that
 * skips a driver whose pivot vanishes (collinear with those before it: it cannot raise R^2).
 */
function subsetRSquared(R: Float64Array, r: Float64Array, k: number, mask: number, L: Float64Array, z: Float64Array, kept: Int32Array): number {
  let size = 0;
  let rSquared = 0;
  for (let j = 0; j < k; j++) {
    if (!(mask & (1 << j))) continue;
    // Row `size` of L for driver j against the kept drivers before it.
    let pivot = R[j * k + j];
    for (let a = 0; a < size; a++) {
      let dot = R[j * k + kept[a]];
      for (let b = 0; b < a; b++) dot -= L[size * k + b] * L[a * k + b];
      const l = dot / L[a * k + a];
      L[size * k + a] = l;
      pivot -= l * l;
    }
    if (pivot <= COLLINEAR * R[j * k + j]) continue;
    const diagonal = Math.sqrt(pivot);
    L[size * k + size] = diagonal;
    // Forward substitution for z = L^-1 r_S; R^2 = |z|^2.
    let value = r[j];
    for (let b = 0; b < size; b++) value -= L[size * k + b] * z[b];
    z[size] = value / diagonal;
    rSquared += z[size] * z[size];
    kept[size++] = j;
  }
  return rSquared;
}

/** Standardised coefficients of the full model: R b = r, solved with the same collinear skip (skipped drivers get 0). */
function fullModelBetas(R: Float64Array, r: Float64Array, k: number): number[] {
  // Gauss-Jordan with partial pivoting on the well-conditioned part.
  const a = Array.from({ length: k }, (_, i) => [...Array.from({ length: k }, (_, j) => R[i * k + j]), r[i]]);
  const pivotOf = new Array<number>(k).fill(-1);
  const used = new Array<boolean>(k).fill(false);
  for (let column = 0; column < k; column++) {
    let best = -1;
    for (let row = 0; row < k; row++) if (!used[row] && (best < 0 || Math.abs(a[row][column]) > Math.abs(a[best][column]))) best = row;
    if (best < 0 || Math.abs(a[best][column]) <= COLLINEAR) continue;
    used[best] = true;
    pivotOf[column] = best;
    for (let row = 0; row < k; row++) {
      if (row === best) continue;
      const f = a[row][column] / a[best][column];
      if (f !== 0) for (let c = column; c <= k; c++) a[row][c] -= f * a[best][c];
    }
  }
  return pivotOf.map((row, column) => (row < 0 ? 0 : a[row][k] / a[row][column]));
}

/**
 * LMG shares from the correlation matrix of the drivers (k x k, row-major) and their correlations
 * with y. Returns R^2 of the full model and each driver's share of it.
 */
export function lmgShares(R: Float64Array, r: Float64Array): { rSquared: number; shares: number[]; betas: number[] } {
  const k = r.length;
  if (k > MAX_DRIVERS) throw new RangeError(`at most ${MAX_DRIVERS} drivers, got ${k}`);
  const subsets = 1 << k;
  const rSquared = new Float64Array(subsets);
  const L = new Float64Array(k * k);
  const z = new Float64Array(k);
  const kept = new Int32Array(k);
  for (let mask = 1; mask < subsets; mask++) rSquared[mask] = subsetRSquared(R, r, k, mask, L, z, kept);
  // Weight of a sub-model of size s that j joins: s! (k - s - 1)! / k! (the share of orderings in
  // which exactly those s drivers come before j).
  const weight = new Float64Array(k);
  for (let s = 0; s < k; s++) {
    let w = 1 / k;
    for (let i = 1; i <= s; i++) w *= i / (k - i);
    weight[s] = w;
  }
  const shares = new Array<number>(k).fill(0);
  for (let mask = 0; mask < subsets; mask++) {
    let size = 0;
    for (let m = mask; m; m &= m - 1) size++;
    for (let j = 0; j < k; j++) {
      if (mask & (1 << j)) continue;
      shares[j] += weight[size] * (rSquared[mask | (1 << j)] - rSquared[mask]);
    }
  }
  return { rSquared: rSquared[subsets - 1], shares, betas: fullModelBetas(R, r, k) };
}

/** Regresses y on the drivers over the rows where all have a value, and ranks the drivers by their LMG share. */
export function regressOnDrivers(y: Float64Array, drivers: readonly DriverColumn[]): Regression {
  const n = y.length;
  const complete = new Uint8Array(n);
  let observations = 0;
  for (let t = 0; t < n; t++) {
    let ok = y[t] === y[t];
    for (let j = 0; ok && j < drivers.length; j++) ok = drivers[j].values[t] === drivers[j].values[t];
    if (ok) {
      complete[t] = 1;
      observations++;
    }
  }
  const meanOf = (values: Float64Array) => {
    let sum = 0;
    for (let t = 0; t < n; t++) if (complete[t]) sum += values[t];
    return observations ? sum / observations : 0;
  };
  const yMean = meanOf(y);
  let yy = 0;
  for (let t = 0; t < n; t++) if (complete[t]) yy += (y[t] - yMean) ** 2;
  const all = drivers.map((d) => {
    const m = meanOf(d.values);
    let xx = 0;
    for (let t = 0; t < n; t++) if (complete[t]) xx += (d.values[t] - m) ** 2;
    return { ...d, mean: m, sumSquares: xx };
  });
  // A driver varies when its spread is more than rounding noise of its own size.
  const varies = all.filter((d) => d.sumSquares > 1e-24 * Math.max(1, d.mean * d.mean) * observations);
  const constant = all.filter((d) => !varies.includes(d)).map((d) => d.name);
  if (observations < 3 || !(yy > 0) || varies.length === 0) {
    return { observations, rSquared: 0, drivers: varies.map((d) => ({ name: d.name, share: 0, correlation: 0, beta: 0 })), constant };
  }
  const k = varies.length;
  const R = new Float64Array(k * k);
  const r = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const a = varies[i];
    let xy = 0;
    for (let t = 0; t < n; t++) if (complete[t]) xy += (a.values[t] - a.mean) * (y[t] - yMean);
    r[i] = xy / Math.sqrt(a.sumSquares * yy);
    R[i * k + i] = 1;
    for (let j = 0; j < i; j++) {
      const b = varies[j];
      let xx = 0;
      for (let t = 0; t < n; t++) if (complete[t]) xx += (a.values[t] - a.mean) * (b.values[t] - b.mean);
      R[i * k + j] = R[j * k + i] = xx / Math.sqrt(a.sumSquares * b.sumSquares);
    }
  }
  const { rSquared, shares, betas } = lmgShares(R, r);
  const ranked = varies.map((d, i) => ({ name: d.name, share: shares[i], correlation: r[i], beta: betas[i] })).sort((a, b) => b.share - a.share);
  return { observations, rSquared, drivers: ranked, constant };
}
