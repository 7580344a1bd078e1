// The points of a study: which inputs each point sets, to what. A point is a pure function of the
// study and its index (break-even points also of the points before them), so a study can be resumed,
// and split by point, without changing a number. Pure: no I/O.
import type { FieldSet } from '../scenarios/load.js';
import type { Study, StudyInput } from '../scenarios/loadStudy.js';
import type { InputDistribution } from '../scenarios/studySchema.js';
import { saltelliDesign, type SaltelliDesign } from '../outputs/saltelli.js';

export interface StudyPoint {
  index: number;
  label: string;
  /** Every input's value at this point, in input order (its base value where the point leaves it). */
  values: number[];
  /** The fields this point sets over the study's scenario. */
  sets: FieldSet[];
}

/** The one-at-a-time layout: the base point, and per input its low and high points and its spider line. */
export interface OneAtATimeLayout {
  base: number;
  inputs: { low: number; high: number; line: { value: number; point: number }[] }[];
}

export interface StudyPlan {
  /** Every point, in order; empty for breakEven, whose points follow from the results (breakEvenPoint). */
  points: StudyPoint[];
  /** The most points the study can run (for breakEven, every search running to its limit). */
  maxPoints: number;
  oneAtATime?: OneAtATimeLayout;
  sobol?: SaltelliDesign;
}

function formatValue(value: number): string {
  return Math.abs(value) >= 1e5 ? value.toExponential(3).replace(/\.?0+e/, 'e') : String(Number(value.toPrecision(6)));
}

/** A point setting some inputs (by index) to values, the others at their base values. */
export function studyPoint(study: Study, index: number, label: string, setting: ReadonlyMap<number, number>): StudyPoint {
  const values = study.inputs.map((input, i) => setting.get(i) ?? input.baseValue);
  const sets = [...setting.entries()].sort((x, y) => x[0] - y[0]).map(([i, value]) => ({ path: study.inputs[i].path, value }));
  return { index, label, values, sets };
}

function inverseCdf(input: StudyInput, u: number): number {
  const d: InputDistribution = input.distribution ?? { uniform: [input.low as number, input.high as number] };
  let x: number;
  // A whole-number input takes each of its values with the same probability (rounding a uniform
  // draw would give the two ends half the weight of the others).
  if ('uniform' in d && input.integer) return Math.min(d.uniform[1], Math.floor(d.uniform[0] + u * (d.uniform[1] - d.uniform[0] + 1)));
  if ('uniform' in d) x = d.uniform[0] + u * (d.uniform[1] - d.uniform[0]);
  else if ('logUniform' in d) x = d.logUniform[0] * Math.exp(u * Math.log(d.logUniform[1] / d.logUniform[0]));
  else {
    const [a, c, b] = d.triangular;
    x = u < (c - a) / (b - a) ? a + Math.sqrt(u * (b - a) * (c - a)) : b - Math.sqrt((1 - u) * (b - a) * (b - c));
  }
  return input.integer ? Math.round(x) : x;
}

function oneAtATimePlan(study: Study): StudyPlan {
  const points: StudyPoint[] = [studyPoint(study, 0, 'base', new Map())];
  const byValue = new Map<string, number>();
  const pointFor = (i: number, value: number): number => {
    if (value === study.inputs[i].baseValue) return 0;
    const key = `${i}:${value}`;
    let index = byValue.get(key);
    if (index === undefined) {
      index = points.length;
      points.push(studyPoint(study, index, `${study.inputs[i].label} = ${formatValue(value)}`, new Map([[i, value]])));
      byValue.set(key, index);
    }
    return index;
  };
  const inputs = study.inputs.map((input, i) => {
    const low = pointFor(i, input.low as number);
    const high = pointFor(i, input.high as number);
    const values = [...new Set([input.low as number, input.baseValue, input.high as number, ...(input.values ?? [])])].sort((a, b) => a - b);
    return { low, high, line: values.map((value) => ({ value, point: pointFor(i, value) })) };
  });
  return { points, maxPoints: points.length, oneAtATime: { base: 0, inputs } };
}

function gridPlan(study: Study): StudyPlan {
  const levels = study.inputs.map((input) => input.values ?? [input.low as number, input.high as number]);
  const points: StudyPoint[] = [];
  const count = levels.reduce((product, l) => product * l.length, 1);
  for (let index = 0; index < count; index++) {
    // The first input varies slowest, like nested loops in input order.
    const setting = new Map<number, number>();
    let rest = index;
    for (let i = levels.length - 1; i >= 0; i--) {
      setting.set(i, levels[i][rest % levels[i].length]);
      rest = Math.floor(rest / levels[i].length);
    }
    const label = study.inputs.map((input, i) => `${input.label} = ${formatValue(setting.get(i) as number)}`).join(', ');
    points.push(studyPoint(study, index, label, setting));
  }
  return { points, maxPoints: count };
}

function sobolPlan(study: Study): StudyPlan {
  const k = study.inputs.length;
  const design = saltelliDesign(k, study.spec.sobol.rows, study.spec.seed);
  const points = design.points.map((u, index) => {
    const row = Math.floor(index / (k + 2));
    const column = index % (k + 2);
    const label = column === 0 ? `row ${row}: A` : column === 1 ? `row ${row}: B` : `row ${row}: A with ${study.inputs[column - 2].label} from B`;
    return studyPoint(study, index, label, new Map(study.inputs.map((input, i) => [i, inverseCdf(input, u[i])])));
  });
  return { points, maxPoints: points.length, sobol: design };
}

export function planStudy(study: Study): StudyPlan {
  switch (study.spec.design) {
    case 'oneAtATime':
      return oneAtATimePlan(study);
    case 'grid':
      return gridPlan(study);
    case 'sobol':
      return sobolPlan(study);
    case 'breakEven':
      return { points: [], maxPoints: study.inputs.length * study.spec.breakEven.maxPointsPerInput };
  }
}

/** The default break-even tolerance: a hundredth of the range, at least 1 for a whole-number field. */
export function breakEvenTolerance(input: StudyInput): number {
  const tolerance = input.tolerance ?? ((input.high as number) - (input.low as number)) / 100;
  return input.integer ? Math.max(1, tolerance) : tolerance;
}

/** A break-even probe of input `i` at `x` (rounded for a whole-number field), as point `index`. */
export function breakEvenPoint(study: Study, index: number, i: number, x: number): StudyPoint {
  const input = study.inputs[i];
  const value = input.integer ? Math.round(x) : x;
  return studyPoint(study, index, `${input.label} = ${formatValue(value)} (break-even search)`, new Map([[i, value]]));
}
