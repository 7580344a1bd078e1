// Ordinary least squares through the normal equations, for several right-hand sides that share one
// design (the continuation value and each action's value regressed on the same basis). Observations
// are added in batches, column by column; only the k x k sums are kept between batches.
//
// The Gram matrix is scaled to a unit diagonal (Jacobi) and factored by Cholesky in column order.
// A column whose pivot falls below PIVOT_TOLERANCE adds nothing the earlier (lower-order) columns
// do not already span, so it is dropped with a zero coefficient rather than inverted: this covers a
// state variable that is constant at a date (every path starts from the same as-of state) and
// near-collinear functions. With fewer rows than columns every coefficient is zero, as QuantLib's
// LongstaffSchwartzPathPricer does, instead of a singular fit.

/** Smallest pivot kept, relative to the column's own squared norm: ~1e-6 in terms of correlation. */
const PIVOT_TOLERANCE = 1e-12;

export class NormalEquations {
  /** Rows added since the last reset. */
  rows = 0;
  /** The sums the solve needs, in one array (exportSums/importSums): the Gram matrix, then the moments. */
  private readonly sums: Float64Array;
  private readonly gram: Float64Array;
  private readonly moments: Float64Array;
  private readonly factor: Float64Array;
  private readonly scale: Float64Array;
  private readonly kept: Uint8Array;
  private readonly work: Float64Array;
  /** addGram's sums of the pairs (i, j >= i), in row order. */
  private readonly pairSums: Float64Array;
  private readonly pairOut = new Float64Array(2);

  constructor(readonly size: number, readonly rightHandSides: number) {
    this.pairSums = new Float64Array((size * (size + 1)) / 2);
    this.sums = new Float64Array(size * size + rightHandSides * size);
    this.gram = this.sums.subarray(0, size * size);
    this.moments = this.sums.subarray(size * size);
    this.factor = new Float64Array(size * size);
    this.scale = new Float64Array(size);
    this.kept = new Uint8Array(size);
    this.work = new Float64Array(size);
  }

  reset(): void {
    this.rows = 0;
    this.sums.fill(0);
  }

  /** Numbers exportSums writes: the rows, the Gram matrix and the moments. */
  get sumsLength(): number {
    return 1 + this.sums.length;
  }

  /** Copies the rows and sums to out[offset .. offset + sumsLength), for importSums elsewhere (another thread). */
  exportSums(out: Float64Array, offset: number): void {
    out[offset] = this.rows;
    out.set(this.sums, offset + 1);
  }

  /** Replaces the rows and sums with those exportSums wrote: solve() then gives the same bits as on the exporter. */
  importSums(from: Float64Array, offset: number): void {
    this.rows = from[offset];
    this.sums.set(from.subarray(offset + 1, offset + this.sumsLength));
  }

  /**
   * Adds `count` observations given column by column: basis function i of observation t at
   * columns[i * stride + t], response r at responses[r * stride + t]. addGram then addMoments for
   * each response.
   */
  addColumns(columns: Float64Array, responses: Float64Array, stride: number, count: number, samePair?: Int32Array): void {
    this.addGram(columns, stride, count, samePair);
    for (let r = 0; r < this.rightHandSides; r++) this.addMoments(r, columns, stride, count, responses, r * stride);
  }

  /**
   * Adds the Gram sums of `count` observations (basis function i of observation t at
   * columns[i * stride + t]) and counts them as rows. Each sum is a dot product over contiguous
   * memory in four interleaved partial sums (independent chains the CPU runs side by side), several
   * times faster than adding observations one row at a time; the order of the sums is fixed, so
   * the same data give the same bits. `samePair` (optional, from RegressionBasis.gramPairs): for
   * each pair (i, j >= i) in row order, an earlier pair whose product is the same function
   * (x * xy = x^2 * y for monomials), whose sum is reused.
   */
  addGram(columns: Float64Array, stride: number, count: number, samePair?: Int32Array): void {
    const k = this.size;
    const gram = this.gram;
    const pairSums = this.pairSums;
    const sums = this.pairOut;
    let rowStart = 0;
    for (let i = 0; i < k; i++) {
      // The row's own sums two at a time (one pass over column i for both: dotTwice), then the
      // reused ones, whose pair comes earlier in row order: in an earlier row or among these.
      let pending = -1;
      for (let j = i, q = rowStart; j < k; j++, q++) {
        if (samePair && samePair[q] !== q) continue;
        if (pending < 0) {
          pending = j;
          continue;
        }
        dotTwice(columns, i * stride, columns, pending * stride, j * stride, count, sums);
        pairSums[rowStart + pending - i] = sums[0];
        pairSums[q] = sums[1];
        pending = -1;
      }
      if (pending >= 0) pairSums[rowStart + pending - i] = dot(columns, i * stride, columns, pending * stride, count);
      for (let j = i, q = rowStart; j < k; j++, q++) {
        if (samePair && samePair[q] !== q) pairSums[q] = pairSums[samePair[q]];
        gram[i * k + j] += pairSums[q];
      }
      rowStart += k - i;
    }
    this.rows += count;
  }

  /** Adds `sum` to moment i of right-hand side r: a dot() of function i and the responses that was taken elsewhere. */
  addMoment(r: number, i: number, sum: number): void {
    this.moments[r * this.size + i] += sum;
  }

  /** addMoments of right-hand sides r and r + 1 (responses at responses[offset + t] and responses[offset2 + t]), in one pass over each column. */
  addMomentsTwice(r: number, columns: Float64Array, stride: number, count: number, responses: Float64Array, offset: number, offset2: number): void {
    const k = this.size;
    const moments = this.moments;
    const sums = this.pairOut;
    for (let i = 0; i < k; i++) {
      dotTwice(columns, i * stride, responses, offset, offset2, count, sums);
      moments[r * k + i] += sums[0];
      moments[(r + 1) * k + i] += sums[1];
    }
  }

  /** Adds the moments of right-hand side r: the same observations' responses at response[offset + t]. */
  addMoments(r: number, columns: Float64Array, stride: number, count: number, response: Float64Array, offset: number): void {
    const k = this.size;
    const moments = this.moments;
    for (let i = 0; i < k; i++) moments[r * k + i] += dot(columns, i * stride, response, offset, count);
  }

  /**
   * Writes the coefficients of each right-hand side into out[r * size + i] and returns how many
   * columns were kept (0 when there are fewer rows than columns: all coefficients zero).
   */
  solve(out: Float64Array): number {
    const k = this.size;
    out.fill(0, 0, this.rightHandSides * k);
    if (this.rows < k) return 0;
    const { gram, factor: L, scale, kept } = this;
    for (let i = 0; i < k; i++) scale[i] = gram[i * k + i] > 0 ? 1 / Math.sqrt(gram[i * k + i]) : 0;
    L.fill(0);
    let keptCount = 0;
    for (let j = 0; j < k; j++) {
      kept[j] = 0;
      if (scale[j] === 0) continue;
      let pivot = 1; // scaled diagonal
      for (let m = 0; m < j; m++) pivot -= L[j * k + m] * L[j * k + m];
      if (!(pivot > PIVOT_TOLERANCE)) continue;
      kept[j] = 1;
      keptCount++;
      const diagonal = Math.sqrt(pivot);
      L[j * k + j] = diagonal;
      for (let i = j + 1; i < k; i++) {
        if (scale[i] === 0) continue;
        // Gram is stored in its upper triangle: element (i, j) with j < i lives at [j][i].
        let s = gram[j * k + i] * scale[i] * scale[j];
        for (let m = 0; m < j; m++) s -= L[i * k + m] * L[j * k + m];
        L[i * k + j] = s / diagonal;
      }
    }
    const z = this.work;
    for (let r = 0; r < this.rightHandSides; r++) {
      const base = r * k;
      // Forward: L z = scaled moments; then back: L' b = z. Dropped columns stay 0.
      for (let i = 0; i < k; i++) {
        if (!kept[i]) {
          z[i] = 0;
          continue;
        }
        let s = this.moments[base + i] * scale[i];
        for (let m = 0; m < i; m++) s -= L[i * k + m] * z[m];
        z[i] = s / L[i * k + i];
      }
      for (let i = k - 1; i >= 0; i--) {
        if (!kept[i]) continue;
        let s = z[i];
        for (let m = i + 1; m < k; m++) s -= L[m * k + i] * out[base + m];
        out[base + i] = s / L[i * k + i];
      }
      for (let i = 0; i < k; i++) out[base + i] *= scale[i];
    }
    return keptCount;
  }
}

/** Sum of a[aOffset + t] * b[bOffset + t] for t < count, in four partial sums: each sum of NormalEquations. */
export function dot(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, count: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const end = count - (count & 3);
  for (let t = 0; t < end; t += 4) {
    s0 += a[aOffset + t] * b[bOffset + t];
    s1 += a[aOffset + t + 1] * b[bOffset + t + 1];
    s2 += a[aOffset + t + 2] * b[bOffset + t + 2];
    s3 += a[aOffset + t + 3] * b[bOffset + t + 3];
  }
  for (let t = end; t < count; t++) s0 += a[aOffset + t] * b[bOffset + t];
  return s0 + s1 + (s2 + s3);
}

/** dot(a, x, b, y, count) and dot(a, x, b, z, count) into out[0] and out[1], in one pass over a's column at x: the same sums, to the bit. */
function dotTwice(a: Float64Array, xOffset: number, b: Float64Array, yOffset: number, zOffset: number, count: number, out: Float64Array): void {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let u0 = 0, u1 = 0, u2 = 0, u3 = 0;
  const end = count - (count & 3);
  for (let t = 0; t < end; t += 4) {
    const x0 = a[xOffset + t], x1 = a[xOffset + t + 1], x2 = a[xOffset + t + 2], x3 = a[xOffset + t + 3];
    s0 += x0 * b[yOffset + t];
    s1 += x1 * b[yOffset + t + 1];
    s2 += x2 * b[yOffset + t + 2];
    s3 += x3 * b[yOffset + t + 3];
    u0 += x0 * b[zOffset + t];
    u1 += x1 * b[zOffset + t + 1];
    u2 += x2 * b[zOffset + t + 2];
    u3 += x3 * b[zOffset + t + 3];
  }
  for (let t = end; t < count; t++) {
    s0 += a[xOffset + t] * b[yOffset + t];
    u0 += a[xOffset + t] * b[zOffset + t];
  }
  out[0] = s0 + s1 + (s2 + s3);
  out[1] = u0 + u1 + (u2 + u3);
}

// dot and dotTwice run a few times here, on a few numbers, so that every statement of theirs has
// type feedback before V8 compiles them (it records feedback only after a function's first few
// calls). It compiles them in the middle of their first long loop (on-stack replacement), when
// the remainder loop after it had never run; that code then gave up on reaching the remainder
// loop, and V8 kept entering it again, call after call: ~1,400 times in some fits of base-optimal
// on 2 workers (1 process in 3), in none in others.
{
  const few = new Float64Array(5);
  const out = new Float64Array(2);
  for (let i = 0; i < 16; i++) {
    dot(few, 0, few, 0, few.length);
    dotTwice(few, 0, few, 0, 0, few.length, out);
  }
}
