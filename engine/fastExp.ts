// exp(x) in plain arithmetic, for the hot path: Math.exp is a call into C that cost ~12 ns in the
// market step (LIBRARIES.md), five times a trial-month. Tang's table method: x = (64k + j) ln2/64 + r
// with |r| <= ln2/128, exp(x) = 2^k 2^(j/64) e^r, e^r by a degree-5 Taylor polynomial (remainder
// r^6/720 < 4e-17). Relative error below 5e-16 (two units in the last place at most) over the clamp
// range, checked against Math.exp in test/fastExp.test.ts. Pure IEEE double arithmetic, so the
// same inputs give the same bits on every machine.

const STEPS = 64;
const LN2_OVER_STEPS_HI = 0.010830417275428772; // ln2/64 cut to 21 significant bits: k * HI is exact for |k| < 2^31
// ln2/64 - HI to 50 digits, rounded: Math.LN2 / 64 - HI would carry Math.LN2's own rounding error.
const LN2_OVER_STEPS_LO = 7.420820373486988e-9;
const STEPS_OVER_LN2 = STEPS / Math.LN2;
const ROUNDING_SHIFT = 1.5 * 2 ** 52; // adding and subtracting it rounds to an integer without a branch
const MIN_EXPONENT = -1022;
const MAX_EXPONENT = 1023;
const CLAMP = 708;

const FRACTIONAL_POWERS = Float64Array.from({ length: STEPS }, (_, j) => 2 ** (j / STEPS));
const INTEGER_POWERS = Float64Array.from({ length: MAX_EXPONENT - MIN_EXPONENT + 1 }, (_, i) => 2 ** (i + MIN_EXPONENT));

/**
 * Math.exp read once: fastExp's rare path runs in no ordinary trial, so when V8 optimises a loop
 * fastExp is inlined into (the market's month loop) that path has no feedback. `Math.exp(x)` there
 * left a call in the loop (the lookup of the global Math), and any call in a loop makes V8 reload
 * every array's base and length and spill its live values each month (~3% of the kernel); a call
 * to this constant without feedback becomes a deoptimisation point instead, which costs nothing
 * until taken (and with feedback it is Math.exp's own inline operation).
 */
const mathExp = Math.exp;

export function fastExp(x: number): number {
  // Outside the clamp (overflow, subnormal results) and for NaN, the rare path defers to Math.exp.
  return x > -CLAMP && x < CLAMP ? expInClamp(x) : mathExp(x);
}

/** exp(x) for -CLAMP < x < CLAMP. */
function expInClamp(x: number): number {
  const k = (x * STEPS_OVER_LN2 + ROUNDING_SHIFT) - ROUNDING_SHIFT;
  const r = x - k * LN2_OVER_STEPS_HI - k * LN2_OVER_STEPS_LO;
  const p = 1 + r * (1 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  const j = k & (STEPS - 1);
  return INTEGER_POWERS[(k >> 6) - MIN_EXPONENT] * FRACTIONAL_POWERS[j] * p;
}

/** out[i] = fastExp(logs[i]) for every element (out may be logs itself); returns the sum of the new values, added in index order. */
export function fastExpInto(logs: Float64Array, out: Float64Array): number {
  const n = logs.length;
  let sum = 0;
  let i = 0;
  while (i < n) {
    // The common case in a loop that calls nothing, so that V8 keeps the arrays' bases, lengths and
    // the running sum in registers (a call to Math.exp on the rare path made it reload and spill
    // them every element); a value outside the clamp leaves it, is taken by Math.exp, and the loop resumes.
    for (; i < n; i++) {
      const x = logs[i];
      if (!(x > -CLAMP && x < CLAMP)) break;
      sum += out[i] = expInClamp(x);
    }
    if (i < n) {
      sum += out[i] = Math.exp(logs[i]);
      i++;
    }
  }
  return sum;
}
