// What the worst 5% of futures look like for each strategy: in the trials where the strategy's NPV
// is among its lowest 5%, the BTC price path, AI winters and the energy price, against all futures.
// So a committee sees why the tail is bad, not just how bad. Pure: reads a trial table.
import { quantileOfSorted } from './reportData.js';
import { trialColumnName, type TrialTable } from './reportTrials.js';
import type { Summary } from './summary.js';

/** The tail the report dissects: the same 5% as VaR and CVaR. */
export const TAIL_SHARE = 0.05;

export interface TailMeasure {
  label: string;
  unit: string;
  /** median or mean of the column over the trials, or the share of trials where it is above 0. */
  statistic: 'median' | 'mean' | 'share';
  /** A market metric (the same column for every strategy), or a strategy metric (`<strategy>.<metric>`). */
  level: 'market' | 'strategy';
  metric: string;
}

export const TAIL_MEASURES: readonly TailMeasure[] = [
  { label: 'BTC price at the horizon', unit: 'USD, median', statistic: 'median', level: 'market', metric: 'finalPriceUsd' },
  { label: 'mean BTC price over the horizon', unit: 'USD, median', statistic: 'median', level: 'market', metric: 'meanPriceUsd' },
  { label: 'mean hashprice', unit: 'USD/PH/day, median', statistic: 'median', level: 'market', metric: 'meanHashpriceUsdPerPhDay' },
  { label: 'futures with an AI winter', unit: 'share of futures', statistic: 'share', level: 'market', metric: 'aiWinterMonths' },
  { label: 'months in AI winter', unit: 'months, mean', statistic: 'mean', level: 'market', metric: 'aiWinterMonths' },
  { label: 'mean AI demand index', unit: '1 = normal, median', statistic: 'median', level: 'market', metric: 'meanAiDemandIndex' },
  { label: 'mean energy price', unit: 'USD/MWh, mean', statistic: 'mean', level: 'market', metric: 'meanEnergyUsdPerMwh' },
  { label: 'futures with a tenant default', unit: 'share of futures', statistic: 'share', level: 'strategy', metric: 'tenantDefaults' },
  { label: 'month the first lease was signed', unit: 'month, median where signed', statistic: 'median', level: 'strategy', metric: 'leaseSignedMonth' },
  { label: 'BTC price at the switch', unit: 'USD, median where switched', statistic: 'median', level: 'strategy', metric: 'switchPriceUsd' },
];

/** The trials.csv column of a measure for a strategy. */
export function measureColumn(measure: TailMeasure, strategy: string): string {
  return measure.level === 'market' ? measure.metric : trialColumnName(strategy, measure.metric);
}

export interface TailRow {
  measure: TailMeasure;
  /** Over every trial, per strategy (the same value for every strategy of a market measure); null where undefined. */
  all: (number | null)[];
  /** Over each strategy's worst 5%, in the order of summary.strategies. */
  tails: (number | null)[];
}

export interface TailAnatomy {
  strategies: string[];
  /** Trials in each strategy's tail. */
  tailTrials: number[];
  /** The measures with something to show: a market measure always, a strategy's own where it ever happens. */
  rows: TailRow[];
  /** Measures whose columns the trials lack (a results folder an older hashpivot wrote). */
  unrecorded: TailMeasure[];
}

/** Indices of the `count` trials with the lowest values (NaN never among them); ties broken by trial order. */
export function lowestTrials(values: Float64Array, share: number): Uint32Array {
  let defined = 0;
  for (let t = 0; t < values.length; t++) if (values[t] === values[t]) defined++;
  if (defined === 0) return new Uint32Array(0);
  const count = Math.max(1, Math.ceil(share * defined));
  const sorted = new Float64Array(defined);
  for (let t = 0, j = 0; t < values.length; t++) if (values[t] === values[t]) sorted[j++] = values[t];
  sorted.sort();
  const threshold = sorted[count - 1];
  let below = 0;
  for (let i = 0; i < count; i++) if (sorted[i] < threshold) below++;
  const out = new Uint32Array(count);
  let k = 0;
  let ties = count - below;
  for (let t = 0; t < values.length && k < count; t++) {
    if (values[t] < threshold) out[k++] = t;
    else if (values[t] === threshold && ties > 0) {
      out[k++] = t;
      ties--;
    }
  }
  return out.sort();
}

/** The statistic of the defined values among `trials` (every trial when null), in trial order. */
function statisticOf(values: Float64Array, trials: Uint32Array | null, statistic: TailMeasure['statistic']): number | null {
  // Plain loops into a typed array: at 10^6 trials a JS array of boxed numbers cost more than the sort.
  const picked = new Float64Array(trials ? trials.length : values.length);
  let n = 0;
  if (trials) {
    for (let k = 0; k < trials.length; k++) {
      const v = values[trials[k]];
      if (v === v) picked[n++] = v;
    }
  } else {
    for (let t = 0; t < values.length; t++) if (values[t] === values[t]) picked[n++] = values[t];
  }
  if (n === 0) return null;
  if (statistic === 'share') {
    let above = 0;
    for (let k = 0; k < n; k++) if (picked[k] > 0) above++;
    return above / n;
  }
  if (statistic === 'mean') {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += picked[k];
    return sum / n;
  }
  return quantileOfSorted(picked.subarray(0, n).sort(), 0.5);
}

/**
 * Null when the trials hold none of the measures' columns (results written by an older hashpivot).
 * A strategy measure that is undefined for every strategy (no strategy converts) is left out.
 */
export function tailAnatomy(summary: Summary, trials: TrialTable): TailAnatomy | null {
  const strategies = summary.strategies.map((s) => s.name);
  const measures = TAIL_MEASURES.filter((m) => strategies.every((name) => trials.has(measureColumn(m, name))));
  if (measures.length === 0) return null;
  const tails = strategies.map((name) => lowestTrials(trials.column(trialColumnName(name, 'npvUsd')), TAIL_SHARE));
  const rows = measures.map((measure) => {
    const columns = strategies.map((name) => trials.column(measureColumn(measure, name)));
    // A market measure reads one column for every strategy: its statistic over all trials once.
    const overAll = new Map<Float64Array, number | null>();
    const all = (values: Float64Array) => {
      if (!overAll.has(values)) overAll.set(values, statisticOf(values, null, measure.statistic));
      return overAll.get(values) as number | null;
    };
    return {
      measure,
      all: columns.map(all),
      tails: tails.map((t, s) => statisticOf(columns[s], t, measure.statistic)),
    };
  });
  return {
    strategies,
    tailTrials: tails.map((t) => t.length),
    rows: rows.filter((row) => row.measure.level === 'market' || row.all.some((x, s) => x !== null && !(row.measure.statistic === 'share' && x === 0 && row.tails[s] === 0))),
    unrecorded: TAIL_MEASURES.filter((m) => !measures.includes(m)),
  };
}
