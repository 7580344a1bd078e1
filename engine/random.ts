// Random streams. A trial's streams are derived from (scenario seed, trial index) by Alea
// (Baagøe 2010, as seedrandom implements it) seeded with the string "seed:trial", so a trial draws
// the same numbers whichever worker, slice or order runs it. One Alea per trial seeds both streams,
// in a fixed order (STREAMS). The draws come from sfc32 (Chris Doty-Humphrey's small fast counting
// generator, PractRand-clean), seeded by Alea: Alea on the hot path ran at half the speed
// (LIBRARIES.md). Normals use Marsaglia & Tsang's ziggurat (J. Stat. Software 5(8), 2000), with the
// layer index and the value taken from disjoint bits of one draw (Doornik 2005's fix of the
// original's flaw).

import { fastExp } from './fastExp.js';

/** A trial's streams, in the order their seeds are drawn from the trial's Alea. */
export const STREAMS = ['market', 'site'] as const;
export type StreamName = (typeof STREAMS)[number];
const WORDS_PER_STREAM = 4;

/** The string seed of one trial. Strings, not integers: see LIBRARIES.md. */
export function trialSeed(seed: number, trialIndex: number): string {
  return `${seed}:${trialIndex}`;
}

const TWO_POW_MINUS_32 = 2 ** -32;
const SPACE = 32;
const MAX_DIGITS = 16;

/**
 * seedrandom's Alea seeded with trialSeed(seed, trialIndex), word for word (test/random.test.ts
 * checks it against seedrandom.alea), but reusable: seedrandom builds a string, a hash closure and
 * a generator object per trial, whose garbage was a twelfth of the kernel's time with collection.
 * Only the trial index's digits are new for each trial; the seed's characters are kept.
 */
export class TrialAlea {
  private c = 1;
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private mashState = 0;
  private seed = NaN;
  private label = '';
  /** Character codes of `${seed}:` (or `${seed}:${label}:`). */
  private prefix = new Uint16Array(0);
  private readonly digits = new Uint8Array(MAX_DIGITS);

  /** Positions this Alea at the start of trial (seed, trialIndex). Allocates nothing once the seed is known. */
  reset(seed: number, trialIndex: number): this {
    return this.position(seed, '', trialIndex);
  }

  /** Positions this Alea at path `index` of a labelled family of paths (labelledAlea's). */
  resetLabelled(seed: number, label: string, index: number): this {
    if (label === '') throw new Error('a family of paths needs a label');
    return this.position(seed, label, index);
  }

  /** The Alea of the string seed `${seed}:${trialIndex}`, or with a label `${seed}:${label}:${trialIndex}`. */
  private position(seed: number, label: string, trialIndex: number): this {
    if (seed !== this.seed || label !== this.label) {
      const text = label === '' ? `${seed}:` : `${seed}:${label}:`;
      this.prefix = Uint16Array.from(text, (ch) => ch.charCodeAt(0));
      this.seed = seed;
      this.label = label;
    }
    if (!(Number.isInteger(trialIndex) && trialIndex >= 0 && trialIndex < 1e15)) throw new Error(`trial index must be a whole number from 0 to 1e15, got ${trialIndex}`);
    let digitCount = 0;
    for (let rest = trialIndex; ; rest = Math.floor(rest / 10)) {
      this.digits[digitCount++] = 48 + (rest % 10);
      if (rest < 10) break;
    }
    // Baagøe's seeding: three hashes of ' ', less three hashes of the seed string, one Mash state
    // running through all six.
    this.mashState = 0xefc8249d;
    this.c = 1;
    this.mashCode(SPACE);
    this.s0 = this.mashFraction();
    this.mashCode(SPACE);
    this.s1 = this.mashFraction();
    this.mashCode(SPACE);
    this.s2 = this.mashFraction();
    this.mashSeed(digitCount);
    this.s0 -= this.mashFraction();
    if (this.s0 < 0) this.s0 += 1;
    this.mashSeed(digitCount);
    this.s1 -= this.mashFraction();
    if (this.s1 < 0) this.s1 += 1;
    this.mashSeed(digitCount);
    this.s2 -= this.mashFraction();
    if (this.s2 < 0) this.s2 += 1;
    return this;
  }

  /** The next word, as seedrandom's alea().int32(). */
  int32(): number {
    const t = 2091639 * this.s0 + this.c * TWO_POW_MINUS_32;
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    this.s2 = t - this.c;
    return (this.s2 * 0x100000000) | 0;
  }

  /** What Mash returns after the characters it has taken. */
  private mashFraction(): number {
    return (this.mashState >>> 0) * TWO_POW_MINUS_32;
  }

  /** The characters of trialSeed(seed, trialIndex) through Mash. */
  private mashSeed(digitCount: number): void {
    const prefix = this.prefix;
    for (let i = 0; i < prefix.length; i++) this.mashCode(prefix[i]);
    for (let i = digitCount - 1; i >= 0; i--) this.mashCode(this.digits[i]);
  }

  /** One character through Baagøe's Mash. */
  private mashCode(code: number): void {
    let n = this.mashState + code;
    let h = 0.02519603282416938 * n;
    n = h >>> 0;
    h -= n;
    h *= n;
    n = h >>> 0;
    h -= n;
    this.mashState = n + h * 0x100000000;
  }
}

/** The Alea of one trial (a fresh one: the kernel reuses its own TrialAlea). */
export function trialAlea(seed: number, trialIndex: number): { int32(): number } {
  return new TrialAlea().reset(seed, trialIndex);
}

/**
 * The Alea of path `index` of a named family of paths ("fit": the paths a policy is fitted on).
 * Its seed string `seed:label:index` never equals a trial's `seed:index`, so for any two seeds a
 * family's paths are independent of every trial a run draws: a policy fitted on them and evaluated
 * on the run's trials is judged out of sample.
 */
export function labelledAlea(seed: number, label: string, index: number): { int32(): number } {
  return new TrialAlea().resetLabelled(seed, label, index);
}

const LAYERS = 128;
const VALUE_SCALE = 2 ** 24; // the value uses the top 25 bits (sign + 24), the layer the low 7
const R = 3.442619855899; // start of the tail
const V = 9.91256303526217e-3; // area of each layer
const kn = new Float64Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);
{
  let dn = R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  kn[0] = (dn / q) * VALUE_SCALE;
  kn[1] = 0;
  wn[0] = q / VALUE_SCALE;
  wn[LAYERS - 1] = dn / VALUE_SCALE;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = (dn / tn) * VALUE_SCALE;
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / VALUE_SCALE;
  }
}
/** kn rounded up: an integer |value| is below kn exactly when it is below ceil(kn), and integers compare faster. */
const knCeil = Int32Array.from(kn, Math.ceil);

/** One random stream: sfc32 state, reseeded per trial without allocating a new object. */
export class RandomStream {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  /** The draw fillUntilMiss stopped at. */
  private missLayer = 0;
  private missValue = 0;

  /** Positions the stream at the start of stream `name` of trial (seed, trialIndex). */
  reseed(seed: number, trialIndex: number, stream: StreamName): this {
    const alea = trialAlea(seed, trialIndex);
    for (let i = STREAMS.indexOf(stream) * WORDS_PER_STREAM; i > 0; i--) alea.int32();
    return this.seedFrom(alea);
  }

  /** Seeds the stream from the next WORDS_PER_STREAM words of an Alea. */
  seedFrom(alea: { int32(): number }): this {
    this.a = alea.int32();
    this.b = alea.int32();
    this.c = alea.int32();
    this.d = alea.int32() | 1;
    // sfc32's authors discard the first outputs so that similar seeds diverge.
    for (let i = 0; i < 12; i++) this.nextInt32();
    return this;
  }

  nextInt32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t;
  }

  /** Uniform on the open interval (0, 1): safe to take the log of. */
  uniform(): number {
    return ((this.nextInt32() >>> 0) + 0.5) * TWO_POW_MINUS_32;
  }

  /** Fills out[0..count) with uniforms on (0, 1). */
  fillUniforms(out: Float64Array, count: number): void {
    let a = this.a, b = this.b, c = this.c, d = this.d;
    for (let i = 0; i < count; i++) {
      // No-ops on these int32 words that type them as int32 for the compiler (see fillNormals).
      a |= 0; b |= 0; c |= 0; d |= 0;
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      out[i] = ((t >>> 0) + 0.5) * TWO_POW_MINUS_32;
    }
    this.a = a; this.b = b; this.c = c; this.d = d;
  }

  /**
   * Fills out[0..count) with standard normals (ziggurat). The common case (about 99% of draws)
   * runs in fillUntilMiss; the rest goes to slowNormal, out of line.
   */
  fillNormals(out: Float64Array, count: number): void {
    for (let i = this.fillUntilMiss(out, 0, count); i < count; i = this.fillUntilMiss(out, i + 1, count)) {
      this.slowNormal(out, i, this.missLayer, this.missValue);
    }
  }

  /**
   * The ziggurat's common case from out[from] on, until a draw misses its layer's rectangle:
   * returns the miss's index (count if none did), the draw in missLayer and missValue. The loop
   * calls nothing, so V8 keeps the state and the array in registers (with slowNormal called in it,
   * it reloaded them every draw, and the normals took ~8% longer).
   */
  private fillUntilMiss(out: Float64Array, from: number, count: number): number {
    let a = this.a, b = this.b, c = this.c, d = this.d;
    let i = from;
    for (; i < count; i++) {
      // No-ops on these int32 words that type them as int32 for the compiler: without them V8
      // sometimes (1 process in 6; when the loop was compiled on-stack, mid-call) made the state's
      // additions floating point with overflow checks, and the normals cost 3x in that process.
      a |= 0; b |= 0; c |= 0; d |= 0;
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (c << 21) | (c >>> 11); c = (c + t) | 0;
      const layer = t & 127;
      const value = t >> 7;
      if (Math.abs(value) >= knCeil[layer]) {
        this.missLayer = layer;
        this.missValue = value;
        break;
      }
      out[i] = value * wn[layer];
    }
    this.a = a; this.b = b; this.c = c; this.d = d;
    return i;
  }

  /**
   * The ziggurat's rare path for a draw (layer, value) that missed its layer's rectangle: the
   * wedge, or the tail of the bottom layer. Writes out[i] (a double returned from a call V8 does
   * not inline is boxed: a heap number for each of the ~1% of draws that come here).
   */
  private slowNormal(out: Float64Array, i: number, layer: number, value: number): void {
    for (;;) {
      if (layer === 0) {
        let x: number, y: number;
        do {
          x = -Math.log(this.uniform()) / R;
          y = -Math.log(this.uniform());
        } while (y + y < x * x);
        out[i] = value > 0 ? R + x : -R - x;
        return;
      }
      const x = value * wn[layer];
      if (inWedge(fn[layer] + this.uniform() * (fn[layer - 1] - fn[layer]), -0.5 * x * x)) {
        out[i] = x;
        return;
      }
      const t = this.nextInt32();
      layer = t & 127;
      value = t >> 7;
      if (Math.abs(value) < knCeil[layer]) {
        out[i] = value * wn[layer];
        return;
      }
    }
  }
}

/**
 * The wedge test y < Math.exp(z), decided by fastExp where that cannot differ: fastExp is within
 * 5e-16 of Math.exp (test/fastExp.test.ts), so only a y within WEDGE_MARGIN of it asks Math.exp, a
 * call into C that cost a tenth of the normals. The same answer as Math.exp for every (y, z).
 */
export function inWedge(y: number, z: number): boolean {
  const e = fastExp(z);
  if (y < e * (1 - WEDGE_MARGIN)) return true;
  if (y > e * (1 + WEDGE_MARGIN)) return false;
  return y < Math.exp(z);
}
const WEDGE_MARGIN = 1e-12;

/**
 * Poisson draw by inversion from one uniform (expMinusMean = exp(-mean), precomputed): exact, and one uniform per draw keeps every trial's
 * stream consumption fixed whatever the rate. Suited to the small monthly means of jumps (< ~5).
 */
export function poissonFromUniform(mean: number, expMinusMean: number, u: number): number {
  let p = expMinusMean;
  let cumulative = p;
  let n = 0;
  while (u > cumulative && n < 1000) {
    n++;
    p *= mean / n;
    cumulative += p;
  }
  return n;
}
