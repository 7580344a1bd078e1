// The per-month band sketch against exact sample quantiles, within the error bandSketch.ts states:
// a quantile read from the sketch lies within (|x| + unit) / 64 of the sample's order statistics
// at its rank (between x_(floor r) and x_(ceil r), widened by that error, r = q (n - 1)).
import { describe, expect, it } from 'vitest';
import { quantileSorted } from 'simple-statistics';
import { BandCollector } from '../engine/bandCollector.js';
import { BandSketch } from '../engine/bandSketch.js';
import { RandomStream } from '../engine/random.js';

const STATED_ERROR = 1 / 64;

function samples(n: number, seed: number, map: (z: number) => number): Float64Array {
  const normals = new Float64Array(n);
  new RandomStream().reseed(seed, 0, 'market').fillNormals(normals, n);
  return normals.map(map);
}

function checkQuantiles(values: Float64Array, unit: number, signed: boolean) {
  const sketch = new BandSketch([{ name: 'x', unit, signed }], 1);
  for (const v of values) sketch.add(0, 0, v);
  const sorted = Float64Array.from(values).sort();
  for (const q of [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]) {
    const rank = q * (sorted.length - 1);
    const below = sorted[Math.floor(rank)];
    const above = sorted[Math.ceil(rank)];
    const estimate = sketch.quantile(0, 0, q);
    const context = `q=${q}: sketch ${estimate}, order statistics ${below}..${above}`;
    expect(estimate, context).toBeGreaterThanOrEqual(below - (Math.abs(below) + unit) * STATED_ERROR);
    expect(estimate, context).toBeLessThanOrEqual(above + (Math.abs(above) + unit) * STATED_ERROR);
  }
  // Dense parts of the distribution: the sketch also matches the interpolated type-7 quantile.
  const median = quantileSorted(Array.from(sorted), 0.5);
  if (!signed) expect(Math.abs(sketch.quantile(0, 0, 0.5) - median)).toBeLessThanOrEqual((Math.abs(median) + unit) * STATED_ERROR);
}

describe('band sketch', () => {
  it('bins v = 1 + |x| / unit by octave and 1/64 of an octave, exactly at every edge, below and above 2^32', () => {
    const sketch = new BandSketch([{ name: 'x', unit: 1, signed: true }], 1);
    const half = 48 * 64; // bins per sign: 48 octaves of 64
    for (let octave = 7; octave < 48; octave++) {
      for (let sub = 0; sub < 64; sub++) {
        // A bin's lower edge: an integer, and bins from octave 6 up are at least 1 wide, so v - 2 is one bin lower.
        const v = 2 ** octave * (1 + sub / 64);
        const expected = octave * 64 + sub;
        const below = sub > 0 ? expected - 1 : (octave - 1) * 64 + 63;
        expect(sketch.bin(0, v - 1)).toBe(half + expected);
        expect(sketch.bin(0, v - 2)).toBe(half + below);
        expect(sketch.bin(0, -(v - 1))).toBe(half - 1 - expected);
      }
    }
    expect(sketch.bin(0, 2 ** 60)).toBe(2 * half - 1); // past the top octave: the last bin
    expect(sketch.bin(0, Infinity)).toBe(2 * half - 1);
    expect(sketch.bin(0, -Infinity)).toBe(0);
    expect(sketch.bin(0, 0)).toBe(half);
  });

  it('reads quantiles of a lognormal price-like series within the stated error', () => {
    checkQuantiles(samples(50_000, 1, (z) => 90_000 * Math.exp(0.8 * z)), 0.01, false);
  });

  it('reads quantiles of a signed cash-like series (both signs, wide range) within the stated error', () => {
    checkQuantiles(samples(50_000, 2, (z) => 40e6 * z + 5e6 * z * z * z), 1000, true);
  });

  it('reads quantiles of a tiny-valued series, where the unit floor dominates', () => {
    checkQuantiles(samples(20_000, 3, (z) => 0.5 + 0.1 * z), 0.001, true);
  });

  it('reads the mean within half a bin of the sample mean, and the sample mean is within 4 SE of the lognormal mean', () => {
    const sigma = 0.8;
    const values = samples(50_000, 5, (z) => 90_000 * Math.exp(sigma * z));
    const sketch = new BandSketch([{ name: 'x', unit: 0.01, signed: false }], 1);
    for (const v of values) sketch.add(0, 0, v);
    let sum = 0;
    let sumSquares = 0;
    for (const v of values) {
      sum += v;
      sumSquares += v * v;
    }
    const sampleMean = sum / values.length;
    const standardError = Math.sqrt((sumSquares / values.length - sampleMean * sampleMean) / values.length);
    expect(Math.abs(sketch.mean(0, 0) - sampleMean)).toBeLessThanOrEqual((sampleMean + 0.01) / 128);
    // E[S] = S0 e^{sigma^2 / 2}: the mean lies above the median S0, the gap the fan charts draw.
    expect(Math.abs(sampleMean - 90_000 * Math.exp((sigma * sigma) / 2))).toBeLessThan(4 * standardError);
    const signed = new BandSketch([{ name: 'cash', unit: 1000, signed: true }], 1);
    for (const v of [-3e6, -1e6, 2e6]) signed.add(0, 0, v);
    expect(Math.abs(signed.mean(0, 0) - -2e6 / 3)).toBeLessThanOrEqual(3e6 / 128);
    expect(new BandSketch([{ name: 'x', unit: 1, signed: false }], 1).mean(0, 0)).toBeNaN();
  });

  it('collects chunks as a worker does, and merges them to the counts of one sketch whatever the order', () => {
    const values = samples(9000, 4, (z) => 1e6 * z);
    const series = [{ name: 'cash', unit: 1000, signed: true }];
    // 3000 trials a chunk, 3 months a trial: each chunk crosses the collector's batch boundary.
    const worker = new BandCollector(series, 3);
    const path = new Float64Array(3);
    const chunks = [0, 1, 2].map((k) => {
      for (let t = k * 1000; t < (k + 1) * 1000; t++) {
        for (let m = 0; m < 3; m++) path[m] = values[3 * t + m];
        worker.addPath(0, path);
        worker.endTrial();
      }
      return worker.takeNonZero();
    });
    expect(worker.takeNonZero().indices.length).toBe(0);
    const forward = new BandSketch(series, 3);
    const backward = new BandSketch(series, 3);
    for (const c of chunks) forward.mergeSparse(c);
    for (const c of [...chunks].reverse()) backward.mergeSparse(c);
    expect(forward.counts).toEqual(backward.counts);
    const whole = new BandSketch(series, 3);
    for (let i = 0; i < 9000; i++) whole.add(0, i % 3, values[i]);
    expect(forward.counts).toEqual(whole.counts);
  });

  it('counts past 65,535 trials in one take (the 16-bit counts spill into the sketch, none wraps)', () => {
    // Two series, one month: a constant path piles every trial into one bin, the largest count a
    // bin can reach; the other series alternates between two bins.
    const series = [{ name: 'price', unit: 1, signed: false }, { name: 'cash', unit: 1, signed: true }];
    const collector = new BandCollector(series, 1);
    const whole = new BandSketch(series, 1);
    const constant = Float64Array.of(123);
    const alternating = new Float64Array(1);
    const trials = 70_000;
    for (let t = 0; t < trials; t++) {
      alternating[0] = t % 3 === 0 ? -50 : 7;
      collector.addPath(0, constant);
      collector.addPath(1, alternating);
      collector.endTrial();
      whole.add(0, 0, constant[0]);
      whole.add(1, 0, alternating[0]);
    }
    const taken = new BandSketch(series, 1);
    taken.mergeSparse(collector.takeNonZero());
    expect(taken.counts).toEqual(whole.counts);
    expect(Math.max(...taken.counts)).toBe(trials);
    // Emptied, and the next take (no spill) starts from zero.
    collector.addPath(0, constant);
    collector.addPath(1, constant);
    collector.endTrial();
    const next = collector.takeNonZero();
    expect([...next.counts]).toEqual([1, 1]);
  });

  it('keeps months and series apart', () => {
    const s = new BandSketch([{ name: 'a', unit: 1, signed: false }, { name: 'b', unit: 1, signed: true }], 2);
    s.add(0, 1, 100);
    s.add(1, 0, -5);
    expect(s.quantile(0, 0, 0.5)).toBeNaN();
    expect(s.quantile(0, 1, 0.5)).toBeCloseTo(100, -1);
    expect(s.quantile(1, 0, 0.5)).toBeLessThan(0);
  });
});

describe('band binning, fast path against a plain reference', () => {
  /** The bin of one value by plain arithmetic: octave = floor(log2 v), then 1/64 steps inside it. */
  function referenceBin(value: number, unit: number, signed: boolean): number {
    const half = 48 * 64;
    const v = 1 + Math.abs(value) / unit;
    let bin: number;
    if (!Number.isFinite(v)) bin = half - 1;
    else {
      let octave = 0;
      while (2 ** (octave + 1) <= v) octave++;
      bin = Math.min(half - 1, octave * 64 + Math.floor((v / 2 ** octave - 1) * 64));
    }
    if (!signed) return bin;
    return value < 0 ? half - 1 - bin : half + bin;
  }

  it('binPath gives every value of a path the reference bin: every magnitude, both signs, zero, infinities, NaN', () => {
    const months = 600;
    const path = samples(months, 3, (z) => Math.sign(z) * 10 ** (z * 6)); // magnitudes from ~1e-18 to ~1e18
    path.set([0, -0, Infinity, -Infinity, NaN, 2 ** 60, -(2 ** 60), 1e-300, 123.456, -123.456]);
    for (const [unit, signed] of [[0.01, false], [1000, true], [1e6, false], [1, true]] as const) {
      const sketch = new BandSketch([{ name: 'x', unit, signed }], months);
      const bins = new Uint16Array(2 * months);
      sketch.binPath(0, path, bins, 1, 2);
      for (let m = 0; m < months; m++) {
        const expected = Number.isNaN(path[m]) ? (signed ? 2 * 48 * 64 - 1 : 48 * 64 - 1) : referenceBin(path[m], unit, signed);
        expect(bins[1 + 2 * m], `value ${path[m]}, unit ${unit}, signed ${signed}`).toBe(expected);
        expect(sketch.bin(0, path[m])).toBe(expected);
      }
    }
  });
});
