// Per-month distributions of monthly paths (price, hashprice, difficulty, energy, cash per
// strategy) in bounded memory, for the fan charts. A fixed log-linear histogram (the layout of
// HdrHistogram and DDSketch): bins are read straight off the float's exponent and top mantissa
// bits, so adding a value costs no log() call; counts are integers, so merging sketches from any
// number of workers in any order gives identical bytes.
//
// Error: a value x is binned by v = 1 + |x| / unit, and a bin spans 1/64 of its octave, so a
// quantile read from the sketch lies within (|x| + unit) / 64 of the sample's order statistics at
// its rank: 1.6% relative at worst, typically well under half that after the linear
// interpolation inside the bin. Ranks are exact (test/bandSketch.test.ts).

/** Bins per octave as a power of two, unless a sketch asks for finer ones (at most 20: the mantissa bits read). */
const SUB_BITS = 6;
const OCTAVES = 48;
const MANTISSA_HIGH_BITS = 20;
const DEFAULT_BIN_SHIFT = MANTISSA_HIGH_BITS - SUB_BITS;
const DEFAULT_EXPONENT_BIAS_BINS = 1023 << SUB_BITS;
const DEFAULT_BINS_PER_SIGN = OCTAVES << SUB_BITS;

export interface BandSeries {
  name: string;
  /** Values much larger than this are resolved to 1/64 relative; it should be far below typical values. */
  unit: number;
  /** Whether the series can be negative (cash); positive series use half the bins. */
  signed: boolean;
}

/**
 * Only trials 0 .. BAND_TRIALS - 1 of a run feed its bands (the fan charts and paths.csv); larger
 * runs keep the first BAND_TRIALS trials' paths, a random sample, since trials are independent.
 * At this size the sampling error of a 5% band edge (a rank error of about 0.12 percentage points,
 * one standard error) is of the order of the bins' own 1/64 resolution, and binning every path of
 * a 10^6-trial run would cost a fifth of its time for no visible change in a chart. By trial
 * index, so the bands are the same whatever the workers, slices or shards.
 */
export const BAND_TRIALS = 1 << 15;

/** Band quantiles the reports show (MODEL.md §4). */
export const BAND_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

// The high word of a float64 is the second uint32 on little-endian machines (all Node platforms).
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Lower edge of a magnitude bin in v-space and its width. */
function binLowerV(bin: number, subBits: number): number {
  const octave = bin >>> subBits;
  const sub = bin - (octave << subBits);
  return 2 ** octave * (1 + sub / (1 << subBits));
}

/** A sketch's non-zero bins: counts[k] at flat bin index indices[k]. */
export interface SparseCounts {
  indices: Uint32Array;
  counts: Uint32Array;
}

/**
 * Bins are tracked in blocks of 2^BLOCK_BITS: adding to a bin marks its block, and takeNonZero
 * scans only the marked blocks. An outcome sketch has 4 million bins of which a shard fills tens of
 * thousands; scanning them all took ~20 ms a take, twice per shard on a worker.
 */
const BLOCK_BITS = 10;

function countNonZero(counts: Uint32Array, touched: Uint8Array): number {
  let n = 0;
  for (let b = 0; b < touched.length; b++) {
    if (touched[b] === 0) continue;
    const end = Math.min(counts.length, (b + 1) << BLOCK_BITS);
    for (let i = b << BLOCK_BITS; i < end; i++) if (counts[i] !== 0) n++;
  }
  return n;
}

function allocateSparse(length: number): SparseCounts {
  return { indices: new Uint32Array(length), counts: new Uint32Array(length) };
}

/** Moves the non-zero counts into `sparse` (sized for them), zeroing them and their blocks' marks. */
function moveNonZero(counts: Uint32Array, touched: Uint8Array, sparse: SparseCounts): void {
  const { indices, counts: values } = sparse;
  for (let b = 0, k = 0; b < touched.length; b++) {
    if (touched[b] === 0) continue;
    touched[b] = 0;
    const end = Math.min(counts.length, (b + 1) << BLOCK_BITS);
    for (let i = b << BLOCK_BITS; i < end; i++) {
      if (counts[i] !== 0) {
        indices[k] = i;
        values[k++] = counts[i];
        counts[i] = 0;
      }
    }
  }
}

/** Adds 16-bit counts (a band collector's) into the sketch's, zeroing them and marking the blocks they reach. */
function addCounts16(counts: Uint32Array, touched: Uint8Array, recent: Uint16Array): void {
  for (let i = 0; i < recent.length; i++) {
    if (recent[i] !== 0) {
      counts[i] += recent[i];
      recent[i] = 0;
      touched[i >>> BLOCK_BITS] = 1;
    }
  }
}

export class BandSketch {
  /** Read freely; written only through add, mergeSparse and addCounts16, which mark the blocks they touch. */
  readonly counts: Uint32Array;
  /** 1 for each block of 2^BLOCK_BITS bins that may hold a non-zero count. */
  private readonly touched: Uint8Array;
  private readonly offsets: Int32Array;
  private readonly binsPerMonth: Int32Array;
  private readonly signedFlags: Uint8Array;
  private readonly inverseUnits: Float64Array;
  private readonly binsPerSign: number;
  /** The high word's bits above a bin's (sign and exponent, then the top subBits of the mantissa), and 1023 octaves of bins. */
  private readonly binShift: number;
  private readonly exponentBiasBins: number;
  /** v = 1 + |x| / unit of the value being binned, read back through highWords: see binValues. */
  private readonly scaled = new Float64Array(1);
  private readonly highWords: Uint32Array;
  private readonly oneValue = new Float64Array(1);
  private readonly oneBin = new Uint32Array(1);

  /** `subBits`: 2^subBits bins per octave (relative resolution 2^-subBits); the fan charts use 6. */
  constructor(
    readonly series: readonly BandSeries[],
    readonly months: number,
    readonly subBits = SUB_BITS,
  ) {
    if (!(Number.isInteger(subBits) && subBits >= 1 && subBits <= 16)) throw new RangeError(`BandSketch: subBits must be 1..16, got ${subBits}`);
    this.binsPerSign = OCTAVES << subBits;
    this.binShift = MANTISSA_HIGH_BITS - subBits;
    this.exponentBiasBins = 1023 << subBits;
    this.offsets = new Int32Array(series.length);
    this.binsPerMonth = new Int32Array(series.length);
    this.signedFlags = new Uint8Array(series.length);
    this.inverseUnits = new Float64Array(series.length);
    let total = 0;
    series.forEach((s, i) => {
      this.offsets[i] = total;
      this.binsPerMonth[i] = s.signed ? 2 * this.binsPerSign : this.binsPerSign;
      this.signedFlags[i] = s.signed ? 1 : 0;
      this.inverseUnits[i] = 1 / s.unit;
      total += this.binsPerMonth[i] * months;
    });
    this.counts = new Uint32Array(total);
    this.touched = new Uint8Array(Math.ceil(total / (1 << BLOCK_BITS)));
    this.highWords = new Uint32Array(this.scaled.buffer);
  }

  add(series: number, month: number, value: number): void {
    const i = this.rowStart(series, month) + this.bin(series, value);
    this.counts[i]++;
    this.touched[i >>> BLOCK_BITS] = 1;
  }

  /** Bin of a value within one month row of a series. */
  bin(series: number, value: number): number {
    this.oneValue[0] = value;
    this.binValues(series, this.oneValue, 1, this.oneBin, 0, 1);
    return this.oneBin[0];
  }

  /** The bin of values[m] for every month m, into bins[first + m * stride]: a path's row bins, to add later. */
  binPath(series: number, values: Float64Array, bins: Uint16Array, first: number, stride: number): void {
    this.binValues(series, values, this.months, bins, first, stride);
  }

  /**
   * Bins of values[0..count) into bins[first + i * stride]. A value's magnitude bin is read off the
   * float v = 1 + |x| / unit: its exponent is the octave and the top subBits of its mantissa the
   * bin within it, so (high word >>> binShift) - 1023 x 2^subBits is the bin. Each v is stored and
   * its high word read straight back: the load is forwarded from the pending store, and one pass
   * over the path measured ~10% faster (the band collector alone) than storing all the v first and
   * reading their high words in a second pass. Huge values, infinities and NaN land in the last bin.
   */
  private binValues(series: number, values: Float64Array, count: number, bins: Uint16Array | Uint32Array, first: number, stride: number): void {
    // The fan charts' resolution with its shifts as literals, which V8 folds into the inlined loop:
    // the bands cost ~4 points less than with the shift read from the sketch.
    if (this.subBits === SUB_BITS) this.binLoop(series, values, count, bins, first, stride, DEFAULT_BIN_SHIFT, DEFAULT_EXPONENT_BIAS_BINS, DEFAULT_BINS_PER_SIGN);
    else this.binLoop(series, values, count, bins, first, stride, this.binShift, this.exponentBiasBins, this.binsPerSign);
  }

  private binLoop(
    series: number, values: Float64Array, count: number, bins: Uint16Array | Uint32Array, first: number, stride: number,
    binShift: number, exponentBiasBins: number, binsPerSign: number,
  ): void {
    const inverseUnit = this.inverseUnits[series];
    const scaled = this.scaled;
    const high = this.highWords;
    if (this.signedFlags[series] === 0) {
      for (let i = 0, k = first; i < count; i++, k += stride) {
        scaled[0] = 1 + Math.abs(values[i]) * inverseUnit;
        const bin = (high[HIGH_WORD] >>> binShift) - exponentBiasBins;
        bins[k] = bin < binsPerSign ? bin : binsPerSign - 1;
      }
      return;
    }
    // Signed: negatives mirrored below the positives.
    for (let i = 0, k = first; i < count; i++, k += stride) {
      const x = values[i];
      scaled[0] = 1 + Math.abs(x) * inverseUnit;
      let bin = (high[HIGH_WORD] >>> binShift) - exponentBiasBins;
      if (bin >= binsPerSign) bin = binsPerSign - 1;
      bins[k] = x < 0 ? binsPerSign - 1 - bin : binsPerSign + bin;
    }
  }

  /** Flat index of the first bin of a series' month row. */
  rowStart(series: number, month: number): number {
    return this.offsets[series] + month * this.binsPerMonth[series];
  }

  /** The non-zero bins as (index, count) pairs, and the sketch emptied for reuse. */
  takeNonZero(): SparseCounts {
    // Each loop in a function of its own: compiled mid-loop (on-stack replacement) as one body,
    // the scan deoptimised at the allocation after it on every call, and ran interpreted.
    const sparse = allocateSparse(countNonZero(this.counts, this.touched));
    moveNonZero(this.counts, this.touched, sparse);
    return sparse;
  }

  mergeSparse(sparse: SparseCounts): void {
    const { indices, counts } = sparse;
    for (let k = 0; k < indices.length; k++) {
      this.counts[indices[k]] += counts[k];
      this.touched[indices[k] >>> BLOCK_BITS] = 1;
    }
  }

  /** Adds counts laid out as this sketch's, in 16 bits (a band collector's), and zeroes them. */
  addCounts16(recent: Uint16Array): void {
    addCounts16(this.counts, this.touched, recent);
  }

  /** Values in a series' month row. */
  countOf(series: number, month: number): number {
    const bins = this.binsPerMonth[series];
    const start = this.offsets[series] + month * bins;
    let n = 0;
    for (let b = 0; b < bins; b++) n += this.counts[start + b];
    return n;
  }

  /** The q-quantile (type 7: rank q (n - 1), linear between order statistics) of a series in a month. */
  quantile(series: number, month: number, q: number): number {
    const n = this.countOf(series, month);
    return n === 0 ? NaN : this.valueAtRank(series, month, q * (n - 1));
  }

  /**
   * The value at a 0-based, possibly fractional rank (0: the smallest) of a series in a month: at a
   * fractional rank, linear between the values at the whole ranks either side, as type 7 reads a
   * sorted sample. (Read inside the bin of the lower rank alone, a rank between two values far
   * apart, in a sparse tail, came out near the lower one: 4% off a p1 the rows gave.)
   */
  valueAtRank(series: number, month: number, rank: number): number {
    const n = this.countOf(series, month);
    if (n === 0) return NaN;
    const below = Math.min(Math.max(0, Math.floor(rank)), n - 1);
    const value = this.valueAtWholeRank(series, month, below);
    const t = rank - below;
    return t > 0 && below + 1 < n ? value + t * (this.valueAtWholeRank(series, month, below + 1) - value) : value;
  }

  /** The value at a whole 0-based rank: the c values in a bin spread evenly across it, the k-th at (k + 0.5) / c. */
  private valueAtWholeRank(series: number, month: number, rank: number): number {
    const bins = this.binsPerMonth[series];
    const start = this.offsets[series] + month * bins;
    let before = 0;
    for (let b = 0; b < bins; b++) {
      const c = this.counts[start + b];
      if (c === 0) continue;
      if (rank < before + c) return this.binValue(series, b, (rank - before + 0.5) / c);
      before += c;
    }
    return this.binValue(series, bins - 1, 1);
  }

  /**
   * The mean of a series in a month, each value taken at its bin's centre: within half a bin
   * (1/128 of |x| + unit) of the sample mean, far inside the Monte Carlo error of a mean of
   * skewed paths. Read from the integer counts, so merged sketches give the same mean.
   */
  mean(series: number, month: number): number {
    const bins = this.binsPerMonth[series];
    const start = this.offsets[series] + month * bins;
    let n = 0;
    let sum = 0;
    for (let b = 0; b < bins; b++) {
      const c = this.counts[start + b];
      if (c === 0) continue;
      n += c;
      sum += c * this.binValue(series, b, 0.5);
    }
    return n === 0 ? NaN : sum / n;
  }

  /**
   * Values up to the end of the bin that holds the 0-based rank: the values at or below the value
   * at that rank, to the sketch's resolution (values in one bin are not told apart, so ties count
   * as at or below it, as they do for a sorted sample).
   */
  countThroughRank(series: number, month: number, rank: number): number {
    const bins = this.binsPerMonth[series];
    const start = this.offsets[series] + month * bins;
    let before = 0;
    for (let b = 0; b < bins; b++) {
      before += this.counts[start + b];
      if (rank < before) return before;
    }
    return before;
  }

  /**
   * Sum and sum of squares of the `count` smallest values of a series in a month, each bin's
   * values spread evenly across it as in valueAtRank (the k-th of c at (k + 0.5) / c): what a CVaR
   * and its standard error need, from the counts alone.
   */
  smallest(series: number, month: number, count: number): { sum: number; sumSquares: number } {
    const bins = this.binsPerMonth[series];
    const start = this.offsets[series] + month * bins;
    let left = count;
    let sum = 0;
    let sumSquares = 0;
    for (let b = 0; b < bins && left > 0; b++) {
      const c = this.counts[start + b];
      if (c === 0) continue;
      const m = Math.min(c, left);
      // Within a bin the value is linear in the fraction: x = a + slope (k + 0.5) / c for k < m.
      const a = this.binValue(series, b, 0);
      const slope = (this.binValue(series, b, 1) - a) / c;
      const sumK = (m * m) / 2; // sum of (k + 0.5), k < m
      const sumK2 = (m * m * m) / 3 - m / 12; // sum of (k + 0.5)^2, k < m
      sum += m * a + slope * sumK;
      sumSquares += m * a * a + 2 * a * slope * sumK + slope * slope * sumK2;
      left -= m;
    }
    return { sum, sumSquares };
  }

  /** Calls visit(count, lower, upper) for every non-empty bin of a series in a month, in ascending order of value. */
  forEachBin(series: number, month: number, visit: (count: number, lower: number, upper: number) => void): void {
    const bins = this.binsPerMonth[series];
    const start = this.offsets[series] + month * bins;
    for (let b = 0; b < bins; b++) {
      const c = this.counts[start + b];
      if (c !== 0) visit(c, this.binValue(series, b, 0), this.binValue(series, b, 1));
    }
  }

  private binValue(series: number, bin: number, fraction: number): number {
    const unit = 1 / this.inverseUnits[series];
    const binsPerSign = this.binsPerSign;
    let negative = false;
    if (this.signedFlags[series]) {
      if (bin < binsPerSign) {
        negative = true;
        bin = binsPerSign - 1 - bin;
        fraction = 1 - fraction;
      } else {
        bin -= binsPerSign;
      }
    }
    const lower = binLowerV(bin, this.subBits);
    const width = 2 ** (bin >>> this.subBits) / (1 << this.subBits);
    const magnitude = (lower + fraction * width - 1) * unit;
    return negative ? -magnitude : magnitude;
  }
}
