// Exact sums of doubles, in any order and in any number of pieces: a mergeable accumulator for
// statistics that must come out bit for bit the same however a run is cut into lanes and shards.
// Floating-point addition is not associative, so a plain sum depends on the order of the terms;
// these sums do not (a "superaccumulator": Kulisch, "Computer Arithmetic and Validity", 2013;
// Neal, "Fast exact summation using small and large superaccumulators", arXiv:1505.05571).
//
// Every finite double is m * 2^(p - 1074) with m a whole number below 2^53 and 0 <= p <= 2045. An
// accumulator keeps whole-number "limbs" of 32 bits, limb k worth 2^(32k - 1074), each stored in a
// double (exact below 2^53). A term adds its 53 bits, split at limb boundaries, to three limbs,
// each piece below 2^33, so a limb stays exact for 2^19 additions before its carries must be
// propagated (normalize). The total is read by summing the limbs from the top: rounded once
// more, but from the same limbs, hence the same bits every time. Infinities are summed apart (in
// double: Inf + -Inf is NaN whatever the order); NaN is not added (the caller counts it as absent).

const LIMB = 2 ** 32;
const LIMBS = 68; // 2045 + 53 bits over 32-bit limbs, with room for the carries of the top
/** Additions after which every accumulator's carries are propagated (each limb gains < 2^33 per addition). */
const ADDS_BEFORE_NORMALIZE = 1 << 19;

const scratch = new Float64Array(1);
const scratchBits = new Uint32Array(scratch.buffer);
// Little-endian (every Node platform): the high word of a double is the second uint32.
const LOW = 0;
const HIGH = 1;

/** 2^r for r < 32 (Math.pow per addition cost more than the rest of it). */
const POW2 = Float64Array.from({ length: 32 }, (_, r) => 2 ** r);
const INVERSE_LIMB = 2 ** -32;

/** 2^(32k - 1074) for limb k (0 past the double range: such a limb is never non-zero there). */
const LIMB_WEIGHTS = Float64Array.from({ length: LIMBS }, (_, k) => 2 ** (32 * k - 1074));

/** Carries limbs[start .. start + LIMBS - 2] into the next, leaving each in [0, 2^32). */
function carry(limbs: Float64Array, start = 0): void {
  for (let k = start; k < start + LIMBS - 1; k++) {
    const c = Math.floor(limbs[k] / LIMB);
    if (c !== 0) {
      limbs[k] -= c * LIMB;
      limbs[k + 1] += c;
    }
  }
}

/**
 * A set of `count` exact sums, stored together: slot s is limbs[s * LIMBS .. (s + 1) * LIMBS) and
 * infinities[s]. The layout is the serialised form: two sets merge by adding their arrays.
 */
export class ExactSums {
  readonly limbs: Float64Array;
  readonly infinities: Float64Array;
  private addsSinceNormalize = 0;

  constructor(readonly count: number) {
    this.limbs = new Float64Array(count * LIMBS);
    this.infinities = new Float64Array(count);
  }

  /** Adds x to sum `slot` (NaN is ignored). */
  add(slot: number, x: number): void {
    if (x === 0 || x !== x) return;
    if (x === Infinity || x === -Infinity) {
      this.infinities[slot] += x;
      return;
    }
    scratch[0] = x;
    const high = scratchBits[HIGH];
    const low = scratchBits[LOW];
    const exponent = (high >>> 20) & 0x7ff;
    // Subnormals (exponent 0) have no implicit bit and the same scale as exponent 1.
    const mantissaHigh = exponent === 0 ? high & 0xfffff : (high & 0xfffff) | 0x100000;
    const p = exponent === 0 ? 0 : exponent - 1;
    const sign = high >>> 31 === 1 ? -1 : 1;
    const k = slot * LIMBS + (p >>> 5);
    const r = p & 31;
    // low * 2^r spans limbs k and k + 1; mantissaHigh * 2^r (< 2^53) spans k + 1 and k + 2.
    const shiftedHigh = mantissaHigh * POW2[r];
    const highCarry = Math.floor(shiftedHigh * INVERSE_LIMB);
    const limbs = this.limbs;
    limbs[k] += sign * ((low << r) >>> 0);
    limbs[k + 1] += sign * ((r === 0 ? 0 : low >>> (32 - r)) + (shiftedHigh - highCarry * LIMB));
    limbs[k + 2] += sign * highCarry;
    if (++this.addsSinceNormalize === ADDS_BEFORE_NORMALIZE) this.normalize();
  }

  /** Propagates carries so every limb but the top one of each sum lies in [0, 2^32): a unique form. */
  normalize(): void {
    for (let s = 0; s < this.count; s++) carry(this.limbs, s * LIMBS);
    this.addsSinceNormalize = 0;
  }

  /** Adds another set of the same shape (its serialised arrays) into this one. */
  merge(limbs: Float64Array, infinities: Float64Array): void {
    if (limbs.length !== this.limbs.length || infinities.length !== this.count) {
      throw new RangeError(`ExactSums.merge: ${infinities.length} sums of ${limbs.length / Math.max(1, infinities.length)} limbs into ${this.count} of ${LIMBS}`);
    }
    this.normalize();
    for (let i = 0; i < limbs.length; i++) this.limbs[i] += limbs[i];
    for (let s = 0; s < this.count; s++) this.infinities[s] += infinities[s];
    this.normalize();
  }

  /** The sum in slot s as a double (NaN when it held +Infinity and -Infinity). */
  value(slot: number): number {
    return this.valueOf([slot]);
  }

  /** The exact sum of several slots, rounded once to a double. */
  valueOf(slots: readonly number[]): number {
    this.normalize();
    let infinite = 0;
    const total = new Float64Array(LIMBS);
    for (const slot of slots) {
      infinite += this.infinities[slot];
      for (let k = 0; k < LIMBS; k++) total[k] += this.limbs[slot * LIMBS + k];
    }
    if (infinite !== 0) return infinite;
    carry(total);
    // A negative sum normalises to a negative top limb over non-negative ones (like two's
    // complement), whose terms would overflow against each other: read its magnitude instead.
    const sign = total[LIMBS - 1] < 0 ? -1 : 1;
    if (sign < 0) {
      for (let k = 0; k < LIMBS; k++) total[k] = -total[k];
      carry(total);
    }
    let value = 0;
    for (let k = LIMBS - 1; k >= 0; k--) if (total[k] !== 0) value += total[k] * LIMB_WEIGHTS[k];
    return sign * value;
  }
}
