// A worker's band counts for the trials it runs, gathered cache-friendly. Adding a trial's paths
// straight to a sketch touches a different month row (6-12 KB apart) for each of its ~1,000
// values, and the rows in use (megabytes) fall out of the core's cache: that cost more than the
// whole market model. So the collector first notes each value's bin in a month-major buffer (a
// trial's writes go to ~1,000 cache lines that stay hot), then folds a batch of trials into the
// sketch one month row at a time. Same bins and counts as BandSketch.add, hence the same bands.
// The fold counts in 16 bits, spilled into the sketch's 32-bit counts every 65,535 trials: the
// bins a month row uses are then half as many cache lines, and a fold refetches those lines (a
// megabyte or so in all) every time, since the trials between two folds push them out of the
// core's caches (the fold cost 2.3 ns a value alone, ~6 ns inside the kernel).
import { BandSketch, type BandSeries, type SparseCounts } from './bandSketch.js';

/** Trials noted before a fold: 2 bytes per trial, series and month. */
const BATCH_TRIALS = 1024;
/**
 * Slots between the starts of two (series, month) rows of the bins: one cache line more than a
 * batch, so that the ~1,000 lines a trial writes spread over every set of the L1 cache. Rows a
 * power of two apart shared a few of its sets (1 KB apart: 4 of a 48 KB L1's 64), and those writes
 * missed; 2,048-trial batches (rows 4 KB apart, one set) made the bands cost 70% instead of 27%.
 */
const ROW_SLOTS = BATCH_TRIALS + 32;
/** Trials a 16-bit count can take before it must be moved into the sketch's 32-bit counts. */
const SPILL_TRIALS = 0xffff;

export class BandCollector {
  private readonly sketch: BandSketch;
  /** Bin of (series, month, slot) at [(series * months + month) * ROW_SLOTS + slot]. */
  private readonly bins: Uint16Array;
  private slot = 0;
  /** The counts of the trials folded since the last spill, laid out as the sketch's. */
  private readonly recentCounts: Uint16Array;
  private recentTrials = 0;
  /** Whether the sketch's own counts hold any trials (spilled since the last takeNonZero). */
  private spilled = false;

  constructor(series: readonly BandSeries[], months: number) {
    this.sketch = new BandSketch(series, months);
    this.bins = new Uint16Array(series.length * months * ROW_SLOTS);
    this.recentCounts = new Uint16Array(this.sketch.counts.length);
  }

  /** Notes the current trial's path of one series (values[m] for month m). */
  addPath(series: number, values: Float64Array): void {
    this.sketch.binPath(series, values, this.bins, series * this.sketch.months * ROW_SLOTS + this.slot, ROW_SLOTS);
  }

  /** Closes the current trial, once every series has been added. */
  endTrial(): void {
    if (++this.slot === BATCH_TRIALS) this.fold();
  }

  /**
   * The counts gathered since the last call, as sparse (index, count) pairs; the collector is
   * emptied. Scanning all the counts (4.4 million bins for base, ~10 ms) costs less than noting
   * each first touch in the fold when it is called once per thousands of trials; a collector that
   * took no trial since (a lane of a shard beyond the first BAND_TRIALS trials) scans nothing.
   */
  takeNonZero(): SparseCounts {
    this.fold();
    if (!this.spilled) {
      if (this.recentTrials === 0) return { indices: new Uint32Array(0), counts: new Uint32Array(0) };
      this.recentTrials = 0;
      return takeNonZero16(this.recentCounts);
    }
    this.spill();
    this.spilled = false;
    return this.sketch.takeNonZero();
  }

  private fold(): void {
    const { bins, slot, sketch } = this;
    if (this.recentTrials + slot > SPILL_TRIALS) this.spill();
    this.recentTrials += slot;
    const counts = this.recentCounts;
    const months = sketch.months;
    for (let s = 0; s < sketch.series.length; s++) {
      const rowStep = months > 1 ? sketch.rowStart(s, 1) - sketch.rowStart(s, 0) : 0;
      let m = 0;
      // Four month rows at a time: early months pile most trials into a few bins, and each count
      // then waits for its previous increment; four rows give four such chains to overlap.
      for (; m + 4 <= months; m += 4) {
        const a = sketch.rowStart(s, m), b = a + rowStep, c = b + rowStep, d = c + rowStep;
        const fa = (s * months + m) * ROW_SLOTS, fb = fa + ROW_SLOTS, fc = fb + ROW_SLOTS, fd = fc + ROW_SLOTS;
        for (let k = 0; k < slot; k++) {
          counts[a + bins[fa + k]]++;
          counts[b + bins[fb + k]]++;
          counts[c + bins[fc + k]]++;
          counts[d + bins[fd + k]]++;
        }
      }
      for (; m < months; m++) {
        const row = sketch.rowStart(s, m);
        const first = (s * months + m) * ROW_SLOTS;
        for (let k = first; k < first + slot; k++) counts[row + bins[k]]++;
      }
    }
    this.slot = 0;
  }

  /** Moves the 16-bit counts into the sketch before one could overflow. */
  private spill(): void {
    this.sketch.addCounts16(this.recentCounts);
    this.recentTrials = 0;
    this.spilled = true;
  }
}

// The 16-bit counts are scanned two at a time, as 32-bit words: most are zero (rows are 3,072 or
// 6,144 bins wide, a month's values fill a few hundred), so the scan is mostly one test per word.
// Every sketch has an even number of bins (rows of 2 x 48 x 64 or 48 x 64).

function countNonZero16(pairs: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < pairs.length; i++) {
    const w = pairs[i];
    if (w !== 0) n += ((w & 0xffff) !== 0 ? 1 : 0) + (w >>> 16 !== 0 ? 1 : 0);
  }
  return n;
}

function moveNonZero16(counts: Uint16Array, pairs: Uint32Array, sparse: SparseCounts): void {
  const { indices, counts: values } = sparse;
  for (let i = 0, k = 0; i < pairs.length; i++) {
    if (pairs[i] === 0) continue;
    for (let j = 2 * i; j < 2 * i + 2; j++) {
      if (counts[j] !== 0) {
        indices[k] = j;
        values[k++] = counts[j];
      }
    }
    pairs[i] = 0;
  }
}

/** The non-zero 16-bit counts as sparse pairs, zeroed; each loop in a function of its own (see BandSketch.takeNonZero). */
function takeNonZero16(counts: Uint16Array): SparseCounts {
  const pairs = new Uint32Array(counts.buffer, counts.byteOffset, counts.length >> 1);
  const n = countNonZero16(pairs);
  const sparse = { indices: new Uint32Array(n), counts: new Uint32Array(n) };
  moveNonZero16(counts, pairs, sparse);
  return sparse;
}
