// fastExp replaces Math.exp on the hot path: it must agree with it to a couple of units in the
// last place everywhere the engine can call it, and handle the edges the same way.
import { describe, expect, it } from 'vitest';
import { fastExp, fastExpInto } from '../engine/fastExp.js';

describe('fastExp', () => {
  it('is within 5e-16 relative of Math.exp across the whole finite range', () => {
    let worst = 0;
    for (let i = 0; i <= 200_000; i++) {
      const x = -707 + (1414 * i) / 200_000 + 1e-7 * Math.sin(i); // a dense, irregular grid
      const relative = Math.abs(fastExp(x) - Math.exp(x)) / Math.exp(x);
      if (relative > worst) worst = relative;
    }
    expect(worst).toBeLessThan(5e-16);
  });

  it('is exact where exp is exactly representable and agrees at the edges', () => {
    expect(fastExp(0)).toBe(1);
    expect(fastExp(Math.LN2)).toBeCloseTo(2, 15);
    for (const x of [Infinity, -Infinity, 800, -800, -745, 709.7]) expect(fastExp(x)).toBe(Math.exp(x));
    expect(fastExp(NaN)).toBeNaN();
  });

  it('is monotone across the table steps (no seams between the 64 sub-intervals)', () => {
    let previous = fastExp(-1);
    for (let i = 1; i <= 100_000; i++) {
      const value = fastExp(-1 + i * 2e-5);
      expect(value).toBeGreaterThanOrEqual(previous);
      previous = value;
    }
  });

  it('into another array or in place: each value as fastExp gives it, values outside the clamp among them, and their sum in index order', () => {
    const inputs = [0.5, 800, -1, NaN, -800, 3, Infinity, -745, 709.7, 2, -Infinity, 1e-3];
    const logs = Float64Array.from(inputs);
    const out = new Float64Array(inputs.length);
    const sumInto = fastExpInto(logs, out);
    expect([...out]).toEqual(inputs.map(fastExp));
    expect([...logs]).toEqual(inputs);
    const values = Float64Array.from(inputs);
    const sum = fastExpInto(values, values);
    expect([...values]).toEqual(inputs.map(fastExp));
    expect(Object.is(sumInto, sum)).toBe(true);
    let expected = 0;
    for (const x of inputs) expected += fastExp(x);
    expect(Object.is(sum, expected)).toBe(true);
    const inRange = Float64Array.from([-2, -800, 1, 0]); // a finite sum, with an underflow on the rare path
    expect(fastExpInto(inRange, inRange)).toBe(fastExp(-2) + Math.exp(-800) + fastExp(1) + 1);
  });
});
