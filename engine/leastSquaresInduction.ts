// The backward induction of least-squares Monte Carlo run by several threads together, a lane each,
// date after date from the last. At each date the step's units (leastSquaresMonteCarlo.ts's
// InductionStep: the design a range of paths at a time, the continuation's moments a function at a
// time, the decisions a range of paths at a time) go to whichever lane claims them first, one
// phase after the other: a phase opens when the last unit of the one before is done. A unit is
// computed whole by one lane and the same way by any, so the fit does not depend on the number of
// lanes; a lane alone runs every unit in turn and never waits.
//
// The claims are one shared counter: generation (date and phase) in the high bits, unit in the low
// ones. A lane that draws a unit past the generation's last waits until the lane that finishes
// the last unit opens the next generation.
import { DESIGN_BUFFERS, type InductionStep, type PreparedDates } from './leastSquaresMonteCarlo.js';

const TICKET = 0;
const DONE = 1;
const GENERATION = 2;
const FAILED = 3;
const UNIT_BITS = 16;
const UNIT_MASK = (1 << UNIT_BITS) - 1;
const PHASES = 3;
/** Paths per unit of the design and decision phases: ~10 units a date for 10,000 paths. */
const CHUNK_PATHS = 1024;
/** A waiting lane looks at the failure flag this often (ms). */
const WAIT_MS = 200;

/** A date's state and exercise values: date d's at state[d * stateStride + path * stateSize + v] and exercise[d * exerciseStride + action * paths + path]. */
export interface InductionData {
  dates: number;
  paths: number;
  /** Every date prepared, in slot = date. */
  prepared: PreparedDates;
  state: ArrayLike<number>;
  stateStride: number;
  exercise: ArrayLike<number>;
  exerciseStride: number;
}

/** The lanes' shared counters (all 0 at the start); `shared`: in a SharedArrayBuffer, for worker threads. */
export function createInductionControl(shared: boolean): Int32Array {
  return new Int32Array(shared ? new SharedArrayBuffer(16) : new ArrayBuffer(16));
}

/**
 * The dates' preparation (leastSquaresMonteCarlo.ts's DatePreparer), when the lanes do it as they
 * go instead of before: a lane with no unit of the induction to run prepares the next date, from
 * the last (the order the induction needs them in), and a unit waits for its date.
 */
export interface InductionPreparation {
  /** Shared: dates claimed for preparing, at index 0 (claim c prepares date dates - 1 - c). */
  next: Int32Array;
  /** Shared: 1 at a date once it is prepared. */
  ready: Int32Array;
  /**
   * Prepares `date`. `inPlace`: the induction is done with the date DESIGN_BUFFERS later (whose
   * design buffer the date's is), so the preparation may build its design where the induction reads it.
   */
  prepare(date: number, inPlace: boolean): void;
}

/** The shared counters of an InductionPreparation over `dates` dates (all 0 at the start). */
export function createPreparationCounters(dates: number, shared: boolean): Pick<InductionPreparation, 'next' | 'ready'> {
  const make = (n: number) => new Int32Array(shared ? new SharedArrayBuffer(4 * n) : new ArrayBuffer(4 * n));
  return { next: make(1), ready: make(dates) };
}

/**
 * Runs units of the induction (and, given `preparation`, prepares dates) until none is left
 * (true) or about `maxUnits` are done (false; call again to go on). Throws if another lane failed,
 * so that no lane waits forever for it.
 */
export function runInductionLane(step: InductionStep, control: Int32Array, data: InductionData, maxUnits?: number, preparation?: InductionPreparation): boolean {
  const generations = PHASES * data.dates;
  if (generations >= 1 << (31 - UNIT_BITS)) throw new Error(`the induction takes at most ${Math.floor((1 << (31 - UNIT_BITS)) / PHASES)} dates, got ${data.dates}`);
  if (Math.ceil(data.paths / CHUNK_PATHS) > UNIT_MASK >> 2) throw new Error(`the induction takes at most ${(UNIT_MASK >> 2) * CHUNK_PATHS} paths, got ${data.paths}`);
  let done = 0;
  const fail = (error: unknown): never => {
    Atomics.store(control, FAILED, 1);
    Atomics.notify(control, GENERATION);
    if (preparation) for (let d = 0; d < data.dates; d++) Atomics.notify(preparation.ready, d);
    throw error;
  };
  /** Prepares the next unprepared date, if any is left to claim. */
  const prepareNext = (): boolean => {
    const claim = Atomics.add(preparation!.next, 0, 1);
    if (claim >= data.dates) return false;
    const date = data.dates - 1 - claim;
    // The date that used its design buffer last (date + DESIGN_BUFFERS) is done once the
    // generation is the first of the date after it.
    const inPlace = date + DESIGN_BUFFERS >= data.dates || Atomics.load(control, GENERATION) >= PHASES * (data.dates - DESIGN_BUFFERS - date);
    try {
      preparation!.prepare(date, inPlace);
    } catch (error) {
      fail(error);
    }
    Atomics.store(preparation!.ready, date, 1);
    Atomics.notify(preparation!.ready, date);
    return true;
  };
  for (;;) {
    if (Atomics.load(control, FAILED)) throw new Error('another lane of the backward induction failed');
    const ticket = Atomics.add(control, TICKET, 1);
    const generation = ticket >>> UNIT_BITS;
    const unit = ticket & UNIT_MASK;
    if (generation >= generations) return true;
    // The generation's date must be prepared (its units depend on it): prepare dates until it is
    // (the next unclaimed one is never below it), or wait for the lane preparing it.
    const date = dateOf(data, generation);
    while (preparation && !Atomics.load(preparation.ready, date)) {
      if (Atomics.load(control, FAILED)) throw new Error('another lane of the backward induction failed');
      if (!prepareNext()) Atomics.wait(preparation.ready, date, 0, WAIT_MS);
    }
    const units = unitsOf(step, data, generation);
    if (unit >= units) {
      // Every unit of the generation is claimed: prepare a date meanwhile, or wait for the lane
      // finishing the last unit to open the next generation.
      if (preparation && prepareNext()) {
        if (maxUnits !== undefined && ++done >= maxUnits) return false;
        continue;
      }
      while (Atomics.load(control, GENERATION) === generation && !Atomics.load(control, FAILED)) Atomics.wait(control, GENERATION, generation, WAIT_MS);
      continue;
    }
    try {
      runUnit(step, data, generation, unit);
    } catch (error) {
      fail(error);
    }
    if (Atomics.add(control, DONE, 1) + 1 === units) {
      Atomics.store(control, DONE, 0);
      Atomics.store(control, TICKET, (generation + 1) << UNIT_BITS);
      Atomics.store(control, GENERATION, generation + 1);
      Atomics.notify(control, GENERATION);
    }
    done++;
    if (maxUnits !== undefined && done >= maxUnits) return false;
  }
}

function dateOf(data: InductionData, generation: number): number {
  return data.dates - 1 - Math.floor(generation / PHASES);
}

/** Units of a generation: at least 1 (an empty phase still has to open the next). */
function unitsOf(step: InductionStep, data: InductionData, generation: number): number {
  const regressed = data.prepared.regressionPaths[dateOf(data, generation)];
  switch (generation % PHASES) {
    case 0: return Math.max(1, Math.ceil(data.paths / CHUNK_PATHS));
    case 1: return regressed >= step.k ? step.k : 1;
    default: return Math.max(1, Math.ceil(regressed / CHUNK_PATHS));
  }
}

function runUnit(step: InductionStep, data: InductionData, generation: number, unit: number): void {
  const date = dateOf(data, generation);
  const { prepared } = data;
  const regressed = prepared.regressionPaths[date];
  switch (generation % PHASES) {
    case 0:
      step.build(date, prepared, date, data.state, date * data.stateStride, unit * CHUNK_PATHS, Math.min(data.paths, (unit + 1) * CHUNK_PATHS));
      break;
    case 1:
      if (regressed >= step.k) step.moment(date, unit, prepared, date);
      break;
    default:
      step.decide(date, prepared, date, data.exercise, date * data.exerciseStride, unit * CHUNK_PATHS, Math.min(regressed, (unit + 1) * CHUNK_PATHS));
  }
}
