// outputs/sortDoubles.ts: the radix sort gives exactly the array Float64Array.prototype.sort gives
// (bit for bit: -0 before +0, infinities at the ends, subnormals in place), at every size.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortDoubles } from '../outputs/sortDoubles.js';
import { mulberry32 } from './mulberry32.js';

function expectNativeOrder(values: Float64Array): void {
  const expected = values.slice().sort();
  const sorted = sortDoubles(values.slice());
  expect(Buffer.from(sorted.buffer, sorted.byteOffset, sorted.byteLength).equals(Buffer.from(expected.buffer))).toBe(true);
}

describe('sortDoubles', () => {
  const words = mulberry32(3);
  const uniform = () => words() / 2 ** 32;
  it.each<[string, () => number]>([
    ['NPV-like: both signs, eight orders of magnitude', () => (uniform() - 0.3) * 1e8],
    ['whole months (the low digits all alike: their passes are skipped)', () => Math.floor(uniform() * 120)],
    ['signed zeros, infinities, subnormals and extremes', () => [0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1][Math.floor(uniform() * 10)]],
    ['one value repeated', () => 0.35],
  ])('sorts as the native sort does: %s', (_, value) => {
    for (const n of [0, 1, 999, 1000, 10_000, 100_000]) expectNativeOrder(Float64Array.from({ length: n }, value));
  });

  it('sorts any doubles but NaN as the native sort does', () => {
    fc.assert(
      fc.property(fc.float64Array({ noNaN: true, minLength: 900, maxLength: 3000 }), (values) => expectNativeOrder(values)),
      { numRuns: 60, seed: 11 },
    );
  });

  it('sorts a view into a larger buffer in place, leaving the rest alone', () => {
    const whole = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 1e3);
    const view = whole.subarray(1000, 4000);
    const expected = view.slice().sort();
    const before = whole.slice();
    expect(sortDoubles(view)).toBe(view);
    expect([...view]).toEqual([...expected]);
    expect([...whole.subarray(0, 1000)]).toEqual([...before.subarray(0, 1000)]);
    expect([...whole.subarray(4000)]).toEqual([...before.subarray(4000)]);
  });
});
