// The functions of the state that least-squares Monte Carlo regresses on (Longstaff & Schwartz
// 2001, section 2: "a countable set of basis functions"). Two families:
// - polynomial: every monomial of total degree <= d in the state variables (1, x, y, x^2, xy, y^2, ...);
// - laguerre: a constant plus the weighted Laguerre polynomials exp(-x/2) L_n(x), n = 0..d, of each
//   variable (LS 2001 eq. 2-5; their American put uses the constant and n = 0, 1, 2), no cross terms.
// Columns come in a fixed order, lowest order first, which the regression relies on when it drops
// a column that adds nothing (leastSquares.ts).

export const BASIS_KINDS = ['polynomial', 'laguerre'] as const;
export type BasisKind = (typeof BASIS_KINDS)[number];

export interface BasisSpec {
  kind: BasisKind;
  /** Highest total degree (polynomial) or highest Laguerre order (laguerre). */
  degree: number;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/** Number of basis functions of `spec` over `variables` state variables. */
export function basisSize(spec: BasisSpec, variables: number): number {
  return spec.kind === 'polynomial' ? binomial(variables + spec.degree, spec.degree) : 1 + variables * (spec.degree + 1);
}

/** Exponent tuples of all monomials of total degree <= degree, by degree, then lexicographically. */
function monomialExponents(variables: number, degree: number): number[][] {
  const out: number[][] = [];
  const build = (prefix: number[], remaining: number) => {
    if (prefix.length === variables) {
      if (remaining === 0) out.push(prefix);
      return;
    }
    for (let e = remaining; e >= 0; e--) build([...prefix, e], remaining - e);
  };
  for (let total = 0; total <= degree; total++) build([], total);
  return out;
}

/** A basis over a fixed number of variables, evaluated into a caller's buffer without allocating. */
export class RegressionBasis {
  readonly size: number;
  /** Whether function 1 + v is variable v itself (polynomials of degree >= 1): a caller may write the variables there (evaluateOtherColumns). */
  readonly variablesAsColumns: boolean;
  /**
   * Polynomial: function f of degree >= 2 is function left[f] times function right[f], both of lower
   * degree (so earlier in the row). A monomial is the product of its variables' powers in variable
   * order, each power a running product (x^3 = (x * x) * x), which is the same as: the monomial
   * without its last variable times that variable's power (x0 x1^2 = x0 * x1^2), or for a power
   * alone, the power below times the variable (x^3 = x^2 * x). One multiplication per function.
   */
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  /** One state and its basis row (evaluateColumns, laguerre). */
  private readonly columnState: Float64Array;
  private readonly columnRow: Float64Array;

  constructor(readonly spec: BasisSpec, readonly variables: number) {
    if (!Number.isInteger(spec.degree) || spec.degree < 0) throw new Error(`basis degree must be a whole number >= 0, got ${spec.degree}`);
    this.size = basisSize(spec, variables);
    this.variablesAsColumns = spec.kind === 'polynomial' && spec.degree >= 1;
    this.columnState = new Float64Array(variables);
    this.columnRow = new Float64Array(this.size);
    this.left = new Int32Array(this.size);
    this.right = new Int32Array(this.size);
    if (spec.kind === 'polynomial') {
      const exponents = monomialExponents(variables, spec.degree);
      const indexOf = new Map(exponents.map((e, f) => [e.join(','), f]));
      const power = (v: number, e: number) => indexOf.get(exponents[0].map((_, w) => (w === v ? e : 0)).join(','))!;
      exponents.forEach((e, f) => {
        if (e.reduce((a, b) => a + b, 0) < 2) return;
        let last = variables - 1;
        while (e[last] === 0) last--;
        const rest = e.map((x, w) => (w === last ? 0 : x));
        if (rest.every((x) => x === 0)) {
          this.left[f] = power(last, e[last] - 1);
          this.right[f] = power(last, 1);
        } else {
          this.left[f] = indexOf.get(rest.join(','))!;
          this.right[f] = power(last, e[last]);
        }
      });
    }
  }

  /**
   * For each pair of functions (i, j >= i) in row order, the first pair in that order whose product
   * is the same function (polynomial: the exponents add up the same, e.g. x * xy = x^2 * y; 70
   * distinct products among the 120 pairs of 4 variables at degree 2), for the regression to sum
   * each product once; every pair is its own (laguerre).
   */
  gramPairs(): Int32Array {
    const k = this.size;
    const pairs = new Int32Array((k * (k + 1)) / 2);
    const exponents = this.spec.kind === 'polynomial' ? monomialExponents(this.variables, this.spec.degree) : null;
    const first = new Map<string, number>();
    let q = 0;
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++, q++) {
        pairs[q] = q;
        if (!exponents) continue;
        const key = exponents[i].map((e, v) => e + exponents[j][v]).join(',');
        const earlier = first.get(key);
        if (earlier === undefined) first.set(key, q);
        else pairs[q] = earlier;
      }
    }
    return pairs;
  }

  /** Writes the basis at state x[offset .. offset + variables) into out[outOffset .. outOffset + size). */
  evaluate(x: ArrayLike<number>, offset: number, out: Float64Array, outOffset = 0): void {
    if (this.spec.kind === 'laguerre') {
      this.evaluateLaguerre(x, offset, out, outOffset);
      return;
    }
    // The constant and the variables (monomials of degree 0 and 1, in that order), then the products.
    if (this.spec.degree >= 1) for (let v = 0; v < this.variables; v++) out[outOffset + 1 + v] = x[offset + v];
    this.evaluateProducts(out, outOffset);
  }

  /**
   * Polynomial: evaluate() with the variables already at out[outOffset + 1 + v] (variablesAsColumns),
   * for a caller that computes them there: the constant and the products.
   */
  evaluateProducts(out: Float64Array, outOffset: number): void {
    const { left, right } = this;
    out[outOffset] = 1;
    for (let f = 1 + this.variables; f < this.size; f++) out[outOffset + f] = out[outOffset + left[f]] * out[outOffset + right[f]];
  }

  /** evaluate() of a laguerre basis (a function of its own: the polynomial one stays small enough for V8 to inline into its callers). */
  private evaluateLaguerre(x: ArrayLike<number>, offset: number, out: Float64Array, outOffset: number): void {
    const n = this.variables;
    const d = this.spec.degree;
    out[outOffset] = 1;
    let k = outOffset + 1;
    for (let v = 0; v < n; v++) {
      const xv = x[offset + v];
      const weight = Math.exp(-0.5 * xv);
      // Three-term recurrence: (n + 1) L_{n+1} = (2n + 1 - x) L_n - n L_{n-1}.
      let previous = 1;
      let current = 1 - xv;
      out[k++] = weight;
      if (d >= 1) out[k++] = weight * current;
      for (let order = 1; order < d; order++) {
        const next = ((2 * order + 1 - xv) * current - order * previous) / (order + 1);
        previous = current;
        current = next;
        out[k++] = weight * current;
      }
    }
  }

  /**
   * evaluate() for `count` states at once, column by column: variable v of state t at
   * x[v * xStride + t], function f of state t written to out[f * outStride + t]. Each value is
   * computed with the same operations in the same order as evaluate() computes it (so the same
   * bits), in loops over the states that the regression's fit runs many times faster.
   */
  evaluateColumns(x: Float64Array, xStride: number, count: number, out: Float64Array, outStride: number): void {
    const n = this.variables;
    if (this.spec.kind === 'laguerre') {
      const state = this.columnState;
      const row = this.columnRow;
      for (let t = 0; t < count; t++) {
        for (let v = 0; v < n; v++) state[v] = x[v * xStride + t];
        this.evaluate(state, 0, row, 0);
        for (let f = 0; f < this.size; f++) out[f * outStride + t] = row[f];
      }
      return;
    }
    if (this.variablesAsColumns) for (let v = 0; v < n; v++) copyColumn(out, (1 + v) * outStride, x, v * xStride, count);
    this.evaluateOtherColumns(out, outStride, count);
  }

  /**
   * evaluateColumns with the variables already written at their own functions' columns
   * (variablesAsColumns, out[(1 + v) * outStride + t]): the constant and the products, without
   * copying the variables there from elsewhere.
   */
  evaluateOtherColumns(out: Float64Array, outStride: number, count: number): void {
    const { left, right } = this;
    out.fill(1, 0, count);
    for (let f = 1 + this.variables; f < this.size; f++) multiplyColumns(out, f * outStride, out, left[f] * outStride, out, right[f] * outStride, count);
  }
}

/** out[o + t] = a[aOffset + t] for t < count. */
function copyColumn(out: Float64Array, o: number, a: Float64Array, aOffset: number, count: number): void {
  for (let t = 0; t < count; t++) out[o + t] = a[aOffset + t];
}

/**
 * out[o + t] = a[aOffset + t] * b[bOffset + t] for t < count (out may be a, at another column).
 * Four products before their four stores, ~30% faster than one at a time: out may be a or b, so
 * each load has to wait for the store before it.
 */
function multiplyColumns(out: Float64Array, o: number, a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, count: number): void {
  const end = count - (count & 3);
  let t = 0;
  for (; t < end; t += 4) {
    const p0 = a[aOffset + t] * b[bOffset + t];
    const p1 = a[aOffset + t + 1] * b[bOffset + t + 1];
    const p2 = a[aOffset + t + 2] * b[bOffset + t + 2];
    const p3 = a[aOffset + t + 3] * b[bOffset + t + 3];
    out[o + t] = p0;
    out[o + t + 1] = p1;
    out[o + t + 2] = p2;
    out[o + t + 3] = p3;
  }
  for (; t < count; t++) out[o + t] = a[aOffset + t] * b[bOffset + t];
}

// multiplyColumns runs here on a few numbers, its remainder loop included, so that V8 has seen
// every statement before it compiles it (in the middle of its first long loop): as for
// leastSquares.ts's dot.
{
  const few = new Float64Array(10);
  for (let i = 0; i < 16; i++) multiplyColumns(few, 5, few, 0, few, 0, 5);
}
