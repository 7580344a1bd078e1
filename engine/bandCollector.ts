// A worker's band counts for the trials it runs, gathered cache-friendly. Adding a trial's paths
// straight to a sketch touches a different month row (6-12 KB apart) for each of its ~1,000
// values, and the rows in use (megabytes) fall out of the core's cache: that cost more than the
// whole market model. So the collector first notes each value's bin in a month-major buffer (a
// trial's writes go to ~1,000 cache lines that stay hot), then folds a batch of trials into the
// sketch one month row at a time. Same bins and counts as BandSketch.add, hence the same bands.
import { BandSketch, type BandSeries, type SparseCounts } from './bandSketch.js';

/** Trials noted before a fold: 2 bytes per trial, series and month. */
const BATCH_TRIALS = 512;

export class BandCollector {
  private readonly sketch: BandSketch;
  /** Bin of (series, month, slot) at [(series * months + month) * BATCH_TRIALS + slot]. */
  private readonly bins: Uint16Array;
  private slot = 0;

  constructor(series: readonly BandSeries[], months: number) {
    this.sketch = new BandSketch(series, months);
    this.bins = new Uint16Array(series.length * months * BATCH_TRIALS);
  }

  /** Notes the current trial's path of one series (values[m] for month m). */
  addPath(series: number, values: Float64Array): void {
    this.sketch.binPath(series, values, this.bins, series * this.sketch.months * BATCH_TRIALS + this.slot, BATCH_TRIALS);
  }

  /** Closes the current trial, once every series has been added. */
  endTrial(): void {
    if (++this.slot === BATCH_TRIALS) this.fold();
  }

  /**
   * The counts gathered since the last call, as sparse (index, count) pairs; the collector is
   * emptied. Scanning the whole sketch (4 million bins for base, ~11 ms) costs less than noting
   * each first touch in the fold when it is called once per thousands of trials.
   */
  takeNonZero(): SparseCounts {
    this.fold();
    return this.sketch.takeNonZero();
  }

  private fold(): void {
    const { bins, slot, sketch } = this;
    const counts = sketch.counts;
    const months = sketch.months;
    for (let s = 0; s < sketch.series.length; s++) {
      for (let m = 0; m < months; m++) {
        const row = sketch.rowStart(s, m);
        const first = (s * months + m) * BATCH_TRIALS;
        for (let k = first; k < first + slot; k++) counts[row + bins[k]]++;
      }
    }
    this.slot = 0;
  }
}
