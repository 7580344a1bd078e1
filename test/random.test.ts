// Random streams: determinism per (seed, trial, stream), the sfc32 generator against an independent
// implementation, and the distributions against exact values. Every statistical check uses a fixed
// seed and a tolerance of 4 standard errors of the estimate (a false alarm about once in 16,000
// checks), or 4/sqrt(n) for a correlation whose true value is 0.
import seedrandom from 'seedrandom';
import { sampleCorrelation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { inWedge, poissonFromUniform, RandomStream, TrialAlea, trialSeed } from '../engine/random.js';

const SEED = 20251127;

const correlation = (x: Float64Array, y: Float64Array) => sampleCorrelation(Array.from(x), Array.from(y));

function uniforms(seed: number, trial: number, stream: 'market' | 'site', count: number): Float64Array {
  const out = new Float64Array(count);
  new RandomStream().reseed(seed, trial, stream).fillUniforms(out, count);
  return out;
}

function normals(seed: number, trial: number, stream: 'market' | 'site', count: number): Float64Array {
  const out = new Float64Array(count);
  new RandomStream().reseed(seed, trial, stream).fillNormals(out, count);
  return out;
}

/** Sample mean and central moments 2..4 (divided by n). */
function moments(x: Float64Array): { mean: number; m2: number; m3: number; m4: number } {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  return { mean, m2: m2 / n, m3: m3 / n, m4: m4 / n };
}

/** Share of x above a threshold and its binomial standard error at the exact probability p. */
function expectShareNear(count: number, n: number, p: number): void {
  const se = Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(count / n - p)).toBeLessThan(4 * se);
}

describe('RandomStream determinism', () => {
  it('gives the same sequence for the same (seed, trial, stream), from a fresh or a reused object', () => {
    const a = new RandomStream().reseed(SEED, 7, 'market');
    const reused = new RandomStream().reseed(1, 2, 'site');
    const burn = new Float64Array(1000);
    reused.fillNormals(burn, 1000);
    reused.reseed(SEED, 7, 'market');
    for (let i = 0; i < 1000; i++) expect(reused.nextInt32()).toBe(a.nextInt32());
    expect(normals(SEED, 7, 'site', 500)).toEqual(normals(SEED, 7, 'site', 500));
    expect(uniforms(SEED, 7, 'site', 500)).toEqual(uniforms(SEED, 7, 'site', 500));
  });

  it('differs when the trial, the stream or the seed differs', () => {
    const base = uniforms(SEED, 7, 'market', 100);
    for (const other of [uniforms(SEED, 8, 'market', 100), uniforms(SEED, 7, 'site', 100), uniforms(SEED + 1, 7, 'market', 100)]) {
      let equal = 0;
      for (let i = 0; i < 100; i++) if (other[i] === base[i]) equal++;
      expect(equal).toBe(0);
    }
  });

  it('uniform() and fillUniforms() read the same 32-bit draws: ((int >>> 0) + 0.5) / 2^32', () => {
    const ints = new RandomStream().reseed(SEED, 3, 'market');
    const single = new RandomStream().reseed(SEED, 3, 'market');
    const filled = uniforms(SEED, 3, 'market', 200);
    for (let i = 0; i < 200; i++) {
      const expected = ((ints.nextInt32() >>> 0) + 0.5) / 2 ** 32;
      expect(single.uniform()).toBe(expected);
      expect(filled[i]).toBe(expected);
    }
  });

  it('is sfc32 (PractRand, Doty-Humphrey) seeded by Alea: matches an independent implementation', () => {
    // sfc32 as published with PractRand (and bryc's widely used JS port), written out here so that
    // the engine's inlined copies are checked against the reference recurrence.
    function sfc32(a: number, b: number, c: number, d: number): () => number {
      return () => {
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        return t;
      };
    }
    // The trial's Alea gives the market stream its first four words and the site stream the next four.
    const alea = seedrandom.alea(trialSeed(SEED, 11));
    for (let i = 0; i < 4; i++) alea.int32();
    const next = sfc32(alea.int32(), alea.int32(), alea.int32(), alea.int32() | 1);
    for (let i = 0; i < 12; i++) next(); // the seeding discards 12 outputs
    const stream = new RandomStream().reseed(SEED, 11, 'site');
    const filled = uniforms(SEED, 11, 'site', 1000);
    for (let i = 0; i < 1000; i++) {
      const t = next();
      expect(stream.nextInt32()).toBe(t);
      expect(filled[i]).toBe(((t >>> 0) + 0.5) / 2 ** 32);
    }
  });
});

describe('uniforms', () => {
  const n = 2_000_000;
  const u = uniforms(SEED, 0, 'market', n);

  it('lie in the open interval (0, 1)', () => {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      if (u[i] < min) min = u[i];
      if (u[i] > max) max = u[i];
    }
    expect(min).toBeGreaterThan(0);
    expect(max).toBeLessThan(1);
  });

  it('have mean 1/2 and variance 1/12 (each within 4 SE)', () => {
    const { mean, m2 } = moments(u);
    // SE of the mean: sqrt(1/12 / n); SE of the variance: sqrt((mu4 - sigma^4) / n) with
    // mu4 = 1/80 and sigma^4 = 1/144 for U(0, 1), i.e. sqrt(1/180 / n).
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(m2 - 1 / 12)).toBeLessThan(4 * Math.sqrt(1 / 180 / n));
  });

  it('fill ten equal bins equally (each share within 4 SE of 1/10)', () => {
    const counts = new Float64Array(10);
    for (let i = 0; i < n; i++) counts[Math.floor(u[i] * 10)]++;
    for (const count of counts) expectShareNear(count, n, 0.1);
  });
});

describe('normals (ziggurat)', () => {
  const n = 2_000_000;
  const z = normals(SEED, 0, 'site', n);

  it('have mean 0, variance 1, skewness 0 and kurtosis 3 (each within 4 SE)', () => {
    const { mean, m2, m3, m4 } = moments(z);
    const skewness = m3 / m2 ** 1.5;
    const kurtosis = m4 / (m2 * m2);
    // Standard errors under N(0, 1): mean 1/sqrt(n), variance sqrt(2/n), skewness sqrt(6/n),
    // kurtosis sqrt(24/n).
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(m2 - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(skewness)).toBeLessThan(4 * Math.sqrt(6 / n));
    expect(Math.abs(kurtosis - 3)).toBeLessThan(4 * Math.sqrt(24 / n));
  });

  it('match the normal tail beyond the ziggurat tail start R = 3.442619855899 (within 4 SE)', () => {
    // P(Z > R) = erfc(R / sqrt 2) / 2 = 2.8805425619582025e-4 (Python math.erfc); the draws there come
    // from Marsaglia's exponential-rejection tail, the rest of the distribution from the layers.
    const pTail = 2.8805425619582025e-4;
    let upper = 0;
    let lower = 0;
    let beyond4 = 0;
    for (let i = 0; i < n; i++) {
      if (z[i] > 3.442619855899) upper++;
      if (z[i] < -3.442619855899) lower++;
      if (Math.abs(z[i]) > 4) beyond4++;
    }
    expectShareNear(upper, n, pTail);
    expectShareNear(lower, n, pTail);
    // P(|Z| > 4) = erfc(4 / sqrt 2) = 2 x 3.1671241833119965e-5.
    expectShareNear(beyond4, n, 2 * 3.1671241833119965e-5);
  });

  it('have P(|Z| > 2) = 0.04550026389635844 and P(Z > 1) = 0.15865525393145707 (within 4 SE)', () => {
    let outside2 = 0;
    let above1 = 0;
    for (let i = 0; i < n; i++) {
      if (Math.abs(z[i]) > 2) outside2++;
      if (z[i] > 1) above1++;
    }
    expectShareNear(outside2, n, 0.04550026389635844);
    expectShareNear(above1, n, 0.15865525393145707);
  });

  it('put the right share below each normal quantile (each within 4 SE)', () => {
    // Quantiles from Python's statistics.NormalDist().inv_cdf.
    const quantiles: [number, number][] = [
      [0.001, -3.090232306167813],
      [0.01, -2.3263478740408408],
      [0.05, -1.6448536269514726],
      [0.1, -1.2815515655446008],
      [0.25, -0.6744897501960817],
      [0.5, 0],
      [0.75, 0.6744897501960817],
      [0.9, 1.2815515655446008],
      [0.95, 1.6448536269514715],
      [0.99, 2.3263478740408408],
      [0.999, 3.090232306167813],
    ];
    for (const [p, q] of quantiles) {
      let below = 0;
      for (let i = 0; i < n; i++) if (z[i] < q) below++;
      expectShareNear(below, n, p);
    }
  });
});

describe('the ziggurat wedge test', () => {
  /** The double `steps` units in the last place above x (below for negative steps); x > 0. */
  const ulpsAway = (x: number, steps: number) => {
    const bits = new BigInt64Array(new Float64Array([x]).buffer);
    bits[0] += BigInt(steps);
    return new Float64Array(bits.buffer)[0];
  };

  it('decides y < Math.exp(z) exactly as Math.exp does, at the boundary and away from it', () => {
    const stream = new RandomStream().reseed(SEED, 0, 'market');
    let checked = 0;
    for (let k = 0; k < 20_000; k++) {
      // The wedge's exponents: z = -x^2 / 2 for x up to the tail start R ~ 3.44.
      const z = -6 * stream.uniform();
      const e = Math.exp(z);
      for (const y of [stream.uniform(), e, ulpsAway(e, -1), ulpsAway(e, 1), ulpsAway(e, -3), ulpsAway(e, 3), e * (1 - 1e-13), e * (1 + 1e-13), e * (1 - 1e-11), e * (1 + 1e-11)]) {
        expect(inWedge(y, z)).toBe(y < e);
        checked++;
      }
    }
    expect(checked).toBe(200_000);
  });
});

describe('poissonFromUniform', () => {
  it('inverts the Poisson CDF exactly: N = k for F(k-1) < u <= F(k)', () => {
    const mean = 2.5;
    const expMinusMean = Math.exp(-mean);
    let p = expMinusMean;
    let cdf = p;
    for (let k = 0; k < 12; k++) {
      expect(poissonFromUniform(mean, expMinusMean, cdf * (1 - 1e-9))).toBe(k);
      expect(poissonFromUniform(mean, expMinusMean, cdf * (1 + 1e-9))).toBe(k + 1);
      p *= mean / (k + 1);
      cdf += p;
    }
    expect(poissonFromUniform(mean, expMinusMean, 1e-12)).toBe(0);
  });

  it.each([1 / 12, 0.5 / 12, 2.5])(
    'mean %s: counts have the Poisson mean, variance, P(N=0) and P(N=1) (each within 4 SE)',
    (mean) => {
      const n = 400_000;
      const u = uniforms(SEED, 1, 'market', n);
      const expMinusMean = Math.exp(-mean);
      const counts = new Float64Array(n);
      let zeros = 0;
      let ones = 0;
      for (let i = 0; i < n; i++) {
        const k = poissonFromUniform(mean, expMinusMean, u[i]);
        counts[i] = k;
        if (k === 0) zeros++;
        if (k === 1) ones++;
      }
      const { mean: sampleMean, m2 } = moments(counts);
      // Poisson: variance lambda, fourth central moment lambda (1 + 3 lambda), so the SE of the
      // sample variance is sqrt((lambda + 2 lambda^2) / n).
      expect(Math.abs(sampleMean - mean)).toBeLessThan(4 * Math.sqrt(mean / n));
      expect(Math.abs(m2 - mean)).toBeLessThan(4 * Math.sqrt((mean + 2 * mean * mean) / n));
      expectShareNear(zeros, n, Math.exp(-mean));
      expectShareNear(ones, n, mean * Math.exp(-mean));
    },
  );
});

describe('stream independence (|correlation| < 4 / sqrt(n))', () => {
  const trials = 20_000;
  const perTrial = 5;
  const stream = new RandomStream();
  const draws = (name: 'market' | 'site', seed = SEED) => {
    const out = new Float64Array(trials * perTrial);
    const row = new Float64Array(perTrial);
    for (let t = 0; t < trials; t++) {
      stream.reseed(seed, t, name);
      stream.fillUniforms(row, perTrial);
      out.set(row, t * perTrial);
    }
    return out;
  };
  const market = draws('market');
  const site = draws('site');

  it('between trial i and trial i + 1 of the same stream, draw by draw', () => {
    for (let k = 0; k < perTrial; k++) {
      const x = new Float64Array(trials - 1);
      const y = new Float64Array(trials - 1);
      for (let t = 0; t + 1 < trials; t++) {
        x[t] = market[t * perTrial + k];
        y[t] = market[(t + 1) * perTrial + k];
      }
      expect(Math.abs(correlation(x, y))).toBeLessThan(4 / Math.sqrt(trials - 1));
    }
  });

  it("between the 'market' and 'site' streams of one trial, draw by draw", () => {
    for (let k = 0; k < perTrial; k++) {
      const x = new Float64Array(trials);
      const y = new Float64Array(trials);
      for (let t = 0; t < trials; t++) {
        x[t] = market[t * perTrial + k];
        y[t] = site[t * perTrial + k];
      }
      expect(Math.abs(correlation(x, y))).toBeLessThan(4 / Math.sqrt(trials));
    }
  });

  it('between seeds s and s + 1 for the same trial and stream', () => {
    const other = draws('market', SEED + 1);
    expect(Math.abs(correlation(market, other))).toBeLessThan(4 / Math.sqrt(market.length));
  });

  it('between successive draws within one stream (lag 1)', () => {
    const u = uniforms(SEED, 5, 'market', 200_001);
    expect(Math.abs(correlation(u.subarray(0, 200_000), u.subarray(1)))).toBeLessThan(4 / Math.sqrt(200_000));
  });
});

describe('TrialAlea', () => {
  it("gives seedrandom's Alea words for the string seed 'seed:trial', reused across trials and seeds", () => {
    const alea = new TrialAlea();
    for (const seed of [0, 1, 7, SEED, 2 ** 31, 2 ** 40 + 3, 1e15]) {
      for (const trial of [0, 1, 9, 10, 99, 100, 12_345, 999_999, 2 ** 30]) {
        const reference = seedrandom.alea(trialSeed(seed, trial));
        alea.reset(seed, trial);
        for (let i = 0; i < 16; i++) expect(alea.int32(), `seed ${seed}, trial ${trial}, word ${i}`).toBe(reference.int32());
      }
    }
  });

  it("gives seedrandom's Alea words for a labelled family's 'seed:label:index', between trials on the same instance", () => {
    const alea = new TrialAlea();
    for (const seed of [0, 1, SEED, 2 ** 40 + 3]) {
      for (const index of [0, 9, 10, 12_345]) {
        for (const label of ['fit', 'dual']) {
          const reference = seedrandom.alea(`${seed}:${label}:${index}`);
          alea.resetLabelled(seed, label, index);
          for (let i = 0; i < 8; i++) expect(alea.int32(), `seed ${seed}, ${label} ${index}, word ${i}`).toBe(reference.int32());
        }
        const trial = seedrandom.alea(trialSeed(seed, index));
        alea.reset(seed, index);
        for (let i = 0; i < 8; i++) expect(alea.int32()).toBe(trial.int32());
      }
    }
    expect(() => alea.resetLabelled(1, '', 0)).toThrow(/label/);
  });

  it('refuses a trial index that is not a whole number from 0 to 1e15', () => {
    for (const trial of [-1, 0.5, 1e15, NaN]) expect(() => new TrialAlea().reset(1, trial)).toThrow(/trial index/);
  });
});
