// Break-even by bisection on noisy evaluations: the input value at which a decision flips (a mean
// paired NPV difference crosses 0, or P(A beats B) crosses 1/2). Each probe is one study point, so
// the search is a pure step function of the probes so far: the caller evaluates the value it asks
// for and calls again. With common random numbers every probe sees the same futures, so the
// estimates are smooth in the input and bisection on their sign is well behaved.
// The root is read off the last bracket by linear interpolation; its standard error by the delta
// method, SE(x*) = SE(g(x*)) / |slope|, with SE(g(x*)) interpolated between the bracket's ends.
// Pure: no I/O, no clock.

export interface BreakEvenProbe {
  x: number;
  /** The criterion at x, already centred: mean difference, or P(A beats B) - 1/2. */
  value: number;
  standardError: number;
}

export interface BreakEvenSearch {
  low: number;
  high: number;
  /** Stop once the bracket is this narrow (in the input's unit). */
  tolerance: number;
  /** Most probes, the two ends included. */
  maxProbes: number;
}

export type BreakEvenResult =
  | {
      found: true;
      x: number;
      standardError: number;
      ci95: [number, number];
      /** The last bracket: the probes either side of the flip. */
      bracket: [BreakEvenProbe, BreakEvenProbe];
      probes: number;
    }
  | {
      found: false;
      /** The sign of the criterion at both ends (no flip between them), or 0 when one end is exactly 0. */
      sign: -1 | 1;
      probes: number;
    };

export type BreakEvenStep = { next: number } | { result: BreakEvenResult };

/** The next value to evaluate, or the result once the bracket is narrow enough or the probes are spent. */
export function breakEvenStep(search: BreakEvenSearch, probes: readonly BreakEvenProbe[]): BreakEvenStep {
  if (!(search.low < search.high)) throw new RangeError(`breakEvenStep: low (${search.low}) must be below high (${search.high})`);
  if (probes.length === 0) return { next: search.low };
  if (probes.length === 1) return { next: search.high };
  let lo = probes[0];
  let hi = probes[1];
  if (Math.sign(lo.value) === Math.sign(hi.value) && lo.value !== 0) {
    return { result: { found: false, sign: lo.value > 0 ? 1 : -1, probes: probes.length } };
  }
  for (const probe of probes.slice(2)) {
    if (Math.sign(probe.value) === Math.sign(lo.value)) lo = probe;
    else hi = probe;
  }
  const narrow = Math.abs(hi.x - lo.x) <= search.tolerance;
  if (!narrow && probes.length < search.maxProbes && lo.value !== 0 && hi.value !== 0) return { next: (lo.x + hi.x) / 2 };
  return { result: interpolate(lo, hi, probes.length) };
}

function interpolate(lo: BreakEvenProbe, hi: BreakEvenProbe, probes: number): BreakEvenResult {
  const slope = (hi.value - lo.value) / (hi.x - lo.x);
  const t = hi.value === lo.value ? 0.5 : lo.value / (lo.value - hi.value);
  const x = lo.x + t * (hi.x - lo.x);
  const valueSe = (1 - t) * lo.standardError + t * hi.standardError;
  const standardError = slope === 0 ? Infinity : valueSe / Math.abs(slope);
  const [left, right] = lo.x < hi.x ? [lo, hi] : [hi, lo];
  return { found: true, x, standardError, ci95: [x - 1.96 * standardError, x + 1.96 * standardError], bracket: [left, right], probes };
}
