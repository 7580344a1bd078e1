// The least-squares Monte Carlo core alone: its basis against the closed forms of the weighted
// Laguerre polynomials, its regression against exact fits, and the whole backward induction
// against the worked example of Longstaff & Schwartz (2001, section 1: 8 paths, 3 dates), whose
// regressions and value the paper prints.
import { describe, expect, it } from 'vitest';
import { NormalEquations } from '../engine/leastSquares.js';
import { fitStoppingPolicy, StoppingPolicyEvaluator, type StoppingProblem } from '../engine/leastSquaresMonteCarlo.js';
import { basisSize, RegressionBasis } from '../engine/regressionBasis.js';
import { mulberry32 } from './mulberry32.js';

describe('RegressionBasis', () => {
  it('weighted Laguerre: a constant, then exp(-x/2) L_n(x) for n = 0..3 (LS 2001 eq. 2-5 and L3)', () => {
    const basis = new RegressionBasis({ kind: 'laguerre', degree: 3 }, 1);
    const out = new Float64Array(basis.size);
    for (const x of [0, 0.3, 0.9, 1.7, 4]) {
      basis.evaluate([x], 0, out);
      const w = Math.exp(-x / 2);
      expect(out[0]).toBe(1);
      expect(out[1]).toBeCloseTo(w, 14);
      expect(out[2]).toBeCloseTo(w * (1 - x), 14);
      expect(out[3]).toBeCloseTo(w * (1 - 2 * x + (x * x) / 2), 14);
      expect(out[4]).toBeCloseTo(w * (1 - 3 * x + (3 * x * x) / 2 - (x * x * x) / 6), 14);
    }
  });

  it('polynomial: every monomial of total degree <= d, C(n + d, d) of them, lowest degree first', () => {
    expect(basisSize({ kind: 'polynomial', degree: 2 }, 7)).toBe(36);
    expect(basisSize({ kind: 'polynomial', degree: 3 }, 2)).toBe(10);
    expect(basisSize({ kind: 'laguerre', degree: 2 }, 3)).toBe(10);
    const basis = new RegressionBasis({ kind: 'polynomial', degree: 2 }, 2);
    const out = new Float64Array(basis.size + 2);
    basis.evaluate([9, 2, 3], 1, out, 2); // state at offset 1, written at offset 2
    expect(Array.from(out.subarray(2))).toEqual([1, 2, 3, 4, 6, 9]);
  });
});

describe('RegressionBasis.evaluateColumns', () => {
  for (const spec of [{ kind: 'polynomial', degree: 3 }, { kind: 'laguerre', degree: 2 }] as const) {
    it(`${spec.kind}: evaluate()'s values to the bit, state by state`, () => {
      const basis = new RegressionBasis(spec, 3);
      const words = mulberry32(5);
      const count = 37;
      const stride = 40;
      const x = new Float64Array(3 * stride).map(() => (4 * words()) / 2 ** 32 - 2);
      const out = new Float64Array(basis.size * stride);
      basis.evaluateColumns(x, stride, count, out, stride);
      const row = new Float64Array(basis.size);
      for (let t = 0; t < count; t++) {
        basis.evaluate([x[t], x[stride + t], x[2 * stride + t]], 0, row);
        for (let f = 0; f < basis.size; f++) expect(out[f * stride + t]).toBe(row[f]);
      }
    });
  }
});

describe('RegressionBasis.gramPairs', () => {
  it('polynomial: pairs whose products are one monomial share it (70 products among 120 pairs of 4 variables at degree 2); laguerre: none', () => {
    const basis = new RegressionBasis({ kind: 'polynomial', degree: 2 }, 4);
    const pairs = basis.gramPairs();
    expect(pairs.length).toBe(120);
    expect(new Set(pairs).size).toBe(70); // monomials of degree <= 4 in 4 variables: C(8, 4)
    const row = new Float64Array(basis.size);
    basis.evaluate([0.3, -1.2, 2.1, 0.7], 0, row);
    const products: number[] = [];
    for (let i = 0; i < basis.size; i++) for (let j = i; j < basis.size; j++) products.push(row[i] * row[j]);
    products.forEach((product, q) => {
      expect(pairs[q]).toBeLessThanOrEqual(q);
      expect(products[pairs[q]]).toBeCloseTo(product, 12);
    });
    const laguerre = new RegressionBasis({ kind: 'laguerre', degree: 2 }, 2).gramPairs();
    expect(Array.from(laguerre)).toEqual(Array.from(laguerre, (_, q) => q));
  });
});

describe('NormalEquations', () => {
  /** Observations as rows (design row, responses), handed over column by column. */
  const addRows = (eq: NormalEquations, rows: [number[], number[]][]) => {
    const n = rows.length;
    const design = new Float64Array(eq.size * n);
    const responses = new Float64Array(eq.rightHandSides * n);
    rows.forEach(([x, y], t) => {
      x.forEach((v, i) => (design[i * n + t] = v));
      y.forEach((v, r) => (responses[r * n + t] = v));
    });
    eq.addColumns(design, responses, n, n);
  };

  it('recovers an exact quadratic for two right-hand sides at once, whatever the batches', () => {
    const rows: [number[], number[]][] = [];
    for (let i = 0; i < 21; i++) {
      const x = i / 7 - 1;
      rows.push([[1, x, x * x], [1 + 2 * x - 3 * x * x, -0.5 * x]]);
    }
    const whole = new NormalEquations(3, 2);
    addRows(whole, rows);
    const batched = new NormalEquations(3, 2);
    addRows(batched, rows.slice(0, 6)); // a batch of a multiple of 4 observations, then one that is not
    addRows(batched, rows.slice(6));
    for (const eq of [whole, batched]) {
      const out = new Float64Array(6);
      expect(eq.solve(out)).toBe(3);
      [1, 2, -3, 0, -0.5, 0].forEach((c, i) => expect(out[i]).toBeCloseTo(c, 10));
    }
  });

  it('with fewer rows than columns stores zero coefficients instead of a singular fit', () => {
    const eq = new NormalEquations(4, 1);
    addRows(eq, [[[1, 2, 4, 8], [5]], [[1, 3, 9, 27], [7]]]);
    const out = new Float64Array(4).fill(NaN);
    expect(eq.solve(out)).toBe(0);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
  });

  it('drops a column that repeats an earlier one or is all zero, keeping the fit of the others', () => {
    const eq = new NormalEquations(4, 1);
    const rows: [number[], number[]][] = [];
    for (let i = 0; i < 10; i++) rows.push([[1, i, 0, 2 * i], [3 + 0.5 * i]]);
    addRows(eq, rows);
    const out = new Float64Array(4);
    expect(eq.solve(out)).toBe(2);
    expect(out[0]).toBeCloseTo(3, 10);
    expect(out[1]).toBeCloseTo(0.5, 10);
    expect(out[2]).toBe(0);
    expect(out[3]).toBe(0);
  });
});

// Longstaff & Schwartz (2001), section 1: stock paths at t = 1, 2, 3 (t = 0: 1.00), an American
// put struck at 1.10 exercisable at t = 1, 2, 3, r = 6% per period, basis 1, X, X^2 on in-the-money paths.
const LS_PATHS = [
  [1.09, 1.08, 1.34],
  [1.16, 1.26, 1.54],
  [1.22, 1.07, 1.03],
  [0.93, 0.97, 0.92],
  [1.11, 1.56, 1.52],
  [0.76, 0.77, 0.9],
  [0.92, 0.84, 1.01],
  [0.88, 1.22, 1.34],
];

function lsExample(): StoppingProblem {
  const paths = LS_PATHS.length;
  return {
    paths,
    dates: 3,
    actions: 1,
    stateSize: 1,
    exerciseKnownAtDate: true,
    stateAt: (d, out) => LS_PATHS.forEach((path, p) => (out[p] = path[d])),
    exerciseValuesAt: (d, out) => LS_PATHS.forEach((path, p) => (out[p] = Math.max(1.1 - path[d], 0) * Math.exp(-0.06 * (d + 1)))),
    holdValues: (out) => out.fill(0),
  };
}

describe('fitStoppingPolicy on the worked example of Longstaff & Schwartz (2001)', () => {
  const fit = fitStoppingPolicy(lsExample(), { basis: { kind: 'polynomial', degree: 2 }, inTheMoneyOnly: true });

  it('regresses as the paper prints: E[Y|X] = -1.070 + 2.983 X - 1.813 X^2 at t = 2, 2.038 - 3.335 X + 1.356 X^2 at t = 1', () => {
    // The core works in time-0 money; the paper's Y is in money of the regression date. The paper
    // prints three decimals, and its -1.813 is -1.8136 here, so within 1e-3.
    const coefficients = (date: number) => Array.from(fit.policy.coefficients.subarray(date * 3, date * 3 + 3), (c) => c * Math.exp(0.06 * (date + 1)));
    coefficients(1).forEach((c, i) => expect(Math.abs(c - [-1.07, 2.983, -1.813][i])).toBeLessThan(1e-3));
    coefficients(0).forEach((c, i) => expect(Math.abs(c - [2.038, -3.335, 1.356][i])).toBeLessThan(1e-3));
    expect(Array.from(fit.policy.regressionPaths)).toEqual([5, 5, 4]);
  });

  it('stops where the paper does and values the option at 0.1144', () => {
    // Paper's stopping rule: paths 4, 6, 7, 8 at t = 1, path 3 at t = 3, the others never.
    expect(Array.from(fit.exerciseDate)).toEqual([-1, -1, 2, 0, -1, 0, 0, 0]);
    const value = fit.pathValues.reduce((s, v) => s + v, 0) / LS_PATHS.length;
    expect(value).toBeCloseTo(0.1144, 4);
  });
});

describe('fitStoppingPolicy and StoppingPolicyEvaluator refuse a problem or a policy that does not add up, naming the field', () => {
  const problem = (change: Partial<StoppingProblem>): StoppingProblem => ({
    paths: 20,
    dates: 3,
    actions: 1,
    stateSize: 1,
    exerciseKnownAtDate: true,
    stateAt: (d, out) => out.forEach((_, p) => (out[p] = (p + d) / 20)),
    exerciseValuesAt: (d, out) => out.forEach((_, p) => (out[p] = 1 - (p + d) / 20)),
    holdValues: (out) => out.fill(0),
    ...change,
  });
  const fit = (change: Partial<StoppingProblem>) => () => fitStoppingPolicy(problem(change), { basis: { kind: 'polynomial', degree: 1 } });

  it('sizes that are not whole numbers, or none at all', () => {
    expect(fit({ paths: 0 })).toThrow(/paths must be a whole number >= 1, got 0/);
    expect(fit({ paths: 10.5 })).toThrow(/paths must be a whole number >= 1, got 10\.5/); // was "byte length of Float64Array should be a multiple of 8"
    expect(fit({ dates: 0 })).toThrow(/dates must be a whole number >= 1, got 0/);
    expect(fit({ stateSize: Number.NaN })).toThrow(/stateSize must be a whole number >= 0, got NaN/);
    expect(fit({ actions: 1.5 })).toThrow(/at least one exercise action \(a whole number\), got 1\.5/);
  });

  it('a NaN or an Infinity among the values (it used to turn the coefficients into NaN)', () => {
    expect(fit({ exerciseValuesAt: (_d, out) => out.fill(Number.POSITIVE_INFINITY) })).toThrow(/exerciseValuesAt\(2\) gave Infinity for action 0, path 0/);
    expect(fit({ stateAt: (d, out) => out.fill(d === 1 ? Number.NaN : 0.5) })).toThrow(/stateAt\(1\) gave NaN for path 0, variable 0/);
    expect(fit({ holdValues: (out) => out.fill(Number.NaN) })).toThrow(/holdValues gave NaN for path 0/);
  });

  it('a policy whose arrays do not match its dates and basis (it decided on undefined coefficients)', () => {
    const { policy } = fit({})();
    expect(() => new StoppingPolicyEvaluator(policy)).not.toThrow();
    expect(() => new StoppingPolicyEvaluator({ ...policy, coefficients: policy.coefficients.subarray(0, 3) })).toThrow(/coefficients must hold 6 numbers for its 3 dates, got 3/);
    expect(() => new StoppingPolicyEvaluator({ ...policy, dates: 30 })).toThrow(/center must hold 30 numbers for its 30 dates, got 3/);
  });
});

describe('fitStoppingPolicy with exercise values realised after the date (regressed, not known)', () => {
  // One date; state x ~ U(0, 2); action 0 is worth x - 0.5 and action 1 worth 0.6 (each plus
  // noise only seen later); holding is worth 0.8. Optimal: action 0 above x = 1.3, else hold.
  const paths = 4000;
  const words = mulberry32(7);
  const random = () => words() / 2 ** 32;
  const x = Float64Array.from({ length: paths }, () => 2 * random());
  const noise = () => random() - 0.5;
  const problem: StoppingProblem = {
    paths,
    dates: 1,
    actions: 2,
    stateSize: 1,
    exerciseKnownAtDate: false,
    stateAt: (_d, out) => out.set(x),
    exerciseValuesAt: (_d, out) => {
      for (let p = 0; p < paths; p++) {
        out[p] = x[p] - 0.5 + noise();
        out[paths + p] = 0.6 + noise();
      }
    },
    holdValues: (out) => {
      for (let p = 0; p < paths; p++) out[p] = 0.8 + noise();
    },
  };
  const fit = fitStoppingPolicy(problem, { basis: { kind: 'polynomial', degree: 1 }, standardize: true });

  it('learns the rule from the noisy realised values, and applies it to new states', () => {
    const evaluator = new StoppingPolicyEvaluator(fit.policy);
    expect(evaluator.decide(0, [1.6], 0, null)).toBe(0);
    expect(evaluator.decide(0, [1.0], 0, null)).toBe(-1);
    // The fitted boundary lies within a few hundredths of 1.3 with 4000 paths.
    let boundary = 0;
    for (let s = 0; s <= 2; s += 0.001) if (evaluator.decide(0, [s], 0, null) < 0) boundary = s;
    expect(Math.abs(boundary - 1.3)).toBeLessThan(0.05);
    expect(fit.policy.center[0]).toBeCloseTo(1, 1);
    expect(fit.policy.scale[0]).toBeCloseTo(2 / Math.sqrt(12), 1);
  });

  it('decides on its fitting paths as the fitted policy decides on them afterwards', () => {
    const evaluator = new StoppingPolicyEvaluator(fit.policy);
    const state = new Float64Array(paths);
    problem.stateAt(0, state);
    const decided = Int32Array.from({ length: paths }, (_, p) => evaluator.decide(0, state, p, null));
    expect(Array.from(decided)).toEqual(Array.from(fit.exerciseAction));
    expect(new Set(decided)).toEqual(new Set([-1, 0])); // some paths exercise, some hold
  });

  it('a variable constant at a date gets scale 0 and enters as 0: the fit uses the constant alone', () => {
    const constant = fitStoppingPolicy({ ...problem, stateAt: (_d, out) => out.fill(1.5) }, { basis: { kind: 'polynomial', degree: 2 }, standardize: true });
    expect(constant.policy.scale[0]).toBe(0);
    // Column 0 (continuation): the mean hold value 0.8; the slope terms are zero.
    expect(constant.policy.coefficients[0]).toBeCloseTo(0.8, 1);
    expect(constant.policy.coefficients[1]).toBe(0);
    expect(constant.policy.coefficients[2]).toBe(0);
  });
});
