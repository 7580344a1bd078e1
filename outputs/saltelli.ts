// Variance-based sensitivity (Sobol' indices) by Saltelli's scheme: two independent samples A and B
// of the k inputs on the unit hypercube, and for each input i the matrix AB_i (A with column i taken
// from B). From the model's outputs at the N(k + 2) points:
//   first order  S_i  = mean((f(B) - mean f) (f(AB_i) - f(A))) / V   (Saltelli et al. 2010, eq. b, centred)
//   total        ST_i = mean((f(A) - f(AB_i))^2) / (2 V)          (Jansen 1999)
// with V the variance of f over A and B together; confidence intervals by bootstrapping the N rows
// (the same rows for every index, as SALib does). A and B are pseudo-random (seeded Alea), not a
// quasi-random sequence: the bootstrap interval then states the whole sampling error.
// Saltelli, Annoni, Azzini, Campolongo, Ratto, Tarantola, Comput. Phys. Commun. 181 (2010) 259-270.
// Pure: no I/O, no clock.
import seedrandom from 'seedrandom';

export interface SaltelliDesign {
  inputs: number;
  /** Rows N of A and of B. */
  rows: number;
  /**
   * Unit-hypercube points, row by row: A_j, B_j, AB_1j .. AB_kj for j = 0 .. N - 1 (k + 2 points a
   * row), so the first j rows of the design are a complete smaller design.
   */
  points: Float64Array[];
}

/** Points per row of the design: A, B and one AB_i per input. */
export function pointsPerRow(inputs: number): number {
  return inputs + 2;
}

/** The design for `inputs` inputs and `rows` rows, from a seed (the same seed, the same points). */
export function saltelliDesign(inputs: number, rows: number, seed: number): SaltelliDesign {
  if (!Number.isInteger(inputs) || inputs < 1) throw new RangeError(`saltelliDesign: inputs must be a whole number >= 1, got ${inputs}`);
  if (!Number.isInteger(rows) || rows < 2) throw new RangeError(`saltelliDesign: rows must be a whole number >= 2, got ${rows}`);
  const random = seedrandom.alea(`saltelli:${seed}`);
  const points: Float64Array[] = [];
  for (let j = 0; j < rows; j++) {
    const a = new Float64Array(inputs);
    const b = new Float64Array(inputs);
    for (let i = 0; i < inputs; i++) a[i] = random.double();
    for (let i = 0; i < inputs; i++) b[i] = random.double();
    points.push(a, b);
    for (let i = 0; i < inputs; i++) {
      const ab = Float64Array.from(a);
      ab[i] = b[i];
      points.push(ab);
    }
  }
  return { inputs, rows, points };
}

export interface SobolIndex {
  estimate: number;
  /** Bootstrap standard error. */
  standardError: number;
  /** Bootstrap percentile interval. */
  ci95: [number, number];
}

export interface SobolIndices {
  /** Variance of the output over A and B. */
  variance: number;
  first: SobolIndex[];
  total: SobolIndex[];
}

export interface SobolOptions {
  /** Bootstrap resamples (default 500). */
  resamples?: number;
  /** Seed of the resampling. */
  seed?: number;
}

/**
 * S_i and ST_i over the rows listed (with repeats, for a bootstrap resample). The outputs are
 * centred on their mean first: the variance in two passes (no cancellation when the outputs are
 * large and nearly equal, as mean NPVs in dollars are), and f(B) - mean in S_i's numerator, which
 * has the same expectation (E[f(AB_i) - f(A)] = 0) and a smaller variance.
 */
function estimate(y: Float64Array, inputs: number, rows: Int32Array): { variance: number; first: Float64Array; total: Float64Array } {
  const stride = pointsPerRow(inputs);
  const n = rows.length;
  let sum = 0;
  for (let r = 0; r < n; r++) sum += y[rows[r] * stride] + y[rows[r] * stride + 1];
  const mean = sum / (2 * n);
  let squares = 0;
  for (let r = 0; r < n; r++) squares += (y[rows[r] * stride] - mean) ** 2 + (y[rows[r] * stride + 1] - mean) ** 2;
  const variance = squares / (2 * n);
  const first = new Float64Array(inputs);
  const total = new Float64Array(inputs);
  for (let i = 0; i < inputs; i++) {
    let firstSum = 0;
    let totalSum = 0;
    for (let r = 0; r < n; r++) {
      const base = rows[r] * stride;
      const fa = y[base];
      const fb = y[base + 1];
      const fab = y[base + 2 + i];
      firstSum += (fb - mean) * (fab - fa);
      totalSum += (fa - fab) * (fa - fab);
    }
    // A constant output has no variance to share out: every index is 0.
    first[i] = variance > 0 ? firstSum / n / variance : 0;
    total[i] = variance > 0 ? totalSum / (2 * n) / variance : 0;
  }
  return { variance, first, total };
}

function percentile(sorted: Float64Array, q: number): number {
  const h = q * (sorted.length - 1);
  const i = Math.floor(h);
  return i + 1 < sorted.length ? sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

function summarise(point: number, draws: Float64Array): SobolIndex {
  let mean = 0;
  for (const d of draws) mean += d;
  mean /= draws.length;
  let squares = 0;
  for (const d of draws) squares += (d - mean) ** 2;
  const sorted = Float64Array.from(draws).sort();
  return { estimate: point, standardError: Math.sqrt(squares / Math.max(1, draws.length - 1)), ci95: [percentile(sorted, 0.025), percentile(sorted, 0.975)] };
}

/**
 * First-order and total indices from the outputs `y` at the design's points (in design order), with
 * bootstrap intervals. Needs finite outputs.
 */
export function sobolIndices(design: SaltelliDesign, y: Float64Array, options: SobolOptions = {}): SobolIndices {
  const { inputs, rows } = design;
  if (y.length !== rows * pointsPerRow(inputs)) throw new RangeError(`sobolIndices: ${y.length} outputs for a design of ${rows * pointsPerRow(inputs)} points`);
  for (const v of y) if (!Number.isFinite(v)) throw new RangeError('sobolIndices: every output must be a finite number');
  const all = Int32Array.from({ length: rows }, (_, j) => j);
  const point = estimate(y, inputs, all);
  const resamples = options.resamples ?? 500;
  const random = seedrandom.alea(`sobol-bootstrap:${options.seed ?? 0}`);
  const firstDraws = Array.from({ length: inputs }, () => new Float64Array(resamples));
  const totalDraws = Array.from({ length: inputs }, () => new Float64Array(resamples));
  const sample = new Int32Array(rows);
  for (let b = 0; b < resamples; b++) {
    for (let j = 0; j < rows; j++) sample[j] = Math.floor(random.double() * rows);
    const drawn = estimate(y, inputs, sample);
    for (let i = 0; i < inputs; i++) {
      firstDraws[i][b] = drawn.first[i];
      totalDraws[i][b] = drawn.total[i];
    }
  }
  return {
    variance: point.variance,
    first: firstDraws.map((draws, i) => summarise(point.first[i], draws)),
    total: totalDraws.map((draws, i) => summarise(point.total[i], draws)),
  };
}
