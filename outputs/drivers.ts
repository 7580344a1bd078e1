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
  { metric: 'finalAiDemandIndex', label: 'AI demand index at the horizon', unit: '1 = normal' },
  { metric: 'meanEnergyUsdPerMwh', label: 'mean energy price', unit: 'USD/MWh' },
  { metric: 'meanFeesBtcPerBlock', label: 'mean fees', unit: 'BTC/block' },
];

/**
 * What happened to the strategy itself in the trial: when it converted (the horizon when it never
 * did), when its first lease was signed (the horizon when none was), how many tenants defaulted,
 * and the BTC price when it converted (used only when it converts in every trial: a price that
 * exists in some trials only cannot enter a regression over all of them).
 */
export const STRATEGY_DRIVERS: readonly (Driver & { absent: 'horizon' | 'skip' })[] = [
  { metric: 'switchMonth', label: 'switch month', unit: 'month', absent: 'horizon' },
  { metric: 'switchPriceUsd', label: 'BTC price at the switch', unit: 'USD', absent: 'skip' },
  { metric: 'leaseSignedMonth', label: 'month the first lease was signed', unit: 'month', absent: 'horizon' },
  { metric: 'tenantDefaults', label: 'tenant defaults', unit: 'count', absent: 'skip' },
];

/** The trial columns of the drivers, for reading a results folder (optional: older folders lack them). */
export function driverColumns(summary: Summary): string[] {
  return [...MARKET_DRIVERS.map((d) => d.metric), ...summary.strategies.flatMap((s) => STRATEGY_DRIVERS.map((d) => trialColumnName(s.name, d.metric)))];
}

export interface PairDrivers {
  pair: OrientedPair;
  /** Null when the trials hold no driver columns. */
  regression: Regression | null;
}

/** A strategy's driver as a regression column: absent values at the horizon, or null when it must be skipped. */
function strategyDriver(trials: TrialTable, strategy: string, driver: (typeof STRATEGY_DRIVERS)[number], horizonMonths: number, label: string): DriverColumn | null {
  const column = trialColumnName(strategy, driver.metric);
  if (!trials.has(column)) return null;
  const values = trials.column(column);
  let absent = 0;
  for (let t = 0; t < values.length; t++) if (values[t] !== values[t]) absent++;
  if (absent === 0) return { name: label, values };
  if (driver.absent === 'skip' || absent === values.length) return null;
  const filled = new Float64Array(values.length);
  for (let t = 0; t < values.length; t++) filled[t] = values[t] === values[t] ? values[t] : horizonMonths;
  return { name: label, values: filled };
}

/**
 * For each pair other - baseline, the regression of the per-trial NPV difference on the market
 * drivers and both strategies' own (the baseline's labelled as such; a stay baseline has none that vary).
 */
export function explainDifferences(summary: Summary, pairs: readonly OrientedPair[], trials: TrialTable): PairDrivers[] {
  const horizonMonths = Number(summary.scenario.horizonMonths);
  const market: DriverColumn[] = MARKET_DRIVERS.filter((d) => trials.has(d.metric)).map((d) => ({ name: d.label, values: trials.column(d.metric) }));
  return pairs.map((pair) => {
    const own = (strategy: string, prefix: string) =>
      STRATEGY_DRIVERS.map((d) => strategyDriver(trials, strategy, d, horizonMonths, `${prefix}${d.label}`)).filter((c): c is DriverColumn => c !== null);
    const drivers = [...market, ...own(pair.other, ''), ...own(pair.baseline, `${pair.baseline}: `)];
    if (drivers.length === 0) return { pair, regression: null };
    const other = trials.column(trialColumnName(pair.other, 'npvUsd'));
    const base = trials.column(trialColumnName(pair.baseline, 'npvUsd'));
    const difference = new Float64Array(other.length);
    for (let t = 0; t < other.length; t++) difference[t] = other[t] - base[t];
    return { pair, regression: regressOnDrivers(difference, drivers) };
  });
}
