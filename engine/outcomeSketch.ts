// A run's outcomes without per-trial rows (--outcomes sketch): everything summary.json and the
// report need, in memory that does not grow with the trial count, and mergeable exactly, so a run
// cut into any lanes and shards gives the same bits. Per summarised variable (each strategy's
// metrics, each pair's NPV difference, the next halving):
//   - a log-binned quantile sketch (BandSketch, 2^10 bins per octave: a quantile within
//     (|x| + unit) / 1024 of the sample's order statistic at its rank), integer counts;
//   - trial and defined counts, min and max;
//   - exact sums of x and x^2 (ExactSums: the same bits in any order).
// Per strategy: trials with NPV < 0, ruined, ruined by each month, and the NPV sums of each segment
// of trials between the convergence checkpoints (the running mean at a checkpoint is a sum of
// segments). Per pair: wins and ties. The next halving's calendar-month counts.
import { BandSketch, type BandSeries, type SparseCounts } from './bandSketch.js';
import { ExactSums } from './exactSum.js';
import { MARKET_METRICS, STRATEGY_METRICS, type OutcomeBlock, type StrategyMetric } from './outcomes.js';

/** The strategy metrics summary.json summarises (its MetricSummary per strategy). */
export const SKETCH_METRICS = ['npvUsd', 'irr', 'paybackMonth', 'minCashUsd', 'btcMined', 'revenueUsdPerKwh', 'terminalPvUsd'] as const satisfies readonly StrategyMetric[];
export type SketchMetric = (typeof SKETCH_METRICS)[number];

/**
 * Every variable sketched per strategy: the summary metrics, then the funding block's (summary.json
 * `funding`): peak funding, its month, and the funding beyond the site's own (cash + credit line).
 */
export const STRATEGY_VARIABLES = [...SKETCH_METRICS, 'peakFundingUsd', 'peakFundingMonth', 'externalFundingUsd'] as const;
export type StrategyVariable = (typeof STRATEGY_VARIABLES)[number];

/** Bins per octave of the outcome sketches, as a power of two: relative resolution 1/1024. */
export const OUTCOME_SUB_BITS = 10;

/**
 * Resolution near zero of each variable (the sketch is linear below `unit`, relative above):
 * $1 of NPV, terminal value and cash, 1e-6 of an IRR, BTC or $/kWh, a thousandth of a month.
 */
const UNITS: Record<StrategyVariable, number> = {
  npvUsd: 1, irr: 1e-6, paybackMonth: 1e-3, minCashUsd: 1, btcMined: 1e-6, revenueUsdPerKwh: 1e-6,
  terminalPvUsd: 1, peakFundingUsd: 1, peakFundingMonth: 1e-3, externalFundingUsd: 1,
};
const DIFFERENCE_UNIT = 1;
const HALVING_UNIT = 1e-3;

const M = STRATEGY_METRICS.length;
const NPV = STRATEGY_METRICS.indexOf('npvUsd');
const RUINED = STRATEGY_METRICS.indexOf('ruined');
const RUIN_MONTH = STRATEGY_METRICS.indexOf('ruinMonth');
const SWITCH_MONTH = STRATEGY_METRICS.indexOf('switchMonth');
const HALVING = MARKET_METRICS.indexOf('nextHalvingMonth');
const METRIC_COLUMNS = SKETCH_METRICS.map((metric) => STRATEGY_METRICS.indexOf(metric));
const PEAK_FUNDING = STRATEGY_METRICS.indexOf('peakFundingUsd');
const PEAK_FUNDING_MONTH = STRATEGY_METRICS.indexOf('peakFundingMonth');
const PER_STRATEGY = STRATEGY_VARIABLES.length;

export interface OutcomeSketchShape {
  strategyCount: number;
  /** Horizon in months (ruin and halving months fall in 0 .. months - 1). */
  months: number;
  /** Convergence checkpoints: ascending global trial counts, the last the run's total. */
  checkpoints: readonly number[];
  /** The site's own funds (cash + credit line): funding beyond them is external. */
  ownFundsUsd: number;
}

/** Whether two shapes lay a sketch out alike (the shards of one run share their shape). */
export function sameSketchShape(a: OutcomeSketchShape, b: OutcomeSketchShape): boolean {
  return a.strategyCount === b.strategyCount && a.months === b.months && a.ownFundsUsd === b.ownFundsUsd &&
    a.checkpoints.length === b.checkpoints.length && a.checkpoints.every((c, i) => c === b.checkpoints[i]);
}

/** The serialised state: every array adds (counts, sums, sketch) or takes min/max when merged. */
export interface OutcomeSketchState {
  counts: Float64Array;
  /** Minima of every variable, then maxima. */
  extremes: Float64Array;
  limbs: Float64Array;
  infinities: Float64Array;
  sketch: SparseCounts;
}

export class OutcomeSketch {
  /** Variables: strategy s variable k (STRATEGY_VARIABLES) at s * 9 + k, then the pairs (a < b, in order), then the halving. */
  readonly variableCount: number;
  readonly pairCount: number;
  readonly sketch: BandSketch;
  readonly sums: ExactSums;
  readonly counts: Float64Array;
  readonly extremes: Float64Array;
  /** Scratch: the convergence segment of each trial of the block being folded. */
  private segmentOf = new Int32Array(0);

  // Offsets into counts.
  private readonly trialsAt = 0; // per variable: trials seen (defined or not)
  private readonly definedAt: number; // per variable: defined values
  private readonly negativeAt: number; // per strategy: NPV < 0
  private readonly ruinedAt: number; // per strategy
  private readonly exceedsAt: number; // per strategy: peak funding beyond the own funds
  private readonly ruinMonthAt: number; // per strategy and month
  private readonly switchMonthAt: number; // per strategy and month: conversions in that month
  private readonly winsAt: number; // per pair: a > b, then ties
  private readonly halvingMonthAt: number; // per calendar month offset
  private readonly segmentCountAt: number; // per strategy and segment: defined NPVs
  /** Sum slots: 2v (x) and 2v + 1 (x^2) per variable, then per strategy and segment NPV x and x^2. */
  private readonly segmentSumAt: number;

  constructor(readonly shape: OutcomeSketchShape) {
    const { strategyCount: S, months } = shape;
    const segments = shape.checkpoints.length;
    this.pairCount = (S * (S - 1)) / 2;
    this.variableCount = S * PER_STRATEGY + this.pairCount + 1;
    const V = this.variableCount;
    this.definedAt = V;
    this.negativeAt = 2 * V;
    this.ruinedAt = this.negativeAt + S;
    this.exceedsAt = this.ruinedAt + S;
    this.ruinMonthAt = this.exceedsAt + S;
    this.switchMonthAt = this.ruinMonthAt + S * months;
    this.winsAt = this.switchMonthAt + S * months;
    this.halvingMonthAt = this.winsAt + 2 * this.pairCount;
    this.segmentCountAt = this.halvingMonthAt + months;
    this.counts = new Float64Array(this.segmentCountAt + S * segments);
    this.segmentSumAt = 2 * V;
    this.sums = new ExactSums(2 * V + 2 * S * segments);
    this.extremes = new Float64Array(2 * V);
    this.extremes.fill(Infinity, 0, V);
    this.extremes.fill(-Infinity, V);
    const series: BandSeries[] = [];
    for (let s = 0; s < S; s++) for (const variable of STRATEGY_VARIABLES) series.push({ name: `${s}.${variable}`, unit: UNITS[variable], signed: true });
    for (let p = 0; p < this.pairCount; p++) series.push({ name: `pair ${p}`, unit: DIFFERENCE_UNIT, signed: true });
    series.push({ name: 'nextHalvingMonth', unit: HALVING_UNIT, signed: true });
    this.sketch = new BandSketch(series, 1, OUTCOME_SUB_BITS);
  }

  variableOf(strategy: number, variable: StrategyVariable): number {
    return strategy * PER_STRATEGY + STRATEGY_VARIABLES.indexOf(variable);
  }

  pairVariable(pair: number): number {
    return this.shape.strategyCount * PER_STRATEGY + pair;
  }

  get halvingVariable(): number {
    return this.variableCount - 1;
  }

  private addValue(v: number, x: number): void {
    this.counts[this.trialsAt + v]++;
    if (x !== x) return;
    this.counts[this.definedAt + v]++;
    this.sketch.add(v, 0, x);
    this.sums.add(2 * v, x);
    this.sums.add(2 * v + 1, x * x);
    if (x < this.extremes[v] || (x === 0 && this.extremes[v] === 0 && 1 / x < 0)) this.extremes[v] = x;
    const V = this.variableCount;
    if (x > this.extremes[V + v] || (x === 0 && this.extremes[V + v] === 0 && 1 / x > 0)) this.extremes[V + v] = x;
  }

  /** Folds the block's trials (global indices block.firstTrial onwards, `trials` of them) in. */
  fold(block: OutcomeBlock, trials = block.trialCount): void {
    const { strategyCount: S, months, checkpoints } = this.shape;
    const n = block.trialCount;
    // The convergence segment of each trial: segment j holds trials checkpoints[j - 1] .. checkpoints[j] - 1.
    if (this.segmentOf.length < trials) this.segmentOf = new Int32Array(n);
    const segment = this.segmentOf;
    let j = 0;
    for (let t = 0; t < trials; t++) {
      const g = block.firstTrial + t;
      while (j < checkpoints.length - 1 && g >= checkpoints[j]) j++;
      segment[t] = j;
    }
    const segments = checkpoints.length;
    for (let s = 0; s < S; s++) {
      const column = (m: number) => (s * M + m) * n;
      for (let k = 0; k < SKETCH_METRICS.length; k++) {
        const at = column(METRIC_COLUMNS[k]);
        const v = s * PER_STRATEGY + k;
        for (let t = 0; t < trials; t++) this.addValue(v, block.strategy[at + t]);
      }
      const peak = column(PEAK_FUNDING);
      const peakMonth = column(PEAK_FUNDING_MONTH);
      const first = s * PER_STRATEGY + SKETCH_METRICS.length;
      const ownFunds = this.shape.ownFundsUsd;
      for (let t = 0; t < trials; t++) {
        const x = block.strategy[peak + t];
        this.addValue(first, x);
        this.addValue(first + 1, block.strategy[peakMonth + t]);
        // As fundingSummary: max(0, NaN) is NaN, so an absent peak stays absent.
        this.addValue(first + 2, Math.max(0, x - ownFunds));
        if (x > ownFunds) this.counts[this.exceedsAt + s]++;
      }
      const npv = column(NPV);
      const ruined = column(RUINED);
      const ruinMonth = column(RUIN_MONTH);
      const switchMonth = column(SWITCH_MONTH);
      for (let t = 0; t < trials; t++) {
        const x = block.strategy[npv + t];
        if (x < 0) this.counts[this.negativeAt + s]++;
        if (block.strategy[ruined + t] === 1) this.counts[this.ruinedAt + s]++;
        const month = block.strategy[ruinMonth + t];
        if (month === month && month >= 0 && month < months) this.counts[this.ruinMonthAt + s * months + month]++;
        const switched = block.strategy[switchMonth + t];
        if (switched === switched && switched >= 0 && switched < months) this.counts[this.switchMonthAt + s * months + switched]++;
        if (x === x) {
          const slot = s * segments + segment[t];
          this.counts[this.segmentCountAt + slot]++;
          this.sums.add(this.segmentSumAt + 2 * slot, x);
          this.sums.add(this.segmentSumAt + 2 * slot + 1, x * x);
        }
      }
    }
    let p = 0;
    for (let a = 0; a < S; a++) {
      for (let b = a + 1; b < S; b++, p++) {
        const at = (a * M + NPV) * n;
        const bt = (b * M + NPV) * n;
        const v = this.pairVariable(p);
        for (let t = 0; t < trials; t++) {
          const x = block.strategy[at + t];
          const y = block.strategy[bt + t];
          if (x !== x || y !== y) {
            this.counts[this.trialsAt + v]++;
            continue;
          }
          if (x > y) this.counts[this.winsAt + 2 * p]++;
          else if (x === y) this.counts[this.winsAt + 2 * p + 1]++;
          this.addValue(v, x - y);
        }
      }
    }
    const halving = HALVING * n;
    for (let t = 0; t < trials; t++) {
      const month = block.market[halving + t];
      this.addValue(this.halvingVariable, month);
      if (month === month) this.counts[this.halvingMonthAt + Math.min(months - 1, Math.max(0, Math.floor(month)))]++;
    }
  }

  /** The state to hand to another thread or process, and this sketch emptied for reuse. */
  take(): OutcomeSketchState {
    this.sums.normalize();
    const state: OutcomeSketchState = {
      counts: this.counts.slice(),
      extremes: this.extremes.slice(),
      limbs: this.sums.limbs.slice(),
      infinities: this.sums.infinities.slice(),
      sketch: this.sketch.takeNonZero(),
    };
    this.counts.fill(0);
    this.sums.limbs.fill(0);
    this.sums.infinities.fill(0);
    this.extremes.fill(Infinity, 0, this.variableCount);
    this.extremes.fill(-Infinity, this.variableCount);
    return state;
  }

  merge(state: OutcomeSketchState): void {
    if (state.counts.length !== this.counts.length || state.extremes.length !== this.extremes.length || state.limbs.length !== this.sums.limbs.length) {
      throw new RangeError(`an outcome sketch of another shape (${state.counts.length} counts, this run's ${this.counts.length})`);
    }
    const bins = this.sketch.counts.length;
    for (let k = 0; k < state.sketch.indices.length; k++) {
      if (state.sketch.indices[k] >= bins) throw new RangeError(`an outcome sketch with bin ${state.sketch.indices[k]}, beyond this run's ${bins}`);
    }
    // Checked whole before anything is added: a damaged state must not leave this sketch half merged.
    for (let i = 0; i < state.counts.length; i++) {
      if (!(Number.isSafeInteger(state.counts[i]) && state.counts[i] >= 0)) throw new RangeError(`an outcome sketch with count ${state.counts[i]} at ${i}, not a whole number of trials`);
    }
    for (let i = 0; i < state.infinities.length; i++) {
      if (!(Number.isSafeInteger(state.infinities[i]) && state.infinities[i] >= 0)) throw new RangeError(`an outcome sketch with an infinity count of ${state.infinities[i]}`);
    }
    for (let i = 0; i < state.limbs.length; i++) {
      if (!Number.isSafeInteger(state.limbs[i])) throw new RangeError(`an outcome sketch with a sum limb of ${state.limbs[i]}`);
    }
    for (let i = 0; i < state.extremes.length; i++) {
      if (state.extremes[i] !== state.extremes[i]) throw new RangeError('an outcome sketch with a minimum or maximum that is not a number');
    }
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += state.counts[i];
    const V = this.variableCount;
    for (let v = 0; v < V; v++) {
      this.extremes[v] = Math.min(this.extremes[v], state.extremes[v]);
      this.extremes[V + v] = Math.max(this.extremes[V + v], state.extremes[V + v]);
    }
    this.sums.merge(state.limbs, state.infinities);
    this.sketch.mergeSparse(state.sketch);
  }

  /** The trials a state (a shard's, or a lane's) holds. */
  trialsInState(state: OutcomeSketchState): number {
    return state.counts[this.trialsAt + this.halvingVariable];
  }

  // Reading, for the summary.
  trialsOf(v: number): number {
    return this.counts[this.trialsAt + v];
  }
  definedOf(v: number): number {
    return this.counts[this.definedAt + v];
  }
  minOf(v: number): number {
    return this.extremes[v];
  }
  maxOf(v: number): number {
    return this.extremes[this.variableCount + v];
  }
  sumOf(v: number): number {
    return this.sums.value(2 * v);
  }
  sumOfSquaresOf(v: number): number {
    return this.sums.value(2 * v + 1);
  }
  negativeNpvOf(s: number): number {
    return this.counts[this.negativeAt + s];
  }
  ruinedOf(s: number): number {
    return this.counts[this.ruinedAt + s];
  }
  exceedsOwnFundsOf(s: number): number {
    return this.counts[this.exceedsAt + s];
  }
  ruinedInMonth(s: number, month: number): number {
    return this.counts[this.ruinMonthAt + s * this.shape.months + month];
  }
  /** Trials in which strategy s converts in `month`. */
  switchedInMonth(s: number, month: number): number {
    return this.counts[this.switchMonthAt + s * this.shape.months + month];
  }
  /** Pairs with a > b, and ties. */
  winsOf(pair: number): { wins: number; ties: number } {
    return { wins: this.counts[this.winsAt + 2 * pair], ties: this.counts[this.winsAt + 2 * pair + 1] };
  }
  halvingsInMonth(month: number): number {
    return this.counts[this.halvingMonthAt + month];
  }
  /** Defined NPVs of strategy s among trials 0 .. checkpoints[j] - 1: their count, exact sum and sum of squares. */
  convergencePrefix(s: number, j: number): { count: number; sum: number; sumSquares: number } {
    const first = s * this.shape.checkpoints.length;
    let count = 0;
    const sums: number[] = [];
    const squares: number[] = [];
    for (let slot = first; slot <= first + j; slot++) {
      count += this.counts[this.segmentCountAt + slot];
      sums.push(this.segmentSumAt + 2 * slot);
      squares.push(this.segmentSumAt + 2 * slot + 1);
    }
    return { count, sum: this.sums.valueOf(sums), sumSquares: this.sums.valueOf(squares) };
  }
}

// The state as bytes (a shard folder's sketch.bin, or a job's return value through Redis):
// "HPSK", a format number, the six array lengths, then the arrays, little-endian, each starting
// on a multiple of 8 bytes. Doubles keep every bit (-0 and the infinities of an empty min/max).
const MAGIC = 0x4b535048; // "HPSK" read little-endian
// 2 since stop 32: a seventh metric per strategy (terminalPvUsd).
const FORMAT = 2;
const HEADER_WORDS = 8;

export function encodeSketchState(state: OutcomeSketchState): Uint8Array {
  const doubles = [state.counts, state.extremes, state.limbs, state.infinities];
  const words = [state.sketch.indices, state.sketch.counts];
  const pad = (bytes: number) => Math.ceil(bytes / 8) * 8;
  let size = HEADER_WORDS * 4;
  for (const a of doubles) size += a.byteLength;
  for (const a of words) size += pad(a.byteLength);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  [MAGIC, FORMAT, ...doubles.map((a) => a.length), ...words.map((a) => a.length)].forEach((x, i) => view.setUint32(4 * i, x, true));
  let at = HEADER_WORDS * 4;
  for (const a of doubles) {
    for (let i = 0; i < a.length; i++, at += 8) view.setFloat64(at, a[i], true);
  }
  for (const a of words) {
    for (let i = 0; i < a.length; i++) view.setUint32(at + 4 * i, a[i], true);
    at += pad(a.byteLength);
  }
  return bytes;
}

/** A sketch another version of hashpivot wrote: whole, but laid out for other metrics. */
export class SketchFormatError extends Error {}

export function decodeSketchState(bytes: Uint8Array): OutcomeSketchState {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < HEADER_WORDS * 4 || view.getUint32(0, true) !== MAGIC) throw new Error('not an outcome sketch (no HPSK header)');
  const format = view.getUint32(4, true);
  if (format !== FORMAT) throw new SketchFormatError(`outcome sketch format ${format}, written by ${format < FORMAT ? 'an older' : 'a newer'} hashpivot; this one reads format ${FORMAT}`);
  const lengths = Array.from({ length: 6 }, (_, i) => view.getUint32(8 + 4 * i, true));
  const expected = HEADER_WORDS * 4 + 8 * (lengths[0] + lengths[1] + lengths[2] + lengths[3]) + Math.ceil(lengths[4] / 2) * 8 + Math.ceil(lengths[5] / 2) * 8;
  if (bytes.byteLength !== expected || lengths[4] !== lengths[5]) throw new Error(`outcome sketch of ${bytes.byteLength} bytes, its header says ${expected}: truncated or damaged`);
  let at = HEADER_WORDS * 4;
  const doubles = lengths.slice(0, 4).map((n) => {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++, at += 8) a[i] = view.getFloat64(at, true);
    return a;
  });
  const words = lengths.slice(4).map((n) => {
    const a = new Uint32Array(n);
    for (let i = 0; i < n; i++) a[i] = view.getUint32(at + 4 * i, true);
    at += Math.ceil(n / 2) * 8;
    return a;
  });
  return { counts: doubles[0], extremes: doubles[1], limbs: doubles[2], infinities: doubles[3], sketch: { indices: words[0], counts: words[1] } };
}
