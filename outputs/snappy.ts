// Snappy compression of a Parquet page: the algorithm of hyparquet-writer's snappy.js (itself
// snappyjs, after Google's reference compressor), so the compressed bytes are the same as that
// writer's, but written straight into a reused output buffer. The original appends every tag byte
// through a growing ByteWriter (a bounds check and a DataView call each, the buffer reallocated as
// it doubles); here the output is sized once to Snappy's worst case and indexed directly.
// Format: https://github.com/google/snappy/blob/main/format_description.txt

const MAX_HASH_TABLE_BITS = 14;
/** A copy's offset fits in two bytes. */
const MAX_OFFSET = 0xffff;
/** The last bytes are never searched for a match (the reference's kInputMarginBytes). */
const INPUT_MARGIN = 15;

const hashTables: (Uint32Array | undefined)[] = new Array(MAX_HASH_TABLE_BITS + 1);

/** Snappy's bound on the compressed size of `inputLength` bytes (the reference's MaxCompressedLength). */
export function snappyMaxLength(inputLength: number): number {
  return 32 + inputLength + Math.floor(inputLength / 6);
}

function hashOf(key: number, shift: number): number {
  return Math.imul(key, 0x1e35a7bd) >>> shift;
}


/** Writes a literal of input[from, from + length) at output[op]; returns the new end of the output. */
function emitLiteral(output: Uint8Array, op: number, input: Uint8Array, from: number, length: number): number {
  if (length <= 60) {
    output[op++] = (length - 1) << 2;
  } else {
    const value = length - 1;
    const bytes = value < 0x100 ? 1 : value < 0x10000 ? 2 : value < 0x1000000 ? 3 : 4;
    output[op++] = (59 + bytes) << 2;
    for (let i = 0; i < bytes; i++) output[op++] = value >>> (i * 8);
  }
  if (length < 16) {
    for (let i = 0; i < length; i++) output[op + i] = input[from + i];
  } else {
    output.set(input.subarray(from, from + length), op);
  }
  return op + length;
}

/** A copy of 4 to 64 bytes from `offset` bytes back. */
function emitCopyUpTo64(output: Uint8Array, op: number, offset: number, length: number): number {
  if (length < 12 && offset < 2048) {
    output[op++] = 1 + ((length - 4) << 2) + ((offset >>> 8) << 5);
    output[op++] = offset & 0xff;
  } else {
    output[op++] = 2 + ((length - 1) << 2);
    output[op++] = offset & 0xff;
    output[op++] = offset >>> 8;
  }
  return op;
}

function emitCopy(output: Uint8Array, op: number, offset: number, length: number): number {
  while (length >= 68) {
    op = emitCopyUpTo64(output, op, offset, 64);
    length -= 64;
  }
  if (length > 64) {
    op = emitCopyUpTo64(output, op, offset, 60);
    length -= 60;
  }
  return emitCopyUpTo64(output, op, offset, length);
}

/**
 * Compresses `input` into `output` (at least snappyMaxLength(input.length) bytes) and returns the
 * compressed length.
 */
export function snappyCompressInto(input: Uint8Array, output: Uint8Array): number {
  const inputSize = input.length;
  if (output.length < snappyMaxLength(inputSize)) throw new RangeError(`snappyCompressInto: an output of ${output.length} bytes is too small for ${inputSize} input bytes`);
  let op = 0;

  // The uncompressed length, as a varint.
  for (let length = inputSize; ; length >>>= 7) {
    if ((length & ~0x7f) === 0) {
      output[op++] = length;
      break;
    }
    output[op++] = (length & 0x7f) | 0x80;
  }

  let hashTableBits = 1;
  while (1 << hashTableBits <= inputSize && hashTableBits <= MAX_HASH_TABLE_BITS) hashTableBits++;
  hashTableBits--;
  const shift = 32 - hashTableBits;
  const table = (hashTables[hashTableBits] ??= new Uint32Array(1 << hashTableBits));
  table.fill(0);

  // Four bytes at a time, little-endian: the reference's load32 (bytes[at] + bytes[at + 1] << 8 ...),
  // whose hash Math.imul takes modulo 2^32 as it does this unsigned value.
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  let nextEmit = 0;
  if (inputSize >= INPUT_MARGIN) {
    const ipLimit = inputSize - INPUT_MARGIN;
    let ip = 1;
    let nextHash = hashOf(view.getUint32(ip, true), shift);
    let candidate = 0;
    search: for (;;) {
      // Look for a 4-byte match, skipping faster the longer nothing matches (1 byte per step for
      // the first 32 steps, then 2, ...): incompressible data costs little.
      let skip = 32;
      let nextIp = ip;
      do {
        ip = nextIp;
        const hash = nextHash;
        nextIp = ip + (skip++ >>> 5);
        if (ip > ipLimit) break search;
        // Past the margin the next step stops the search before this hash is used (the original reads
        // beyond the input there, as undefined).
        nextHash = nextIp <= ipLimit ? hashOf(view.getUint32(nextIp, true), shift) : 0;
        candidate = table[hash];
        table[hash] = ip;
      } while (ip - candidate > MAX_OFFSET || view.getUint32(ip, true) !== view.getUint32(candidate, true));

      op = emitLiteral(output, op, input, nextEmit, ip - nextEmit);

      // Emit copies while the bytes after each one match again.
      do {
        const base = ip;
        let matched = 4;
        // Four bytes at a time while four remain, then byte by byte: the same match length.
        while (ip + matched + 4 <= inputSize && view.getUint32(ip + matched, true) === view.getUint32(candidate + matched, true)) matched += 4;
        while (ip + matched < inputSize && input[ip + matched] === input[candidate + matched]) matched++;
        ip += matched;
        op = emitCopy(output, op, base - candidate, matched);
        nextEmit = ip;
        if (ip >= ipLimit) break search;
        table[hashOf(view.getUint32(ip - 1, true), shift)] = ip - 1;
        const hash = hashOf(view.getUint32(ip, true), shift);
        candidate = table[hash];
        table[hash] = ip;
      } while (ip - candidate <= MAX_OFFSET && view.getUint32(ip, true) === view.getUint32(candidate, true));

      ip++;
      nextHash = hashOf(view.getUint32(ip, true), shift);
    }
  }
  if (nextEmit < inputSize) op = emitLiteral(output, op, input, nextEmit, inputSize - nextEmit);
  return op;
}
