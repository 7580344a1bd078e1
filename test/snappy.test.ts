// outputs/snappy.ts against the compressor it replaces (hyparquet-writer's snappy.js, the same
// algorithm written through a growing ByteWriter): the same compressed bytes for every input, and
// hyparquet's decompressor gives the input back.
import fc from 'fast-check';
import { snappyUncompress } from 'hyparquet';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import { describe, expect, it } from 'vitest';
import { snappyCompressInto, snappyMaxLength } from '../outputs/snappy.js';

function compress(input: Uint8Array): Uint8Array {
  const output = new Uint8Array(snappyMaxLength(input.length));
  return output.slice(0, snappyCompressInto(input, output));
}

function roundTrip(compressed: Uint8Array, length: number): Uint8Array {
  const output = new Uint8Array(length);
  snappyUncompress(compressed, output);
  return output;
}

function expectSameAsReference(input: Uint8Array): void {
  const ours = compress(input);
  expect(Buffer.from(ours).equals(Buffer.from(snappyCompress(input)))).toBe(true);
  expect(Buffer.from(roundTrip(ours, input.length)).equals(Buffer.from(input))).toBe(true);
}

/** Doubles as a Parquet page holds them: the bytes of a Float64Array. */
function doubleBytes(values: number[]): Uint8Array {
  return new Uint8Array(Float64Array.from(values).buffer);
}

describe('snappyCompressInto', () => {
  it.each<[string, Uint8Array]>([
    ['nothing', new Uint8Array(0)],
    ['a few bytes (no match is looked for below 15)', Uint8Array.from([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2])],
    ['zeros: copies of 64 bytes, a 60 and the rest', new Uint8Array(100_000)],
    ['a constant column of doubles', doubleBytes(Array.from({ length: 10_000 }, () => 0.35))],
    ['doubles with a shared exponent', doubleBytes(Array.from({ length: 10_000 }, (_, i) => 1e6 + (i % 97)))],
    ['incompressible bytes (the search skips faster and faster)', Uint8Array.from({ length: 200_000 }, (_, i) => (Math.imul(i + 1, 2654435761) >>> 13) & 0xff)],
    ['a repeat further back than a copy can reach (65,535 bytes)', (() => {
      const block = Uint8Array.from({ length: 70_000 }, (_, i) => (Math.imul(i + 7, 2246822519) >>> 11) & 0xff);
      const bytes = new Uint8Array(140_000);
      bytes.set(block);
      bytes.set(block, 70_000);
      return bytes;
    })()],
    ['literals longer than 60, 256 and 65,536 bytes between matches', (() => {
      const bytes = Uint8Array.from({ length: 150_000 }, (_, i) => (Math.imul(i + 3, 3266489917) >>> 9) & 0xff);
      bytes.fill(0, 100, 140);
      bytes.fill(0, 500, 560);
      bytes.fill(0, 90_000, 90_100);
      return bytes;
    })()],
  ])('gives the reference bytes: %s', (_, input) => {
    expectSameAsReference(input);
  });

  it('gives the reference bytes for inputs mixing random stretches and repeats', () => {
    const piece = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 300 }),
      fc.record({ byte: fc.integer({ min: 0, max: 255 }), length: fc.integer({ min: 1, max: 2000 }) }).map(({ byte, length }) => new Uint8Array(length).fill(byte)),
      fc.record({ pattern: fc.uint8Array({ minLength: 1, maxLength: 12 }), times: fc.integer({ min: 1, max: 200 }) }).map(({ pattern, times }) => {
        const bytes = new Uint8Array(pattern.length * times);
        for (let t = 0; t < times; t++) bytes.set(pattern, t * pattern.length);
        return bytes;
      }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        expectSameAsReference(Uint8Array.from(pieces.flatMap((p) => [...p])));
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('compresses a subarray of a larger buffer as the bytes it views', () => {
    const whole = Uint8Array.from({ length: 5000 }, (_, i) => (i % 40 < 20 ? 0 : i & 0xff));
    expectSameAsReference(whole.subarray(1001, 4003));
  });

  it('refuses an output buffer smaller than the worst case', () => {
    expect(() => snappyCompressInto(new Uint8Array(100), new Uint8Array(100))).toThrow(/too small/);
  });
});
