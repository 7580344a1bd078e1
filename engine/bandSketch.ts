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

const SUB_BITS = 6;
const SUBS_PER_OCTAVE = 1 << SUB_BITS;
const OCTAVES = 48;
const BINS_PER_SIGN = OCTAVES * SUBS_PER_OCTAVE;
const MANTISSA_HIGH_BITS = 20;

export interface BandSeries {
  name: string;
  /** Values much larger than this are resolved to 1/64 relative; it should be far below typical values. */
  unit: number;
  /** Whether the series can be negative (cash); positive series use half the bins. */
  signed: boolean;
}

/** Band quantiles the reports show (MODEL.md §4). */
export const BAND_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

// The high word of a float64 is the second uint32 on little-endian machines (all Node platforms).
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
/** The high word's bits above a bin's: sign and exponent, then the top SUB_BITS of the mantissa. */
const BIN_SHIFT = MANTISSA_HIGH_BITS - SUB_BITS;
const EXPONENT_BIAS_BINS = 1023 * SUBS_PER_OCTAVE;

/** Lower edge of a magnitude bin in v-space and its width. */
function binLowerV(bin: number): number {
  const octave = Math.floor(bin / SUBS_PER_OCTAVE);
  const sub = bin - octave * SUBS_PER_OCTAVE;
  return 2 ** octave * (1 + sub / SUBS_PER_OCTAVE);
}

/** A sketch's non-zero bins: counts[k] at flat bin index indices[k]. */
export interface SparseCounts {
  indices: Uint32Array;
  counts: Uint32Array;
}

function countNonZero(counts: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i] !== 0) n++;
  return n;
}

function allocateSparse(length: number): SparseCounts {
  return { indices: new Uint32Array(length), counts: new Uint32Array(length) };
}

/** Moves the non-zero counts into `sparse` (sized for them), zeroing them. */
function moveNonZero(counts: Uint32Array, sparse: SparseCounts): void {
  const { indices, counts: values } = sparse;
  for (let i = 0, k = 0; i < counts.length; i++) {
    if (counts[i] !== 0) {
      indices[k] = i;
      values[k++] = counts[i];
      counts[i] = 0;
    }
  }
}

export class BandSketch {
  readonly counts: Uint32Array;
  private readonly offsets: Int32Array;
  private readonly binsPerMonth: Int32Array;
  private readonly signedFlags: Uint8Array;
  private readonly inverseUnits: Float64Array;
  /** v = 1 + |x| / unit of the values being binned, read back through highWords: see binValues. */
  private readonly scaled: Float64Array;
  private readonly highWords: Uint32Array;
  private readonly oneValue = new Float64Array(1);
  private readonly oneBin = new Uint16Array(1);

  constructor(
    readonly series: readonly BandSeries[],
    readonly months: number,
  ) {
    this.offsets = new Int32Array(series.length);
    this.binsPerMonth = new Int32Array(series.length);
    this.signedFlags = new Uint8Array(series.length);
    this.inverseUnits = new Float64Array(series.length);
    let total = 0;
    series.forEach((s, i) => {
      this.offsets[i] = total;
      this.binsPerMonth[i] = s.signed ? 2 * BINS_PER_SIGN : BINS_PER_SIGN;
      this.signedFlags[i] = s.signed ? 1 : 0;
      this.inverseUnits[i] = 1 / s.unit;
      total += this.binsPerMonth[i] * months;
    });
    this.counts = new Uint32Array(total);
    this.scaled = new Float64Array(Math.max(1, months));
    this.highWords = new Uint32Array(this.scaled.buffer);
  }

  add(series: number, month: number, value: number): void {
    this.counts[this.rowStart(series, month) + this.bin(series, value)]++;
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
   * float v = 1 + |x| / unit: its exponent is the octave and the top SUB_BITS of its mantissa the
   * bin within it, so (high word >>> BIN_SHIFT) - 1023 x 64 is the bin. All the v are stored
   * first and their high words read in a second pass: a float stored and at once read back as
   * integers stalls the pipeline. Huge values, infinities and NaN land in the last bin.
   */
  private binValues(series: number, values: Float64Array, count: number, bins: Uint16Array, first: number, stride: number): void {
    const inverseUnit = this.inverseUnits[series];
    const scaled = this.scaled;
    const high = this.highWords;
    for (let i = 0; i < count; i++) {
      const x = values[i];
      scaled[i] = 1 + (x < 0 ? -x : x) * inverseUnit;
    }
    if (this.signedFlags[series] === 0) {
      for (let i = 0, k = first; i < count; i++, k += stride) {
        const bin = (high[2 * i + HIGH_WORD] >>> BIN_SHIFT) - EXPONENT_BIAS_BINS;
        bins[k] = bin < BINS_PER_SIGN ? bin : BINS_PER_SIGN - 1;
      }
      return;
    }
    // Signed: negatives mirrored below the positives.
    for (let i = 0, k = first; i < count; i++, k += stride) {
      let bin = (high[2 * i + HIGH_WORD] >>> BIN_SHIFT) - EXPONENT_BIAS_BINS;
      if (bin >= BINS_PER_SIGN) bin = BINS_PER_SIGN - 1;
      bins[k] = values[i] < 0 ? BINS_PER_SIGN - 1 - bin : BINS_PER_SIGN + bin;
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
    const sparse = allocateSparse(countNonZero(this.counts));
    moveNonZero(this.counts, sparse);
    return sparse;
  }

  mergeSparse(sparse: SparseCounts): void {
    const { indices, counts } = sparse;
    for (let k = 0; k < indices.length; k++) this.counts[indices[k]] += counts[k];
  }

  /** The q-quantile (type 7: rank q (n - 1), linear between order statistics) of a series in a month. */
  quantile(series: number, month: number, q: number): number {
    const bins = this.binsPerMonth[series];
    const start = this.offsets[series] + month * bins;
    let n = 0;
    for (let b = 0; b < bins; b++) n += this.counts[start + b];
    if (n === 0) return NaN;
    const rank = q * (n - 1);
    let before = 0;
    for (let b = 0; b < bins; b++) {
      const c = this.counts[start + b];
      if (c === 0) continue;
      if (rank < before + c) {
        // The c values in the bin are spread evenly across it: the k-th sits at (k + 0.5) / c.
        const fraction = (rank - before + 0.5) / c;
        return this.binValue(series, b, fraction);
      }
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

  private binValue(series: number, bin: number, fraction: number): number {
    const unit = 1 / this.inverseUnits[series];
    let negative = false;
    if (this.signedFlags[series]) {
      if (bin < BINS_PER_SIGN) {
        negative = true;
        bin = BINS_PER_SIGN - 1 - bin;
        fraction = 1 - fraction;
      } else {
        bin -= BINS_PER_SIGN;
      }
    }
    const lower = binLowerV(bin);
    const width = 2 ** Math.floor(bin / SUBS_PER_OCTAVE) / SUBS_PER_OCTAVE;
    const magnitude = (lower + fraction * width - 1) * unit;
    return negative ? -magnitude : magnitude;
  }
}
