// The report's distributions read off an outcome sketch (--outcomes sketch): the NPV histograms
// and S-curves, the paired differences against the baseline and the next halving's months, from
// the same mergeable counts as summary.json. A histogram counts each sketch bin at its centre: the
// bins are 1/1024 of an octave wide, far finer than a histogram's ~60 bins over the whole range.
import type { OutcomeSketch } from '../engine/outcomeSketch.js';
import type { Distribution, HalvingMonths, ReportSource } from './reportData.js';

/** A results folder's outcome sketch (`--outcomes sketch`), beside summary.json: what `report` rebuilds the charts from. */
export const SKETCH_FILE = 'sketch.bin';
/** What the report says its distributions come from, in a run and in a report rebuilt from the folder alike. */
export const SKETCH_SOURCE_NOTE = "the run's outcome sketch (--outcomes sketch: no per-trial rows; histograms from sketch bins of 1/1024 octave)";

function sketchDistribution(sketch: OutcomeSketch, v: number, sign: 1 | -1): Distribution {
  const quantiles = sketch.sketch;
  return {
    defined: sketch.definedOf(v),
    quantile: (q) => (sign === 1 ? quantiles.quantile(v, 0, q) : -quantiles.quantile(v, 0, 1 - q)),
    bin(first, step, binCount) {
      const counts = new Array<number>(binCount).fill(0);
      let below = 0;
      let above = 0;
      quantiles.forEachBin(v, 0, (count, lower, upper) => {
        const x = (sign * (lower + upper)) / 2;
        const bin = Math.floor((x - first) / step);
        if (bin < 0) below += count;
        else if (bin >= binCount) {
          if (x <= first + binCount * step) counts[binCount - 1] += count;
          else above += count;
        } else counts[bin] += count;
      });
      return { counts, below, above };
    },
  };
}

export function sketchReportSource(sketch: OutcomeSketch, strategyNames: readonly string[], trials: number): ReportSource {
  const indexOf = (name: string) => {
    const s = strategyNames.indexOf(name);
    if (s < 0) throw new Error(`the outcome sketch has no strategy ${name}`);
    return s;
  };
  /** Pair number of (a, b), a < b, in the order the sketch folds them. */
  const pairIndex = (a: number, b: number) => {
    const S = strategyNames.length;
    return a * S - (a * (a + 1)) / 2 + (b - a - 1);
  };
  return {
    trials,
    table: null, // no rows: no tail anatomy, no drivers
    npv: (name) => sketchDistribution(sketch, sketch.variableOf(indexOf(name), 'npvUsd'), 1),
    npvDifference(other, baseline) {
      const a = indexOf(other);
      const b = indexOf(baseline);
      // The sketch holds first - second of each pair: other - baseline, or its negative.
      return a < b ? sketchDistribution(sketch, sketch.pairVariable(pairIndex(a, b)), 1) : sketchDistribution(sketch, sketch.pairVariable(pairIndex(b, a)), -1);
    },
    halvingMonths(): HalvingMonths {
      const counts = new Map<number, number>();
      for (let m = 0; m < sketch.shape.months; m++) if (sketch.halvingsInMonth(m) > 0) counts.set(m, sketch.halvingsInMonth(m));
      return { counts, beyond: trials - sketch.definedOf(sketch.halvingVariable) };
    },
  };
}
