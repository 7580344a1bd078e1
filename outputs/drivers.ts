// The per-trial drivers the report attributes outcomes to (trials.csv columns the kernel records,
// engine/outcomes.ts), and which of them explain the paired NPV difference of each strategy against
// the baseline: a regression of the per-trial difference on the drivers, R^2 shared out among them
// (relativeImportance.ts). Pure: reads a trial table.
import type { OrientedPair } from './reportData.js';
import { regressOnDrivers, type DriverColumn, type Regression } from './relativeImportance.js';
import { trialColumnName, type TrialTable } from './reportTrials.js';
import type { Summary } from './summary.js';

export interface Driver {
  /** trials.csv column: a market metric, or for a strategy driver the metric after `<strategy>.`. */
  metric: string;
  label: string;
  unit: string;
}

/** What kind of future a trial was: shared by every strategy. */
export const MARKET_DRIVERS: readonly Driver[] = [
  { metric: 'meanPriceUsd', label: 'mean BTC price', unit: 'USD' },
  { metric: 'finalPriceUsd', label: 'BTC price at the horizon', unit: 'USD' },
  { metric: 'meanHashpriceUsdPerPhDay', label: 'mean hashprice', unit: 'USD/PH/day' },
  { metric: 'aiWinterMonths', label: 'months in AI winter', unit: 'months' },
  { metric: 'meanAiDemandIndex', label: 'mean AI demand index', unit: '1 = normal' },
  { metric: 'meanEnergyUsdPerMwh', label: 'mean energy price', unit: 'USD/MWh' },
  { metric: 'meanFeesBtcPerBlock', label: 'mean fees', unit: 'BTC/block' },
];

/** The trial columns of the drivers, for reading a results folder (optional: older folders lack them). */
export function driverColumns(summary: Summary): string[] {
  void summary;
  return MARKET_DRIVERS.map((d) => d.metric);
}

export interface PairDrivers {
  pair: OrientedPair;
  /** Null when the trials hold no driver columns. */
  regression: Regression | null;
}

/** For each pair other - baseline, the regression of the per-trial NPV difference on the drivers. */
export function explainDifferences(pairs: readonly OrientedPair[], trials: TrialTable): PairDrivers[] {
  const market: DriverColumn[] = MARKET_DRIVERS.filter((d) => trials.has(d.metric)).map((d) => ({ name: d.label, values: trials.column(d.metric) }));
  return pairs.map((pair) => {
    if (market.length === 0) return { pair, regression: null };
    const other = trials.column(trialColumnName(pair.other, 'npvUsd'));
    const base = trials.column(trialColumnName(pair.baseline, 'npvUsd'));
    const difference = new Float64Array(other.length);
    for (let t = 0; t < other.length; t++) difference[t] = other[t] - base[t];
    return { pair, regression: regressOnDrivers(difference, market) };
  });
}
